//! Lexer and parser: expression text to a [`Node`] tree, every node carrying its byte offset.
//!
//! Grammar (as Microsoft's designer parses it):
//! `expr := primary postfix*`, `primary := literal | name '(' args ')'`,
//! `postfix := '.' name | '[' expr ']' | '?.' name | '?[' expr ']'`.
//! Literals are `'single-quoted'` strings (`''` is a quote), integers, floats, `true`, `false`
//! and `null`. Function names are case-insensitive and resolved here, once, so evaluation never
//! looks a name up.

use serde_json::Value;

use super::functions::{self, Builtin};

/// A parsed expression.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    Literal(Value),
    Call {
        at: usize,
        callee: Callee,
        args: Vec<Node>,
    },
    /// `target.key`, `target[key]`, and with `safe` the `?` forms that give null instead of failing.
    Member {
        at: usize,
        target: Box<Node>,
        key: Box<Node>,
        safe: bool,
    },
}

/// What a call runs: one of ours, or a workflow function the [`super::Scope`] answers.
#[derive(Debug, Clone)]
pub(crate) enum Callee {
    Builtin(&'static Builtin),
    Runtime(String),
}

/// A syntax error at a byte offset of the text being parsed.
#[derive(Debug)]
pub(crate) struct SyntaxError {
    pub at: usize,
    pub message: String,
}

type Parsed<T> = Result<T, SyntaxError>;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Token<'a> {
    Name(&'a str),
    Int(i64),
    Float(f64),
    Str(&'a str),
    Open,
    Close,
    OpenBracket,
    CloseBracket,
    Comma,
    Dot,
    Question,
    /// A character the grammar has no place for (`}` ends an `@{…}`; the caller checks).
    Other(char),
    End,
}

fn describe(token: Token<'_>) -> String {
    match token {
        Token::Name(name) => format!("'{name}'"),
        Token::Int(_) | Token::Float(_) => "a number".into(),
        Token::Str(_) => "a string".into(),
        Token::Open => "'('".into(),
        Token::Close => "')'".into(),
        Token::OpenBracket => "'['".into(),
        Token::CloseBracket => "']'".into(),
        Token::Comma => "','".into(),
        Token::Dot => "'.'".into(),
        Token::Question => "'?'".into(),
        Token::Other(c) => format!("'{c}'"),
        Token::End => "the end of the expression".into(),
    }
}

/// Parses one expression starting at byte `start` of `text`; returns it and the byte offset
/// after it (and after trailing white space). The caller decides what may follow.
pub(crate) fn parse_prefix(text: &str, start: usize) -> Parsed<(Node, usize)> {
    let mut parser = Parser { text, pos: start, peeked: None, depth: 0 };
    let node = parser.expression()?;
    let (_, at, _) = parser.peek()?;
    Ok((node, at))
}

/// Parses a whole expression: anything after it is an error.
pub(crate) fn parse(text: &str) -> Parsed<Node> {
    let (node, end) = parse_prefix(text, 0)?;
    if end < text.len() {
        let mut parser = Parser { text, pos: end, peeked: None, depth: 0 };
        let (token, at, _) = parser.peek()?;
        return Err(SyntaxError { at, message: format!("unexpected {} after the expression", describe(token)) });
    }
    Ok(node)
}

/// Nesting deeper than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 256;

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    /// The next token, its start and its end.
    peeked: Option<(Token<'a>, usize, usize)>,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn peek(&mut self) -> Parsed<(Token<'a>, usize, usize)> {
        if let Some(peeked) = self.peeked {
            return Ok(peeked);
        }
        let token = self.lex()?;
        self.peeked = Some(token);
        Ok(token)
    }

    fn next(&mut self) -> Parsed<(Token<'a>, usize, usize)> {
        let token = self.peek()?;
        self.peeked = None;
        self.pos = token.2;
        Ok(token)
    }

    fn expect(&mut self, wanted: Token<'static>, context: &str) -> Parsed<()> {
        let (token, at, _) = self.next()?;
        if token == wanted {
            Ok(())
        } else {
            Err(SyntaxError {
                at,
                message: format!("expected {} {context}, found {}", describe(wanted), describe(token)),
            })
        }
    }

    fn lex(&self) -> Parsed<(Token<'a>, usize, usize)> {
        let bytes = self.text.as_bytes();
        let mut at = self.pos;
        while bytes.get(at).is_some_and(|b| b.is_ascii_whitespace()) {
            at += 1;
        }
        let Some(&first) = bytes.get(at) else { return Ok((Token::End, at, at)) };
        let single = |token| Ok((token, at, at + 1));
        match first {
            b'(' => single(Token::Open),
            b')' => single(Token::Close),
            b'[' => single(Token::OpenBracket),
            b']' => single(Token::CloseBracket),
            b',' => single(Token::Comma),
            // `.3` is a number (the reference writes `sub(10.3, .3)`); a property name cannot start
            // with a digit, so this never hides a member access.
            b'.' if bytes.get(at + 1).is_some_and(u8::is_ascii_digit) => self.number(at),
            b'.' => single(Token::Dot),
            b'?' => single(Token::Question),
            b'\'' => self.string(at),
            b'-' | b'+' | b'0'..=b'9' => self.number(at),
            b if b.is_ascii_alphabetic() || b == b'_' || b == b'$' => {
                let end = scan(bytes, at, |b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$');
                Ok((Token::Name(self.slice(at, end)), at, end))
            }
            _ => {
                let found = self.text.get(at..).and_then(|rest| rest.chars().next()).unwrap_or('?');
                Ok((Token::Other(found), at, at + found.len_utf8()))
            }
        }
    }

    fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or_default()
    }

    fn string(&self, start: usize) -> Parsed<(Token<'a>, usize, usize)> {
        let bytes = self.text.as_bytes();
        let mut at = start + 1;
        loop {
            match bytes.get(at) {
                None => return Err(SyntaxError { at: start, message: "the string literal is not closed".into() }),
                Some(b'\'') if bytes.get(at + 1) == Some(&b'\'') => at += 2,
                Some(b'\'') => return Ok((Token::Str(self.slice(start + 1, at)), start, at + 1)),
                Some(_) => at += 1,
            }
        }
    }

    fn number(&self, start: usize) -> Parsed<(Token<'a>, usize, usize)> {
        let bytes = self.text.as_bytes();
        let digits_from = if matches!(bytes.get(start), Some(b'-' | b'+')) { start + 1 } else { start };
        let mut end = scan(bytes, digits_from, |b| b.is_ascii_digit());
        if end == digits_from && bytes.get(end) != Some(&b'.') {
            return Err(SyntaxError { at: start, message: "expected digits after the sign".into() });
        }
        let mut float = false;
        if bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
            float = true;
            end = scan(bytes, end + 1, |b| b.is_ascii_digit());
        }
        if matches!(bytes.get(end), Some(b'e' | b'E')) {
            let sign = usize::from(matches!(bytes.get(end + 1), Some(b'-' | b'+')));
            if bytes.get(end + 1 + sign).is_some_and(u8::is_ascii_digit) {
                float = true;
                end = scan(bytes, end + 1 + sign, |b| b.is_ascii_digit());
            }
        }
        let text = self.slice(start, end);
        let token = if float {
            text.parse().ok().filter(|f: &f64| f.is_finite()).map(Token::Float)
        } else {
            text.parse().ok().map(Token::Int)
        };
        let token =
            token.ok_or_else(|| SyntaxError { at: start, message: format!("the number {text} is out of range") })?;
        Ok((token, start, end))
    }

    /// Counts one level of nesting (a call argument, an index, a member access): evaluation
    /// recurses once per level, so the total along any path is bounded.
    fn deeper(&mut self) -> Parsed<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let (_, at, _) = self.peek()?;
            return Err(SyntaxError { at, message: format!("the expression nests deeper than {MAX_DEPTH} levels") });
        }
        Ok(())
    }

    fn expression(&mut self) -> Parsed<Node> {
        let entry = self.depth;
        self.deeper()?;
        let mut node = self.primary()?;
        loop {
            let (token, at, _) = self.peek()?;
            if matches!(token, Token::Question | Token::Dot | Token::OpenBracket) {
                self.deeper()?;
            }
            let safe = token == Token::Question;
            if safe {
                self.next()?;
            }
            let (token, _, _) = self.peek()?;
            node = match token {
                Token::Dot => {
                    self.next()?;
                    let (name, name_at, _) = self.next()?;
                    let Token::Name(name) = name else {
                        return Err(SyntaxError {
                            at: name_at,
                            message: format!("expected a property name after '.', found {}", describe(name)),
                        });
                    };
                    let key = Box::new(Node::Literal(Value::String(name.to_owned())));
                    Node::Member { at, target: Box::new(node), key, safe }
                }
                Token::OpenBracket => {
                    self.next()?;
                    let key = Box::new(self.expression()?);
                    self.expect(Token::CloseBracket, "to close the index")?;
                    Node::Member { at, target: Box::new(node), key, safe }
                }
                _ if safe => {
                    let (token, at, _) = self.peek()?;
                    return Err(SyntaxError {
                        at,
                        message: format!("expected '.' or '[' after '?', found {}", describe(token)),
                    });
                }
                _ => break,
            };
        }
        self.depth = entry;
        Ok(node)
    }

    fn primary(&mut self) -> Parsed<Node> {
        let (token, at, _) = self.next()?;
        match token {
            Token::Int(i) => Ok(Node::Literal(Value::from(i))),
            Token::Float(f) => Ok(Node::Literal(Value::from(f))),
            Token::Str(s) => Ok(Node::Literal(Value::String(s.replace("''", "'")))),
            Token::Name(name) => {
                let (next, _, _) = self.peek()?;
                if next != Token::Open {
                    return match name.to_ascii_lowercase().as_str() {
                        "true" => Ok(Node::Literal(Value::Bool(true))),
                        "false" => Ok(Node::Literal(Value::Bool(false))),
                        "null" => Ok(Node::Literal(Value::Null)),
                        _ => Err(SyntaxError {
                            at,
                            message: format!("'{name}' is not a literal; a function call needs '(' after its name"),
                        }),
                    };
                }
                self.next()?;
                let args = self.arguments()?;
                let callee = match functions::lookup(name) {
                    Some(builtin) => {
                        builtin.check_arity(args.len()).map_err(|message| SyntaxError { at, message })?;
                        Callee::Builtin(builtin)
                    }
                    None => Callee::Runtime(name.to_owned()),
                };
                Ok(Node::Call { at, callee, args })
            }
            other => Err(SyntaxError {
                at,
                message: format!("expected a value or a function call, found {}", describe(other)),
            }),
        }
    }

    fn arguments(&mut self) -> Parsed<Vec<Node>> {
        let mut args = Vec::new();
        if self.peek()?.0 == Token::Close {
            self.next()?;
            return Ok(args);
        }
        loop {
            args.push(self.expression()?);
            let (token, at, _) = self.next()?;
            match token {
                Token::Comma => {}
                Token::Close => return Ok(args),
                other => {
                    return Err(SyntaxError {
                        at,
                        message: format!("expected ',' or ')' in the arguments, found {}", describe(other)),
                    })
                }
            }
        }
    }
}

fn scan(bytes: &[u8], mut at: usize, keep: impl Fn(u8) -> bool) -> usize {
    while bytes.get(at).is_some_and(|&b| keep(b)) {
        at += 1;
    }
    at
}
