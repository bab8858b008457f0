//! Protocol pieces both APIs share: headers, OAuth, error responses, operation shells.

use serde_json::{json, Map, Value};

/// One operation of an OpenAPI 3 document, before it is placed under its path.
pub struct Op {
    pub path: &'static str,
    pub method: &'static str,
    pub value: Value,
}

/// An operation with the fields every connector operation needs.
pub fn operation(id: &str, summary: &str, description: &str, visibility: &str) -> Map<String, Value> {
    let mut op = Map::new();
    op.insert("operationId".into(), json!(id));
    op.insert("summary".into(), json!(summary));
    op.insert("description".into(), json!(description));
    op.insert("x-ms-visibility".into(), json!(visibility));
    op
}

/// A header or query parameter with its designer labels.
pub fn parameter(name: &str, location: &str, summary: &str, description: &str, schema: Value) -> Map<String, Value> {
    let mut p = Map::new();
    p.insert("name".into(), json!(name));
    p.insert("in".into(), json!(location));
    p.insert("required".into(), json!(location == "path"));
    p.insert("x-ms-summary".into(), json!(summary));
    p.insert("description".into(), json!(description));
    p.insert("schema".into(), schema);
    p
}

/// The `MS-CorrelationId` header every Partner Center call may carry.
pub fn correlation_id() -> Value {
    let mut p = parameter(
        "MS-CorrelationId",
        "header",
        "Correlation ID",
        "A GUID that identifies the call in Partner Center logs and traces.",
        json!({"type": "string"}),
    );
    p.insert("x-ms-visibility".into(), json!("advanced"));
    Value::Object(p)
}

/// A required path parameter.
pub fn path_id(name: &str, summary: &str, description: &str) -> Value {
    let mut p = parameter(name, "path", summary, description, json!({"type": "string"}));
    p.insert("x-ms-url-encoding".into(), json!("single"));
    Value::Object(p)
}

/// A JSON body referring to a named schema.
pub fn json_body(schema: Value, description: &str) -> Value {
    json!({"required": true, "description": description, "content": {"application/json": {"schema": schema}}})
}

/// A JSON response referring to a schema.
pub fn json_response(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

/// `#/components/schemas/NAME`.
pub fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("{}{name}", crate::model_schemas::REF_PREFIX) })
}

/// The documented error statuses (Partner API error-codes page), each with the typed error body
/// when `error_schema` is given.
pub fn error_responses(responses: &mut Map<String, Value>, error_schema: Option<&str>) {
    let errors = [
        ("400", "There was a missing or an invalid input; the response body gives the error details."),
        ("401", "The request was not authenticated; sign in to the connection again."),
        ("403", "The caller does not have the rights to invoke the operation."),
        ("404", "The resource was not found."),
        ("429", "Too many requests; wait for the Retry-After seconds and try again."),
        ("500", "Partner Center or one of its dependencies failed; the call may be retried."),
    ];
    for (code, description) in errors {
        let response = match error_schema {
            Some(name) => json_response(description, schema_ref(name)),
            None => json!({ "description": description }),
        };
        responses.insert(code.into(), response);
    }
}

/// OAuth 2.0 (AAD authorization code) the way Power Platform reads it from an OpenAPI 3 document.
pub fn oauth_components() -> Value {
    json!({
        "oauth2_auth": {
            "type": "oauth2",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": "https://login.windows.net/common/oauth2/authorize",
                    "tokenUrl": "https://login.windows.net/common/oauth2/authorize",
                    "scopes": {}
                }
            }
        }
    })
}

/// The certification metadata both connectors carry (website, privacy policy, categories).
pub fn connector_metadata() -> Value {
    json!([
        {"propertyName": "Website", "propertyValue": "https://partner.microsoft.com/dashboard"},
        {"propertyName": "Privacy policy", "propertyValue": "https://privacy.microsoft.com/privacystatement"},
        {"propertyName": "Categories", "propertyValue": "Productivity;Sales and CRM"}
    ])
}

/// The `info` object both documents share; only the title and the description differ.
pub fn info(title: &str, description: &str) -> Value {
    json!({
        "title": title,
        "description": description,
        "version": "1.0",
        "contact": {"name": "cosell", "url": "https://github.com/cosell/cosell"},
        "license": {"name": "MIT"},
        "x-ms-api-annotation": {"status": "Preview"},
    })
}

/// Places operations under their paths and parses the whole into the typed OpenAPI 3 model.
pub fn document(
    info: Value,
    server: &str,
    tags: Value,
    operations: Vec<Op>,
    schemas: Map<String, Value>,
) -> Result<openapiv3::OpenAPI, String> {
    let mut paths = Map::new();
    for op in operations {
        let item = paths.entry(op.path).or_insert_with(|| json!({}));
        if let Value::Object(item) = item {
            item.insert(op.method.into(), op.value);
        }
    }
    let mut doc = json!({
        "openapi": "3.0.3",
        "info": info,
        "servers": [{ "url": server }],
        "tags": tags,
        "paths": paths,
        "components": { "schemas": schemas, "securitySchemes": oauth_components() },
        "security": [{ "oauth2_auth": [] }],
    });
    if let Value::Object(map) = &mut doc {
        map.insert("x-ms-connector-metadata".into(), connector_metadata());
    }
    serde_json::from_value(doc).map_err(|e| format!("the generated OpenAPI 3 document is not valid: {e}"))
}
