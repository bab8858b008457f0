//! A connector's Swagger 2.0 definition as the fakes use it: operations by operationId, and the
//! binding of an action's flat `parameters` (`id`, `If-Match`, `Referral/details/notes`) to the
//! operation's path, query, header and body parameters, each checked against its schema.

use crate::run::path;
use crate::run::schema;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A connector definition.
#[derive(Debug, Clone)]
pub struct Connector {
    swagger: Value,
    operations: BTreeMap<String, Operation>,
}

#[derive(Debug, Clone)]
struct Operation {
    method: String,
    path: String,
    parameters: Vec<Value>,
}

/// A request bound to its operation.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BoundRequest {
    pub method: String,
    pub path_template: String,
    pub path: Map<String, Value>,
    pub query: Map<String, Value>,
    /// Header names as the connector spells them.
    pub headers: Map<String, Value>,
    pub body: Option<Value>,
}

impl BoundRequest {
    /// A header's value, looked up case-insensitively.
    pub fn header(&self, name: &str) -> Option<&Value> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v)
    }
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

impl Connector {
    /// Reads an `apiDefinition.swagger.json`.
    pub fn from_swagger(text: &str) -> Result<Connector, String> {
        let swagger: Value =
            serde_json::from_str(text).map_err(|e| format!("the connector definition is not JSON: {e}"))?;
        let mut operations = BTreeMap::new();
        for (p, item) in swagger.get("paths").and_then(Value::as_object).into_iter().flatten() {
            let shared: Vec<Value> = item.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let Some(id) = op.get("operationId").and_then(Value::as_str) else { continue };
                let mut parameters = shared.clone();
                parameters.extend(op.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default());
                operations
                    .insert(id.to_owned(), Operation { method: method.to_uppercase(), path: p.clone(), parameters });
            }
        }
        Ok(Connector { swagger, operations })
    }

    /// A connector with no operations (every request is then a contract violation).
    pub fn empty() -> Connector {
        Connector { swagger: Value::Null, operations: BTreeMap::new() }
    }

    pub fn has_operation(&self, operation_id: &str) -> bool {
        self.operations.contains_key(operation_id)
    }

    pub fn operation_ids(&self) -> Vec<&str> {
        self.operations.keys().map(String::as_str).collect()
    }

    /// The schema of a definition (`#/definitions/Name`).
    pub fn definition(&self, name: &str) -> Option<&Value> {
        self.swagger.get("definitions").and_then(|d| d.get(name))
    }

    /// Binds and checks an action's parameters. A key is a parameter's name, or the body
    /// parameter's name (or `body`) followed by `/` and a property path. Missing required
    /// parameters with a `default` get it (as the designer fills internal parameters); every
    /// other problem is an error naming the parameter.
    /// UNCERTAIN: that `body/…` is accepted as well as `<body parameter name>/…` for keys.
    pub fn bind(&self, operation_id: &str, given: &Map<String, Value>) -> Result<BoundRequest, Vec<String>> {
        let op = self
            .operations
            .get(operation_id)
            .ok_or_else(|| vec![format!("the connector has no operation {operation_id}")])?;
        let mut bound =
            BoundRequest { method: op.method.clone(), path_template: op.path.clone(), ..BoundRequest::default() };
        let mut errors = Vec::new();
        let params: Vec<&Value> = op.parameters.iter().map(|p| self.resolve(p)).collect();
        let named = |key: &str| {
            params.iter().copied().find(|p| {
                let name = p.get("name").and_then(Value::as_str).unwrap_or("");
                let header = p.get("in").and_then(Value::as_str) == Some("header");
                if header {
                    name.eq_ignore_ascii_case(key)
                } else {
                    name == key
                }
            })
        };
        let body_param = params.iter().copied().find(|p| p.get("in").and_then(Value::as_str) == Some("body"));
        let body_name = body_param.and_then(|p| p.get("name")).and_then(Value::as_str).unwrap_or("body");
        for (key, value) in given {
            if let Some(p) = named(key) {
                let location = p.get("in").and_then(Value::as_str).unwrap_or("");
                let name = p.get("name").and_then(Value::as_str).unwrap_or(key).to_owned();
                match location {
                    "body" => merge_body(&mut bound.body, &[], value.clone()),
                    "path" => {
                        bound.path.insert(name, value.clone());
                    }
                    "query" => {
                        bound.query.insert(name, value.clone());
                    }
                    "header" => {
                        bound.headers.insert(name, value.clone());
                    }
                    other => errors.push(format!("parameter {key} is in {other}, which this fake does not model")),
                }
                if location != "body" {
                    errors.extend(check_simple(p, value, key));
                }
                continue;
            }
            let nested = key
                .split_once('/')
                .filter(|(prefix, _)| body_param.is_some() && (*prefix == body_name || *prefix == "body"));
            match nested {
                Some((_, rest)) => {
                    let segments: Vec<&str> = rest.split('/').collect();
                    merge_body(&mut bound.body, &segments, value.clone());
                }
                None => errors.push(format!("operation {operation_id} has no parameter {key}")),
            }
        }
        for p in &params {
            let name = p.get("name").and_then(Value::as_str).unwrap_or("");
            let location = p.get("in").and_then(Value::as_str).unwrap_or("");
            let present = match location {
                "body" => bound.body.is_some(),
                "path" => bound.path.contains_key(name),
                "query" => bound.query.contains_key(name),
                "header" => bound.header(name).is_some(),
                _ => true,
            };
            if present {
                continue;
            }
            if let (Some(default), "header") = (p.get("default"), location) {
                bound.headers.insert(name.to_owned(), default.clone());
            } else if let (Some(default), "query" | "path") = (p.get("default"), location) {
                let target = if location == "query" { &mut bound.query } else { &mut bound.path };
                target.insert(name.to_owned(), default.clone());
            } else if p.get("required").and_then(Value::as_bool) == Some(true) {
                errors.push(format!("operation {operation_id} needs parameter {name}"));
            }
        }
        if let (Some(p), Some(body)) = (body_param, &bound.body) {
            let schema = p.get("schema").cloned().unwrap_or(Value::Null);
            errors.extend(schema::check(body, &schema, &self.swagger, true, &path::child("$", body_name)));
        }
        if errors.is_empty() {
            Ok(bound)
        } else {
            Err(errors)
        }
    }

    fn resolve<'a>(&'a self, p: &'a Value) -> &'a Value {
        match p.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
            Some(pointer) => self.swagger.pointer(pointer).unwrap_or(p),
            None => p,
        }
    }
}

/// Puts `value` at `segments` inside the body, creating objects on the way.
fn merge_body(body: &mut Option<Value>, segments: &[&str], value: Value) {
    let Some((last, parents)) = segments.split_last() else {
        *body = Some(value);
        return;
    };
    let mut at = body.get_or_insert_with(|| Value::Object(Map::new()));
    for segment in parents {
        if !at.is_object() {
            *at = Value::Object(Map::new());
        }
        let Some(map) = at.as_object_mut() else { return };
        at = map.entry((*segment).to_owned()).or_insert_with(|| Value::Object(Map::new()));
    }
    if !at.is_object() {
        *at = Value::Object(Map::new());
    }
    if let Some(map) = at.as_object_mut() {
        map.insert((*last).to_owned(), value);
    }
}

/// Checks a path, query or header parameter's value against its `type` and `enum`.
fn check_simple(p: &Value, value: &Value, key: &str) -> Vec<String> {
    let mut schema = Map::new();
    for k in ["type", "enum"] {
        if let Some(v) = p.get(k) {
            schema.insert(k.to_owned(), v.clone());
        }
    }
    // A flow may pass numbers and booleans for string parameters as text; the connector
    // runtime serializes them into the URL either way.
    let value = match (p.get("type").and_then(Value::as_str), value) {
        (Some("integer" | "number"), Value::String(s)) => {
            s.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map_or(value.clone(), Value::Number)
        }
        (Some("boolean"), Value::String(s)) if s == "true" || s == "false" => Value::Bool(s == "true"),
        _ => value.clone(),
    };
    let schema = Value::Object(schema);
    schema::check(&value, &schema, &schema, true, key)
}
