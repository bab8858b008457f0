//! Operation, path and parameter rules.

use super::Sink;
use crate::catalog::Rule;
use crate::pointer::join;
use crate::walk::{self, Operation, Parameter};
use serde_json::Value;
use std::collections::HashMap;

pub fn check(doc: &Value, sink: &mut Sink) {
    paths(doc, sink);
    let operations = walk::operations(doc);
    operation_ids(&operations, sink);
    let connector_preview = doc.pointer("/info/x-ms-api-annotation/status").and_then(Value::as_str) == Some("Preview");
    for op in &operations {
        super::document::mime_types(doc, &op.pointer, sink);
        responses(op, sink);
        let params = walk::parameters(doc, op);
        parameters(doc, op, &params, sink);
        raw_parameter_lists(op, sink);
        if let Some(summary) = op.op.get("summary").and_then(Value::as_str) {
            if summary.chars().count() >= 120 {
                sink.report(
                    Rule::OperationSummaryTooLong,
                    &join(&op.pointer, "summary"),
                    "The summary must be fewer than 120 characters.",
                );
            }
        }
        let status = op.op.get("x-ms-api-annotation").and_then(|a| a.get("status")).and_then(Value::as_str);
        if connector_preview && status == Some("Production") {
            sink.report(
                Rule::OperationStatusAheadOfConnector,
                &join(&op.pointer, "x-ms-api-annotation"),
                "The operation is 'Production' while the connector is 'Preview'.",
            );
        }
        if let Some(pageable) = op.op.get("x-ms-pageable") {
            let name = pageable.get("nextLinkName").and_then(Value::as_str);
            let known =
                name.is_some_and(|n| n.eq_ignore_ascii_case("nextLink") || n.eq_ignore_ascii_case("@odata.nextLink"));
            if !known {
                sink.report(
                    Rule::InvalidNextLinkNameValue,
                    &join(&join(&op.pointer, "x-ms-pageable"), "nextLinkName"),
                    "The 'nextLinkName' of 'x-ms-pageable' must be 'nextLink' or '@odata.nextLink'.",
                );
            }
        }
    }
}

fn paths(doc: &Value, sink: &mut Sink) {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else { return };
    let mut by_lower: HashMap<String, &str> = HashMap::new();
    // (shape, method) → path: two templates with the same shape clash only on the same method.
    let mut by_shape: HashMap<(String, &str), &str> = HashMap::new();
    for (path, item) in paths {
        let pointer = join("/paths", path);
        if !path.starts_with('/') {
            sink.report(
                Rule::OperationPathMustStartWithSlash,
                &pointer,
                format!("The path '{path}' must start with '/'."),
            );
        }
        if path.contains(['?', '#']) {
            sink.report(
                Rule::OperationPathMayNotContainQueryOrFragment,
                &pointer,
                format!("The path '{path}' must not contain a query string or a fragment."),
            );
        }
        if path.contains('*') {
            sink.report(
                Rule::OperationPathContainsUnsupportedCharacters,
                &pointer,
                format!("The path '{path}' contains '*'."),
            );
        }
        if template_variables(path).is_none() {
            sink.report(
                Rule::OperationPathTemplateNotValid,
                &pointer,
                format!("The path template '{path}' is not valid."),
            );
        }
        if let Some(other) = by_lower.insert(path.to_lowercase(), path) {
            sink.report(
                Rule::PathRedefined,
                &pointer,
                format!("The path '{path}' redefines '{other}' (paths are case-insensitive)."),
            );
        } else {
            let methods = walk::METHODS.iter().filter(|m| item.get(**m).is_some());
            let clashes: Vec<(&str, &str)> =
                methods.filter_map(|m| Some((*m, by_shape.insert((shape(path), m), path)?))).collect();
            for (method, other) in clashes {
                sink.report(
                    Rule::DuplicateOperationPath,
                    &join(&pointer, method),
                    format!("'{method} {path}' is the same operation as '{method} {other}' apart from variable names."),
                );
            }
        }
    }
}

/// The `{name}`s of a path template; `None` when braces are unbalanced, nested or empty.
pub fn template_variables(path: &str) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return None;
        }
        let after = &rest[open + 1..];
        let close = after.find('}')?;
        let name = &after[..close];
        if name.is_empty() || name.contains('{') {
            return None;
        }
        out.push(name);
        rest = &after[close + 1..];
    }
    Some(out)
}

/// The path with every variable replaced by `{}`, lower-cased.
fn shape(path: &str) -> String {
    let mut out = String::new();
    let mut in_var = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_var = true;
                out.push_str("{}");
            }
            '}' => in_var = false,
            _ if !in_var => out.extend(c.to_lowercase()),
            _ => {}
        }
    }
    out
}

fn operation_ids(operations: &[Operation<'_>], sink: &mut Sink) {
    let mut seen: HashMap<String, String> = HashMap::new();
    for op in operations {
        let pointer = join(&op.pointer, "operationId");
        let Some(id) = op.id().filter(|id| !id.is_empty()) else {
            sink.report(Rule::OperationIdRequired, &op.pointer, "Every operation must have an 'operationId'.");
            continue;
        };
        if let Some(first) = seen.insert(id.to_lowercase(), op.pointer.clone()) {
            sink.report(
                Rule::OperationIdNotUnique,
                &pointer,
                format!("The operationId '{id}' is also used at {first}."),
            );
        }
        if !id.chars().all(|c| c.is_ascii_alphanumeric()) {
            sink.report(
                Rule::OperationIdSanitized,
                &pointer,
                format!("The operationId '{id}' should avoid non-alphanumeric characters (use PascalCase)."),
            );
        } else if !id.starts_with(|c: char| c.is_ascii_uppercase()) {
            sink.report(Rule::OperationIdSanitized, &pointer, format!("The operationId '{id}' should be PascalCase."));
        }
    }
}

fn responses(op: &Operation<'_>, sink: &mut Sink) {
    let base = join(&op.pointer, "responses");
    let Some(responses) = op.op.get("responses").and_then(Value::as_object) else {
        sink.report(Rule::OperationMustHaveResponse, &op.pointer, "The operation must have a 'responses' object.");
        return;
    };
    // A webhook trigger's output is its notification content; the platform accepts `{}` there.
    let webhook_trigger = op.is_trigger() && op.path_item.contains_key("x-ms-notification-content");
    if responses.is_empty() && webhook_trigger {
        return;
    }
    let mut success_with_schema = 0;
    let mut has_success = false;
    for (code, response) in responses {
        let pointer = join(&base, code);
        let is_status = code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit());
        if !is_status && code != "default" {
            sink.report(
                Rule::ResponseMustBeDefaultOrHttpStatusCode,
                &pointer,
                format!("The response '{code}' must be 'default' or an HTTP status code."),
            );
        }
        let has_schema = response.get("schema").is_some_and(|s| s.as_object().is_some_and(|o| !o.is_empty()));
        if code.starts_with('2') && is_status {
            has_success = true;
            success_with_schema += usize::from(has_schema);
        }
        if code == "default" && has_schema {
            sink.report(
                Rule::DefaultResponseHasSchema,
                &pointer,
                "The 'default' response should not have a schema definition.",
            );
        }
    }
    if !has_success {
        sink.report(
            Rule::OperationShouldHaveSuccessfulResponse,
            &base,
            "The operation should define a successful (2xx) response.",
        );
    }
    if success_with_schema > 1 {
        sink.report(
            Rule::OperationHasManyResponsesWithSchema,
            &base,
            "More than one successful response has a schema; only one schema will be used in the designer.",
        );
    }
}

fn parameters(doc: &Value, op: &Operation<'_>, params: &[Parameter<'_>], sink: &mut Sink) {
    let template = template_variables(op.path).unwrap_or_default();
    let mut bodies = 0;
    let mut form_data = false;
    for p in params {
        let (name, location) = (p.name(), p.location());
        if name.eq_ignore_ascii_case("connectionId") {
            sink.report(
                Rule::ConnectionIdParameterNotAllowed,
                &p.pointer,
                "A parameter must not be named 'connectionId'.",
            );
        }
        match location {
            "body" => {
                bodies += 1;
                if op.method == "get" {
                    sink.report(
                        Rule::BodyOrFormDataParameterInFetchOperationNotAllowed,
                        &p.pointer,
                        "A GET operation must not have a body parameter.",
                    );
                }
                if p.param.get("schema").is_none() {
                    sink.report(
                        Rule::BodyParameterSchemaRequired,
                        &p.pointer,
                        "A body parameter must have a 'schema'.",
                    );
                }
            }
            _ => {
                if p.param.get("schema").is_some() {
                    sink.report(
                        Rule::NonBodyParameterSchemaNotValid,
                        &p.pointer,
                        "Only a body parameter may have a 'schema'.",
                    );
                }
            }
        }
        if location == "formData" {
            form_data = true;
            if op.method == "get" {
                sink.report(
                    Rule::BodyOrFormDataParameterInFetchOperationNotAllowed,
                    &p.pointer,
                    "A GET operation must not have a formData parameter.",
                );
            }
        }
        if location == "path" {
            if !p.required() {
                sink.report(
                    Rule::PathParameterMustBeRequired,
                    &p.pointer,
                    format!("The path parameter '{name}' must be required."),
                );
            }
            if !template.contains(&name) {
                sink.report(
                    Rule::PathParameterNotDefinedInTemplate,
                    &p.pointer,
                    format!("The path parameter '{name}' is not in the path template '{}'.", op.path),
                );
            }
            if p.param.get("x-ms-url-encoding").is_none() {
                sink.report(
                    Rule::PathParameterMissingEncoding,
                    &p.pointer,
                    format!("The path parameter '{name}' should declare \"x-ms-url-encoding\": \"single\"."),
                );
            }
        }
        if location == "query" && p.param.get("x-ms-url-encoding").is_some() {
            sink.report(
                Rule::QueryParameterEncodingNotSupported,
                &p.pointer,
                "'x-ms-url-encoding' is not supported on query parameters.",
            );
        }
        if let Some(format) = p.param.get("collectionFormat").and_then(Value::as_str) {
            let multi_ok = matches!(location, "query" | "formData");
            let supported = matches!(format, "csv" | "ssv" | "tsv" | "pipes") || (format == "multi" && multi_ok);
            if !supported {
                sink.report(
                    Rule::CollectionFormatValueNotSupported,
                    &join(&p.pointer, "collectionFormat"),
                    format!("The collection format '{format}' is not supported here."),
                );
            }
        }
        internal_defaults(p, sink);
        super::schema_rules::check_value_schema(p.param, &p.pointer, sink);
    }
    for var in template {
        if !params.iter().any(|p| p.location() == "path" && p.name() == var) {
            sink.report(
                Rule::OperationMissingPathParameter,
                &op.pointer,
                format!("The path variable '{{{var}}}' has no path parameter."),
            );
        }
    }
    if bodies > 1 {
        sink.report(
            Rule::OperationParametersContainMultipleBodyParameters,
            &op.pointer,
            "The operation has more than one body parameter.",
        );
    }
    if bodies > 0 && form_data {
        sink.report(
            Rule::ParameterListContainsFormDataAndBody,
            &op.pointer,
            "The operation has both body and formData parameters.",
        );
    }
    if bodies > 0 || form_data {
        let consumes = op.op.get("consumes").or_else(|| doc.get("consumes")).and_then(Value::as_array);
        if consumes.is_none_or(Vec::is_empty) {
            // Certified connectors (Microsoft Bookings, Teams-Spirit, absentify) omit it: a warning.
            sink.report(
                Rule::ConsumesMissing,
                &op.pointer,
                "At least one supported MIME type must be provided in 'consumes'.",
            );
        }
    }
}

/// Internal parameters the user never sees: a required one needs a default to send.
fn internal_defaults(p: &Parameter<'_>, sink: &mut Sink) {
    if p.visibility() != Some("internal") || p.location() == "body" {
        return;
    }
    let has_default = p.param.get("default").is_some_and(|d| !d.is_null());
    if p.required() && !has_default {
        sink.report(
            Rule::InternalRequiredParameterMissingDefault,
            &p.pointer,
            format!("The internal required parameter '{}' must have a default value.", p.name()),
        );
    }
    if !p.required() && has_default {
        sink.report(
            Rule::InternalPropertyWithDefaultOptional,
            &p.pointer,
            format!("The internal parameter '{}' has a default but is optional; make it required.", p.name()),
        );
    }
}

/// Duplicate parameters within one written list (before path-item/operation merging).
fn raw_parameter_lists(op: &Operation<'_>, sink: &mut Sink) {
    let Some(list) = op.op.get("parameters").and_then(Value::as_array) else { return };
    let mut seen = HashMap::new();
    for (i, p) in list.iter().enumerate() {
        let key = match p.get("$ref").and_then(Value::as_str) {
            Some(r) => r.to_owned(),
            None => format!(
                "{}\u{0}{}",
                p.get("name").and_then(Value::as_str).unwrap_or(""),
                p.get("in").and_then(Value::as_str).unwrap_or("")
            ),
        };
        if seen.insert(key, i).is_some() {
            sink.report(
                Rule::OperationParametersContainDuplicateParameter,
                &join(&join(&op.pointer, "parameters"), &i.to_string()),
                "The parameter is declared more than once (same name and location).",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_variables_parse() {
        assert_eq!(template_variables("/a/{id}/b/{x}"), Some(vec!["id", "x"]));
        assert_eq!(template_variables("/a/{id"), None);
        assert_eq!(template_variables("/a/id}"), None);
        assert_eq!(template_variables("/a/{}"), None);
    }

    #[test]
    fn shapes_ignore_variable_names_but_keep_slashes() {
        assert_eq!(shape("/A/{id}"), shape("/a/{name}"));
        assert_ne!(shape("/a/{id}"), shape("/a/{id}/"));
    }
}
