//! Expression text: small helpers so generated expressions are built, never concatenated by hand.
//!
//! Every function returns the text of a bare expression (no leading `@`); [`whole`] and
//! [`interpolate`] turn one into a flow string.

/// A string literal: single quotes, a quote inside doubled (`'it''s'`).
pub fn lit(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A function call.
pub fn call(name: &str, args: &[&str]) -> String {
    format!("{name}({})", args.join(", "))
}

/// A flow value that is the expression's value (any JSON type): `@expr`.
pub fn whole(expression: &str) -> String {
    format!("@{expression}")
}

/// The expression's value inside a string: `@{expr}`.
pub fn interpolate(expression: &str) -> String {
    format!("@{{{expression}}}")
}

/// `base?['a']?['b']`: safe navigation through properties.
pub fn path(base: &str, properties: &[&str]) -> String {
    let mut out = base.to_owned();
    for p in properties {
        out.push_str(&format!("?[{}]", lit(p)));
    }
    out
}

/// A trigger output (`triggerOutputs()?['body/<column>']` for Dataverse, as exports read them).
pub fn trigger_body(column: &str) -> String {
    format!("triggerOutputs()?[{}]", lit(&format!("body/{column}")))
}

/// The body of an earlier action.
pub fn body(action: &str) -> String {
    call("body", &[&lit(action)])
}

/// The outputs of an earlier action.
pub fn outputs(action: &str) -> String {
    call("outputs", &[&lit(action)])
}

/// A variable's value.
pub fn variable(name: &str) -> String {
    call("variables", &[&lit(name)])
}

/// An environment variable, read as the definition parameter the solution declares for it.
///
/// A text variable set to empty text reads as its default, as the core's `Config` reads it
/// ("Dataverse gives an unset current value as an empty string: the default applies").
pub fn parameter(schema: &str) -> String {
    use cosell_solution::env_vars::{VarType, ENV_VARS};
    let read = call("parameters", &[&lit(&cosell_solution::flows::parameter_name(schema))]);
    let default = ENV_VARS
        .iter()
        .find(|v| v.schema == schema && v.kind == VarType::String)
        .map(|v| (v.default)(&cosell_core::config::Config::default()))
        .filter(|d| !d.is_empty());
    match default {
        Some(default) => {
            let unset = call("empty", &[&call("trim", &[&call("string", &[&call("coalesce", &[&read, "''"])])])]);
            call("if", &[&unset, &lit(&default), &read])
        }
        None => read,
    }
}

/// A JSON value written as an expression (`json('{…}')`): lookup tables for choices.
pub fn json_literal(value: &serde_json::Value) -> String {
    call("json", &[&lit(&value.to_string())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_double_quotes() {
        assert_eq!(lit("it's"), "'it''s'");
        assert_eq!(path("item()", &["a", "b"]), "item()?['a']?['b']");
        assert_eq!(trigger_body("name"), "triggerOutputs()?['body/name']");
        assert_eq!(interpolate("x"), "@{x}");
    }
}
