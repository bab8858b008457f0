//! A small JSON Schema checker for what flows and connectors use: `type`, `enum`, `properties`,
//! `required`, `items`, `additionalProperties`, `$ref` to `#/definitions/…`. ParseJson checks
//! with it (unknown properties allowed, as JSON Schema says); the connector fakes check request
//! bodies with it in strict mode, reading them as the service does: a property the connector does
//! not define is an error, and names match in any case (Partner Center binds JSON with ASP.NET,
//! case-insensitively, as Microsoft's own samples rely on: `ConsentToContact`).

use super::path;
use serde_json::Value;

/// Checks `value` against `schema`; returns every problem as `path: message`.
pub fn check(value: &Value, schema: &Value, root: &Value, strict: bool, at: &str) -> Vec<String> {
    let mut errors = Vec::new();
    walk(value, schema, root, strict, at, 0, &mut errors);
    errors
}

const MAX_REF_DEPTH: usize = 64;

fn walk(value: &Value, schema: &Value, root: &Value, strict: bool, at: &str, depth: usize, errors: &mut Vec<String>) {
    if depth > MAX_REF_DEPTH {
        errors.push(format!("{at}: the schema nests too deeply"));
        return;
    }
    let Some(schema_obj) = schema.as_object() else { return };
    if let Some(Value::String(reference)) = schema_obj.get("$ref") {
        match resolve(reference, root) {
            Some(target) => walk(value, target, root, strict, at, depth + 1, errors),
            None => errors.push(format!("{at}: the schema refers to {reference}, which does not exist")),
        }
        return;
    }
    if let Some(types) = schema_obj.get("type") {
        let allowed: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        // A null is accepted for any type: flows pass null for an empty optional field, and
        // `x-nullable` is the norm in the connectors. UNCERTAIN for strict services.
        if !value.is_null() && !allowed.is_empty() && !allowed.iter().any(|t| type_matches(value, t)) {
            errors.push(format!("{at}: expected {}, found {}", allowed.join(" or "), kind(value)));
            return;
        }
    }
    if let Some(Value::Array(options)) = schema_obj.get("enum") {
        if !value.is_null() && !options.contains(value) {
            errors.push(format!("{at}: {value} is not one of the allowed values"));
        }
    }
    match value {
        Value::Object(map) => {
            let properties = schema_obj.get("properties").and_then(Value::as_object);
            if let Some(Value::Array(required)) = schema_obj.get("required") {
                for name in required.iter().filter_map(Value::as_str) {
                    if lookup(map, name, strict).is_none() {
                        errors.push(format!("{at}: missing required property {name}"));
                    }
                }
            }
            let additional = schema_obj.get("additionalProperties");
            for (key, item) in map {
                let item_path = path::child(at, key);
                match properties.and_then(|p| lookup(p, key, strict)) {
                    Some(item_schema) => walk(item, item_schema, root, strict, &item_path, depth + 1, errors),
                    None => match additional {
                        Some(Value::Bool(false)) => errors.push(format!("{item_path}: property {key} is not allowed")),
                        Some(extra @ Value::Object(_)) => {
                            walk(item, extra, root, strict, &item_path, depth + 1, errors)
                        }
                        Some(_) => {}
                        None if strict && (properties.is_some() || schema_obj.contains_key("type")) => {
                            errors.push(format!("{item_path}: property {key} is not defined by the connector"))
                        }
                        None => {}
                    },
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema_obj.get("items") {
                for (i, item) in items.iter().enumerate() {
                    walk(item, item_schema, root, strict, &path::index(at, i), depth + 1, errors);
                }
            }
        }
        _ => {}
    }
}

/// The entry named `name`; in strict (service) mode a name in another case matches too.
fn lookup<'a>(map: &'a serde_json::Map<String, Value>, name: &str, strict: bool) -> Option<&'a Value> {
    map.get(name)
        .or_else(|| strict.then(|| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v)).flatten())
}

fn resolve<'a>(reference: &str, root: &'a Value) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    root.pointer(pointer)
}

fn type_matches(value: &Value, t: &str) -> bool {
    match t {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        // `file` and other Swagger-only types: not checked.
        _ => true,
    }
}

/// A JSON value's kind in words, for messages.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn types_properties_required_items() {
        let root = json!({"definitions": {"Tag": {"type": "object", "properties": {"id": {"type": "string"}}}}});
        let schema = json!({
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "count": {"type": "integer"},
                "kind": {"type": "string", "enum": ["A", "B"]},
                "tags": {"type": "array", "items": {"$ref": "#/definitions/Tag"}}
            }
        });
        assert!(check(&json!({"name": "x", "count": 2, "tags": [{"id": "a"}]}), &schema, &root, true, "$").is_empty());
        assert_eq!(
            check(&json!({"count": 2.5}), &schema, &root, false, "$"),
            vec![
                "$: missing required property name".to_owned(),
                "$.count: expected integer, found a number".to_owned()
            ]
        );
        assert_eq!(
            check(&json!({"name": "x", "kind": "C"}), &schema, &root, false, "$"),
            vec!["$.kind: \"C\" is not one of the allowed values".to_owned()]
        );
        assert_eq!(
            check(&json!({"name": "x", "tags": [{"id": 1}]}), &schema, &root, false, "$"),
            vec!["$.tags[0].id: expected string, found an integer".to_owned()]
        );
        assert!(check(&json!({"name": "x", "extra": 1}), &schema, &root, false, "$").is_empty());
        assert_eq!(
            check(&json!({"name": "x", "extra": 1}), &schema, &root, true, "$"),
            vec!["$.extra: property extra is not defined by the connector".to_owned()]
        );
        assert_eq!(check(&json!({"name": "x"}), &json!({"$ref": "#/definitions/Nope"}), &root, true, "$").len(), 1);
    }

    #[test]
    fn additional_properties() {
        let schema = json!({"type": "object", "additionalProperties": {"type": "string"}});
        assert!(check(&json!({"a": "b"}), &schema, &schema, true, "$").is_empty());
        assert_eq!(check(&json!({"a": 1}), &schema, &schema, true, "$").len(), 1);
        let closed = json!({"type": "object", "properties": {}, "additionalProperties": false});
        assert_eq!(check(&json!({"a": 1}), &closed, &closed, false, "$").len(), 1);
    }
}
