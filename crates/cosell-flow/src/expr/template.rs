//! String values of a flow definition: `@expr`, `@{…}` interpolation and `@@` escapes.
//!
//! The rules (logic-apps-workflow-definition-language.md, "Expressions"): a string that starts
//! with `@` (and not `@@` or `@{`) is one expression whose value keeps its JSON type; otherwise each
//! `@{expr}` is replaced by its value as a string and the result is a string; a leading `@@` stands
//! for a literal `@` (the rest is then plain text), and inside text `@@{` is a literal `@{`.

use super::syntax::{self, Node, SyntaxError};

/// A parsed template.
#[derive(Debug, Clone)]
pub(crate) enum Template {
    /// No expression at all: the string itself.
    Text(String),
    /// `@expr`: the expression's value, of any type.
    Whole(Node),
    /// Text and `@{expr}` parts: always a string.
    Interpolated(Vec<Part>),
}

#[derive(Debug, Clone)]
pub(crate) enum Part {
    Text(String),
    Expression(Node),
}

pub(crate) fn parse(text: &str) -> Result<Template, SyntaxError> {
    if let Some(rest) = text.strip_prefix("@@") {
        return Ok(Template::Text(format!("@{rest}")));
    }
    if text.starts_with('@') && !text.starts_with("@{") {
        let (node, end) = syntax::parse_prefix(text, 1)?;
        if end < text.len() {
            return Err(SyntaxError {
                at: end,
                message: "unexpected text after the expression (inside other text, write @{…})".into(),
            });
        }
        return Ok(Template::Whole(node));
    }
    if !text.contains("@{") {
        return Ok(Template::Text(text.to_owned()));
    }
    interpolated(text)
}

fn interpolated(text: &str) -> Result<Template, SyntaxError> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut at = 0;
    while let Some(found) = text.get(at..).and_then(|rest| rest.find("@{")) {
        let open = at + found;
        let escaped = open > 0 && text.as_bytes().get(open - 1) == Some(&b'@');
        if escaped {
            // `@@{` is the text `@{`: keep everything up to the doubled `@`, then `@{`.
            literal.push_str(text.get(at..open - 1).unwrap_or_default());
            literal.push_str("@{");
            at = open + 2;
            continue;
        }
        literal.push_str(text.get(at..open).unwrap_or_default());
        let (node, end) = syntax::parse_prefix(text, open + 2)?;
        if text.as_bytes().get(end) != Some(&b'}') {
            return Err(SyntaxError { at: end, message: "expected '}' to close '@{'".into() });
        }
        if !literal.is_empty() {
            parts.push(Part::Text(std::mem::take(&mut literal)));
        }
        parts.push(Part::Expression(node));
        at = end + 1;
    }
    literal.push_str(text.get(at..).unwrap_or_default());
    if !literal.is_empty() {
        parts.push(Part::Text(literal));
    }
    Ok(Template::Interpolated(parts))
}
