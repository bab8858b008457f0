//! Certification content rules (§2.3): summaries, descriptions, visibility. All warnings:
//! they fail certification review, not the upload.

use super::Sink;
use crate::pointer::join;
use crate::walk::{self, SchemaVisit};
use serde_json::{Map, Value};

/// Short words Title Case leaves in lower case.
const SMALL_WORDS: [&str; 18] = [
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "by", "with", "at", "from", "as", "per", "via", "is",
];

pub fn check(doc: &Value, sink: &mut Sink) {
    for op in walk::operations(doc) {
        let summary = op.op.get("summary").and_then(Value::as_str);
        let description = op.op.get("description").and_then(Value::as_str);
        match summary {
            Some(s) => summary_text(s, &join(&op.pointer, "summary"), false, sink),
            None => sink.warning("RequiredValueEmpty", &op.pointer, "The operation has no 'summary'."),
        }
        match description {
            Some(d) => sentence(d, &join(&op.pointer, "description"), sink),
            None => sink.warning("RequiredValueEmpty", &op.pointer, "The operation has no 'description'."),
        }
        if summary.is_some() && summary == description {
            sink.warning(
                "SummaryEqualsDescription",
                &op.pointer,
                "The summary and the description should not be the same.",
            );
        }
        if op.op.get("x-ms-visibility").is_none() {
            sink.warning("RequiredValueEmpty", &op.pointer, "The operation has no 'x-ms-visibility'.");
        }
        for p in walk::parameters(doc, &op) {
            // A body's schema properties are what the designer shows; they are checked below.
            if p.visibility() == Some("internal") || p.location() == "body" {
                continue;
            }
            labelled(p.param, &p.pointer, &format!("parameter '{}'", p.name()), sink);
        }
    }
    walk::schemas(doc, &mut |visit| property(visit, sink));
}

fn property(visit: &SchemaVisit<'_>, sink: &mut Sink) {
    let Some(name) = visit.property_name else { return };
    let s = visit.schema;
    if visit.is_root || s.contains_key("$ref") || s.get("x-ms-visibility").and_then(Value::as_str) == Some("internal") {
        return;
    }
    // A property's items schema shares the property's name: only the property itself is labelled.
    if visit.pointer.ends_with("/items") {
        return;
    }
    labelled(s, &visit.pointer, &format!("property '{name}'"), sink);
}

/// A parameter or property: `x-ms-summary` (Title Case) and a sentence `description`.
fn labelled(s: &Map<String, Value>, pointer: &str, what: &str, sink: &mut Sink) {
    match s.get("x-ms-summary").and_then(Value::as_str) {
        Some(summary) => summary_text(summary, &join(pointer, "x-ms-summary"), true, sink),
        None => sink.warning("RequiredValueEmpty", pointer, format!("The {what} has no 'x-ms-summary'.")),
    }
    match s.get("description").and_then(Value::as_str) {
        Some(d) => sentence(d, &join(pointer, "description"), sink),
        None => sink.warning("RequiredValueEmpty", pointer, format!("The {what} has no 'description'.")),
    }
}

fn summary_text(text: &str, pointer: &str, title_case: bool, sink: &mut Sink) {
    if text.trim().is_empty() {
        sink.warning("RequiredValueEmpty", pointer, "The summary is empty.");
        return;
    }
    if text.chars().count() > 80 {
        sink.warning("FieldLengthExceeded", pointer, "A summary should be 80 characters or shorter.");
    }
    if text.contains('/') || text.chars().any(|c| !(c.is_alphanumeric() || " ()-',&".contains(c))) {
        sink.warning(
            "RestrictedCharactersInSummary",
            pointer,
            format!("The summary '{text}' should contain only alphanumeric characters, spaces or parentheses."),
        );
    }
    if !text.ends_with(|c: char| c.is_alphanumeric() || c == ')') {
        sink.warning(
            "ValueMustEndWithAlphanumeric",
            pointer,
            format!("The summary '{text}' must end with an alphanumeric character."),
        );
    }
    if title_case && !is_title_case(text) {
        sink.warning("SummaryNotTitleCase", pointer, format!("The summary '{text}' should be in Title Case."));
    }
}

fn sentence(text: &str, pointer: &str, sink: &mut Sink) {
    let trimmed = text.trim_end();
    let starts_well = trimmed
        .starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit() || c == '\'' || c == '"' || c == '$' || c == '@');
    if trimmed.is_empty() {
        sink.warning("RequiredValueEmpty", pointer, "The description is empty.");
    } else if !trimmed.ends_with(['.', '!', '?']) || !starts_well {
        sink.warning(
            "DescriptionNotSentence",
            pointer,
            format!("The description '{text}' should be a full sentence ending in punctuation."),
        );
    }
}

/// Every word that starts with a letter starts upper-case, except small words after the first.
pub fn is_title_case(text: &str) -> bool {
    text.split_whitespace().enumerate().all(|(i, word)| {
        let word = word.trim_start_matches('(');
        let Some(first) = word.chars().next() else { return true };
        !first.is_alphabetic() || first.is_uppercase() || (i > 0 && SMALL_WORDS.contains(&word))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn title_case() {
        assert!(super::is_title_case("Referral ID"));
        assert!(super::is_title_case("Name of the Customer"));
        assert!(!super::is_title_case("Referral id"));
        assert!(!super::is_title_case("the Referral"));
    }
}
