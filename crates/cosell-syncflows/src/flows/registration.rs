//! Webhook registration: tell Partner Center where to post referral events, and show what is
//! registered.

use super::common::{events, respond};
use super::names;
use crate::connections::Connection;
use crate::expr::{call, json_literal, lit, path, whole};
use crate::wdl::{cond, object_schema, Action, Definition, Status, Steps, TerminateStatus, Trigger, NOT_SUCCEEDED};
use cosell_core::webhook::REFERRAL_EVENTS;
use cosell_solution::flows::Flow;
use serde_json::{json, Value};

fn input(name: &str) -> String {
    path("triggerBody()", &[name])
}

/// "Partner Center Webhook Registration": endpoint URL, events (all four when empty), overwrite.
/// Registers when nothing is registered, replaces the registration when overwrite is Yes, and
/// otherwise stops with a message naming what is registered. The URL is an input, never stored.
pub fn registration() -> Flow {
    let all = json_literal(&Value::from(REFERRAL_EVENTS.to_vec()));
    let listed = call("split", &[&call("replace", &[&input("events"), "' '", "''"]), "','"]);
    let chosen = call("if", &[&call("empty", &[&input("events")]), &all, &listed]);
    let body = json!({
        "WebhookUrl": whole(&input("endpoint")),
        "WebhookEvents": whole(&crate::expr::outputs("Events_to_register")),
        // The signature goes to x-ms-signature, so the flow's own Authorization stays its own.
        "SignatureTokenToMsSignatureHeader": true
    });
    let existing = crate::expr::body("Get_the_registration");
    let refuse = Action::Terminate {
        status: TerminateStatus::Failed,
        code: Some("registration-exists".to_owned()),
        message: Some(crate::expr::interpolate(&call(
            "concat",
            &[
                &lit("A registration exists (events: "),
                &call("join", &[&path(&existing, &["WebhookEvents"]), "', '"]),
                &lit("). Run again with Overwrite = Yes to replace it."),
            ],
        ))),
    };
    let replace =
        Steps::new().then("Update_the_registration", events("UpdateRegistration", &[("registration", body.clone())]));
    let actions = Steps::new()
        .then("Events_to_register", Action::Compose(Value::from(whole(&chosen))))
        .then("Get_the_registration", events("ViewRegistration", &[]))
        .after(
            "Replace_it_if_asked",
            Action::If {
                expression: cond::equals(&whole(&input("overwrite")), Value::Bool(true)),
                then: replace,
                otherwise: Steps::new().then("Refuse_to_overwrite", refuse),
            },
            &[("Get_the_registration", &[Status::Succeeded])],
        )
        .after(
            "Register_the_webhook",
            events("EventRegistration", &[("registration", body)]),
            &[("Get_the_registration", NOT_SUCCEEDED)],
        )
        // One end for both paths, so the run is Succeeded whichever registered.
        .after(
            "Registered",
            Action::Compose(Value::from(whole(&crate::expr::outputs("Events_to_register")))),
            &[
                ("Replace_it_if_asked", &[Status::Succeeded, Status::Skipped]),
                ("Register_the_webhook", &[Status::Succeeded, Status::Skipped]),
            ],
        );
    let schema = object_schema(
        &[
            (
                "endpoint",
                "string",
                "The HTTP POST URL of the flow Partner Center to Dynamics 365 (copy it from its trigger).",
            ),
            ("events", "string", "Events to register, separated by commas; empty: all four referral events."),
            (
                "overwrite",
                "boolean",
                "Overwrite existing trigger endpoints if present? Only one URL can be registered.",
            ),
        ],
        &["endpoint"],
    );
    Flow {
        name: names::WEBHOOK_REGISTRATION.to_owned(),
        description: "Registers the Partner Center to Dynamics 365 flow's URL for the referral events.".to_owned(),
        definition: Definition { trigger: Trigger::Button { schema }, actions }.to_value(),
        connections: vec![Connection::Events.flow_connection()],
        environment_variables: Vec::new(),
    }
}

/// "Partner Center Webhook Registration - Show": what Partner Center has registered (URL host
/// and events), in the run's outputs.
pub fn show() -> Flow {
    let existing = crate::expr::body("Get_the_registration");
    let actions = Steps::new().then("Get_the_registration", events("ViewRegistration", &[])).then(
        "Registered",
        respond(
            200,
            json!({
                "events": whole(&path(&existing, &["WebhookEvents"])),
                // The host only: the URL's query string is the flow's secret signature.
                "endpointHost": whole(&call("uriHost", &[&call("coalesce", &[&path(&existing, &["WebhookUrl"]), "'http://none'"])])),
                "lastModified": whole(&path(&existing, &["LastModifiedTimestamp"]))
            }),
        ),
    );
    Flow {
        name: names::WEBHOOK_SHOW.to_owned(),
        description: "Shows the webhook registration Partner Center holds (events and endpoint host).".to_owned(),
        definition: Definition { trigger: Trigger::Button { schema: object_schema(&[], &[]) }, actions }.to_value(),
        connections: vec![Connection::Events.flow_connection()],
        environment_variables: Vec::new(),
    }
}
