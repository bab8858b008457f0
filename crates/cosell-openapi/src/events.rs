//! The Partner Center webhook registration API (`https://api.partnercenter.microsoft.com/webhooks/v1`).
//!
//! One registration per partner, no per-subscription id and no DELETE: a Power Platform webhook
//! trigger cannot sit on it (see the connector README), so this connector has actions only, plus
//! the event payload as a definition for the HTTP trigger's "Parse JSON".

use crate::common::{
    self, correlation_id, error_responses, json_body, json_response, operation, path_id, schema_ref, Op,
};
use crate::model_schemas::ModelSchemas;
use cosell_core::webhook::{ValidationEventResponse, ValidationEventStatus, WebhookEvent, WebhookRegistration};
use serde_json::{json, Map, Value};

pub const SERVER: &str = "https://api.partnercenter.microsoft.com/webhooks/v1";

/// The OpenAPI 3 document of the webhook registration API.
pub fn document() -> Result<openapiv3::OpenAPI, String> {
    let mut model = ModelSchemas::new();
    let registration = model.add::<WebhookRegistration>();
    let posted = model.add::<ValidationEventResponse>();
    let status = model.add::<ValidationEventStatus>();
    model.add::<WebhookEvent>();
    let schemas = model.schemas;
    let info = common::info(
        "Partner Center Events",
        "Register the partner's Partner Center webhook for referral events, list the supported events and test delivery, generated from the cosell model.",
    );
    let tags = json!([{"name": "Webhooks", "description": "The partner's webhook registration."}]);
    let ops = vec![
        view(&registration),
        register(&registration),
        update(&registration),
        events(),
        validation(&posted),
        validation_status(&status),
    ];
    common::document(info, SERVER, tags, ops, schemas)
}

fn finish(mut op: Map<String, Value>, responses: Map<String, Value>) -> Value {
    let mut responses = responses;
    error_responses(&mut responses, None);
    op.insert("responses".into(), Value::Object(responses));
    op.insert("tags".into(), json!(["Webhooks"]));
    Value::Object(op)
}

fn view(registration: &str) -> Op {
    let mut op = operation(
        "ViewRegistration",
        "Get the webhook registration",
        "Reads the partner's webhook registration: the URL and the events it receives.",
        "important",
    );
    op.insert("parameters".into(), json!([correlation_id()]));
    let mut r = Map::new();
    r.insert("200".into(), json_response("The registration.", schema_ref(registration)));
    Op { path: "/registration", method: "get", value: finish(op, r) }
}

fn register(registration: &str) -> Op {
    let mut op = operation(
        "EventRegistration",
        "Register the webhook",
        "Registers the URL that receives the given events; fails with 409 when a registration exists (update it instead).",
        "important",
    );
    op.insert("parameters".into(), json!([correlation_id()]));
    op.insert("requestBody".into(), json_body(schema_ref(registration), "The URL and the events to register."));
    op.insert("x-codegen-request-body-name".into(), json!("registration"));
    let mut r = Map::new();
    r.insert("200".into(), json_response("The registration.", schema_ref(registration)));
    r.insert("409".into(), json!({"description": "A registration already exists; update it instead."}));
    Op { path: "/registration", method: "post", value: finish(op, r) }
}

fn update(registration: &str) -> Op {
    let mut op = operation(
        "UpdateRegistration",
        "Update the webhook registration",
        "Replaces the partner's webhook registration: the URL and the events it receives.",
        "important",
    );
    op.insert("parameters".into(), json!([correlation_id()]));
    op.insert("requestBody".into(), json_body(schema_ref(registration), "The URL and the events to register."));
    op.insert("x-codegen-request-body-name".into(), json!("registration"));
    let mut r = Map::new();
    r.insert("200".into(), json_response("The updated registration.", schema_ref(registration)));
    Op { path: "/registration", method: "put", value: finish(op, r) }
}

fn events() -> Op {
    let mut op = operation(
        "ListSupportedEvents",
        "List the supported events",
        "Lists the event names a registration may ask for, such as referral-created.",
        "advanced",
    );
    op.insert("parameters".into(), json!([correlation_id()]));
    let names = json!({"type": "array", "description": "The event names.", "items": {"type": "string"}});
    let mut r = Map::new();
    r.insert("200".into(), json_response("The supported event names.", names));
    Op { path: "/registration/events", method: "get", value: finish(op, r) }
}

fn validation(posted: &str) -> Op {
    let mut op = operation(
        "CreateValidationEvent",
        "Send a test event",
        "Sends a test-created event to the registered URL (at most 2 a minute; test-created must be registered).",
        "advanced",
    );
    op.insert("parameters".into(), json!([correlation_id()]));
    let mut r = Map::new();
    r.insert("200".into(), json_response("The ID to read the delivery status with.", schema_ref(posted)));
    Op { path: "/registration/validationEvents", method: "post", value: finish(op, r) }
}

fn validation_status(status: &str) -> Op {
    let mut op = operation(
        "GetValidationEventStatus",
        "Get the test event status",
        "Reads whether a test event was delivered to the registered URL.",
        "advanced",
    );
    op.insert(
        "parameters".into(),
        json!([path_id("correlationId", "Correlation ID", "The ID the test event was sent with."), correlation_id()]),
    );
    let mut r = Map::new();
    r.insert("200".into(), json_response("The delivery status.", schema_ref(status)));
    Op { path: "/registration/validationEvents/{correlationId}", method: "get", value: finish(op, r) }
}
