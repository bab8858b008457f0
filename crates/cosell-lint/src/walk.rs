//! Views over a Swagger 2.0 document: operations, their parameters, and every schema.

use crate::pointer::join;
use serde_json::{Map, Value};

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

/// Where a schema sits: decides which rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaRole {
    /// Under `definitions`: shared, used as input or output.
    Definition,
    /// A body parameter's schema (input).
    Input,
    /// A response or notification-content schema (output).
    Output,
}

/// A schema reached during a walk.
pub struct SchemaVisit<'a> {
    pub schema: &'a Map<String, Value>,
    pub pointer: String,
    pub role: SchemaRole,
    /// The schema is the root of a body, response or definition (not a nested property).
    pub is_root: bool,
    /// The name of the property this schema describes, when it is one.
    pub property_name: Option<&'a str>,
}

/// Calls `visit` on every schema in the document (definitions, bodies, responses, notification contents).
pub fn schemas<'a>(doc: &'a Value, visit: &mut dyn FnMut(&SchemaVisit<'a>)) {
    if let Some(defs) = doc.get("definitions").and_then(Value::as_object) {
        for (name, schema) in defs {
            walk_schema(schema, join("/definitions", name), SchemaRole::Definition, true, None, visit);
        }
    }
    if let Some(params) = doc.get("parameters").and_then(Value::as_object) {
        for (name, p) in params {
            if let Some(schema) = p.get("schema") {
                let pointer = join(&join("/parameters", name), "schema");
                walk_schema(schema, pointer, SchemaRole::Input, true, None, visit);
            }
        }
    }
    if let Some(responses) = doc.get("responses").and_then(Value::as_object) {
        for (name, r) in responses {
            if let Some(schema) = r.get("schema") {
                let pointer = join(&join("/responses", name), "schema");
                walk_schema(schema, pointer, SchemaRole::Output, true, None, visit);
            }
        }
    }
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else { return };
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        let item_pointer = join("/paths", path);
        if let Some(schema) = item.get("x-ms-notification-content").and_then(|c| c.get("schema")) {
            let pointer = join(&join(&item_pointer, "x-ms-notification-content"), "schema");
            walk_schema(schema, pointer, SchemaRole::Output, true, None, visit);
        }
        let levels =
            std::iter::once((item.get("parameters"), item_pointer.clone())).chain(METHODS.iter().filter_map(|m| {
                let op = item.get(*m)?;
                Some((op.get("parameters"), join(&item_pointer, m)))
            }));
        for (list, base) in levels {
            for (i, p) in list.and_then(Value::as_array).into_iter().flatten().enumerate() {
                if let Some(schema) = p.get("schema") {
                    let pointer = join(&join(&join(&base, "parameters"), &i.to_string()), "schema");
                    walk_schema(schema, pointer, SchemaRole::Input, true, None, visit);
                }
            }
        }
        for m in METHODS {
            let Some(responses) = item.get(m).and_then(|op| op.get("responses")).and_then(Value::as_object) else {
                continue;
            };
            for (code, r) in responses {
                if let Some(schema) = r.get("schema") {
                    let pointer = join(&join(&join(&join(&item_pointer, m), "responses"), code), "schema");
                    walk_schema(schema, pointer, SchemaRole::Output, true, None, visit);
                }
            }
        }
    }
}

fn walk_schema<'a>(
    schema: &'a Value,
    pointer: String,
    role: SchemaRole,
    is_root: bool,
    property_name: Option<&'a str>,
    visit: &mut dyn FnMut(&SchemaVisit<'a>),
) {
    let Some(obj) = schema.as_object() else { return };
    visit(&SchemaVisit { schema: obj, pointer: pointer.clone(), role, is_root, property_name });
    if let Some(props) = obj.get("properties").and_then(Value::as_object) {
        let base = join(&pointer, "properties");
        for (name, p) in props {
            walk_schema(p, join(&base, name), role, false, Some(name), visit);
        }
    }
    if let Some(items) = obj.get("items") {
        walk_schema(items, join(&pointer, "items"), role, false, property_name, visit);
    }
    if let Some(extra) = obj.get("additionalProperties").filter(|v| v.is_object()) {
        walk_schema(extra, join(&pointer, "additionalProperties"), role, false, None, visit);
    }
    for (i, part) in obj.get("allOf").and_then(Value::as_array).into_iter().flatten().enumerate() {
        walk_schema(part, join(&join(&pointer, "allOf"), &i.to_string()), role, false, None, visit);
    }
}
