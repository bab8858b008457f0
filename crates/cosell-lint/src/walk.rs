//! Views over a Swagger 2.0 document: operations, their parameters, and every schema.

use crate::pointer::join;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The HTTP methods a Swagger 2.0 path item can hold.
pub const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

/// One operation of the document.
pub struct Operation<'a> {
    pub path: &'a str,
    pub method: &'a str,
    pub op: &'a Map<String, Value>,
    pub path_item: &'a Map<String, Value>,
    pub pointer: String,
}

impl Operation<'_> {
    /// The operation's `operationId`, if it is a string.
    pub fn id(&self) -> Option<&str> {
        self.op.get("operationId").and_then(Value::as_str)
    }

    /// `x-ms-trigger` is set: the designer shows the operation as a trigger.
    pub fn is_trigger(&self) -> bool {
        self.op.get("x-ms-trigger").is_some()
    }
}

/// A parameter with `$ref` resolved, and where it is written.
pub struct Parameter<'a> {
    pub param: &'a Map<String, Value>,
    pub pointer: String,
}

impl Parameter<'_> {
    pub fn name(&self) -> &str {
        self.param.get("name").and_then(Value::as_str).unwrap_or("")
    }
    pub fn location(&self) -> &str {
        self.param.get("in").and_then(Value::as_str).unwrap_or("")
    }
    pub fn required(&self) -> bool {
        self.param.get("required").and_then(Value::as_bool).unwrap_or(false)
    }
    pub fn visibility(&self) -> Option<&str> {
        self.param.get("x-ms-visibility").and_then(Value::as_str)
    }
}

/// Every operation, in document order.
pub fn operations(doc: &Value) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else { return out };
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        let item_pointer = join("/paths", path);
        for method in METHODS {
            if let Some(op) = item.get(method).and_then(Value::as_object) {
                out.push(Operation { path, method, op, path_item: item, pointer: join(&item_pointer, method) });
            }
        }
    }
    out
}

/// Resolves a local `#/a/b` reference.
pub fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

/// The operation's effective parameters: path-item level ones overridden by operation level ones
/// with the same name and location; `$ref`s to `#/parameters/` resolved.
pub fn parameters<'a>(doc: &'a Value, op: &Operation<'a>) -> Vec<Parameter<'a>> {
    let mut out: Vec<Parameter<'a>> = Vec::new();
    let item_pointer = join("/paths", op.path);
    let levels = [(op.op.get("parameters"), op.pointer.clone()), (op.path_item.get("parameters"), item_pointer)];
    for (list, base) in levels {
        let Some(list) = list.and_then(Value::as_array) else { continue };
        for (i, raw) in list.iter().enumerate() {
            let pointer = join(&join(&base, "parameters"), &i.to_string());
            let resolved = match raw.get("$ref").and_then(Value::as_str) {
                Some(r) => resolve(doc, r),
                None => Some(raw),
            };
            let Some(param) = resolved.and_then(Value::as_object) else { continue };
            let candidate = Parameter { param, pointer };
            let shadowed = out.iter().any(|p| p.name() == candidate.name() && p.location() == candidate.location());
            if !shadowed {
                out.push(candidate);
            }
        }
    }
    out
}

/// Which way an inline schema carries data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SchemaRole {
    /// A body parameter's schema (input).
    Input,
    /// A response or notification-content schema (output).
    Output,
}

/// Where a schema is used, with the first place of each use (a definition can be both).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Uses {
    /// A body parameter's schema that reaches this one (input).
    pub input: Option<String>,
    /// A response or notification content that reaches this one (output).
    pub output: Option<String>,
}

/// A schema reached during a walk.
pub struct SchemaVisit<'a> {
    pub schema: &'a Map<String, Value>,
    pub pointer: String,
    /// Where the schema is used: for a definition, every body or response reaching it through
    /// `$ref`s; for an inline schema, its own position. Position rules judge by this.
    pub uses: &'a Uses,
    /// The schema is the root of a body, response or definition (not a nested property).
    pub is_root: bool,
    /// The name of the property this schema describes, when it is one.
    pub property_name: Option<&'a str>,
}

/// Calls `visit` on every schema in the document (definitions, bodies, responses, notification contents).
pub fn schemas<'a>(doc: &'a Value, visit: &mut dyn FnMut(&SchemaVisit<'_>)) {
    let roots = schema_roots(doc);
    let definition_uses = definition_uses(doc, &roots);
    let none = Uses::default();
    if let Some(defs) = doc.get("definitions").and_then(Value::as_object) {
        for (name, schema) in defs {
            let uses = definition_uses.get(name.as_str()).unwrap_or(&none);
            walk_schema(schema, join("/definitions", name), uses, true, None, visit);
        }
    }
    for root in &roots {
        let pointer = root.pointer.clone();
        let uses = match root.role {
            SchemaRole::Output => Uses { input: None, output: Some(pointer.clone()) },
            _ => Uses { input: Some(pointer.clone()), output: None },
        };
        walk_schema(root.schema, pointer, &uses, true, None, visit);
    }
}

/// A body, response or notification-content schema written in place.
struct Root<'a> {
    schema: &'a Value,
    pointer: String,
    role: SchemaRole,
}

fn schema_roots<'a>(doc: &'a Value) -> Vec<Root<'a>> {
    let mut out = Vec::new();
    let mut push = |schema: Option<&'a Value>, pointer: String, role| {
        if let Some(schema) = schema {
            out.push(Root { schema, pointer: join(&pointer, "schema"), role });
        }
    };
    for (name, p) in doc.get("parameters").and_then(Value::as_object).into_iter().flatten() {
        push(p.get("schema"), join("/parameters", name), SchemaRole::Input);
    }
    for (name, r) in doc.get("responses").and_then(Value::as_object).into_iter().flatten() {
        push(r.get("schema"), join("/responses", name), SchemaRole::Output);
    }
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        let Some(item) = item.as_object() else { continue };
        let item_pointer = join("/paths", path);
        if let Some(content) = item.get("x-ms-notification-content") {
            push(content.get("schema"), join(&item_pointer, "x-ms-notification-content"), SchemaRole::Output);
        }
        let levels =
            std::iter::once((item.get("parameters"), item_pointer.clone())).chain(METHODS.iter().filter_map(|m| {
                let op = item.get(*m)?;
                Some((op.get("parameters"), join(&item_pointer, m)))
            }));
        for (list, base) in levels {
            for (i, p) in list.and_then(Value::as_array).into_iter().flatten().enumerate() {
                push(p.get("schema"), join(&join(&base, "parameters"), &i.to_string()), SchemaRole::Input);
            }
        }
        for m in METHODS {
            let Some(responses) = item.get(m).and_then(|op| op.get("responses")).and_then(Value::as_object) else {
                continue;
            };
            for (code, r) in responses {
                push(r.get("schema"), join(&join(&join(&item_pointer, m), "responses"), code), SchemaRole::Output);
            }
        }
    }
    out
}

/// For every definition, where it is used: follows `$ref`s from every root, transitively.
fn definition_uses<'a>(doc: &'a Value, roots: &[Root<'a>]) -> HashMap<&'a str, Uses> {
    let defs = doc.get("definitions").and_then(Value::as_object);
    let mut uses: HashMap<&'a str, Uses> = HashMap::new();
    for root in roots {
        let mut stack = vec![root.schema];
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        while let Some(schema) = stack.pop() {
            for name in references(schema) {
                let Some((name, target)) = defs.and_then(|d| d.get_key_value(name)) else { continue };
                if !seen.insert(name.as_str()) {
                    continue;
                }
                let entry = uses.entry(name.as_str()).or_default();
                let slot = if root.role == SchemaRole::Output { &mut entry.output } else { &mut entry.input };
                slot.get_or_insert_with(|| root.pointer.clone());
                stack.push(target);
            }
        }
    }
    uses
}

/// The definition names a schema refers to, anywhere inside it.
fn references(schema: &Value) -> Vec<&str> {
    let mut out = Vec::new();
    let mut stack = vec![schema];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                if let Some(name) =
                    map.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/definitions/"))
                {
                    out.push(name);
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    out
}

fn walk_schema(
    schema: &Value,
    pointer: String,
    uses: &Uses,
    is_root: bool,
    property_name: Option<&str>,
    visit: &mut dyn FnMut(&SchemaVisit<'_>),
) {
    let Some(obj) = schema.as_object() else { return };
    visit(&SchemaVisit { schema: obj, pointer: pointer.clone(), uses, is_root, property_name });
    if let Some(props) = obj.get("properties").and_then(Value::as_object) {
        let base = join(&pointer, "properties");
        for (name, p) in props {
            walk_schema(p, join(&base, name), uses, false, Some(name), visit);
        }
    }
    if let Some(items) = obj.get("items") {
        walk_schema(items, join(&pointer, "items"), uses, false, property_name, visit);
    }
    if let Some(extra) = obj.get("additionalProperties").filter(|v| v.is_object()) {
        walk_schema(extra, join(&pointer, "additionalProperties"), uses, false, None, visit);
    }
    for (i, part) in obj.get("allOf").and_then(Value::as_array).into_iter().flatten().enumerate() {
        walk_schema(part, join(&join(&pointer, "allOf"), &i.to_string()), uses, false, None, visit);
    }
}
