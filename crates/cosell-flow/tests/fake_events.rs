//! The fake webhook registration service behind the events connector.

use cosell_flow::fake::{FakeService, PartnerCenterEvents};
use cosell_flow::run::{Answer, ConnectorRequest, Reply, Service};
use serde_json::{json, Map, Value};

fn call(fake: &mut PartnerCenterEvents, op: &str, params: Value) -> Reply {
    let parameters: Map<String, Value> = params.as_object().cloned().unwrap_or_default();
    match fake.call(&ConnectorRequest { connection: "ev".into(), operation_id: op.into(), parameters, unix_millis: 0 })
    {
        Answer::Reply(r) => r,
        Answer::TimedOut => Reply::new(0, Value::Null),
    }
}

#[test]
fn one_registration_per_partner() {
    let mut fake = PartnerCenterEvents::new();
    assert_eq!(call(&mut fake, "ViewRegistration", json!({})).status, 404);
    let registration = json!({"WebhookUrl": "https://example.invalid/hook", "WebhookEvents": ["referral-created", "referral-updated"]});
    assert_eq!(call(&mut fake, "UpdateRegistration", json!({"registration": registration})).status, 404);
    let created = call(&mut fake, "EventRegistration", json!({"registration": registration}));
    assert_eq!(created.status, 200);
    assert_eq!(created.body["LastModifiedTimestamp"], "1970-01-01T00:00:00.0000000Z");
    assert_eq!(call(&mut fake, "EventRegistration", json!({"registration": registration})).status, 409);
    let all = json!({"WebhookUrl": "https://example.invalid/hook", "WebhookEvents": ["referral-created", "referral-updated", "related-referral-created", "related-referral-updated"]});
    assert_eq!(call(&mut fake, "UpdateRegistration", json!({"registration": all})).status, 200);
    assert_eq!(fake.registration().unwrap()["WebhookEvents"].as_array().unwrap().len(), 4);
    assert_eq!(call(&mut fake, "ViewRegistration", json!({})).body, fake.registration().unwrap());
}

#[test]
fn events_urls_and_fields_are_checked() {
    let mut fake = PartnerCenterEvents::new();
    let unknown_event = json!({"WebhookUrl": "https://example.invalid/hook", "WebhookEvents": ["referral-deleted"]});
    assert_eq!(call(&mut fake, "EventRegistration", json!({"registration": unknown_event})).status, 400);
    let plain_http = json!({"WebhookUrl": "http://example.invalid/hook", "WebhookEvents": []});
    assert_eq!(call(&mut fake, "EventRegistration", json!({"registration": plain_http})).status, 400);
    let extra = json!({"WebhookUrl": "https://example.invalid/hook", "Secret": "x"});
    assert_eq!(call(&mut fake, "EventRegistration", json!({"registration": extra})).status, 400);
    assert_eq!(fake.violations().len(), 1, "only the unknown field breaks the connector's contract");
    assert_eq!(call(&mut fake, "ListSupportedEvents", json!({})).body.as_array().unwrap().len(), 5);
}

#[test]
fn validation_events_are_recorded() {
    let mut fake = PartnerCenterEvents::new();
    assert_eq!(call(&mut fake, "CreateValidationEvent", json!({})).status, 404);
    call(
        &mut fake,
        "EventRegistration",
        json!({"registration": {"WebhookUrl": "https://example.invalid/hook", "WebhookEvents": ["referral-created"]}}),
    );
    let posted = call(&mut fake, "CreateValidationEvent", json!({}));
    let id = posted.body["correlationId"].as_str().unwrap().to_owned();
    let status = call(&mut fake, "GetValidationEventStatus", json!({"correlationId": id}));
    assert_eq!((status.status, status.body["status"].as_str()), (200, Some("completed")));
    assert_eq!(call(&mut fake, "GetValidationEventStatus", json!({"correlationId": "nope"})).status, 404);
    let saved = fake.state();
    let other = PartnerCenterEvents::new();
    other.load_state(&saved).unwrap();
    assert_eq!(other.state(), saved);
}
