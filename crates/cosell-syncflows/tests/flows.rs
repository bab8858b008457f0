//! The generated flows' structure: triggers, filtering attributes from the field map, connection
//! references, parameters, child-flow calls, connector operations, and every expression parses.

use cosell_flow::expr::{check_template, evaluate_expression, Scope};
use cosell_solution::flows::{parameter_name, Flow};
use cosell_syncflows::flows::{names, receiver, triggers};
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn all() -> Vec<Flow> {
    cosell_syncflows::flows()
}

fn named(name: &str) -> Flow {
    all().into_iter().find(|f| f.name == name).unwrap_or_else(|| panic!("no flow {name}"))
}

/// Every string in a JSON value, with its JSON path.
fn strings(v: &Value, at: String, out: &mut Vec<(String, String)>) {
    match v {
        Value::String(s) => out.push((at, s.clone())),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| strings(x, format!("{at}[{i}]"), out)),
        Value::Object(m) => m.iter().for_each(|(k, x)| strings(x, format!("{at}.{k}"), out)),
        _ => {}
    }
}

/// Every object in a JSON value that has `key`.
fn objects_with<'a>(v: &'a Value, key: &str, out: &mut Vec<&'a Value>) {
    match v {
        Value::Array(a) => a.iter().for_each(|x| objects_with(x, key, out)),
        Value::Object(m) => {
            if m.contains_key(key) {
                out.push(v);
            }
            m.values().for_each(|x| objects_with(x, key, out));
        }
        _ => {}
    }
}

#[test]
fn the_flows_in_the_order_to_turn_them_on() {
    let names: Vec<String> = all().into_iter().map(|f| f.name).collect();
    assert_eq!(
        names,
        [
            names::WEBHOOK_REGISTRATION,
            names::WEBHOOK_SHOW,
            names::CUSTOMIZE,
            names::INBOUND_HELPER,
            names::OUTBOUND_HELPER,
            names::RECEIVER,
            names::OUTBOUND,
            names::SOLUTIONS,
            names::LEAD_DECISION,
            names::BACKFILL,
        ]
    );
    let ids: BTreeSet<String> = all().iter().map(|f| f.id().to_string()).collect();
    assert_eq!(ids.len(), names.len());
}

#[test]
fn generation_is_deterministic() {
    let a: Vec<String> = all().iter().map(|f| f.json().unwrap()).collect();
    let b: Vec<String> = all().iter().map(|f| f.json().unwrap()).collect();
    assert_eq!(a, b);
}

#[test]
fn every_expression_parses() {
    for flow in all() {
        let mut found = Vec::new();
        strings(&flow.definition, "$".into(), &mut found);
        let expressions = found.iter().filter(|(_, s)| s.contains('@')).count();
        assert!(expressions > 0, "{}", flow.name);
        for (at, s) in found {
            if let Err(e) = check_template(&s) {
                panic!("{}: {at}: {e}\n{s}", flow.name);
            }
        }
    }
}

#[test]
fn parameters_are_the_flow_s_environment_variables() {
    for flow in all() {
        let text = flow.definition.to_string();
        let declared: BTreeSet<String> = flow.environment_variables.iter().map(|s| parameter_name(s)).collect();
        for part in text.split("parameters('").skip(1) {
            let name = part.split("')").next().unwrap().replace("''", "'");
            if name == "$authentication" {
                continue;
            }
            assert!(declared.contains(&name), "{} reads {name} without declaring it", flow.name);
        }
        // The solution accepts the flow (its variables exist, its JSON is written).
        let json: Value = serde_json::from_str(&flow.json().unwrap()).unwrap();
        for var in &flow.environment_variables {
            assert!(json["properties"]["definition"]["parameters"].get(parameter_name(var)).is_some());
        }
    }
}

#[test]
fn connections_used_are_referenced() {
    for flow in all() {
        let keys: BTreeSet<String> = flow.connections.iter().map(|c| c.key.clone()).collect();
        let mut hosts = Vec::new();
        objects_with(&flow.definition, "connectionName", &mut hosts);
        let used: BTreeSet<String> = hosts.iter().map(|h| h["connectionName"].as_str().unwrap().to_owned()).collect();
        assert_eq!(used, keys, "{}", flow.name);
    }
}

#[test]
fn child_flows_called_are_in_the_solution() {
    let ids: BTreeSet<String> = all().iter().map(|f| f.id().to_string()).collect();
    for flow in all() {
        let mut hosts = Vec::new();
        objects_with(&flow.definition, "workflowReferenceName", &mut hosts);
        for h in hosts {
            assert!(ids.contains(h["workflowReferenceName"].as_str().unwrap()), "{}", flow.name);
        }
    }
    // The receiver hands over to the helper; the triggers to the outbound helper.
    let calls = |name: &str| {
        let mut hosts = Vec::new();
        let f = named(name);
        objects_with(&f.definition, "workflowReferenceName", &mut hosts);
        hosts.iter().map(|h| h["workflowReferenceName"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    assert_eq!(calls(names::RECEIVER), [named(names::INBOUND_HELPER).id().to_string()]);
    assert_eq!(calls(names::OUTBOUND), [named(names::OUTBOUND_HELPER).id().to_string()]);
    assert!(calls(names::INBOUND_HELPER).contains(&named(names::CUSTOMIZE).id().to_string()));
}

/// Each custom-connector call names an operationId and parameters of the generated swagger.
#[test]
fn connector_operations_exist() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../connector/");
    let mut operations = std::collections::BTreeMap::new();
    for folder in ["partner-center-referrals", "partner-center-events"] {
        let text = std::fs::read_to_string(format!("{root}{folder}/apiDefinition.swagger.json")).unwrap();
        let swagger: Value = serde_json::from_str(&text).unwrap();
        for (_, ops) in swagger["paths"].as_object().unwrap() {
            for (_, op) in ops.as_object().unwrap() {
                if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                    let params: BTreeSet<String> = op["parameters"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|p| p["name"].as_str().map(str::to_owned))
                        .collect();
                    operations.insert(id.to_owned(), params);
                }
            }
        }
    }
    let dataverse =
        ["ListRecords", "GetItem", "CreateRecord", "UpdateRecord", "PerformUnboundAction", "SubscribeWebhookTrigger"];
    for flow in all() {
        let mut hosts = Vec::new();
        objects_with(&flow.definition, "host", &mut hosts);
        for h in hosts {
            let Some(op) = h["host"]["operationId"].as_str() else { continue };
            if dataverse.contains(&op) {
                continue;
            }
            let params = operations.get(op).unwrap_or_else(|| panic!("{}: unknown operation {op}", flow.name));
            for p in h["parameters"].as_object().into_iter().flatten().map(|(k, _)| k) {
                assert!(params.contains(p), "{}: {op} has no parameter {p}", flow.name);
            }
        }
    }
}

#[test]
fn the_opportunity_trigger_filters_on_the_mapped_columns() {
    let f = named(names::OUTBOUND);
    let t = &f.definition["triggers"]["When_a_row_is_added_or_modified"];
    let p = &t["inputs"]["parameters"];
    assert_eq!(p["subscriptionRequest/entityname"], "opportunity");
    assert_eq!(p["subscriptionRequest/message"], 4);
    let attributes = triggers::filtering_attributes();
    assert_eq!(p["subscriptionRequest/filteringattributes"].as_str(), Some(attributes.join(",").as_str()));
    let filtering: Vec<&str> = attributes.iter().map(String::as_str).collect();
    // The Deal value column is the environment variable's value, read when the flow is turned on.
    let deal_value =
        format!("@{{{}}}", cosell_syncflows::expr::parameter(cosell_core::config::vars::DEAL_VALUE_COLUMN));
    assert!(filtering.contains(&deal_value.as_str()), "{filtering:?}");
    for column in [
        "name",
        "description",
        "cosell_howcanmicrosofthelp",
        "cosell_referralvisibility",
        "statecode",
        "cosell_syncwithpartnercenter",
        "transactioncurrencyid",
    ] {
        assert!(filtering.contains(&column), "{column}");
    }
    for column in ["opportunityid", "cosell_syncstate", "cosell_audit", "cosell_referralidentifier"] {
        assert!(!filtering.contains(&column), "{column} must not start the sync (the sync writes it)");
    }
    assert_eq!(
        t["conditions"],
        json!([{"expression": "@equals(triggerOutputs()?['body/cosell_syncwithpartnercenter'], true)"}])
    );
}

#[test]
fn the_receiver_answers_before_the_helper_runs() {
    let f = named(names::RECEIVER);
    assert_eq!(f.definition["triggers"]["manual"]["kind"], "Http");
    assert!(f.connections.is_empty(), "the receiver holds no connection: it reads nothing itself");
    let usable = &f.definition["actions"]["Signed_by_Partner_Center"];
    assert_eq!(usable["else"]["actions"]["Answer_unauthorized"]["inputs"]["statusCode"], 401);
    let hand_over = &usable["actions"]["Usable_referral_event"]["actions"];
    assert_eq!(hand_over["Answer_at_once"]["inputs"]["statusCode"], 202);
    assert_eq!(hand_over["Sync_the_referral"]["runAfter"], json!({"Answer_at_once": ["Succeeded"]}));
    // No secret anywhere: the trigger URL is only known after import.
    let text = f.json().unwrap();
    assert!(!text.contains("sig="), "no SAS signature in the flow");
}

struct Vars(Value);

impl Scope for Vars {
    fn runtime(&self, name: &str, _: &[Value]) -> Option<Result<Value, String>> {
        (name == "variables").then(|| Ok(self.0.clone()))
    }
    fn now_unix_millis(&self) -> i64 {
        0
    }
    fn next_random(&self) -> u64 {
        0
    }
}

#[test]
fn the_receiver_trusts_only_a_documented_referral_id() {
    let id = receiver::referral_id("variables('v')");
    let guid = receiver::is_guid(&receiver::referral_id("variables('v')"));
    let cases = [
        ("https://api.partnercenter.microsoft.com/engagements/v1/referrals/49d90c72-3326-4f61-aacc-2cb57970448c", "49d90c72-3326-4f61-aacc-2cb57970448c", true),
        ("https://api.partnercenter.microsoft.com/engagements/v1/referrals/49D90C72-3326-4F61-AACC-2CB57970448C?x=1", "49D90C72-3326-4F61-AACC-2CB57970448C", true),
        ("https://evil.example/engagements/v1/referrals/not-a-guid", "not-a-guid", false),
        ("https://api.partnercenter.microsoft.com/webhooks/v1/registration/validationEvents/c0bfd694-3075-4ec5-9a3c-733d3a890a1f", "", false),
        ("https://x/referrals/49d90c72-3326-4f61-aacc-2cb57970448c'); drop", "49d90c72-3326-4f61-aacc-2cb57970448c'); drop", false),
        ("https://x/referrals/49d90c72-3326-4f61-aacc-2cb57970448g", "49d90c72-3326-4f61-aacc-2cb57970448g", false),
        ("https://x/referrals/49d90c7-23326-4f61-aacc-2cb57970448c", "49d90c7-23326-4f61-aacc-2cb57970448c", false),
    ];
    for (uri, expected, ok) in cases {
        assert_eq!(evaluate_expression(&id, &Vars(json!(uri))).unwrap(), json!(expected), "{uri}");
        assert_eq!(evaluate_expression(&guid, &Vars(json!(uri))).unwrap(), json!(ok), "{uri}");
    }
    assert_eq!(evaluate_expression(&id, &Vars(Value::Null)).unwrap(), json!(""));
}

#[test]
fn registration_registers_all_four_events_by_default() {
    let f = named(names::WEBHOOK_REGISTRATION);
    let a = &f.definition["actions"];
    assert_eq!(a["Register_the_webhook"]["runAfter"], json!({"Get_the_registration": ["Failed", "TimedOut"]}));
    assert_eq!(
        a["Register_the_webhook"]["inputs"]["parameters"]["registration"]["SignatureTokenToMsSignatureHeader"],
        true
    );
    let events = a["Events_to_register"]["inputs"].as_str().unwrap();
    for e in cosell_core::webhook::REFERRAL_EVENTS {
        assert!(events.contains(e), "{e}");
    }
}

#[test]
fn partner_center_calls_retry_and_412_is_handled_by_the_flow() {
    let f = named(names::OUTBOUND_HELPER);
    let text = f.definition.to_string();
    assert!(text.contains("\"operationId\":\"PatchReferralById\""));
    let mut hosts = Vec::new();
    objects_with(&f.definition, "retryPolicy", &mut hosts);
    assert!(hosts.iter().all(|h| h["retryPolicy"]["type"] == "exponential"));
    assert!(text.contains("Merge_Partner_Center_first"));
}

/// Every action name is one the designer would write (no spaces), and every `outputs('X')` /
/// `body('X')` names an action of the same flow.
#[test]
fn references_name_actions_of_the_flow() {
    fn names_in(actions: &Value, out: &mut Vec<String>) {
        for (name, action) in actions.as_object().into_iter().flatten() {
            out.push(name.clone());
            if let Some(inner) = action.get("actions") {
                names_in(inner, out);
            }
            if let Some(inner) = action.pointer("/else/actions") {
                names_in(inner, out);
            }
            if let Some(inner) = action.pointer("/default/actions") {
                names_in(inner, out);
            }
            for (_, case) in action.get("cases").and_then(Value::as_object).into_iter().flatten() {
                names_in(&case["actions"], out);
            }
        }
    }
    for flow in all() {
        let mut list = Vec::new();
        names_in(&flow.definition["actions"], &mut list);
        let names: BTreeSet<String> = list.iter().cloned().collect();
        let mut twice: Vec<&String> = list.iter().filter(|n| list.iter().filter(|m| m == n).count() > 1).collect();
        twice.dedup();
        assert!(twice.is_empty(), "{}: action names are unique in a flow: {twice:?}", flow.name);
        for n in &names {
            assert!(!n.contains(' ') && !n.contains('\''), "{}: action name {n:?}", flow.name);
        }
        let text = flow.definition.to_string();
        for function in ["outputs('", "body('"] {
            for part in text.split(function).skip(1) {
                let name = part.split('\'').next().unwrap();
                assert!(names.contains(name), "{}: {function}{name}') names no action", flow.name);
            }
        }
    }
}

/// Where "is there a record (or a referral) yet?" is checked before a create, runs queue one at a
/// time: two near-simultaneous webhooks (the inbound helper) or two quick saves (the Dataverse
/// triggers) cannot both create. The outbound helper is not limited: it calls itself once after a
/// 412, which a one-run limit would deadlock.
#[test]
fn the_flows_that_check_before_creating_run_one_at_a_time() {
    let one = json!({"concurrency": {"runs": 1}});
    assert_eq!(named(names::INBOUND_HELPER).definition["triggers"]["manual"]["runtimeConfiguration"], one);
    for name in [names::OUTBOUND, names::SOLUTIONS, names::LEAD_DECISION] {
        let f = named(name);
        assert_eq!(f.definition["triggers"]["When_a_row_is_added_or_modified"]["runtimeConfiguration"], one, "{name}");
    }
    assert!(named(names::OUTBOUND_HELPER).definition["triggers"]["manual"].get("runtimeConfiguration").is_none());
}
