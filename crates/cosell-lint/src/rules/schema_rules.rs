//! Schema rules: references, arrays, enums, required lists, defaults, formats, keywords.

use super::Sink;
use crate::catalog::Rule;
use crate::pointer::join;
use crate::walk::{self, SchemaVisit};
use serde_json::{Map, Value};
use std::collections::HashSet;

/// Formats the validator knows (rule `UnrecognizedTypeFormat`).
const FORMATS: [&str; 14] = [
    "int32",
    "int64",
    "float",
    "double",
    "byte",
    "binary",
    "date",
    "date-time",
    "password",
    "date-no-tz",
    "email",
    "html",
    "uri",
    "uuid",
];

const TYPES: [&str; 7] = ["string", "number", "integer", "boolean", "array", "object", "file"];

pub fn check(doc: &Value, sink: &mut Sink) {
    walk::schemas(doc, &mut |visit| schema(doc, visit, sink));
    ref_loops(doc, sink);
    references(doc, sink);
}

fn schema(doc: &Value, visit: &SchemaVisit<'_>, sink: &mut Sink) {
    let (s, pointer) = (visit.schema, visit.pointer.as_str());
    if let Some(reference) = s.get("$ref") {
        let target = reference.as_str().filter(|r| r.starts_with("#/definitions/"));
        if target.and_then(|r| walk::resolve(doc, r)).is_none() {
            sink.report(
                Rule::SchemaReferenceNotValid,
                &join(pointer, "$ref"),
                format!("The schema reference {reference} must point to an entry of '#/definitions/'."),
            );
        }
        let siblings: Vec<&String> = s.keys().filter(|k| *k != "$ref").collect();
        if !siblings.is_empty() {
            sink.report(
                Rule::AdditionalPropertyNotAllowedAdjacentToRef,
                pointer,
                format!("When '$ref' is defined, no other properties may be specified (found {siblings:?})."),
            );
        }
        return;
    }
    // Position rules are judged where the schema is used (a definition: by every use).
    if let (Some("file"), Some(input)) = (s.get("type").and_then(Value::as_str), &visit.uses.input) {
        sink.report(
            Rule::SchemaTypeFileNotValid,
            &join(pointer, "type"),
            format!("The type 'file' is only valid for responses and formData parameters (used as input at {input})."),
        );
    }
    required_list(s, pointer, visit.uses.input.is_some(), sink);
    check_value_schema(s, pointer, sink);
    // A definition shared by a subscription's body and its echo in the response is an input use.
    let output_only = visit.uses.output.as_ref().filter(|_| visit.uses.input.is_none());
    if let (true, Some(output)) = (s.contains_key("x-ms-notification-url"), output_only) {
        sink.report(
            Rule::NotificationUrlNotAllowedInThisPosition,
            &join(pointer, "x-ms-notification-url"),
            format!("'x-ms-notification-url' is allowed only in the input body (used as output at {output})."),
        );
    }
}

/// Rules shared by schemas and non-body parameters: type, items, enum, default, format.
pub fn check_value_schema(s: &Map<String, Value>, pointer: &str, sink: &mut Sink) {
    let ty = s.get("type").and_then(Value::as_str);
    if let Some(t) = ty.filter(|t| !TYPES.contains(t)) {
        sink.report(Rule::UnrecognizedTypeFormat, &join(pointer, "type"), format!("'{t}' is not a valid type."));
    }
    if ty == Some("array") && s.get("items").is_none() {
        // The official Partner Center Referrals connector has one: a warning.
        sink.report(Rule::ArrayHasNoItems, pointer, "An array must define 'items'.");
    }
    if let Some(format) = s.get("format").and_then(Value::as_str) {
        if !FORMATS.contains(&format) {
            sink.report(
                Rule::UnrecognizedTypeFormat,
                &join(pointer, "format"),
                format!("The format '{format}' is not recognized."),
            );
        }
    }
    let enumeration = s.get("enum").and_then(Value::as_array);
    if let Some(values) = enumeration {
        if values.is_empty() {
            sink.report(
                Rule::EnumMustContainAtLeastOneElement,
                &join(pointer, "enum"),
                "An enum must contain at least one element.",
            );
        }
        if has_duplicates(values) {
            sink.report(Rule::ArrayDuplicateValue, &join(pointer, "enum"), "The enum contains a value more than once.");
        }
    }
    if let Some(default) = s.get("default").filter(|d| !d.is_null()) {
        if let Some(t) = ty {
            if !matches_type(default, t) {
                sink.report(
                    Rule::DefaultValueMustMatchType,
                    &join(pointer, "default"),
                    format!("The default value {default} does not match the type '{t}'."),
                );
            }
        }
    }
    if let Some(entries) = s.get("x-ms-enum-values") {
        let pointer = join(pointer, "x-ms-enum-values");
        let Some(entries) = entries.as_array() else {
            sink.report(Rule::InvalidEnumValuesExtensionValue, &pointer, "'x-ms-enum-values' must be an array.");
            return;
        };
        for (i, entry) in entries.iter().enumerate() {
            let at = join(&pointer, &i.to_string());
            let value = entry.get("value");
            if value.is_none() || enumeration.is_some_and(|e| value.is_some_and(|v| !e.contains(v))) {
                sink.report(
                    Rule::InvalidEnumValuesExtensionValue,
                    &at,
                    format!("The value {} is not one of the 'enum' values.", value.unwrap_or(&Value::Null)),
                );
            }
            if entry.get("displayName").and_then(Value::as_str).is_none_or(str::is_empty) {
                sink.report(
                    Rule::MissingEnumValuesDisplayName,
                    &at,
                    "Every 'x-ms-enum-values' entry needs a 'displayName'.",
                );
            }
        }
    }
}

fn required_list(s: &Map<String, Value>, pointer: &str, used_as_input: bool, sink: &mut Sink) {
    let Some(required) = s.get("required") else { return };
    let at = join(pointer, "required");
    let Some(required) = required.as_array() else { return };
    if required.is_empty() {
        sink.report(Rule::RequiredPropertyArrayEmpty, &at, "Omit an empty 'required' array.");
        return;
    }
    if has_duplicates(required) {
        sink.report(Rule::ArrayDuplicateValue, &at, "The 'required' array contains a name more than once.");
    }
    let ty = s.get("type").and_then(Value::as_str);
    if ty.is_some_and(|t| t != "object") {
        sink.report(Rule::RequiredPropertyNotOnObject, &at, "'required' is only valid on an object schema.");
        return;
    }
    let Some(properties) = s.get("properties").and_then(Value::as_object) else { return };
    if s.contains_key("allOf") {
        return;
    }
    for name in required.iter().filter_map(Value::as_str) {
        match properties.get(name) {
            None => sink.report(
                Rule::RequiredPropertyDefinitionMissing,
                &at,
                format!("The required property '{name}' is not defined in 'properties'."),
            ),
            Some(p) if used_as_input && p.get("readOnly") == Some(&Value::Bool(true)) => sink.report(
                Rule::RequiredReadOnlyPropertyNotAllowedAsInput,
                &at,
                format!("The read-only property '{name}' must not be required in an input."),
            ),
            Some(_) => {}
        }
    }
}

fn has_duplicates(values: &[Value]) -> bool {
    let mut seen = HashSet::new();
    values.iter().any(|v| !seen.insert(v.to_string()))
}

/// Whether `value` can be read as `ty`. The platform reads a string default such as "true" or
/// "1000" as the boolean or number it spells (certified connectors rely on it).
fn matches_type(value: &Value, ty: &str) -> bool {
    let text = value.as_str().map(str::trim);
    match ty {
        "string" => value.is_string(),
        "number" => value.is_number() || text.is_some_and(|t| t.parse::<f64>().is_ok_and(f64::is_finite)),
        "integer" => {
            value.is_i64()
                || value.is_u64()
                || value.as_f64().is_some_and(|f| f.fract() == 0.0)
                || text.is_some_and(|t| t.parse::<i64>().is_ok())
        }
        "boolean" => {
            value.is_boolean()
                || text.is_some_and(|t| t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("false"))
        }
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

/// `SchemaRefLoopNotAllowed`: definitions that are only a `$ref` chaining back to themselves.
fn ref_loops(doc: &Value, sink: &mut Sink) {
    let Some(defs) = doc.get("definitions").and_then(Value::as_object) else { return };
    let pure_ref = |name: &str| -> Option<&str> {
        let d = defs.get(name)?.as_object()?;
        (d.len() == 1).then(|| d.get("$ref")?.as_str()?.strip_prefix("#/definitions/"))?
    };
    for name in defs.keys() {
        let mut seen = HashSet::new();
        let mut current = name.as_str();
        while let Some(next) = pure_ref(current) {
            if next == name {
                sink.report(
                    Rule::SchemaRefLoopNotAllowed,
                    &join("/definitions", name),
                    format!("The definition '{name}' is a loop of references."),
                );
                break;
            }
            if !seen.insert(next) {
                break;
            }
            current = next;
        }
    }
}

/// `ParameterReferenceNotValid` / `ResponseReferenceNotValid`.
fn references(doc: &Value, sink: &mut Sink) {
    for op in walk::operations(doc) {
        for (i, p) in op.op.get("parameters").and_then(Value::as_array).into_iter().flatten().enumerate() {
            if let Some(r) = p.get("$ref") {
                let ok = r.as_str().filter(|r| r.starts_with("#/parameters/")).and_then(|r| walk::resolve(doc, r));
                if ok.is_none() {
                    sink.report(
                        Rule::ParameterReferenceNotValid,
                        &join(&join(&join(&op.pointer, "parameters"), &i.to_string()), "$ref"),
                        format!("The parameter reference {r} must point to an entry of '#/parameters/'."),
                    );
                }
            }
        }
        for (code, response) in op.op.get("responses").and_then(Value::as_object).into_iter().flatten() {
            if let Some(r) = response.get("$ref") {
                let ok = r.as_str().filter(|r| r.starts_with("#/responses/")).and_then(|r| walk::resolve(doc, r));
                if ok.is_none() {
                    sink.report(
                        Rule::ResponseReferenceNotValid,
                        &join(&join(&join(&op.pointer, "responses"), code), "$ref"),
                        format!("The response reference {r} must point to an entry of '#/responses/'."),
                    );
                }
            }
        }
    }
}
