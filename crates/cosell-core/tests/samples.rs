//! Every sample payload quoted in `partner-center.md` (tests/fixtures/samples, fixed where the
//! docs' JSON is invalid) goes through normalize — parse with its model type, write back — and
//! nothing may be lost: the output equals the input up to the case of property names.

mod common;

use common::{assert_same_up_to_key_case, fixture_json, fixture_names};
use cosell_core::mapping::PATCHABLE_PATHS;
use cosell_core::referral::{
    ApiError, Member, Referral, ReferralPage, ReferralStatus, ReferralSubstatus, ReferralType,
};
use cosell_core::webhook::{
    ValidationEventResponse, ValidationEventStatus, WebhookEvent, WebhookRegistration, REFERRAL_EVENTS,
};
use cosell_core::wire::Amount;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// The model type a sample is read with.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Referral,
    Page,
    Error,
    Event,
    Registration,
    ValidationResponse,
    ValidationStatus,
    /// A JSON Patch body: each operation's value is read with the model type at its path.
    Patch,
    /// The list of supported webhook event names.
    EventNames,
}

/// Every sample file and its model. A file missing here fails `every_sample_file_is_listed`.
const SAMPLES: &[(&str, Kind)] = &[
    ("1.4.4-patch-request.json", Kind::Patch),
    ("1.4.4-patch-sample-1-deal-value-and-notes.json", Kind::Patch),
    ("1.4.4-patch-sample-2-status-won.json", Kind::Patch),
    ("1.4.4-patch-sample-3-add-team-member.json", Kind::Patch),
    ("1.4.4-put-request.json", Kind::Referral),
    ("1.4.4-put-response.json", Kind::Referral),
    ("1.5-error.json", Kind::Error),
    ("2.5.1-create-request.json", Kind::Referral),
    ("2.5.1-create-response.json", Kind::Referral),
    ("2.5.1-target-msft.json", Kind::Referral),
    ("2.5.1-target-solution-profile.json", Kind::Referral),
    ("2.5.3-get-by-id-response.json", Kind::Referral),
    ("2.5.4-get-by-id-2019-response.json", Kind::Referral),
    ("2.5.5-list-response.json", Kind::Page),
    ("2.5.6-real-world-fields.json", Kind::Referral),
    ("2.6-create-private-deal.json", Kind::Referral),
    ("3.2-referral-created.json", Kind::Event),
    ("3.2-referral-updated.json", Kind::Event),
    ("3.2-related-referral-created.json", Kind::Event),
    ("3.2-related-referral-updated.json", Kind::Event),
    ("3.3-test-created-callback.json", Kind::Event),
    ("3.4-referral-connector-registration.json", Kind::Registration),
    ("3.4-registration-request.json", Kind::Registration),
    ("3.4-registration-response.json", Kind::Registration),
    ("3.4-supported-events.json", Kind::EventNames),
    ("3.4-test-event.json", Kind::Event),
    ("3.4-validation-event-response.json", Kind::ValidationResponse),
    ("3.4-validation-event-status.json", Kind::ValidationStatus),
];

/// Parses `input` as `T` from its text (the way the CLI reads it) and writes it back.
fn normalize<T: DeserializeOwned + Serialize>(name: &str, input: &Value) -> Value {
    let text = serde_json::to_string_pretty(input).unwrap();
    let model: T = cosell_core::json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::to_value(&model).unwrap()
}

fn normalize_kind(name: &str, kind: Kind, input: &Value) -> Value {
    match kind {
        Kind::Referral => normalize::<Referral>(name, input),
        Kind::Page => normalize::<ReferralPage>(name, input),
        Kind::Error => normalize::<ApiError>(name, input),
        Kind::Event => normalize::<WebhookEvent>(name, input),
        Kind::Registration => normalize::<WebhookRegistration>(name, input),
        Kind::ValidationResponse => normalize::<ValidationEventResponse>(name, input),
        Kind::ValidationStatus => normalize::<ValidationEventStatus>(name, input),
        Kind::Patch => normalize_patch(name, input),
        Kind::EventNames => normalize::<Vec<String>>(name, input),
    }
}

/// A JSON Patch body with each value normalized by the model type the path points at.
fn normalize_patch(name: &str, input: &Value) -> Value {
    let ops = input.as_array().unwrap_or_else(|| panic!("{name}: a JSON Patch body is an array"));
    let out: Vec<Value> = ops
        .iter()
        .map(|op| {
            let path = op["path"].as_str().unwrap_or_else(|| panic!("{name}: op without a path: {op}"));
            let value = &op["value"];
            let label = format!("{name} {path}");
            let normalized = match path {
                "/details/dealValue" => normalize::<Amount>(&label, value),
                "/details/notes" | "/statusReason" => normalize::<String>(&label, value),
                "/status" => normalize::<ReferralStatus>(&label, value),
                "/substatus" => normalize::<ReferralSubstatus>(&label, value),
                "/team/-" | "/customerProfile/team/-" => normalize::<Member>(&label, value),
                other => panic!("{name}: no model type known for path {other}"),
            };
            serde_json::json!({ "op": op["op"], "path": path, "value": normalized })
        })
        .collect();
    Value::Array(out)
}

#[test]
fn every_sample_file_is_listed() {
    let listed: Vec<&str> = SAMPLES.iter().map(|(name, _)| *name).collect();
    for name in fixture_names("samples") {
        assert!(listed.contains(&name.as_str()), "tests/fixtures/samples/{name} has no entry in SAMPLES");
    }
    assert_eq!(listed.len(), fixture_names("samples").len(), "SAMPLES lists a file that does not exist");
}

#[test]
fn every_sample_survives_normalize() {
    for (name, kind) in SAMPLES {
        let input = fixture_json("samples", name);
        let output = normalize_kind(name, *kind, &input);
        assert_same_up_to_key_case(name, &input, &output);
    }
}

#[test]
fn normalize_is_idempotent_on_every_sample() {
    for (name, kind) in SAMPLES {
        let once = normalize_kind(name, *kind, &fixture_json("samples", name));
        let twice = normalize_kind(name, *kind, &once);
        assert_eq!(once, twice, "{name}");
    }
}

#[test]
fn mixed_case_consent_is_read_and_written_camel_case() {
    let input = fixture_json("samples", "2.6-create-private-deal.json");
    let referral: Referral = serde_json::from_value(input).unwrap();
    let consent = referral.consent.as_ref().unwrap();
    assert_eq!(consent.consent_to_share_info_with_others, Some(true));
    assert_eq!(consent.consent_to_contact, Some(true));
    assert_eq!(consent.consent_to_microsoft_to_contact_specific_partners, Some(true));
    assert_eq!(consent.consent_to_share_referral_with_microsoft_sellers, Some(false));
    assert!(consent.extra.is_empty(), "every consent property is known: {:?}", consent.extra);
    let written = serde_json::to_value(&referral).unwrap();
    let keys: Vec<&str> = written["consent"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "consentToContact",
            "consentToMicrosoftToContactSpecificPartners",
            "consentToShareReferralWithMicrosoftSellers",
            "consentToToShareInfoWithOthers"
        ]
    );
    assert_eq!(referral.referral_type, Some(ReferralType::Independent));
}

#[test]
fn documented_properties_are_modelled_not_passed_through() {
    // The real-world field list (§2.1) names every undocumented property; each one has a model field.
    let referral: Referral = serde_json::from_value(fixture_json("samples", "2.5.6-real-world-fields.json")).unwrap();
    assert!(referral.extra.values().all(Value::is_null), "unmodelled referral properties: {:?}", referral.extra);
    let profile = referral.customer_profile.as_ref().unwrap();
    assert_eq!(profile.is_matching_complete, Some(true));
    let member = &profile.team.as_ref().unwrap()[0];
    assert!(member.extra.is_empty(), "unmodelled member properties: {:?}", member.extra);
    let details = referral.details.as_ref().unwrap();
    assert!(details.extra.values().all(Value::is_null), "unmodelled details properties: {:?}", details.extra);
    let solution = &referral.solutions()[0];
    assert!(solution.extra.values().all(Value::is_null), "unmodelled solution properties: {:?}", solution.extra);
    let tracking = referral.tracking_info.as_ref().unwrap();
    assert_eq!(tracking.microsoft_msx_id.as_deref(), Some("<microsoftMsxId>"));
    assert!(
        tracking.extra.keys().all(|k| cosell_core::referral::TrackingInfo::PROPERTIES.contains(&k.as_str())),
        "unmodelled tracking properties: {:?}",
        tracking.extra
    );
}

#[test]
fn webhook_samples_name_their_referral() {
    for name in [
        "3.2-referral-created.json",
        "3.2-referral-updated.json",
        "3.2-related-referral-created.json",
        "3.2-related-referral-updated.json",
    ] {
        let event: WebhookEvent = serde_json::from_value(fixture_json("samples", name)).unwrap();
        assert!(REFERRAL_EVENTS.contains(&event.event_name.as_deref().unwrap()), "{name}");
        assert_eq!(event.referral_id(), Some("{{ReferralID}}"), "{name}");
    }
    let test: WebhookEvent = serde_json::from_value(fixture_json("samples", "3.4-test-event.json")).unwrap();
    assert_eq!(test.referral_id(), None);
}

#[test]
fn patch_samples_use_only_supported_operations_and_paths() {
    for (name, kind) in SAMPLES {
        if !matches!(kind, Kind::Patch) {
            continue;
        }
        for op in fixture_json("samples", name).as_array().unwrap() {
            assert!(matches!(op["op"].as_str(), Some("replace" | "add")), "{name}: {op}");
            let path = op["path"].as_str().unwrap();
            assert!(PATCHABLE_PATHS.contains(&path), "{name}: {path} is not in PATCHABLE_PATHS");
        }
    }
}

#[test]
fn list_page_and_error_keep_their_odata_and_inner_error() {
    let page: ReferralPage = serde_json::from_value(fixture_json("samples", "2.5.5-list-response.json")).unwrap();
    assert_eq!(page.odata_count, Some(1));
    assert!(page.odata_next_link.as_deref().unwrap().contains("$skiptoken="));
    assert_eq!(page.value.as_ref().unwrap().len(), 1);
    let error: ApiError = serde_json::from_value(fixture_json("samples", "1.5-error.json")).unwrap();
    let detail = error.error.unwrap();
    assert_eq!(detail.code.as_deref(), Some("unAuthorized"));
    assert_eq!(detail.inner_error.unwrap().code.as_deref(), Some("innerErrorCode"));
}
