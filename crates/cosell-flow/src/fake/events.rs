//! A fake Partner Center webhook registration service behind `connector/partner-center-events`:
//! one registration per partner (409 on a second create, 404 on updating none), the documented
//! event names, validation events.

use super::faults::{FakeService, FakeState, Recorder, Shared};
use super::openapi::Connector;
use crate::run::{format_instant, Answer, ConnectorRequest, Reply, Service};
use serde_json::{json, Value};

const SWAGGER: &str = include_str!("../../../../connector/partner-center-events/apiDefinition.swagger.json");

/// The events Partner Center delivers (partner-center-webhook-events).
pub const SUPPORTED_EVENTS: [&str; 5] =
    ["referral-created", "referral-updated", "related-referral-created", "related-referral-updated", "test-created"];

#[derive(Clone)]
pub struct PartnerCenterEvents(Shared<State>);

pub(crate) struct State {
    connector: Connector,
    recorder: Recorder,
    registration: Option<Value>,
    validations: Vec<Value>,
}

impl Default for PartnerCenterEvents {
    fn default() -> Self {
        PartnerCenterEvents::new()
    }
}

impl PartnerCenterEvents {
    pub fn new() -> PartnerCenterEvents {
        let connector = Connector::from_swagger(SWAGGER).unwrap_or_else(|_| Connector::empty());
        PartnerCenterEvents(Shared::new(State {
            connector,
            recorder: Recorder::default(),
            registration: None,
            validations: Vec::new(),
        }))
    }

    /// The current registration, if any.
    pub fn registration(&self) -> Option<Value> {
        self.0.with(None, |s| s.registration.clone())
    }

    /// Validation events posted so far.
    pub fn validation_events(&self) -> Vec<Value> {
        self.0.with(Vec::new(), |s| s.validations.clone())
    }

    /// `{"registration", "validationEvents"}` (for `cosell flow run --state`).
    pub fn state(&self) -> Value {
        json!({"registration": self.registration(), "validationEvents": self.validation_events()})
    }

    pub fn load_state(&self, state: &Value) -> Result<(), String> {
        let registration = state.get("registration").cloned().filter(|r| !r.is_null());
        let validations = match state.get("validationEvents") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(v)) => v.clone(),
            Some(_) => return Err("validationEvents must be an array".into()),
        };
        self.0.with((), |s| {
            s.registration = registration;
            s.validations = validations;
        });
        Ok(())
    }
}

impl FakeService for PartnerCenterEvents {
    fn with_recorder<R>(&self, fallback: R, f: impl FnOnce(&mut Recorder) -> R) -> R {
        self.0.with_recorder(fallback, f)
    }
}

impl Service for PartnerCenterEvents {
    fn call(&mut self, request: &ConnectorRequest) -> Answer {
        self.0.respond(request)
    }

    fn operations(&self) -> Option<Vec<String>> {
        self.0.with(None, |s| Some(s.connector.operation_ids().into_iter().map(str::to_owned).collect()))
    }
}

impl FakeState for State {
    fn recorder(&mut self) -> &mut Recorder {
        &mut self.recorder
    }

    fn answer(&mut self, request: &ConnectorRequest) -> Reply {
        let bound = match self.connector.bind(&request.operation_id, &request.parameters) {
            Ok(b) => b,
            Err(errors) => return self.recorder.violation(format!("{}: {}", request.operation_id, errors.join("; "))),
        };
        let now = format_instant(request.unix_millis);
        match request.operation_id.as_str() {
            "ViewRegistration" => match &self.registration {
                Some(r) => Reply::new(200, r.clone()),
                None => Reply::error(404, "itemNotFound", "No webhook is registered."),
            },
            "EventRegistration" | "UpdateRegistration" => {
                let creating = request.operation_id == "EventRegistration";
                match (&self.registration, creating) {
                    (Some(_), true) => {
                        return Reply::error(409, "conflict", "A registration exists; update it instead.")
                    }
                    (None, false) => return Reply::error(404, "itemNotFound", "No webhook is registered."),
                    _ => {}
                }
                let mut registration = bound.body.unwrap_or_else(|| json!({}));
                let events: Vec<&str> = registration
                    .get("WebhookEvents")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                if let Some(unknown) = events.iter().find(|e| !SUPPORTED_EVENTS.contains(e)) {
                    return Reply::error(400, "invalidRequest", format!("{unknown} is not a supported event"));
                }
                if registration.get("WebhookUrl").and_then(Value::as_str).is_none_or(|u| !u.starts_with("https://")) {
                    return Reply::error(400, "invalidRequest", "WebhookUrl must be an https URL");
                }
                if let Some(o) = registration.as_object_mut() {
                    o.insert("LastModifiedTimestamp".into(), json!(now));
                }
                self.registration = Some(registration.clone());
                Reply::new(200, registration)
            }
            "ListSupportedEvents" => Reply::new(200, json!(SUPPORTED_EVENTS)),
            "CreateValidationEvent" => {
                let Some(url) = self.registration.as_ref().and_then(|r| r.get("WebhookUrl")).cloned() else {
                    return Reply::error(404, "itemNotFound", "No webhook is registered.");
                };
                let id = format!("{:08x}-0000-4000-a000-{:012x}", 0x7e57_0000u32, self.validations.len() + 1);
                self.validations.push(json!({
                    "correlationId": id, "callbackUrl": url, "status": "completed",
                    "results": [{"dateTimeUtc": now, "responseCode": "OK", "responseMessage": "", "systemError": false}]
                }));
                Reply::new(200, json!({"correlationId": id}))
            }
            "GetValidationEventStatus" => {
                let id = bound.path.get("correlationId").and_then(Value::as_str).unwrap_or_default();
                match self.validations.iter().find(|v| v.get("correlationId").and_then(Value::as_str) == Some(id)) {
                    Some(v) => Reply::new(200, v.clone()),
                    None => Reply::error(404, "itemNotFound", format!("No validation event {id}.")),
                }
            }
            other => {
                self.recorder.violation(format!("operation {other} is in the connector but not modelled by the fake"))
            }
        }
    }
}
