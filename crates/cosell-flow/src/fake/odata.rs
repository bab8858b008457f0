//! The OData `$filter` subset the flows use, for the fake services: `eq ne gt ge lt le`, `and`,
//! `or`, `not`, parentheses, `startswith`, `endswith`, `contains`, `null`, string, number,
//! boolean, GUID and unquoted DateTimeOffset/Date literals (compared as instants), and `a/b` paths into nested objects. Lambdas (`any`, `all`) and
//! arithmetic are refused with the position, so a flow that needs them fails its test.

use serde_json::Value;

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    Compare(Operand, Op, Operand),
    Call(Function, Operand, Operand),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    StartsWith,
    EndsWith,
    Contains,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Path(Vec<String>),
    /// A quoted string, a number, `true`, `false` or `null`.
    Literal(Value),
    /// An unquoted GUID (`Edm.Guid`), kept as written.
    Guid(String),
    /// An unquoted `Edm.DateTimeOffset` or `Edm.Date` (`2025-01-01T00:00:00Z`, `2025-01-01`):
    /// the text and its instant in Unix milliseconds.
    Instant {
        text: String,
        unix_millis: i64,
        date_only: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Str(String),
    Number(f64),
    Open,
    Close,
    Comma,
}

/// Parses a `$filter` value; errors say `at position N: …` (0-based, in characters).
pub fn parse(text: &str) -> Result<Filter, String> {
    let tokens = tokenize(text)?;
    let mut parser = Parser { tokens, at: 0, end: text.chars().count() };
    let filter = parser.or()?;
    match parser.tokens.get(parser.at) {
        None => Ok(filter),
        Some((pos, t)) => Err(format!("at position {pos}: unexpected {}", describe(t))),
    }
}

fn tokenize(text: &str) -> Result<Vec<(usize, Token)>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let start = i;
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                out.push((start, Token::Open));
                i += 1;
            }
            ')' => {
                out.push((start, Token::Close));
                i += 1;
            }
            ',' => {
                out.push((start, Token::Comma));
                i += 1;
            }
            '\'' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(format!("at position {start}: the string is not closed")),
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            s.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(ch) => {
                            s.push(*ch);
                            i += 1;
                        }
                    }
                }
                out.push((start, Token::Str(s)));
            }
            c if c.is_alphanumeric() || c == '_' || c == '-' || c == '.' || c == '@' => {
                // A '+' continues a word that starts with a digit: a DateTimeOffset's offset.
                let numeric = c.is_ascii_digit();
                while chars.get(i).is_some_and(|ch| {
                    ch.is_alphanumeric() || matches!(ch, '_' | '-' | '.' | '/' | '@' | ':') || (numeric && *ch == '+')
                }) {
                    i += 1;
                }
                let word: String = chars.get(start..i).map(|w| w.iter().collect()).unwrap_or_default();
                let is_number = word.parse::<f64>().is_ok() && !is_guid(&word);
                out.push((
                    start,
                    if is_number { Token::Number(word.parse().unwrap_or(0.0)) } else { Token::Word(word) },
                ));
            }
            other => return Err(format!("at position {start}: unexpected character {other:?}")),
        }
    }
    Ok(out)
}

/// An unquoted OData date (`2025-01-01`) or date-time with a zone (`…T00:00:00Z`, `…+02:00`).
fn instant_literal(word: &str) -> Option<Operand> {
    let shaped = word.len() >= 10
        && word.char_indices().take(10).all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() });
    let zoned =
        word.len() == 10 || word.ends_with(['Z', 'z']) || word.get(10..).is_some_and(|t| t.contains(['+', '-']));
    if !(shaped && zoned) {
        return None;
    }
    let unix_millis = crate::run::parse_instant(word)?;
    Some(Operand::Instant { text: word.to_owned(), unix_millis, date_only: word.len() == 10 })
}

fn is_guid(word: &str) -> bool {
    word.len() == 36
        && word.char_indices().all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() })
}

fn describe(t: &Token) -> String {
    match t {
        Token::Word(w) => format!("'{w}'"),
        Token::Str(s) => format!("string '{s}'"),
        Token::Number(n) => format!("number {n}"),
        Token::Open => "'('".into(),
        Token::Close => "')'".into(),
        Token::Comma => "','".into(),
    }
}

struct Parser {
    tokens: Vec<(usize, Token)>,
    at: usize,
    /// The text's length, the position reported past the last token.
    end: usize,
}

impl Parser {
    fn peek_word(&self, word: &str) -> bool {
        matches!(self.tokens.get(self.at), Some((_, Token::Word(w))) if w.eq_ignore_ascii_case(word))
    }

    fn position(&self) -> usize {
        self.tokens.get(self.at).map_or(self.end, |(p, _)| *p)
    }

    fn next(&mut self) -> Result<(usize, Token), String> {
        let pos = self.position();
        let t =
            self.tokens.get(self.at).cloned().ok_or_else(|| format!("at position {pos}: the filter ends too early"))?;
        self.at += 1;
        Ok(t)
    }

    fn expect(&mut self, want: &Token) -> Result<(), String> {
        let (pos, t) = self.next()?;
        if &t == want {
            Ok(())
        } else {
            Err(format!("at position {pos}: expected {}, found {}", describe(want), describe(&t)))
        }
    }

    fn or(&mut self) -> Result<Filter, String> {
        let mut left = self.and()?;
        while self.peek_word("or") {
            self.at += 1;
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, String> {
        let mut left = self.unary()?;
        while self.peek_word("and") {
            self.at += 1;
            left = Filter::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, String> {
        if self.peek_word("not") {
            self.at += 1;
            return Ok(Filter::Not(Box::new(self.unary()?)));
        }
        if matches!(self.tokens.get(self.at), Some((_, Token::Open))) {
            self.at += 1;
            let inner = self.or()?;
            self.expect(&Token::Close)?;
            return Ok(inner);
        }
        let function =
            [("startswith", Function::StartsWith), ("endswith", Function::EndsWith), ("contains", Function::Contains)]
                .into_iter()
                .find(|(name, _)| {
                    self.peek_word(name) && matches!(self.tokens.get(self.at + 1), Some((_, Token::Open)))
                });
        if let Some((_, f)) = function {
            self.at += 2;
            let a = self.operand()?;
            self.expect(&Token::Comma)?;
            let b = self.operand()?;
            self.expect(&Token::Close)?;
            return Ok(Filter::Call(f, a, b));
        }
        let left = self.operand()?;
        let pos = self.position();
        let (_, t) = self.next()?;
        let op = match &t {
            Token::Word(w) => match w.to_ascii_lowercase().as_str() {
                "eq" => Op::Eq,
                "ne" => Op::Ne,
                "gt" => Op::Gt,
                "ge" => Op::Ge,
                "lt" => Op::Lt,
                "le" => Op::Le,
                _ => {
                    return Err(format!(
                        "at position {pos}: {} is not a supported operator (eq, ne, gt, ge, lt, le)",
                        describe(&t)
                    ))
                }
            },
            _ => return Err(format!("at position {pos}: expected an operator, found {}", describe(&t))),
        };
        Ok(Filter::Compare(left, op, self.operand()?))
    }

    fn operand(&mut self) -> Result<Operand, String> {
        let (pos, t) = self.next()?;
        match t {
            Token::Str(s) => Ok(Operand::Literal(Value::String(s))),
            Token::Number(n) => Ok(Operand::Literal(serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number))),
            Token::Word(w) if let Some(instant) = instant_literal(&w) => Ok(instant),
            Token::Word(w) => match w.to_ascii_lowercase().as_str() {
                "null" => Ok(Operand::Literal(Value::Null)),
                "true" => Ok(Operand::Literal(Value::Bool(true))),
                "false" => Ok(Operand::Literal(Value::Bool(false))),
                _ if is_guid(&w) => Ok(Operand::Guid(w)),
                _ if w.contains(':') || matches!(self.tokens.get(self.at), Some((_, Token::Open))) => {
                    Err(format!("at position {pos}: '{w}' is not supported by this fake (lambdas and functions other than startswith, endswith, contains)"))
                }
                _ => Ok(Operand::Path(w.split('/').map(str::to_owned).collect())),
            },
            other => Err(format!("at position {pos}: expected a column or a value, found {}", describe(&other))),
        }
    }
}

impl Filter {
    /// Whether a row matches. Strings compare case-insensitively, as Dataverse's collation does.
    /// UNCERTAIN for Partner Center, which documents no collation.
    pub fn matches(&self, row: &Value) -> bool {
        match self {
            Filter::And(a, b) => a.matches(row) && b.matches(row),
            Filter::Or(a, b) => a.matches(row) || b.matches(row),
            Filter::Not(a) => !a.matches(row),
            Filter::Compare(a, op, b) => {
                let (x, y) = (a.value(row), b.value(row));
                let ordering =
                    if a.is_instant() || b.is_instant() { instant_ordering(&x, &y) } else { ordering(&x, &y) };
                holds(*op, ordering)
            }
            Filter::Call(f, a, b) => match (a.value(row), b.value(row)) {
                (Value::String(s), Value::String(p)) => {
                    let (s, p) = (s.to_lowercase(), p.to_lowercase());
                    match f {
                        Function::StartsWith => s.starts_with(&p),
                        Function::EndsWith => s.ends_with(&p),
                        Function::Contains => s.contains(&p),
                    }
                }
                _ => false,
            },
        }
    }

    /// The columns the filter reads (first path segment), for checking them against a table.
    pub fn columns(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect(&self, out: &mut Vec<String>) {
        match self {
            Filter::And(a, b) | Filter::Or(a, b) => {
                a.collect(out);
                b.collect(out);
            }
            Filter::Not(a) => a.collect(out),
            Filter::Compare(a, _, b) | Filter::Call(_, a, b) => {
                for operand in [a, b] {
                    if let Operand::Path(p) = operand {
                        if let Some(first) = p.first() {
                            out.push(first.clone());
                        }
                    }
                }
            }
        }
    }
}

impl Operand {
    fn is_instant(&self) -> bool {
        matches!(self, Operand::Instant { .. })
    }

    fn value(&self, row: &Value) -> Value {
        match self {
            Operand::Literal(v) => v.clone(),
            Operand::Guid(text) | Operand::Instant { text, .. } => Value::String(text.clone()),
            Operand::Path(path) => {
                let mut at = row;
                for segment in path {
                    match at.get(segment) {
                        Some(next) => at = next,
                        None => return Value::Null,
                    }
                }
                at.clone()
            }
        }
    }
}

/// Compares as instants: a row's date-time string against an unquoted date-time literal.
fn instant_ordering(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Null, Value::Null) => Some(std::cmp::Ordering::Equal),
        (Value::String(x), Value::String(y)) => Some(crate::run::parse_instant(x)?.cmp(&crate::run::parse_instant(y)?)),
        _ => None,
    }
}

fn ordering(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    use std::cmp::Ordering;
    match (a, b) {
        (Value::Null, Value::Null) => Some(Ordering::Equal),
        (Value::Null, _) | (_, Value::Null) => None,
        (Value::Number(x), Value::Number(y)) => x.as_f64().partial_cmp(&y.as_f64()),
        (Value::String(x), Value::String(y)) => Some(x.to_lowercase().cmp(&y.to_lowercase())),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        // A number column compared with a quoted number, as flows often write.
        (Value::Number(x), Value::String(y)) => y.parse::<f64>().ok().and_then(|y| x.as_f64()?.partial_cmp(&y)),
        (Value::String(x), Value::Number(y)) => x.parse::<f64>().ok().and_then(|x| x.partial_cmp(&y.as_f64()?)),
        _ => None,
    }
}

fn holds(op: Op, ordering: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering;
    match (op, ordering) {
        (Op::Eq, o) => o == Some(Ordering::Equal),
        (Op::Ne, o) => o != Some(Ordering::Equal),
        (_, None) => false,
        (Op::Gt, Some(o)) => o == Ordering::Greater,
        (Op::Ge, Some(o)) => o != Ordering::Less,
        (Op::Lt, Some(o)) => o == Ordering::Less,
        (Op::Le, Some(o)) => o != Ordering::Greater,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(filter: &str, row: Value) -> bool {
        parse(filter).unwrap().matches(&row)
    }

    #[test]
    fn comparisons_and_logic() {
        let row = json!({"name": "Contoso", "address1_postalcode": "98052", "n": 5, "flag": true, "empty": null,
            "customerProfile": {"address": {"country": "US"}}});
        assert!(m("name eq 'Contoso' and address1_postalcode eq '98052'", row.clone()));
        assert!(m("name eq 'contoso'", row.clone()), "case-insensitive");
        assert!(m("name ne 'Fabrikam'", row.clone()));
        assert!(m("n gt 4 and n ge 5 and n lt 6 and n le 5", row.clone()));
        assert!(m("flag eq true", row.clone()));
        assert!(m("empty eq null and missing eq null", row.clone()));
        assert!(m("name ne null", row.clone()));
        assert!(!m("n eq null", row.clone()));
        assert!(m("name eq 'X' or (n eq 5 and not (flag eq false))", row.clone()));
        assert!(m("customerProfile/address/country eq 'US'", row.clone()));
        assert!(m("startswith(name, 'Con') and endswith(name,'oso') and contains(name, 'nto')", row.clone()));
        assert!(!m("startswith(n, '5')", row.clone()));
        assert!(m("name eq 'O''Brien' or n eq '5'", row));
        assert!(m(
            "_x_value eq 0B9F6C7E-3D4B-4A5C-8D6E-7F8091A2B3C4",
            json!({"_x_value": "0b9f6c7e-3d4b-4a5c-8d6e-7f8091a2b3c4"})
        ));
    }

    #[test]
    fn errors_name_the_position() {
        assert_eq!(parse("name eq 'x").unwrap_err(), "at position 8: the string is not closed");
        assert_eq!(
            parse("name equals 'x'").unwrap_err(),
            "at position 5: 'equals' is not a supported operator (eq, ne, gt, ge, lt, le)"
        );
        assert_eq!(parse("name eq").unwrap_err(), "at position 7: the filter ends too early");
        assert_eq!(parse("(name eq 'x'").unwrap_err(), "at position 12: the filter ends too early");
        assert!(parse("team/any(t:t/email eq 'a')")
            .unwrap_err()
            .starts_with("at position 0: 'team/any' is not supported"));
        assert_eq!(parse("name eq 'a' 'b'").unwrap_err(), "at position 12: unexpected string 'b'");
        assert_eq!(parse("name eq $x").unwrap_err(), "at position 8: unexpected character '$'");
    }

    #[test]
    fn unquoted_date_times_and_dates_compare_as_instants() {
        let row = json!({"createdon": "2026-03-15T13:27:36Z", "none": null});
        assert!(m("createdon gt 2025-01-01T00:00:00Z", row.clone()));
        assert!(m("createdon gt 2026-03-15T15:00:00+02:00", row.clone()), "13:00Z is before 13:27:36Z");
        assert!(!m("createdon gt 2026-03-15T15:30:00+02:00", row.clone()));
        assert!(m("createdon eq 2026-03-15T14:27:36.000+01:00", row.clone()), "the same instant, spelt otherwise");
        assert!(m("createdon ge 2026-03-15 and createdon lt 2026-03-16", row.clone()));
        assert!(!m("none gt 2025-01-01", row.clone()));
        assert!(!m("createdon eq 2026-03-15", json!({"createdon": "not a date"})));
        assert_eq!(
            parse("createdon gt 2025-01-01T00:00:00Z").unwrap(),
            Filter::Compare(
                Operand::Path(vec!["createdon".into()]),
                Op::Gt,
                Operand::Instant {
                    text: "2025-01-01T00:00:00Z".into(),
                    unix_millis: 1_735_689_600_000,
                    date_only: false
                }
            )
        );
        assert!(parse("createdon gt 2025-01-01T00:00:00").is_err(), "a date-time needs its zone");
    }

    #[test]
    fn columns_are_listed() {
        assert_eq!(parse("a eq 1 and (startswith(b, 'x') or not c/d eq 2)").unwrap().columns(), ["a", "b", "c"]);
    }
}
