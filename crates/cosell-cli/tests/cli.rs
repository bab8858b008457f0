//! The `cosell` contract (docs/cli.md), checked by running the built binary.

use serde_json::Value;
use std::path::PathBuf;

mod common;

use common::Run;

fn cosell(args: &[&str], stdin: Option<&str>) -> Run {
    common::run(args, stdin, None)
}

fn fixture(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(path).to_string_lossy().into_owned()
}

fn fixture_text(path: &str) -> String {
    std::fs::read_to_string(fixture(path)).unwrap()
}

/// A file under the test's scratch folder holding `bytes`.
fn scratch(name: &str, bytes: &[u8]) -> String {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cosell-cli-tests").join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

fn lower_keys(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.to_ascii_lowercase(), lower_keys(v))).collect()),
        Value::Array(a) => Value::Array(a.iter().map(lower_keys).collect()),
        other => other.clone(),
    }
}

// ---- referral normalize -------------------------------------------------------------------

#[test]
fn normalize_keeps_everything_and_writes_canonical_names() {
    let file = fixture("referrals/mixed-case-unknowns.json");
    let run = cosell(&["referral", "normalize", &file], None).ok();
    let input: Value = serde_json::from_str(&fixture_text("referrals/mixed-case-unknowns.json")).unwrap();
    let output = run.json();
    assert_eq!(lower_keys(&output), lower_keys(&input), "nothing lost");
    assert_eq!(output["substatus"], "Accepted", "SubStatus is written substatus");
    assert_eq!(output["inviteContext"]["assistanceRequestCode"], "SomethingNew", "unknown enum value kept");
    assert_eq!(output["details"]["dealValue"], "120000.50", "a text amount is written back as text");
    assert_eq!(output["futureTopLevelProperty"]["nested"][4]["deep"], true, "unknown property kept");
    assert_eq!(output["salesStage"], Value::Null, "explicit null kept");
}

#[test]
fn normalize_output_is_four_space_json_with_a_trailing_newline_and_idempotent() {
    let run = cosell(&["referral", "normalize", &fixture("samples/2.5.1-create-response.json")], None).ok();
    assert!(run.stdout.starts_with("{\n    \""), "{}", &run.stdout[..40]);
    assert!(run.stdout.ends_with("}\n"));
    let again = cosell(&["referral", "normalize"], Some(&run.stdout)).ok();
    assert_eq!(again.stdout, run.stdout, "normalizing normalized text changes nothing");
}

#[test]
fn normalize_reads_stdin_when_the_file_is_absent_or_a_dash() {
    let text = fixture_text("samples/2.5.3-get-by-id-response.json");
    let from_file = cosell(&["referral", "normalize", &fixture("samples/2.5.3-get-by-id-response.json")], None).ok();
    for args in [&["referral", "normalize"][..], &["referral", "normalize", "-"][..]] {
        let run = cosell(args, Some(&text)).ok();
        assert_eq!(run.stdout, from_file.stdout, "{args:?}");
    }
}

// ---- validate ------------------------------------------------------------------------------

fn findings(run: &Run) -> Vec<(String, String)> {
    run.json()
        .as_array()
        .expect("findings are an array")
        .iter()
        .map(|f| {
            for key in ["rule", "severity", "column", "message", "hint"] {
                assert!(f[key].is_string(), "finding without {key}: {f}");
            }
            (f["rule"].as_str().unwrap().to_owned(), f["severity"].as_str().unwrap().to_owned())
        })
        .collect()
}

#[test]
fn validate_a_complete_co_sell_opportunity_exits_0_without_errors() {
    let run = cosell(&["validate", &fixture("snapshots/cosell.json")], None).ok();
    assert!(findings(&run).iter().all(|(_, severity)| severity != "error"), "{}", run.stdout);
}

#[test]
fn validate_exits_1_on_an_error_finding_and_still_prints_the_findings() {
    let run = cosell(&["validate", &fixture("snapshots/missing-contact.json")], None);
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    assert_eq!(run.stderr, "");
    assert!(findings(&run).contains(&("help-needs-contact".to_owned(), "error".to_owned())), "{}", run.stdout);
}

#[test]
fn validate_with_sync_off_reports_warnings_and_exits_0() {
    let run = cosell(&["validate", &fixture("snapshots/sync-off-incomplete.json")], None).ok();
    let found = findings(&run);
    assert!(found.contains(&("help-needs-contact".to_owned(), "warning".to_owned())), "{}", run.stdout);
    assert!(found.iter().all(|(_, severity)| severity != "error"));
}

#[test]
fn validate_reads_stdin() {
    let run = cosell(&["validate"], Some(&fixture_text("snapshots/bad-country.json")));
    assert_eq!(run.code, 1);
    assert!(findings(&run).contains(&("country-iso".to_owned(), "error".to_owned())));
}

// ---- map -----------------------------------------------------------------------------------

#[test]
fn to_referral_prints_a_create_payload_for_the_opportunity() {
    let run = cosell(&["map", "to-referral", &fixture("snapshots/private.json")], None).ok();
    let referral = run.json();
    assert!(referral["externalReferenceId"].is_string(), "{referral}");
    assert!(referral["details"]["currency"].is_string(), "{referral}");
    // The payload is itself a referral that normalize keeps unchanged.
    let again = cosell(&["referral", "normalize"], Some(&run.stdout)).ok();
    assert_eq!(again.stdout, run.stdout);
}

#[test]
fn to_patch_prints_the_if_match_and_only_what_differs() {
    let snapshot = fixture("snapshots/synced-update.json");
    let referral = fixture("referrals/synced-current.json");
    let plan = cosell(&["map", "to-patch", &snapshot, &referral], None).ok().json();
    assert_eq!(plan["ifMatch"], "\"00006d10-0000-0000-0000-5c70aa630000\"");
    let ops = plan["operations"].as_array().unwrap();
    let deal_value = ops.iter().find(|op| op["path"] == "/details/dealValue").expect("the deal value changed");
    assert_eq!(deal_value["op"], "replace");
    assert_eq!(deal_value["value"].as_f64(), Some(75000.0));
    assert!(ops.iter().all(|op| op["path"] != "/details/notes"), "notes did not change: {plan}");
}

#[test]
fn to_crm_makes_an_accepted_referral_an_opportunity_and_a_new_one_a_lead() {
    let accepted = cosell(&["map", "to-crm", &fixture("referrals/incoming-accepted.json")], None).ok().json();
    assert_eq!(accepted["record"], "opportunity", "{accepted}");
    let pending = cosell(&["map", "to-crm"], Some(&fixture_text("referrals/incoming-new.json"))).ok().json();
    assert_eq!(pending["record"], "lead", "{pending}");
}

#[test]
fn to_crm_reads_the_environment_file() {
    let referral = fixture("referrals/incoming-accepted.json");
    let default = cosell(&["map", "to-crm", &referral], None).ok().json();
    let custom = cosell(&["map", "to-crm", &referral, "--environment", &fixture("environment/custom.json")], None);
    let custom = custom.ok().json();
    let text = custom.to_string();
    assert!(text.contains("new_dealvalue"), "the configured deal value column is written: {custom}");
    assert!(!default.to_string().contains("new_dealvalue"));
}

// ---- bad input -----------------------------------------------------------------------------

#[test]
fn a_missing_file_names_the_file() {
    cosell(&["referral", "normalize", "no/such/referral.json"], None)
        .bad_input(&["no/such/referral.json", "cannot read"]);
    cosell(&["validate", "no/such/snapshot.json"], None).bad_input(&["no/such/snapshot.json"]);
}

#[test]
fn invalid_json_names_the_source_the_path_and_the_position() {
    cosell(&["referral", "normalize"], Some("{\"details\": {\"dealValue\": 1,}}")).bad_input(&[
        "<stdin>",
        "$.details",
        "line 1 column",
    ]);
    let file = scratch("trailing-comma.json", b"{\n    \"opportunity\": {\n        \"name\": \"x\",\n    }\n}\n");
    cosell(&["validate", &file], None).bad_input(&["trailing-comma.json", "$", "line 4"]);
    cosell(&["referral", "normalize"], Some("")).bad_input(&["<stdin>", "EOF"]);
    cosell(&["referral", "normalize"], Some("{} {}")).bad_input(&["<stdin>", "trailing characters"]);
}

#[test]
fn a_wrong_type_names_its_json_path() {
    cosell(&["referral", "normalize"], Some(r#"{"customerProfile": {"team": [{"email": 5}]}}"#))
        .bad_input(&["<stdin>", "$.customerProfile.team[0].email"]);
    cosell(&["referral", "normalize"], Some(r#"{"details": {"dealValue": "lots"}}"#))
        .bad_input(&["$.details.dealValue", "expected a number"]);
    cosell(&["referral", "normalize"], Some("[]")).bad_input(&["<stdin>", "$"]);
    cosell(&["validate"], Some(r#"{"opportunity": {"estimatedvalue": "50000"}}"#))
        .bad_input(&["$.opportunity.estimatedvalue", "expected a number"]);
    cosell(&["map", "to-referral"], Some(r#"{"opportunity": {"cosell_howcanmicrosofthelp": "7"}}"#))
        .bad_input(&["$.opportunity.cosell_howcanmicrosofthelp"]);
}

#[test]
fn unknown_choice_values_are_not_bad_input() {
    // A custom status reason and an unknown help option: the rules still run and report.
    let run = cosell(
        &["validate"],
        Some(
            r#"{"opportunity": {"cosell_syncwithpartnercenter": true, "statuscode": 100000003, "cosell_howcanmicrosofthelp": 7}}"#,
        ),
    );
    assert_eq!(run.code, 1, "findings, not bad input: {}", run.stderr);
    let rules: Vec<_> = run.json().as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_owned()).collect();
    assert!(rules.contains(&"name-required".to_owned()), "{rules:?}");
    assert!(!rules.contains(&"help-needs-contact".to_owned()), "an unknown help option is ignored: {rules:?}");
}

#[test]
fn an_unknown_snapshot_property_is_named() {
    let file = scratch("unknown-property.json", br#"{"opportunity": {}, "solution": []}"#);
    cosell(&["validate", &file], None).bad_input(&["unknown-property.json", "$.solution", "unknown property"]);
    cosell(&["validate"], Some("{}")).bad_input(&["$.opportunity", "missing"]);
}

#[test]
fn to_patch_names_which_of_its_two_files_is_bad() {
    let bad_referral = scratch("bad-referral.json", br#"{"status": 1}"#);
    let snapshot = fixture("snapshots/synced-update.json");
    cosell(&["map", "to-patch", &snapshot, &bad_referral], None).bad_input(&["bad-referral.json", "$.status"]);
    let bad_snapshot = scratch("bad-snapshot.json", b"[]");
    let referral = fixture("referrals/synced-current.json");
    cosell(&["map", "to-patch", &bad_snapshot, &referral], None).bad_input(&["bad-snapshot.json", "$"]);
}

#[test]
fn a_bad_environment_variable_names_the_file_and_the_variable() {
    let referral = fixture("referrals/incoming-accepted.json");
    let env = fixture("environment/bad-yes-no.json");
    cosell(&["map", "to-crm", &referral, "--environment", &env], None).bad_input(&[
        "bad-yes-no.json",
        "$.cosell_DisplayCheckMark",
        "maybe",
    ]);
    let typo = scratch("typo-env.json", br#"{"cosell_DealValueColumm": "estimatedvalue"}"#);
    cosell(&["map", "to-crm", &referral, "--environment", &typo], None).bad_input(&[
        "typo-env.json",
        "$.cosell_DealValueColumm",
        "unknown environment variable",
    ]);
    let not_object = scratch("list-env.json", b"[]");
    cosell(&["map", "to-crm", &referral, "--environment", &not_object], None).bad_input(&["list-env.json", "$"]);
    cosell(&["validate"], Some(r#"{"opportunity": {}, "environment": {"cosell_DealValueColumn": "Est. Revenue"}}"#))
        .bad_input(&["$.environment.cosell_DealValueColumn", "logical name"]);
}

#[test]
fn a_file_that_is_not_utf8_is_bad_input() {
    let file = scratch("latin1.json", b"{\"name\": \"M\xfcller\"}");
    cosell(&["referral", "normalize", &file], None).bad_input(&["latin1.json", "UTF-8"]);
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    for args in [
        &["frobnicate"][..],
        &[][..],
        &["map"][..],
        &["map", "to-patch", "only-one.json"][..],
        &["map", "to-crm", "--environmnet", "x.json"][..],
        &["referral", "normalize", "a.json", "b.json"][..],
    ] {
        let run = cosell(args, None);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
        assert!(run.stderr.contains("Usage:"), "{args:?}: {}", run.stderr);
    }
    let help = cosell(&["--help"], None).ok();
    for command in ["referral", "validate", "map", "generate", "lint"] {
        assert!(help.stdout.contains(command), "{command} missing from help");
    }
    let version = cosell(&["--version"], None).ok();
    assert!(version.stdout.starts_with("cosell "));
}

#[test]
fn map_fields_prints_the_field_map() {
    let rows = cosell(&["map", "fields"], None).ok().json();
    let rows = rows.as_array().unwrap();
    let deal = rows.iter().find(|r| r["key"] == "dealValue").unwrap();
    assert_eq!(deal["patch"], "/details/dealValue");
    assert_eq!(deal["transform"]["kind"], "money");
    assert_eq!(deal["update"], serde_json::json!({ "toPartnerCenter": true, "toCrm": true }));
    let md = cosell(&["map", "fields", "--format", "markdown"], None).ok().stdout;
    assert!(md.starts_with("| Field |") && md.lines().count() == rows.len() + 2, "{md}");
    cosell(&["map", "fields", "--format", "yaml"], None);
}

#[test]
fn integers_beyond_two_to_the_53_are_kept_exactly() {
    let doc = r#"{"id": "r1", "big": 9007199254740993, "huge": 123456789012345678901234567890, "details": {"dealValue": 12345678901234567890123}}"#;
    let out = cosell(&["referral", "normalize"], Some(doc)).ok().stdout;
    for exact in ["9007199254740993", "123456789012345678901234567890", "12345678901234567890123"] {
        assert!(out.contains(exact), "{exact} not kept in {out}");
    }
}

#[test]
fn a_document_that_is_not_a_referral_is_bad_input() {
    for command in [&["referral", "normalize"][..], &["map", "to-crm"][..]] {
        cosell(command, Some("{}")).bad_input(&["<stdin>", "$", "not a referral", "id, engagementId, name"]);
    }
    let file = scratch("snapshot-as-referral.json", br#"{"opportunity": {"name": "x"}}"#);
    cosell(&["map", "to-crm", &file], None).bad_input(&["snapshot-as-referral.json", "found properties opportunity"]);
}

#[test]
fn unexpanded_lookups_are_refused_by_to_referral_and_flagged_by_validate() {
    let doc = r#"{"opportunity": {"name": "x", "_parentaccountid_value": "a1", "_transactioncurrencyid_value": "t1"}}"#;
    cosell(&["map", "to-referral"], Some(doc)).bad_input(&[
        "$.opportunity._parentaccountid_value",
        "not loaded",
        "parentaccountid, transactioncurrencyid",
    ]);
    let findings = cosell(&["validate"], Some(doc)).json();
    assert!(findings.as_array().unwrap().iter().any(|f| f["rule"] == "lookup-not-loaded"), "{findings}");
}

#[test]
fn sync_outbound_sends_only_what_changed_since_the_base_with_the_stored_etag() {
    let plan = cosell(&["sync", "outbound", &fixture("sync/snapshot-with-base.json")], None).ok().json();
    assert_eq!(plan["ifMatch"], "\"00006d10-0000-0000-0000-5c70aa630000\"");
    assert_eq!(
        plan["operations"],
        serde_json::json!([{ "op": "replace", "path": "/details/dealValue", "value": 75000 }])
    );
    let with_current = cosell(
        &[
            "sync",
            "outbound",
            &fixture("sync/snapshot-with-base.json"),
            "--current",
            &fixture("sync/referral-edited-by-microsoft.json"),
        ],
        None,
    )
    .ok()
    .json();
    // The referral changed since the base (another eTag): the base's If-Match is a certain 412,
    // so the retry runs at once: Microsoft's edit is merged in first, then the patch, fresh eTag.
    assert_eq!(with_current["ifMatch"], "\"00006d10-0000-0000-0000-5c70aa63ffff\"");
    assert_eq!(with_current["inbound"]["changed"], serde_json::json!(["notes"]));
    assert_eq!(with_current["operations"][0]["path"], "/details/dealValue");
    assert!(plan.get("inbound").is_none(), "no retry without the referral now: {plan}");
}

/// The sync fixture's snapshot with its base changed by `edit`.
fn snapshot_with_base(edit: impl Fn(&mut Value)) -> String {
    let mut doc: Value = serde_json::from_str(&fixture_text("sync/snapshot-with-base.json")).unwrap();
    let mut base: Value = serde_json::from_str(doc["opportunity"]["cosell_syncstate"].as_str().unwrap()).unwrap();
    edit(&mut base);
    doc["opportunity"]["cosell_syncstate"] = Value::from(base.to_string());
    doc.to_string()
}

#[test]
fn sync_inbound_never_writes_empty_for_a_value_partner_center_does_not_give() {
    let bare = scratch("bare-referral.json", br#"{"id": "4111fffc-f9ee-4d53-bba6-569135228642"}"#);
    let plan = cosell(&["sync", "inbound", &bare, &fixture("sync/snapshot-with-base.json")], None).ok().json();
    let unread: Vec<&str> = plan["unread"].as_array().unwrap().iter().map(|u| u["field"].as_str().unwrap()).collect();
    assert_eq!(unread, ["dealValue", "currency", "closingDate", "notes", "status"], "{plan}");
    for step in plan["steps"].as_array().unwrap() {
        for (column, value) in step["body"].as_object().unwrap() {
            assert!(!value.is_null(), "{column} written as null: {plan}");
        }
    }
    // A deal value beyond what a double holds in cents has no canonical form: not a clear either.
    let mut huge: Value = serde_json::from_str(&fixture_text("sync/referral-edited-by-microsoft.json")).unwrap();
    huge["details"]["dealValue"] = Value::from(9.5e13);
    huge["details"].as_object_mut().unwrap().remove("closingDateTime");
    let huge = scratch("huge-referral.json", huge.to_string().as_bytes());
    let plan = cosell(&["sync", "inbound", &huge, &fixture("sync/snapshot-with-base.json")], None).ok().json();
    let body = &plan["steps"][0]["body"];
    assert!(body.get("estimatedvalue").is_none() && body.get("estimatedclosedate").is_none(), "{plan}");
    assert_eq!(plan["unread"][0]["field"], "dealValue");
    assert_eq!(body["description"], "Microsoft: customer wants a pilot first.", "the readable edit still lands");
}

#[test]
fn sync_and_to_patch_refuse_a_referral_that_is_not_the_base_s() {
    let mut other: Value = serde_json::from_str(&fixture_text("sync/referral-edited-by-microsoft.json")).unwrap();
    other["id"] = Value::from("other-referral");
    let other = scratch("other-referral.json", other.to_string().as_bytes());
    let snapshot = fixture("sync/snapshot-with-base.json");
    let expected = [
        "other-referral.json",
        "$.id",
        "referral other-referral is not the one in the sync state (4111fffc-f9ee-4d53-bba6-569135228642)",
    ];
    cosell(&["sync", "inbound", &other, &snapshot], None).bad_input(&expected);
    cosell(&["sync", "retry", &snapshot, &other], None).bad_input(&expected);
    cosell(&["sync", "outbound", &snapshot, "--current", &other], None).bad_input(&expected);
    cosell(&["map", "to-patch", &snapshot, &other], None).bad_input(&expected);
}

#[test]
fn sync_outbound_without_a_base_etag_refuses_or_takes_the_retry_path() {
    let no_etag = snapshot_with_base(|b| {
        b.as_object_mut().unwrap().remove("eTag");
    });
    let no_etag = scratch("no-etag.json", no_etag.as_bytes());
    cosell(&["sync", "outbound", &no_etag], None).bad_input(&[
        "no-etag.json",
        "$.opportunity.cosell_syncstate",
        "no eTag",
    ]);
    let plan =
        cosell(&["sync", "outbound", &no_etag, "--current", &fixture("sync/referral-edited-by-microsoft.json")], None)
            .ok()
            .json();
    assert_eq!(plan["ifMatch"], "\"00006d10-0000-0000-0000-5c70aa63ffff\"", "{plan}");
    assert!(plan["inbound"].is_object(), "{plan}");
}

#[test]
fn sync_outbound_plans_the_co_sell_conversion_when_help_is_chosen_later() {
    let private = snapshot_with_base(|b| {
        b["fields"].as_object_mut().unwrap().remove("help");
        b["fields"].as_object_mut().unwrap().remove("visibility");
    });
    let private = scratch("help-chosen-later.json", private.as_bytes());
    let mut current: Value = serde_json::from_str(&fixture_text("sync/referral-edited-by-microsoft.json")).unwrap();
    current["type"] = Value::from("Independent");
    current["inviteContext"].as_object_mut().unwrap().remove("assistanceRequestCode");
    current["eTag"] = Value::from("\"00006d10-0000-0000-0000-5c70aa630000\"");
    let current = scratch("independent.json", current.to_string().as_bytes());
    let plan = cosell(&["sync", "outbound", &private, "--current", &current], None).ok().json();
    let create = &plan["conversion"]["create"];
    assert_eq!(create["engagementId"], "37ef26aa-1d15-4533-9f93-a69bd33ab1e5", "{plan}");
    assert_eq!(create["type"], "Shared");
    assert_eq!(create["target"], serde_json::json!([{ "id": "msft", "type": "BusinessProfileLocation" }]));
    assert_eq!(plan["conversion"]["base"]["fields"]["help"], "ProofOfConceptOrDemo");
    assert_eq!(plan["conversion"]["base"]["fields"]["dealValue"], "75000.00", "the outbound's base, help added");
    // Already co-sell (help in the base): no conversion.
    let plan = cosell(&["sync", "outbound", &fixture("sync/snapshot-with-base.json")], None).ok().json();
    assert!(plan.get("conversion").is_none(), "{plan}");
}

#[test]
fn to_referral_refuses_a_co_sell_deal_without_plan() {
    cosell(&["map", "to-referral", &fixture("snapshots/cosell.json")], None).bad_input(&[
        "cosell.json",
        "$.opportunity.cosell_howcanmicrosofthelp",
        "--plan",
    ]);
}

#[test]
fn sync_retry_merges_microsoft_s_edit_first_then_patches_with_the_fresh_etag() {
    let retry = cosell(
        &[
            "sync",
            "retry",
            &fixture("sync/snapshot-with-base.json"),
            &fixture("sync/referral-edited-by-microsoft.json"),
        ],
        None,
    )
    .ok()
    .json();
    assert_eq!(retry["inbound"]["changed"], serde_json::json!(["notes"]));
    assert_eq!(retry["inbound"]["steps"][0]["body"]["description"], "Microsoft: customer wants a pilot first.");
    assert_eq!(retry["outbound"]["ifMatch"], "\"00006d10-0000-0000-0000-5c70aa63ffff\"");
    assert_eq!(retry["outbound"]["operations"][0]["path"], "/details/dealValue");
    let inbound = cosell(
        &[
            "sync",
            "inbound",
            &fixture("sync/referral-edited-by-microsoft.json"),
            &fixture("sync/snapshot-with-base.json"),
        ],
        None,
    )
    .ok()
    .json();
    assert_eq!(inbound["steps"], retry["inbound"]["steps"]);
}

#[test]
fn sync_without_a_base_is_bad_input() {
    cosell(&["sync", "outbound", &fixture("snapshots/synced-update.json")], None).bad_input(&[
        "synced-update.json",
        "$.opportunity.cosell_syncstate",
        "no base",
    ]);
    cosell(&["sync", "retry", &fixture("sync/snapshot-with-base.json"), "-"], Some("{}"))
        .bad_input(&["not a referral"]);
}

#[test]
fn to_referral_plan_gives_the_two_linked_co_sell_creates() {
    let plan = cosell(&["map", "to-referral", "--plan", &fixture("snapshots/cosell.json")], None).ok().json();
    assert_eq!(plan["referral"]["type"], "Shared");
    assert_eq!(plan["referral"]["target"][0]["type"], "SolutionProfile");
    assert_eq!(
        plan["forMicrosoft"]["target"],
        serde_json::json!([{ "id": "msft", "type": "BusinessProfileLocation" }])
    );
    let private = cosell(&["map", "to-referral", "--plan", &fixture("snapshots/private.json")], None).ok().json();
    assert!(private.get("forMicrosoft").is_none(), "{private}");
}

#[test]
fn sync_inbound_lead_keeps_the_seller_s_edit_on_the_lead() {
    let base = r#"{"v":1,"id":"r-1","eTag":"e1","status":"New","substatus":"Pending","fields":{"dealValue":"50000.00","currency":"USD","notes":"From Microsoft","status":"Open"}}"#;
    let lead = serde_json::json!({
        "leadid": "l-1", "estimatedamount": 50000, "description": "Seller: call back Tuesday",
        "transactioncurrencyid": { "isocurrencycode": "USD" }, "cosell_syncstate": base,
    });
    let lead = scratch("lead.json", lead.to_string().as_bytes());
    let referral = serde_json::json!({
        "id": "r-1", "eTag": "e2", "status": "New", "substatus": "Pending",
        "details": { "dealValue": 60000, "currency": "USD", "notes": "Microsoft: pilot first" }
    });
    let referral = scratch("lead-referral.json", referral.to_string().as_bytes());
    let plan = cosell(&["sync", "inbound-lead", &referral, &lead], None).ok().json();
    assert_eq!(plan["conflicts"][0]["field"], "notes", "{plan}");
    assert_eq!(plan["conflicts"][0]["crm"], "Seller: call back Tuesday");
    let body = &plan["steps"][0]["body"];
    assert_eq!((body["estimatedamount"].as_f64(), body.get("description")), (Some(60000.0), None), "{plan}");
    assert_eq!(plan["steps"][0]["filter"], "leadid eq l-1");
    let no_base = scratch("lead-no-base.json", br#"{"leadid": "l-1"}"#);
    cosell(&["sync", "inbound-lead", &referral, &no_base], None).bad_input(&[
        "lead-no-base.json",
        "$.cosell_syncstate",
        "no base",
    ]);
    cosell(&["sync", "inbound-lead", &referral, &referral], None)
        .bad_input(&["lead-referral.json", "$.cosell_syncstate"]);
}
