//! The flows and the core are one mapping, on the project's fixtures: the helpers' Compose of
//! canonical values, evaluated with cosell-flow on a snapshot's opportunity (or a referral as
//! Partner Center returns it), equals what `cosell_core::sync` computes from the same input.

use cosell_core::referral::Referral;
use cosell_core::snapshot::Snapshot;
use cosell_core::sync::fields::keys;
use cosell_core::sync::{crm_values, referral_values};
use cosell_flow::expr::{evaluate_json, evaluate_template, Scope};
use cosell_solution::env_vars::{VarType, ENV_VARS};
use cosell_solution::flows::parameter_name;
use cosell_syncflows::flows::names;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

struct Run {
    actions: BTreeMap<String, Value>,
    parameters: BTreeMap<String, Value>,
    item: Value,
}

impl Scope for Run {
    fn runtime(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let key = args.first().and_then(Value::as_str).unwrap_or_default();
        match name {
            "outputs" | "body" => Some(self.actions.get(key).cloned().ok_or_else(|| format!("no action {key}"))),
            "parameters" => Some(self.parameters.get(key).cloned().ok_or_else(|| format!("no parameter {key}"))),
            "item" => Some(Ok(self.item.clone())),
            _ => None,
        }
    }
    fn now_unix_millis(&self) -> i64 {
        0
    }
    fn next_random(&self) -> u64 {
        0
    }
}

fn fixtures(folder: &str) -> Vec<(String, String)> {
    let dir = format!("{}/../../tests/fixtures/{folder}", env!("CARGO_MANIFEST_DIR"));
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    out.sort();
    out
}

/// The environment variables as the flow's parameters: the snapshot's values, else the defaults.
fn parameters(environment: Option<&Value>) -> BTreeMap<String, Value> {
    let defaults = cosell_core::config::Config::default();
    ENV_VARS
        .iter()
        .map(|v| {
            let raw = environment
                .and_then(|e| e.get(v.schema))
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| (v.default)(&defaults));
            let value = match v.kind {
                VarType::Boolean => Value::Bool(raw.eq_ignore_ascii_case("yes") || raw == "true"),
                _ => Value::from(raw),
            };
            (parameter_name(v.schema), value)
        })
        .collect()
}

fn action<'a>(flow: &'a Value, name: &str) -> &'a Value {
    &flow["actions"][name]
}

/// Evaluates a Select the way the runner does: the `select` value once per item of `from`.
fn select(run: &mut Run, select: &Value, items: &[Value]) -> Value {
    let keys: Vec<Value> = items
        .iter()
        .map(|i| {
            run.item = i.clone();
            evaluate_json(select, &*run).unwrap()
        })
        .collect();
    run.item = Value::Null;
    Value::from(keys)
}

fn definition(name: &str) -> Value {
    cosell_syncflows::flows().into_iter().find(|f| f.name == name).unwrap().definition
}

#[test]
fn the_outbound_helper_reads_an_opportunity_as_the_core_does() {
    let flow = definition(names::OUTBOUND_HELPER);
    let mut compared = 0;
    let mut caught = std::collections::BTreeSet::new();
    for (file, text) in fixtures("snapshots") {
        let Ok(snapshot) = Snapshot::from_json(&text) else { continue };
        let doc: Value = serde_json::from_str(&text).unwrap();
        let row = doc["opportunity"].clone();
        let mut base: Value = match row["cosell_syncstate"].as_str() {
            Some(s) => serde_json::from_str(s).unwrap(),
            None => json!({}),
        };
        // The flow knows the last saved values only from the base: a fixture's `original` is
        // what the last sync saw, so its visibility and outcome go into the base the flow reads.
        if let Some(original) = doc.get("original").filter(|o| o.is_object()) {
            let mut then = doc.clone();
            then["opportunity"] = original.clone();
            then.as_object_mut().unwrap().remove("original");
            let then = Snapshot::from_value(&then).unwrap();
            let seen = crm_values(&then, base["fields"]["status"].as_str());
            for key in [keys::VISIBILITY, keys::STATUS] {
                if let Some(Some(v)) = seen.get(key) {
                    base["fields"][key] = json!(v);
                }
            }
        }
        let mut run =
            Run { actions: BTreeMap::new(), parameters: parameters(doc.get("environment")), item: Value::Null };
        run.actions.insert("Opportunity".into(), row);
        run.actions.insert("Base".into(), base.clone());
        let rows: Vec<Value> = doc["solutions"].as_array().cloned().unwrap_or_default();
        let keys = select(&mut run, &action(&flow, "Opportunity_solution_keys")["inputs"]["select"], &rows);
        run.actions.insert("Opportunity_solution_keys".into(), keys);
        let got = evaluate_json(&action(&flow, "Dynamics_365_values")["inputs"], &run).unwrap();
        let outcome = base["fields"]["status"].as_str();
        let core = crm_values(&snapshot, outcome);
        for (key, value) in &core {
            assert_eq!(got[*key], json!(value.clone().unwrap_or_default()), "{file}: {key}");
        }
        // The rules the flow runs fail exactly where the core's error rules of the same ids fail.
        run.actions.insert("Dynamics_365_values".into(), got);
        let rules = evaluate_json(&action(&flow, "Rules")["inputs"], &run).unwrap();
        let ours: Vec<&str> = rules.as_array().unwrap().iter().map(|r| r["rule"].as_str().unwrap()).collect();
        let failing: Vec<&str> = rules
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["failing"] == json!(true))
            .map(|r| r["rule"].as_str().unwrap())
            .collect();
        let mut expected: Vec<&str> = cosell_core::rules::validate(&snapshot)
            .iter()
            .filter(|f| f.severity == cosell_core::rules::Severity::Error)
            .map(|f| f.rule.as_str())
            .filter(|r| ours.contains(r))
            .collect();
        expected.dedup();
        // The flow stops at Sync = No before its rules run, and always loads the lookups (a
        // snapshot with only their IDs is the core's "not loaded" case, not the flow's).
        let unexpanded =
            doc["opportunity"].as_object().unwrap().keys().any(|k| k.starts_with('_') && k.ends_with("_value"));
        if snapshot.syncs() && !unexpanded {
            assert_eq!(failing, expected, "{file}");
            caught.extend(failing.iter().map(|r| (*r).to_owned()));
        }
        compared += 1;
    }
    assert!(compared >= 10, "{compared} snapshots compared");
    for rule in ["visibility-one-way", "state-transition"] {
        assert!(caught.contains(rule), "no fixture makes {rule} fail: {caught:?}");
    }
}

#[test]
fn the_inbound_helper_reads_a_referral_as_the_core_does() {
    let flow = definition(names::INBOUND_HELPER);
    let mut compared = 0;
    // The fixtures, and the seed's referral shared each way visibility is read (consent, type,
    // help asked, help Unknown).
    let seed: Value = serde_json::from_str(
        &fixtures("referrals").into_iter().find(|(f, _)| f.ends_with("incoming-new.json")).unwrap().1,
    )
    .unwrap();
    let variants = [
        json!({"consent": {"consentToShareReferralWithMicrosoftSellers": true}}),
        json!({"consent": {"consentToShareReferralWithMicrosoftSellers": false}, "type": "shared"}),
        json!({"consent": null, "type": "Independent", "inviteContext": {"assistanceRequestCode": "Unknown"}}),
        json!({"consent": null, "type": "Independent", "inviteContext": {"assistanceRequestCode": " GeneralOrOther "}}),
    ];
    let shared = variants.into_iter().enumerate().map(|(i, change)| {
        let mut doc = seed.clone();
        for (k, v) in change.as_object().unwrap() {
            doc[k] = v.clone();
        }
        (format!("visibility variant {i}"), doc.to_string())
    });
    for (file, text) in fixtures("referrals").into_iter().chain(fixtures("samples")).chain(shared) {
        let Ok(doc) = serde_json::from_str::<Value>(&text) else { continue };
        if doc.get("id").is_none() || doc.get("customerProfile").is_none() {
            continue;
        }
        let Ok(referral) = Referral::from_json(&text) else { continue };
        let mut run = Run { actions: BTreeMap::new(), parameters: parameters(None), item: Value::Null };
        run.actions.insert("Referral".into(), doc.clone());
        let solutions: Vec<Value> =
            doc.pointer("/details/requirements/solutions").and_then(Value::as_array).cloned().unwrap_or_default();
        let keys = select(&mut run, &action(&flow, "Referral_solution_keys")["inputs"]["select"], &solutions);
        run.actions.insert("Referral_solution_keys".into(), keys);
        let got = evaluate_json(&action(&flow, "Partner_Center_values")["inputs"], &run).unwrap();
        for (key, value) in referral_values(&referral) {
            assert_eq!(got[key], json!(value.unwrap_or_default()), "{file}: {key}");
        }
        compared += 1;
    }
    assert!(compared >= 5, "{compared} referrals compared");
}

/// The sync state the flows write parses as the core's base and holds the settled values.
#[test]
fn the_sync_state_text_is_the_core_s_base() {
    let (steps, text) = cosell_syncflows::flows::common::sync_state_steps(
        "T",
        "outputs('Settled')",
        &[("id", "'r1'".into()), ("eTag", "'e\"1'".into())],
    );
    let flow = cosell_syncflows::wdl::Steps::new().append(steps).to_value();
    let settled: Map<String, Value> = [("name", "Deal \"A\"\nx"), ("dealValue", "50000.00"), ("notes", "")]
        .iter()
        .map(|(k, v)| ((*k).into(), json!(v)))
        .collect();
    let mut run = Run { actions: BTreeMap::new(), parameters: BTreeMap::new(), item: Value::Null };
    run.actions.insert("Settled".into(), Value::Object(settled));
    // The Query, as the runner runs it: the keys for which `where` is true.
    let query = &flow["T_base_pairs"]["inputs"];
    let keys = evaluate_json(&query["from"], &run).unwrap();
    let mut pairs = Vec::new();
    for k in keys.as_array().unwrap() {
        run.item = k.clone();
        if evaluate_json(&query["where"], &run).unwrap() == json!(true) {
            pairs.push(k.clone());
        }
    }
    assert_eq!(pairs, [json!("name"), json!("dealValue")]);
    run.actions.insert("T_base_pairs".into(), Value::from(pairs.clone()));
    let kept = select(&mut run, &flow["T_base_values"]["inputs"]["select"], &pairs);
    run.actions.insert("T_base_values".into(), kept);
    let state = evaluate_json(&flow["T_sync_state"]["inputs"], &run).unwrap();
    let base =
        cosell_core::snapshot::SyncState::parse(state.as_str().unwrap_or_else(|| panic!("{state}")), "$").unwrap();
    assert_eq!(base.referral_id.as_deref(), Some("r1"));
    assert_eq!(base.e_tag.as_deref(), Some("e\"1"));
    assert_eq!(base.field("name"), Some("Deal \"A\"\nx"));
    assert_eq!(base.field("dealValue"), Some("50000.00"));
    assert_eq!(base.field("notes"), None, "empty values are left out");
    run.actions.insert("T_sync_state".into(), state.clone());
    assert_eq!(evaluate_template(&format!("@{text}"), &run).unwrap(), state);
}
