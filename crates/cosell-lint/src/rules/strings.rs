//! Certification content rules (§2.3): summaries, descriptions, visibility. All warnings:
//! they fail certification review, not the upload.

use super::Sink;
use crate::catalog::Rule;
use crate::pointer::join;
use crate::walk::{self, SchemaVisit};
use serde_json::{Map, Value};

/// Short words Title Case leaves in lower case.
const SMALL_WORDS: [&str; 18] = [
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "by", "with", "at", "from", "as", "per", "via", "is",
];

pub fn check(doc: &Value, sink: &mut Sink) {
    for op in walk::operations(doc) {
        let summary = text(op.op, "summary");
        let description = text(op.op, "description");
        match summary {
            Some(s) => summary_text(s, &join(&op.pointer, "summary"), false, sink),
            None => sink.report(Rule::OperationSummaryMissing, &op.pointer, "The operation has no 'summary'."),
        }
        match description {
            Some(d) => sentence(d, &join(&op.pointer, "description"), sink),
            None => sink.report(Rule::OperationDescriptionMissing, &op.pointer, "The operation has no 'description'."),
        }
        if summary.is_some() && summary == description {
            sink.report(
                Rule::SummaryEqualsDescription,
                &op.pointer,
                "The summary and the description should not be the same.",
            );
        }
        if op.op.get("x-ms-visibility").is_none() {
            sink.report(Rule::OperationVisibilityMissing, &op.pointer, "The operation has no 'x-ms-visibility'.");
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
    let summary = text(s, "x-ms-summary");
    let description = text(s, "description");
    if let Some(summary) = summary {
        summary_text(summary, &join(pointer, "x-ms-summary"), true, sink);
    }
    if let Some(d) = description {
        sentence(d, &join(pointer, "description"), sink);
    }
    let missing = match (summary, description) {
        (None, None) => "no 'x-ms-summary' and no 'description'",
        (None, Some(_)) => "no 'x-ms-summary'",
        (Some(_), None) => "no 'description'",
        (Some(_), Some(_)) => return,
    };
    sink.report(Rule::SummaryOrDescriptionMissing, pointer, format!("The {what} has {missing}."));
}

/// A non-blank string value of `key`.
fn text<'a>(s: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    s.get(key).and_then(Value::as_str).filter(|t| !t.trim().is_empty())
}

fn summary_text(text: &str, pointer: &str, title_case: bool, sink: &mut Sink) {
    if text.chars().count() > 80 {
        sink.report(Rule::FieldLengthExceeded, pointer, "A summary should be 80 characters or shorter.");
    }
    if text.contains('/') || text.chars().any(|c| !(c.is_alphanumeric() || " ()-',&".contains(c))) {
        sink.report(
            Rule::RestrictedCharactersInSummary,
            pointer,
            format!("The summary '{text}' should contain only alphanumeric characters, spaces or parentheses."),
        );
    }
    if !text.ends_with(|c: char| c.is_alphanumeric() || c == ')') {
        sink.report(
            Rule::ValueMustEndWithAlphanumeric,
            pointer,
            format!("The summary '{text}' must end with an alphanumeric character."),
        );
    }
    if title_case && !is_title_case(text) {
        sink.report(Rule::SummaryNotTitleCase, pointer, format!("The summary '{text}' should be in Title Case."));
    }
}

/// Characters that may close a sentence after its punctuation: quotes, brackets, Markdown emphasis.
const CLOSERS: &[char] = &['"', '\'', ')', ']', '}', '*', '_', '`', '\u{201d}', '\u{2019}', '\u{bb}'];

/// "Full, descriptive sentences, and end in punctuation": judged by the ending only, after any
/// closing quotes or brackets (`(for example, 10.)` and `"Done."` end in punctuation).
fn sentence(text: &str, pointer: &str, sink: &mut Sink) {
    if !ends_in_punctuation(text) {
        sink.report(
            Rule::DescriptionNotSentence,
            pointer,
            format!("The description '{text}' should be a full sentence ending in punctuation."),
        );
    }
}

pub fn ends_in_punctuation(text: &str) -> bool {
    text.trim_end().trim_end_matches(CLOSERS).ends_with(['.', '!', '?', '\u{2026}', ':', ';', '\u{3002}'])
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
    fn sentences_end_in_punctuation_after_closers() {
        for text in
            ["Lists the tasks.", "The ID (for example, 10.)", "Say \"Done.\"", "Pick one:", "Wait\u{2026}", "**Note.**"]
        {
            assert!(super::ends_in_punctuation(text), "{text}");
        }
        for text in ["Lists the tasks", "The ID (for example, 10)", "See https://contoso.example.com"] {
            assert!(!super::ends_in_punctuation(text), "{text}");
        }
    }

    #[test]
    fn title_case() {
        assert!(super::is_title_case("Referral ID"));
        assert!(super::is_title_case("Name of the Customer"));
        assert!(!super::is_title_case("Referral id"));
        assert!(!super::is_title_case("the Referral"));
    }
}
