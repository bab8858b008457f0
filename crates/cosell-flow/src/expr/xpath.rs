//! `xpath()`: an XPath 1.0 subset over the XML of [`super::xml`], enough for what flows write
//! (and every example of the reference): absolute and relative paths, `//`, `.`, `..`, `*`,
//! `@name`, `text()`, `node()`, the `child`, `descendant`, `descendant-or-self`, `parent`,
//! `self` and `attribute` axes, predicates (positions and conditions), `|`, `or`, `and`,
//! `=`, `!=`, `<`, `<=`, `>`, `>=`, `+`, `-`, and the functions `last`, `position`, `count`,
//! `sum`, `string`, `number`, `boolean`, `not`, `true`, `false`, `concat`, `contains`,
//! `starts-with`, `string-length`, `normalize-space`, `name`, `local-name`, `namespace-uri`.
//!
//! Results as the runtime gives them: a node-set is an array (elements as XML content, text and
//! attributes as strings), a number, string or boolean is that value.

use serde_json::Value;

use super::value::{binary, float};
use super::xml::{self, escape, Child, Element};

/// A document flattened into nodes, in document order, with parents.
struct Tree {
    nodes: Vec<Node>,
}

struct Node {
    kind: Kind,
    parent: Option<usize>,
    children: Vec<usize>,
    attributes: Vec<usize>,
}

enum Kind {
    Root,
    Element(String),
    Attribute(String, String),
    Text(String),
}

impl Tree {
    fn build(root: &Element) -> Tree {
        let mut tree =
            Tree { nodes: vec![Node { kind: Kind::Root, parent: None, children: Vec::new(), attributes: Vec::new() }] };
        tree.add_element(root, 0);
        tree
    }

    fn push(&mut self, kind: Kind, parent: usize) -> usize {
        self.nodes.push(Node { kind, parent: Some(parent), children: Vec::new(), attributes: Vec::new() });
        self.nodes.len() - 1
    }

    fn add_element(&mut self, element: &Element, parent: usize) {
        let id = self.push(Kind::Element(element.name.clone()), parent);
        if let Some(node) = self.nodes.get_mut(parent) {
            node.children.push(id);
        }
        for (name, value) in &element.attributes {
            let attribute = self.push(Kind::Attribute(name.clone(), value.clone()), id);
            if let Some(node) = self.nodes.get_mut(id) {
                node.attributes.push(attribute);
            }
        }
        for child in &element.children {
            match child {
                Child::Element(e) => self.add_element(e, id),
                Child::Text(t) if t.trim().is_empty() => {}
                Child::Text(t) => {
                    let text = self.push(Kind::Text(t.clone()), id);
                    if let Some(node) = self.nodes.get_mut(id) {
                        node.children.push(text);
                    }
                }
            }
        }
    }

    fn node(&self, id: usize) -> Option<&Node> {
        self.nodes.get(id)
    }

    fn children(&self, id: usize) -> &[usize] {
        self.node(id).map_or(&[], |n| n.children.as_slice())
    }

    fn descendants(&self, id: usize, out: &mut Vec<usize>) {
        for &child in self.children(id) {
            out.push(child);
            self.descendants(child, out);
        }
    }

    fn string_value(&self, id: usize) -> String {
        match self.node(id).map(|n| &n.kind) {
            Some(Kind::Text(t)) => t.clone(),
            Some(Kind::Attribute(_, v)) => v.clone(),
            _ => self.children(id).iter().map(|&c| self.string_value(c)).collect(),
        }
    }

    /// The qualified name of an element or attribute.
    fn name(&self, id: usize) -> &str {
        match self.node(id).map(|n| &n.kind) {
            Some(Kind::Element(name) | Kind::Attribute(name, _)) => name,
            _ => "",
        }
    }

    fn namespace_uri(&self, id: usize) -> String {
        let name = self.name(id);
        let attribute = matches!(self.node(id).map(|n| &n.kind), Some(Kind::Attribute(..)));
        let declaration = match name.split_once(':') {
            Some(("xmlns", _)) => return String::new(),
            Some((prefix, _)) => format!("xmlns:{prefix}"),
            None if attribute => return String::new(),
            None => "xmlns".to_owned(),
        };
        let mut current = if attribute { self.node(id).and_then(|n| n.parent) } else { Some(id) };
        while let Some(at) = current {
            let node = self.node(at);
            let found =
                node.into_iter().flat_map(|n| n.attributes.iter()).find_map(|&a| match self.node(a).map(|n| &n.kind) {
                    Some(Kind::Attribute(n, v)) if *n == declaration => Some(v.clone()),
                    _ => None,
                });
            if let Some(uri) = found {
                return uri;
            }
            current = node.and_then(|n| n.parent);
        }
        String::new()
    }

    /// An element as XML text, with the namespace declarations it inherits.
    fn outer_xml(&self, id: usize) -> String {
        let mut out = String::new();
        let mut inherited: Vec<(String, String)> = Vec::new();
        let own: Vec<&str> = self.own_attributes(id).map(|(n, _)| n).collect();
        let mut current = self.node(id).and_then(|n| n.parent);
        while let Some(at) = current {
            for (name, value) in self.own_attributes(at) {
                let is_namespace = name == "xmlns" || name.starts_with("xmlns:");
                if is_namespace && !own.contains(&name) && !inherited.iter().any(|(n, _)| n == name) {
                    inherited.push((name.to_owned(), value.to_owned()));
                }
            }
            current = self.node(at).and_then(|n| n.parent);
        }
        self.write(id, &inherited, &mut out);
        out
    }

    fn own_attributes(&self, id: usize) -> impl Iterator<Item = (&str, &str)> {
        self.node(id).into_iter().flat_map(|n| n.attributes.iter()).filter_map(|&a| {
            match self.node(a).map(|n| &n.kind) {
                Some(Kind::Attribute(n, v)) => Some((n.as_str(), v.as_str())),
                _ => None,
            }
        })
    }

    fn write(&self, id: usize, extra: &[(String, String)], out: &mut String) {
        match self.node(id).map(|n| &n.kind) {
            Some(Kind::Text(t)) => out.push_str(&escape(t, false)),
            Some(Kind::Element(name)) => {
                out.push('<');
                out.push_str(name);
                let attributes = self.own_attributes(id).chain(extra.iter().map(|(n, v)| (n.as_str(), v.as_str())));
                for (n, v) in attributes {
                    out.push_str(&format!(" {n}=\"{}\"", escape(v, true)));
                }
                if self.children(id).is_empty() {
                    out.push_str(" />");
                    return;
                }
                out.push('>');
                for &child in self.children(id) {
                    self.write(child, &[], out);
                }
                out.push_str(&format!("</{name}>"));
            }
            _ => {}
        }
    }
}

/// An XPath value.
#[derive(Debug, Clone, PartialEq)]
enum Data {
    Nodes(Vec<usize>),
    Number(f64),
    Text(String),
    Boolean(bool),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Literal(String),
    Number(f64),
    Symbol(&'static str),
}

const SYMBOLS: &[&str] =
    &["//", "/", "::", "..", ".", "!=", "<=", ">=", "=", "<", ">", "[", "]", "(", ")", "@", ",", "|", "+", "-", "*"];

fn lex(text: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut rest = text.trim_start();
    while let Some(c) = rest.chars().next() {
        if let Some(quote) = Some(c).filter(|c| matches!(c, '\'' | '"')) {
            let body = rest.get(1..).unwrap_or_default();
            let end = body.find(quote).ok_or_else(|| format!("the XPath '{text}' has an unclosed string"))?;
            tokens.push(Token::Literal(body.get(..end).unwrap_or_default().to_owned()));
            rest = body.get(end + 1..).unwrap_or_default();
        } else if c.is_ascii_digit() || (c == '.' && rest.chars().nth(1).is_some_and(|d| d.is_ascii_digit())) {
            let end = rest.find(|d: char| !(d.is_ascii_digit() || d == '.')).unwrap_or(rest.len());
            let number = rest.get(..end).unwrap_or_default();
            tokens.push(Token::Number(number.parse().map_err(|_| format!("'{number}' is not a number in the XPath"))?));
            rest = rest.get(end..).unwrap_or_default();
        } else if c.is_alphabetic() || c == '_' {
            let end = rest
                .char_indices()
                .find(|&(i, d)| {
                    !(d.is_alphanumeric()
                        || matches!(d, '_' | '-' | '.')
                        || (d == ':' && rest.get(i + 1..i + 2) != Some(":")))
                })
                .map_or(rest.len(), |(i, _)| i);
            tokens.push(Token::Name(rest.get(..end).unwrap_or_default().to_owned()));
            rest = rest.get(end..).unwrap_or_default();
        } else if let Some(symbol) = SYMBOLS.iter().find(|s| rest.starts_with(**s)) {
            tokens.push(Token::Symbol(symbol));
            rest = rest.get(symbol.len()..).unwrap_or_default();
        } else {
            return Err(format!("unexpected '{c}' in the XPath '{text}'"));
        }
        rest = rest.trim_start();
    }
    Ok(tokens)
}

/// The evaluation context: a node, its position and the size of its node-set.
#[derive(Clone, Copy)]
struct Context {
    node: usize,
    position: usize,
    size: usize,
}

const MAX_DEPTH: usize = 100;

struct Evaluator<'t> {
    tree: &'t Tree,
    tokens: Vec<Token>,
    at: usize,
    depth: usize,
    /// Expressions evaluated so far (predicates run once per node): bounded, so a pathological
    /// path fails instead of running for hours.
    work: usize,
}

const MAX_WORK: usize = 1_000_000;

fn number_of(tree: &Tree, data: &Data) -> f64 {
    match data {
        Data::Number(n) => *n,
        Data::Boolean(b) => f64::from(u8::from(*b)),
        other => text_of(tree, other).trim().parse().unwrap_or(f64::NAN),
    }
}

fn text_of(tree: &Tree, data: &Data) -> String {
    match data {
        Data::Nodes(nodes) => nodes.first().map(|&n| tree.string_value(n)).unwrap_or_default(),
        Data::Number(n) if n.fract() == 0.0 && n.is_finite() => format!("{n:.0}"),
        Data::Number(n) => n.to_string(),
        Data::Text(t) => t.clone(),
        Data::Boolean(b) => b.to_string(),
    }
}

fn truth(data: &Data) -> bool {
    match data {
        Data::Nodes(nodes) => !nodes.is_empty(),
        Data::Number(n) => *n != 0.0 && !n.is_nan(),
        Data::Text(t) => !t.is_empty(),
        Data::Boolean(b) => *b,
    }
}

/// XPath comparison: node-sets compare by any of their members' string values.
fn compare(tree: &Tree, op: &str, left: &Data, right: &Data) -> bool {
    let atoms = |data: &Data| -> Vec<Data> {
        match data {
            Data::Nodes(nodes) => nodes.iter().map(|&n| Data::Text(tree.string_value(n))).collect(),
            other => vec![other.clone()],
        }
    };
    let (left, right) = (atoms(left), atoms(right));
    left.iter().any(|a| {
        right.iter().any(|b| match op {
            "=" | "!=" => {
                let equal = match (a, b) {
                    (Data::Boolean(_), _) | (_, Data::Boolean(_)) => truth(a) == truth(b),
                    (Data::Number(_), _) | (_, Data::Number(_)) => number_of(tree, a) == number_of(tree, b),
                    _ => text_of(tree, a) == text_of(tree, b),
                };
                equal == (op == "=")
            }
            _ => {
                let (x, y) = (number_of(tree, a), number_of(tree, b));
                match op {
                    "<" => x < y,
                    "<=" => x <= y,
                    ">" => x > y,
                    _ => x >= y,
                }
            }
        })
    })
}

impl Evaluator<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn is(&self, symbol: &str) -> bool {
        matches!(self.peek(), Some(Token::Symbol(s)) if *s == symbol)
    }

    fn is_name(&self, name: &str) -> bool {
        matches!(self.peek(), Some(Token::Name(n)) if n == name)
    }

    fn expect(&mut self, symbol: &str) -> Result<(), String> {
        if self.is(symbol) {
            self.at += 1;
            Ok(())
        } else {
            Err(format!("the XPath expects '{symbol}' at token {}", self.at + 1))
        }
    }

    /// Parses and evaluates at once (the expressions are small); `context` is where we stand.
    fn expr(&mut self, context: Context) -> Result<Data, String> {
        self.work += 1;
        if self.work > MAX_WORK {
            return Err("the XPath needs too much work on this document".into());
        }
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("the XPath nests too deeply".into());
        }
        let mut left = self.and(context)?;
        while self.is_name("or") {
            self.at += 1;
            let right = self.and(context)?;
            left = Data::Boolean(truth(&left) || truth(&right));
        }
        self.depth -= 1;
        Ok(left)
    }

    fn and(&mut self, context: Context) -> Result<Data, String> {
        let mut left = self.comparison(context)?;
        while self.is_name("and") {
            self.at += 1;
            let right = self.comparison(context)?;
            left = Data::Boolean(truth(&left) && truth(&right));
        }
        Ok(left)
    }

    fn comparison(&mut self, context: Context) -> Result<Data, String> {
        let mut left = self.additive(context)?;
        while let Some(Token::Symbol(op @ ("=" | "!=" | "<" | "<=" | ">" | ">="))) = self.peek().cloned() {
            self.at += 1;
            let right = self.additive(context)?;
            left = Data::Boolean(compare(self.tree, op, &left, &right));
        }
        Ok(left)
    }

    fn additive(&mut self, context: Context) -> Result<Data, String> {
        let mut left = self.unary(context)?;
        while let Some(Token::Symbol(op @ ("+" | "-"))) = self.peek().cloned() {
            self.at += 1;
            let right = self.unary(context)?;
            let (x, y) = (number_of(self.tree, &left), number_of(self.tree, &right));
            left = Data::Number(if op == "+" { x + y } else { x - y });
        }
        Ok(left)
    }

    fn unary(&mut self, context: Context) -> Result<Data, String> {
        if self.is("-") {
            self.at += 1;
            let value = self.unary(context)?;
            return Ok(Data::Number(-number_of(self.tree, &value)));
        }
        let mut left = self.path(context)?;
        while self.is("|") {
            self.at += 1;
            let right = self.path(context)?;
            match (left, right) {
                (Data::Nodes(mut a), Data::Nodes(b)) => {
                    a.extend(b);
                    a.sort_unstable();
                    a.dedup();
                    left = Data::Nodes(a);
                }
                _ => return Err("'|' joins node-sets only".into()),
            }
        }
        Ok(left)
    }

    fn path(&mut self, context: Context) -> Result<Data, String> {
        let start = if self.is("/") || self.is("//") {
            Data::Nodes(vec![0])
        } else if self.starts_step() {
            Data::Nodes(vec![context.node])
        } else {
            let mut value = self.primary(context)?;
            while self.is("[") {
                let Data::Nodes(nodes) = value else { return Err("a predicate needs a node-set".into()) };
                value = Data::Nodes(self.predicate(nodes)?);
            }
            if !(self.is("/") || self.is("//")) {
                return Ok(value);
            }
            value
        };
        let Data::Nodes(mut nodes) = start else { return Err("'/' needs a node-set on its left".into()) };
        let absolute_root_only = (self.is("/")
            && !matches!(self.tokens.get(self.at + 1), Some(t) if self.token_starts_step(t)))
        .then_some(());
        if absolute_root_only.is_some() {
            self.at += 1;
            return Ok(Data::Nodes(nodes));
        }
        let mut first = !(self.is("/") || self.is("//"));
        loop {
            if first {
                first = false;
            } else if self.is("//") {
                self.at += 1;
                nodes = self.descendant_or_self(&nodes);
            } else if self.is("/") {
                self.at += 1;
            } else {
                return Ok(Data::Nodes(nodes));
            }
            nodes = self.step(&nodes)?;
        }
    }

    fn token_starts_step(&self, token: &Token) -> bool {
        matches!(token, Token::Name(_) | Token::Symbol("." | ".." | "@" | "*"))
    }

    fn starts_step(&self) -> bool {
        match self.peek() {
            Some(Token::Name(name)) => {
                let call = matches!(self.tokens.get(self.at + 1), Some(Token::Symbol("(")));
                !call || matches!(name.as_str(), "text" | "node")
            }
            Some(t) => self.token_starts_step(t),
            None => false,
        }
    }

    fn descendant_or_self(&self, nodes: &[usize]) -> Vec<usize> {
        let mut out = Vec::new();
        for &node in nodes {
            out.push(node);
            self.tree.descendants(node, &mut out);
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    fn step(&mut self, nodes: &[usize]) -> Result<Vec<usize>, String> {
        let tree = self.tree;
        let parent = |n: usize| tree.node(n).and_then(|node| node.parent);
        if self.is(".") {
            self.at += 1;
            return Ok(nodes.to_vec());
        }
        if self.is("..") {
            self.at += 1;
            let mut out: Vec<usize> = nodes.iter().filter_map(|&n| parent(n)).collect();
            out.sort_unstable();
            out.dedup();
            return Ok(out);
        }
        let mut axis = "child".to_owned();
        if self.is("@") {
            self.at += 1;
            axis = "attribute".into();
        } else if let (Some(Token::Name(name)), Some(Token::Symbol("::"))) =
            (self.peek().cloned(), self.tokens.get(self.at + 1))
        {
            self.at += 2;
            axis = name;
        }
        let test = match self.peek().cloned() {
            Some(Token::Symbol("*")) => "*".to_owned(),
            Some(Token::Name(name)) => name,
            other => return Err(format!("the XPath expects a node test, found {other:?}")),
        };
        self.at += 1;
        let kind_test = matches!(test.as_str(), "text" | "node") && self.is("(");
        if kind_test {
            self.expect("(")?;
            self.expect(")")?;
        }
        // The predicates are re-read for each context node: remember where they start.
        let predicates_start = self.at;
        let mut predicates_end = None;
        let mut out = Vec::new();
        for &node in nodes {
            self.at = predicates_start;
            let mut candidates = Vec::new();
            match axis.as_str() {
                "child" => candidates.extend_from_slice(tree.children(node)),
                "attribute" => {
                    candidates.extend(tree.node(node).into_iter().flat_map(|n| n.attributes.iter().copied()))
                }
                "descendant" => tree.descendants(node, &mut candidates),
                "descendant-or-self" => {
                    candidates.push(node);
                    tree.descendants(node, &mut candidates);
                }
                "parent" => candidates.extend(parent(node)),
                "self" => candidates.push(node),
                other => return Err(format!("the XPath axis '{other}' is not supported")),
            }
            let matching: Vec<usize> = candidates
                .into_iter()
                .filter(|&c| match (tree.node(c).map(|n| &n.kind), kind_test, test.as_str()) {
                    (Some(Kind::Text(_)), true, "text") => true,
                    (Some(_), true, "node") => true,
                    (_, true, _) => false,
                    (Some(Kind::Element(_)), false, "*") => axis != "attribute",
                    (Some(Kind::Attribute(name, _)), false, "*") => !name.starts_with("xmlns"),
                    (Some(Kind::Element(name) | Kind::Attribute(name, _)), false, wanted) => {
                        name == wanted && (wanted.contains(':') || tree.namespace_uri(c).is_empty())
                    }
                    _ => false,
                })
                .collect();
            let filtered = self.predicates(matching)?;
            predicates_end = Some(self.at);
            out.extend(filtered);
        }
        match predicates_end {
            Some(end) => self.at = end,
            None => {
                self.predicates(Vec::new())?;
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// Applies every predicate that follows; each is evaluated per node in its node-set.
    fn predicates(&mut self, mut nodes: Vec<usize>) -> Result<Vec<usize>, String> {
        while self.is("[") {
            nodes = self.predicate(nodes)?;
        }
        Ok(nodes)
    }

    fn skip_bracket(&mut self) -> Result<(), String> {
        let mut depth = 0usize;
        loop {
            match self.peek() {
                Some(Token::Symbol("[")) => depth += 1,
                Some(Token::Symbol("]")) => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.at += 1;
                        return Ok(());
                    }
                }
                None => return Err("the XPath has an unclosed '['".into()),
                _ => {}
            }
            self.at += 1;
        }
    }

    fn predicate(&mut self, nodes: Vec<usize>) -> Result<Vec<usize>, String> {
        if nodes.is_empty() {
            // Nothing to test: step over the predicate's tokens.
            self.skip_bracket()?;
            return Ok(nodes);
        }
        self.expect("[")?;
        let start = self.at;
        let size = nodes.len();
        let mut kept = Vec::new();
        for (index, node) in nodes.into_iter().enumerate() {
            self.at = start;
            let value = self.expr(Context { node, position: index + 1, size })?;
            let keep = match value {
                Data::Number(n) => n == (index + 1) as f64,
                other => truth(&other),
            };
            if keep {
                kept.push(node);
            }
        }
        self.expect("]")?;
        Ok(kept)
    }

    fn primary(&mut self, context: Context) -> Result<Data, String> {
        match self.peek().cloned() {
            Some(Token::Literal(text)) => {
                self.at += 1;
                Ok(Data::Text(text))
            }
            Some(Token::Number(n)) => {
                self.at += 1;
                Ok(Data::Number(n))
            }
            Some(Token::Symbol("(")) => {
                self.at += 1;
                let value = self.expr(context)?;
                self.expect(")")?;
                Ok(value)
            }
            Some(Token::Name(name)) => {
                self.at += 1;
                self.expect("(")?;
                let mut args = Vec::new();
                if !self.is(")") {
                    loop {
                        args.push(self.expr(context)?);
                        if !self.is(",") {
                            break;
                        }
                        self.at += 1;
                    }
                }
                self.expect(")")?;
                self.function(&name, args, context)
            }
            other => Err(format!("the XPath expects a value, found {other:?}")),
        }
    }

    fn function(&self, name: &str, args: Vec<Data>, context: Context) -> Result<Data, String> {
        let tree = self.tree;
        let text = |i: usize| args.get(i).map_or_else(|| tree.string_value(context.node), |a| text_of(tree, a));
        let first_node = |i: usize| match args.get(i) {
            None => Ok(Some(context.node)),
            Some(Data::Nodes(nodes)) => Ok(nodes.first().copied()),
            Some(_) => Err(format!("{name}() needs a node-set")),
        };
        let nodes = |i: usize| match args.get(i) {
            Some(Data::Nodes(nodes)) => Ok(nodes.clone()),
            _ => Err(format!("{name}() needs a node-set")),
        };
        Ok(match name {
            "last" => Data::Number(context.size as f64),
            "position" => Data::Number(context.position as f64),
            "count" => Data::Number(nodes(0)?.len() as f64),
            "sum" => Data::Number(nodes(0)?.iter().map(|&n| number_of(tree, &Data::Text(tree.string_value(n)))).sum()),
            "string" => Data::Text(text(0)),
            "number" => Data::Number(
                args.first().map_or_else(|| number_of(tree, &Data::Nodes(vec![context.node])), |a| number_of(tree, a)),
            ),
            "boolean" => Data::Boolean(args.first().is_some_and(truth)),
            "not" => Data::Boolean(!args.first().is_some_and(truth)),
            "true" => Data::Boolean(true),
            "false" => Data::Boolean(false),
            "concat" => Data::Text(args.iter().map(|a| text_of(tree, a)).collect()),
            "contains" => Data::Boolean(text(0).contains(&text(1))),
            "starts-with" => Data::Boolean(text(0).starts_with(&text(1))),
            "string-length" => Data::Number(text(0).encode_utf16().count() as f64),
            "normalize-space" => Data::Text(text(0).split_whitespace().collect::<Vec<_>>().join(" ")),
            "name" => Data::Text(first_node(0)?.map(|n| tree.name(n).to_owned()).unwrap_or_default()),
            "local-name" => Data::Text(
                first_node(0)?
                    .map(|n| tree.name(n).rsplit(':').next().unwrap_or_default().to_owned())
                    .unwrap_or_default(),
            ),
            "namespace-uri" => Data::Text(first_node(0)?.map(|n| tree.namespace_uri(n)).unwrap_or_default()),
            other => return Err(format!("the XPath function '{other}()' is not supported")),
        })
    }
}

/// Evaluates `path` against the XML `text`.
pub(crate) fn evaluate(text: &str, path: &str) -> Result<Value, String> {
    let document = xml::parse(text)?;
    let tree = Tree::build(&document.root);
    let tokens = lex(path)?;
    if tokens.is_empty() {
        return Err("the XPath is empty".into());
    }
    let mut evaluator = Evaluator { tree: &tree, tokens, at: 0, depth: 0, work: 0 };
    let result = evaluator.expr(Context { node: 0, position: 1, size: 1 })?;
    if evaluator.at < evaluator.tokens.len() {
        return Err(format!("the XPath '{path}' has unexpected text at token {}", evaluator.at + 1));
    }
    Ok(match result {
        Data::Nodes(nodes) => Value::Array(
            nodes
                .into_iter()
                .map(|n| match tree.node(n).map(|node| &node.kind) {
                    Some(Kind::Element(_)) => binary("application/xml;charset=utf-8", tree.outer_xml(n).as_bytes()),
                    _ => Value::String(tree.string_value(n)),
                })
                .collect(),
        ),
        Data::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Value::from(n as i64),
        Data::Number(n) => float(n)?,
        Data::Text(t) => Value::String(t),
        Data::Boolean(b) => Value::Bool(b),
    })
}
