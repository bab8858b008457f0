//! OpenAPI 3.0 → Swagger 2.0, the only version Power Platform accepts.
//!
//! Handles what our documents use: one server, JSON bodies and responses, OAuth authorization
//! code, `$ref`s to component schemas. `requestBody` becomes a body parameter named by the
//! operation's `x-codegen-request-body-name` (the official connector's names, e.g. `Referral`).

use serde_json::{json, Map, Value};

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];
const BODY_NAME: &str = "x-codegen-request-body-name";

/// Converts an OpenAPI 3 document (as JSON) to a Swagger 2.0 document.
pub fn convert(openapi: &Value) -> Result<Value, String> {
    let server = openapi.pointer("/servers/0/url").and_then(Value::as_str).ok_or("the document has no server")?;
    let (scheme, rest) = server.split_once("://").ok_or("the server URL has no scheme")?;
    let (host, base_path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, "/"),
    };
    let mut doc = Map::new();
    doc.insert("swagger".into(), json!("2.0"));
    copy(openapi, &mut doc, &["info", "tags", "security"]);
    doc.insert("host".into(), json!(host));
    doc.insert("basePath".into(), json!(base_path));
    doc.insert("schemes".into(), json!([scheme]));
    doc.insert("consumes".into(), json!(["application/json"]));
    doc.insert("produces".into(), json!(["application/json"]));
    let mut paths = Map::new();
    for (path, item) in openapi.get("paths").and_then(Value::as_object).into_iter().flatten() {
        let mut out = Map::new();
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.insert(method.into(), operation(op)?);
            }
        }
        paths.insert(path.clone(), Value::Object(out));
    }
    doc.insert("paths".into(), Value::Object(paths));
    let schemas = openapi.pointer("/components/schemas").cloned().unwrap_or_else(|| json!({}));
    doc.insert("definitions".into(), schema(&schemas));
    doc.insert("securityDefinitions".into(), security_definitions(openapi));
    for (key, value) in openapi.as_object().into_iter().flatten() {
        if key.starts_with("x-") {
            doc.insert(key.clone(), value.clone());
        }
    }
    Ok(Value::Object(doc))
}

fn copy(from: &Value, to: &mut Map<String, Value>, keys: &[&str]) {
    for key in keys {
        if let Some(v) = from.get(*key) {
            to.insert((*key).into(), v.clone());
        }
    }
}

fn operation(op: &Value) -> Result<Value, String> {
    let mut out = Map::new();
    copy(op, &mut out, &["operationId", "summary", "description", "tags"]);
    for (key, value) in op.as_object().into_iter().flatten() {
        if key.starts_with("x-") && key != BODY_NAME {
            out.insert(key.clone(), value.clone());
        }
    }
    let mut parameters: Vec<Value> = Vec::new();
    for p in op.get("parameters").and_then(Value::as_array).into_iter().flatten() {
        parameters.push(parameter(p));
    }
    if let Some(body) = op.get("requestBody") {
        let content = body.get("content").and_then(Value::as_object).ok_or("a request body has no content")?;
        let name = op.get(BODY_NAME).and_then(Value::as_str).unwrap_or("body");
        let body_schema = content.values().next().and_then(|c| c.get("schema")).cloned().unwrap_or(json!({}));
        let mut param = json!({"name": name, "in": "body", "required": body.get("required").cloned().unwrap_or(json!(false)),
                               "schema": schema(&body_schema)});
        if let (Value::Object(p), Some(d)) = (&mut param, body.get("description")) {
            p.insert("description".into(), d.clone());
        }
        parameters.push(param);
        let types: Vec<&String> = content.keys().collect();
        out.insert("consumes".into(), json!(types));
    }
    if !parameters.is_empty() {
        out.insert("parameters".into(), Value::Array(parameters));
    }
    let mut responses = Map::new();
    for (code, response) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
        let mut r = Map::new();
        copy(response, &mut r, &["description"]);
        if let Some(s) = response.pointer("/content/application~1json/schema") {
            r.insert("schema".into(), schema(s));
        }
        responses.insert(code.clone(), Value::Object(r));
    }
    out.insert("responses".into(), Value::Object(responses));
    Ok(Value::Object(out))
}

/// A non-body parameter: its schema's keywords move up onto the parameter.
fn parameter(p: &Value) -> Value {
    let mut out = Map::new();
    for (key, value) in p.as_object().into_iter().flatten() {
        match key.as_str() {
            "schema" => {
                if let Value::Object(s) = schema(value) {
                    for (k, v) in s {
                        if matches!(k.as_str(), "type" | "format" | "enum" | "default" | "items" | "x-ms-enum-values") {
                            out.insert(k, v);
                        }
                    }
                }
            }
            "style" | "explode" | "deprecated" | "allowEmptyValue" | "example" | "examples" => {}
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    Value::Object(out)
}

/// A schema with `$ref`s pointed at `#/definitions/` and OpenAPI-3-only keywords removed.
fn schema(s: &Value) -> Value {
    match s {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, value) in map {
                match key.as_str() {
                    "$ref" => {
                        let target = value.as_str().unwrap_or("").replace("#/components/schemas/", "#/definitions/");
                        out.insert(key.clone(), json!(target));
                    }
                    "nullable" | "writeOnly" | "deprecated" => {}
                    _ => {
                        out.insert(key.clone(), schema(value));
                    }
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(schema).collect()),
        other => other.clone(),
    }
}

fn security_definitions(openapi: &Value) -> Value {
    let mut out = Map::new();
    for (name, scheme) in
        openapi.pointer("/components/securitySchemes").and_then(Value::as_object).into_iter().flatten()
    {
        if let Some(flow) = scheme.pointer("/flows/authorizationCode") {
            out.insert(
                name.clone(),
                json!({"type": "oauth2", "flow": "accessCode",
                       "authorizationUrl": flow.get("authorizationUrl"), "tokenUrl": flow.get("tokenUrl"),
                       "scopes": flow.get("scopes").cloned().unwrap_or(json!({}))}),
            );
        }
    }
    Value::Object(out)
}
