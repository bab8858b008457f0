//! Webhook trigger rules: the callback URL property and the notification content.

use super::Sink;
use crate::catalog::Rule;
use crate::pointer::join;
use crate::walk::{self, Operation};
use serde_json::{Map, Value};

/// A property marked `x-ms-notification-url`, with what its chain of parents says.
struct NotificationUrl {
    pointer: String,
    /// The declared type is not string (an untyped property is sent as a string: accepted).
    declares_other_type: bool,
    internal: bool,
    required_all_the_way: bool,
}

pub fn check(doc: &Value, sink: &mut Sink) {
    for op in walk::operations(doc) {
        let params = walk::parameters(doc, &op);
        let mut urls = Vec::new();
        for p in &params {
            if p.location() != "body" {
                if p.param.contains_key("x-ms-notification-url") {
                    sink.report(
                        Rule::NotificationUrlNotAllowedInThisPosition,
                        &p.pointer,
                        "'x-ms-notification-url' is allowed only in the input body.",
                    );
                }
                continue;
            }
            if let Some(schema) = p.param.get("schema") {
                let internal = p.visibility() == Some("internal");
                find_urls(doc, schema, join(&p.pointer, "schema"), internal, p.required(), 0, &mut urls);
            }
        }
        for url in &urls {
            if url.declares_other_type {
                sink.report(
                    Rule::NotificationUrlNotString,
                    &url.pointer,
                    "The notification URL property must be a string.",
                );
            }
            if !url.internal {
                sink.report(
                    Rule::NotificationUrlNotInternal,
                    &url.pointer,
                    "The notification URL property, itself or at least one of its parents, must be internal.",
                );
            }
            // Teams-Spirit and absentify were certified with an optional callback URL: a warning.
            if !url.required_all_the_way {
                sink.report(
                    Rule::NotificationUrlNotRequired,
                    &url.pointer,
                    "The notification URL property must be required all the way through the schema chain.",
                );
            }
        }
        trigger_shape(&op, !urls.is_empty(), sink);
    }
}

fn trigger_shape(op: &Operation<'_>, has_url: bool, sink: &mut Sink) {
    let has_content = op.path_item.contains_key("x-ms-notification-content");
    if !op.is_trigger() {
        return;
    }
    if has_content && !has_url {
        sink.report(
            Rule::WebhookOperationsMissingNotificationUrlProperty,
            &op.pointer,
            "A webhook trigger must have a body property marked 'x-ms-notification-url'.",
        );
    }
    if !has_url {
        return;
    }
    if op.op.contains_key("x-ms-notification") {
        sink.report(
            Rule::NotificationExtensionNotSupportedInWebhookOperation,
            &join(&op.pointer, "x-ms-notification"),
            "'x-ms-notification' is not supported on a webhook operation.",
        );
    }
    let success_schema = ["200", "201"].iter().any(|code| {
        op.op
            .get("responses")
            .and_then(|r| r.get(*code))
            .and_then(|r| r.get("schema"))
            .is_some_and(|s| s.as_object().is_some_and(|o| !o.is_empty()))
    });
    if !has_content {
        sink.report(
            Rule::OperationMustHaveNotificationContentExtension,
            &op.pointer,
            "A webhook trigger should describe its payload with 'x-ms-notification-content' on its path item.",
        );
        if !success_schema {
            sink.report(
                Rule::SchemaDefinitionSetIncorrectly,
                &op.pointer,
                "Define an output schema on the 200 or 201 response or in 'x-ms-notification-content' for the webhook to be visible in the designer.",
            );
        }
    }
}

/// Walks a body schema (following `$ref`s) collecting notification URL properties.
fn find_urls(
    doc: &Value,
    schema: &Value,
    pointer: String,
    internal: bool,
    required: bool,
    depth: usize,
    out: &mut Vec<NotificationUrl>,
) {
    if depth > 32 {
        return;
    }
    let Some(mut s) = schema.as_object() else { return };
    let mut pointer = pointer;
    if let Some(target) = s.get("$ref").and_then(Value::as_str) {
        let Some(resolved) = walk::resolve(doc, target).and_then(Value::as_object) else { return };
        s = resolved;
        pointer = target.trim_start_matches('#').to_owned();
    }
    let internal = internal || s.get("x-ms-visibility").and_then(Value::as_str) == Some("internal");
    if s.get("x-ms-notification-url") == Some(&Value::Bool(true)) {
        out.push(NotificationUrl {
            pointer: pointer.clone(),
            declares_other_type: s.get("type").is_some_and(|t| t.as_str() != Some("string")),
            internal,
            required_all_the_way: required,
        });
    }
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        for (name, p) in props {
            let here = is_required(s, name);
            let at = join(&join(&pointer, "properties"), name);
            find_urls(doc, p, at, internal, required && here, depth + 1, out);
        }
    }
}

fn is_required(s: &Map<String, Value>, name: &str) -> bool {
    s.get("required").and_then(Value::as_array).is_some_and(|r| r.iter().any(|v| v.as_str() == Some(name)))
}
