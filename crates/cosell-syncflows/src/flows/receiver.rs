//! "Partner Center to Dynamics 365": the webhook receiver.
//!
//! Partner Center signs each callback (RSA over the body, certificate named in a header), which a
//! flow cannot verify with its expression functions. So the receiver treats a callback as a
//! notification only: it trusts nothing in the body but a referral id of the documented form in
//! `ResourceUri`, checks the signature headers are present, answers at once, and hands the id to
//! the helper, which re-reads the referral through the authenticated connector. The related
//! events (`related-referral-*`: the co-sell's other side) go to the same helper, which finds
//! the record through the referral's row ID or engagement and never creates one for them.

use super::common::call_child;
use super::names;
use crate::expr::{call, json_literal, lit, path, whole};
use crate::wdl::{cond, Action, Definition, Steps, TerminateStatus, Trigger};
use cosell_core::webhook::REFERRAL_EVENTS;
use cosell_solution::flows::Flow;
use serde_json::{json, Value};

/// The headers Partner Center's reference receiver requires (partner-center.md §3.3); the
/// signature itself is in `x-ms-signature` (the registration asks for it there).
pub const SIGNATURE_HEADERS: [&str; 3] = ["x-ms-signature", "x-ms-certificate-url", "x-ms-signature-algorithm"];

fn header(name: &str) -> String {
    path("triggerOutputs()", &["headers", name])
}

/// Whether `id` has the form of a referral id: a GUID (8-4-4-4-12 hexadecimal digits). Every hex
/// digit removed, only the four hyphens may remain, in the right places. UNCERTAIN: every
/// documented referral id is a GUID; the core's `WebhookEvent::referral_id` accepts any segment.
pub fn is_guid(id: &str) -> String {
    let lower = call("toLower", &[id]);
    let stripped =
        "0123456789abcdef".chars().fold(lower.clone(), |acc, c| call("replace", &[&acc, &lit(&c.to_string()), "''"]));
    let groups = call("split", &[&lower, "'-'"]);
    let lengths: Vec<String> = [8, 4, 4, 4, 12]
        .iter()
        .enumerate()
        .map(|(i, n)| call("equals", &[&call("length", &[&format!("{groups}?[{i}]")]), &n.to_string()]))
        .collect();
    let mut all = vec![call("equals", &[&stripped, "'----'"]), call("equals", &[&call("length", &[&groups]), "5"])];
    all.extend(lengths);
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    call("and", &refs)
}

/// The referral id taken from `ResourceUri`: the last path segment after `/referrals/`, `''`
/// when the URI has another form.
pub fn referral_id(uri: &str) -> String {
    let text = call("string", &[&call("coalesce", &[uri, "''"])]);
    let before_query = call("first", &[&call("split", &[&text, "'?'"])]);
    let segments = call("split", &[&before_query, "'/'"]);
    let is_referral_path = call("contains", &[&call("toLower", &[&before_query]), "'/referrals/'"]);
    call("if", &[&is_referral_path, &call("last", &[&segments]), "''"])
}

pub fn receiver() -> Flow {
    let id = crate::expr::outputs("Referral_id");
    let event = path("triggerBody()", &["EventName"]);
    let headers_present: Vec<String> =
        SIGNATURE_HEADERS.iter().map(|h| call("not", &[&call("empty", &[&header(h)])])).collect();
    let headers_refs: Vec<&str> = headers_present.iter().map(String::as_str).collect();
    let known_event = call("contains", &[&json_literal(&Value::from(REFERRAL_EVENTS.to_vec())), &event]);
    let refuse = Steps::new()
        .then(
            "Answer_unauthorized",
            Action::Response { status: 401, body: json!({"error": "signature headers missing"}) },
        )
        .then(
            "Untrusted_callback",
            Action::Terminate {
                status: TerminateStatus::Cancelled,
                code: Some("untrusted-callback".to_owned()),
                message: Some(
                    "A callback without Partner Center's signature headers; nothing was read or written.".to_owned(),
                ),
            },
        );
    let ignore =
        Steps::new().then("Answer_accepted", Action::Response { status: 200, body: json!({"accepted": false}) }).then(
            "Not_a_referral_event",
            Action::Terminate { status: TerminateStatus::Succeeded, code: None, message: None },
        );
    let hand_over =
        Steps::new().then("Answer_at_once", Action::Response { status: 202, body: json!({"accepted": true}) }).then(
            "Sync_the_referral",
            call_child(names::INBOUND_HELPER, json!({"referralId": whole(&id), "event": whole(&event)})),
        );
    let usable = call("and", &[&known_event, &is_guid(&id)]);
    let dispatch = Action::If { expression: cond::is_true(&usable), then: hand_over, otherwise: ignore };
    let actions = Steps::new()
        .then(
            "Referral_id",
            Action::Compose(Value::from(whole(&referral_id(&path("triggerBody()", &["ResourceUri"]))))),
        )
        .then(
            "Signed_by_Partner_Center",
            Action::If {
                expression: cond::is_true(&call("and", &headers_refs)),
                then: Steps::new().then("Usable_referral_event", dispatch),
                otherwise: refuse,
            },
        );
    let schema = crate::wdl::object_schema(
        &[
            ("EventName", "string", "The event, such as referral-updated."),
            ("ResourceUri", "string", "The URI of the changed referral."),
            ("ResourceName", "string", "referral"),
            ("AuditUri", "string", "The audit record, if any."),
            ("ResourceChangeUtcDate", "string", "When the referral changed (UTC)."),
        ],
        &[],
    );
    Flow {
        name: names::RECEIVER.to_owned(),
        description: "Receives Partner Center's referral events and hands the referral id to the helper.".to_owned(),
        definition: Definition { trigger: Trigger::Http { schema }, actions }.to_value(),
        connections: Vec::new(),
        environment_variables: Vec::new(),
    }
}
