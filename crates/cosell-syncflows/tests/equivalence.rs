//! The flows and the core are one mapping, run end to end: for every synced field of the field
//! map, an edit on either side (or both, or a value Partner Center stops giving) goes through the
//! generated flows in the engine, and the Partner Center requests and Dataverse writes they make
//! equal what `cosell-core` plans from the same inputs (`sync::inbound`, `sync::plan_outbound`).
//!
//! The cases are generated from `FIELDS`, not listed: a new row of the field map is covered the
//! day it is added. The inputs the core reads are taken from the fakes' rows, as the flows read
//! them, never copied from the flows' output.

mod support;

use cosell_core::config::Config;
use cosell_core::referral::Referral;
use cosell_core::snapshot::{Snapshot, SyncState};
use cosell_core::sync::fields::keys;
use cosell_core::sync::{Field, Transform, FIELDS};
use cosell_flow::fake::FakeService;
use cosell_flow::run::Status;
use cosell_syncflows::flows::names;
use serde_json::{json, Value};
use support::*;

/// `assert_eq!` that records the difference and goes on, so one run lists every field that differs.
macro_rules! expect_eq {
    ($out:expr, $a:expr, $b:expr, $($fmt:tt)+) => {{
        let (a, b) = (&$a, &$b);
        if a != b {
            $out.push(format!("{}: flow {:?}, core {:?}", format!($($fmt)+), a, b));
        }
    }};
}

/// `assert!` that records the failure and goes on.
macro_rules! expect {
    ($out:expr, $c:expr, $($fmt:tt)+) => {{
        if !$c {
            $out.push(format!($($fmt)+));
        }
    }};
}

/// Fails with every recorded difference.
fn none_differ(out: Vec<String>) {
    assert!(out.is_empty(), "the flows differ from the core in {} places:\n{}", out.len(), out.join("\n"));
}

/// The synced seed: the world, the opportunity's row ID, its referral's ID, the seed snapshot.
struct Synced {
    w: World,
    opportunity: String,
    referral: String,
    seed: Value,
    euro: String,
}

fn synced_world() -> Synced {
    let (mut w, opportunity, seed) = synced_opportunity_world();
    let referral = synced(&mut w);
    let euro =
        w.dataverse.insert("transactioncurrency", json!({"isocurrencycode": "EUR", "currencyname": "Euro"})).unwrap();
    Synced { w, opportunity, referral, seed, euro }
}

/// The fields an edit can be made to on either side: every base field but the ones with a flow
/// of their own (status closes and reopens, solutions are rows) and the ones that are IDs.
fn editable() -> impl Iterator<Item = &'static Field> {
    FIELDS.iter().filter(|f| f.in_base()).filter(|f| {
        !matches!(f.transform, Transform::Status | Transform::SolutionList | Transform::LookupByKey { .. })
            && f.key != keys::EXTERNAL_REFERENCE
    })
}

/// A canonical value of `f` other than `old`, `nth` picking among several (0: one side's edit,
/// 1: the other side's).
fn another(f: &Field, old: Option<&str>, nth: usize) -> String {
    let candidates: Vec<String> = match f.transform {
        Transform::Text { .. } => vec!["Edited in one place".into(), "Edited in another".into(), "Third".into()],
        Transform::Money => vec!["12345.67".into(), "777".into(), "1.5".into()],
        Transform::DateOnly => vec!["2027-06-30".into(), "2027-09-15".into(), "2028-01-01".into()],
        Transform::IsoCountry => vec!["DE".into(), "FR".into(), "JP".into()],
        Transform::IsoCurrency => vec!["EUR".into(), "USD".into()],
        Transform::Choice { options } => options.iter().map(|(_, w)| (*w).to_owned()).collect(),
        Transform::Flag { .. } => vec!["true".into(), "false".into()],
        Transform::EmployeeBand => vec!["10to50".into(), "1000to5000".into()],
        other => panic!("no edit for {other:?}"),
    };
    let canonical = |c: &String| f.transform.from_referral(&f.transform.to_referral(c));
    let fresh: Vec<String> =
        candidates.iter().filter(|c| canonical(c).as_deref() != old).filter_map(canonical).collect();
    fresh.get(nth % fresh.len()).cloned().unwrap()
}

/// The snapshot the core reads for the opportunity now: the seed's document with the row's current
/// values, each expanded lookup replaced by the related row as it is now, the solution rows and
/// the stored base.
fn snapshot_now(s: &Synced) -> (Snapshot, Value) {
    let row = s.w.dataverse.row("opportunity", &s.opportunity).unwrap();
    let mut doc = s.seed.clone();
    let o = doc["opportunity"].as_object_mut().unwrap();
    for (column, value) in row.as_object().unwrap() {
        if !column.starts_with('_') && !column.contains('@') {
            o.insert(column.clone(), value.clone());
        }
    }
    for (lookup, table) in [
        ("parentaccountid", "account"),
        ("parentcontactid", "contact"),
        ("transactioncurrencyid", "transactioncurrency"),
    ] {
        if let Some(id) = row.get(format!("_{lookup}_value")).and_then(Value::as_str) {
            o.insert(lookup.to_owned(), s.w.dataverse.row(table, id).unwrap());
        }
    }
    doc["solutions"] = s.w.dataverse.rows("cosell_partnercentersolution").into();
    (Snapshot::from_value(&doc).unwrap(), doc)
}

fn stored_base(s: &Synced) -> SyncState {
    support::stored_base(&s.w, "opportunity", &s.opportunity)
}

fn referral_now(s: &Synced) -> Referral {
    support::referral_now(&s.w, &s.referral)
}

/// The CRM edit of `f` to `canonical`: the opportunity's column, the related row's, or the lookup
/// re-pointed (the currency).
fn edit_crm(s: &Synced, f: &Field, canonical: &str) {
    let row = s.w.dataverse.row("opportunity", &s.opportunity).unwrap();
    let column = f.crm.column.resolve(&Config::default()).to_owned();
    match (f.transform, f.crm.via) {
        (Transform::IsoCurrency, Some(lookup)) => {
            let id = if canonical == "EUR" {
                s.euro.clone()
            } else {
                let rows = s.w.dataverse.rows("transactioncurrency");
                let row = rows.iter().find(|r| r["isocurrencycode"] == json!(canonical)).unwrap();
                row["transactioncurrencyid"].as_str().unwrap().to_owned()
            };
            let bind = json!({ format!("{lookup}@odata.bind"): format!("transactioncurrencies({id})") });
            s.w.dataverse.update("opportunity", &s.opportunity, bind).unwrap();
        }
        (t, None) => {
            s.w.dataverse.update("opportunity", &s.opportunity, json!({ column: t.to_crm(canonical) })).unwrap();
        }
        (t, Some(lookup)) => {
            let id = row[format!("_{lookup}_value")].as_str().unwrap().to_owned();
            s.w.dataverse.update(f.crm.table, &id, json!({ column: t.to_crm(canonical) })).unwrap();
        }
    }
}

/// Partner Center's edit of `f`: `value` at the row's pointer (`None` removes the property).
fn edit_referral(s: &Synced, f: &Field, value: Option<Value>) {
    let mut doc = s.w.referrals.referral(&s.referral).unwrap();
    let (parent, leaf) = f.referral.rsplit_once('/').unwrap();
    let mut holder = &mut doc;
    for segment in parent.split('/').skip(1) {
        holder = holder.as_object_mut().unwrap().entry(segment).or_insert_with(|| json!({}));
    }
    let holder = holder.as_object_mut().unwrap();
    match value {
        Some(v) => holder.insert(leaf.to_owned(), v),
        None => holder.remove(leaf),
    };
    let top = f.referral.split('/').nth(1).unwrap();
    s.w.referrals.edit(&s.referral, &json!({ top: doc[top].clone() })).unwrap();
}

/// The opportunity's columns the merge may write (the field map's update-to-CRM columns).
fn written_columns() -> Vec<String> {
    FIELDS
        .iter()
        .filter(|f| f.update.to_crm && f.crm.via.is_none() && f.transform != Transform::Status)
        .map(|f| f.crm.column.resolve(&Config::default()).to_owned())
        .collect()
}

/// The newest audit line of the opportunity.
fn newest_audit_line(s: &Synced) -> String {
    let row = s.w.dataverse.row("opportunity", &s.opportunity).unwrap();
    row["cosell_audit"].as_str().unwrap_or_default().lines().last().unwrap_or_default().to_owned()
}

/// Delivers the referral's update through the receiver and checks the writes against
/// `sync::inbound` planned from the same referral, opportunity and base.
fn inbound_equals_core(s: &mut Synced, case: &str, out: &mut Vec<String>) {
    let (snapshot, _) = snapshot_now(s);
    let base = stored_base(s);
    let fresh = referral_now(s);
    let plan = cosell_core::sync::inbound(&fresh, &snapshot, &base).unwrap();
    let before = s.w.dataverse.row("opportunity", &s.opportunity).unwrap();
    let run = s.w.run(names::RECEIVER, signed(s.w.referrals.webhook_event("referral-updated", &s.referral)));
    expect_eq!(out, run.status, Status::Succeeded, "{case}: {}", why(&run));
    expect!(out, s.w.dataverse.violations().is_empty(), "{case}: {:?}", s.w.dataverse.violations());
    let after = s.w.dataverse.row("opportunity", &s.opportunity).unwrap();
    let update = plan.steps.iter().find(|st| st.name == "opportunity");
    for column in written_columns() {
        let expected = update.and_then(|u| u.body.get(&column)).unwrap_or(&before[&column]);
        expect_eq!(out, &after[&column], expected, "{case}: column {column}");
    }
    if plan.steps.iter().any(|st| st.name == "currency") {
        let code = plan.base.field(keys::CURRENCY).unwrap();
        let currency =
            s.w.dataverse.row("transactioncurrency", after["_transactioncurrencyid_value"].as_str().unwrap());
        expect_eq!(out, currency.unwrap()["isocurrencycode"], json!(code), "{case}: the currency bound");
    } else {
        expect_eq!(out, after["_transactioncurrencyid_value"], before["_transactioncurrencyid_value"], "{case}");
    }
    expect_eq!(out, stored_base(s).fields, plan.base.fields, "{case}: the base");
    if plan.steps.is_empty() {
        expect_eq!(out, after, before, "{case}: an echo writes nothing");
        return;
    }
    let line = newest_audit_line(s);
    for field in plan.conflicts.iter().map(|c| c.field).chain(plan.unread.iter().map(|u| u.field)) {
        expect!(out, line.contains(field), "{case}: the audit names {field}: {line}");
    }
    for conflict in &plan.conflicts {
        let lost = conflict.lost().unwrap_or_default();
        expect!(out, line.contains(lost), "{case}: the audit keeps the other value {lost:?}: {line}");
    }
}

/// Runs the outbound flow on the opportunity's change and checks the Partner Center requests
/// and the base against `sync::plan_outbound` planned from the same opportunity and base.
fn outbound_equals_core(s: &mut Synced, case: &str, out: &mut Vec<String>) {
    let (snapshot, _) = snapshot_now(s);
    let base = stored_base(s);
    let plan = cosell_core::sync::plan_outbound(&snapshot, &base, None).unwrap();
    let patches = s.w.referrals.calls("PatchReferralById").len();
    let creates = s.w.referrals.calls("CreateReferral").len();
    // The helper itself: which saves start it is the trigger's filtering (tests/flows.rs).
    let input = cosell_flow::run::TriggerInput::body(json!({"opportunityId": s.opportunity, "attempt": 1}));
    let run = s.w.run(names::OUTBOUND_HELPER, input);
    let errors =
        cosell_core::rules::validate(&snapshot).into_iter().any(|f| f.severity == cosell_core::rules::Severity::Error);
    if errors {
        // The rules run first: refused, Partner Center not called (the core's `validate`).
        expect_eq!(out, run.status, Status::Failed, "{case}: refused by the rules");
        expect_eq!(out, s.w.referrals.calls("PatchReferralById").len(), patches, "{case}: refused, nothing sent");
        return;
    }
    expect_eq!(out, run.status, Status::Succeeded, "{case}: {}", why(&run));
    expect!(out, s.w.referrals.violations().is_empty(), "{case}: {:?}", s.w.referrals.violations());
    let calls = s.w.referrals.calls("PatchReferralById");
    let sent = &calls[patches..];
    if plan.outbound.operations.is_empty() {
        expect!(out, sent.is_empty(), "{case}: nothing to send, sent {sent:?}");
    } else {
        expect_eq!(out, sent.len(), 1, "{case}: one PATCH");
        if let Some(patch) = sent.first() {
            let parameters = &patch.parameters;
            expect_eq!(out, parameters["If-Match"].as_str(), plan.outbound.if_match.as_deref(), "{case}: If-Match");
            let operations = serde_json::to_value(&plan.outbound.operations).unwrap();
            expect_eq!(out, parameters["Referral"], operations, "{case}: the operations");
        }
    }
    let conversions = s.w.referrals.calls("CreateReferral").len() - creates;
    expect_eq!(out, conversions, usize::from(plan.conversion.is_some()), "{case}: the co-sell conversion");
    let expected = plan.conversion.as_ref().map_or(&plan.outbound.base, |c| &c.base);
    expect_eq!(out, stored_base(s).fields, expected.fields, "{case}: the base");
    if !plan.outbound.not_sent.is_empty() {
        let row = s.w.dataverse.row("opportunity", &s.opportunity).unwrap();
        let audit = row["cosell_audit"].as_str().unwrap_or_default().to_owned();
        for n in &plan.outbound.not_sent {
            expect!(
                out,
                audit.contains("not-sent") && audit.contains(n.field),
                "{case}: {} audited as not sent: {audit}",
                n.field
            );
        }
    }
}

/// A seller's edit of each field in Dynamics 365 goes out as the core's PATCH (or, for a field
/// no update carries, stays and is audited as not sent), with the core's base.
#[test]
fn a_crm_edit_of_every_field_is_sent_as_the_core_plans() {
    let mut out = Vec::new();
    for f in editable() {
        let mut s = synced_world();
        let value = another(f, stored_base(&s).field(f.key), 0);
        edit_crm(&s, f, &value);
        outbound_equals_core(&mut s, &format!("{} edited in Dynamics 365 to {value:?}", f.key), &mut out);
    }
    none_differ(out);
}

/// Microsoft's edit of each field in Partner Center is merged as the core merges it: written when
/// Partner Center may write it, otherwise left and kept changed in the base.
#[test]
fn a_partner_center_edit_of_every_field_is_merged_as_the_core_plans() {
    let mut out = Vec::new();
    for f in editable() {
        let mut s = synced_world();
        let value = another(f, stored_base(&s).field(f.key), 0);
        edit_referral(&s, f, Some(f.transform.to_referral(&value)));
        let case = format!("{} edited in Partner Center to {value:?}", f.key);
        inbound_equals_core(&mut s, &case, &mut out);
        // The same delivery again is an echo.
        inbound_equals_core(&mut s, &format!("{case}, delivered again"), &mut out);
    }
    none_differ(out);
}

/// Both sides edit each field: the field map's policy decides, the other value is audited, and
/// the next save sends what the core sends after that merge.
#[test]
fn both_sides_editing_every_field_end_as_the_core_plans() {
    let mut out = Vec::new();
    for f in editable() {
        let mut s = synced_world();
        let old = stored_base(&s).field(f.key).map(str::to_owned);
        let (crm, pc) = (another(f, old.as_deref(), 0), another(f, old.as_deref(), 1));
        edit_crm(&s, f, &crm);
        edit_referral(&s, f, Some(f.transform.to_referral(&pc)));
        let case = format!("{}: Dynamics 365 {crm:?}, Partner Center {pc:?}", f.key);
        inbound_equals_core(&mut s, &case, &mut out);
        outbound_equals_core(&mut s, &format!("{case}, then saved"), &mut out);
    }
    none_differ(out);
}

/// A field Partner Center stops giving (the property gone, or null) is never written as empty:
/// the CRM's value stays, as the core keeps it; a text given as empty text is a deliberate clear.
#[test]
fn a_value_partner_center_no_longer_gives_is_merged_as_the_core_plans() {
    let mut out = Vec::new();
    for f in editable() {
        for (label, value) in [("removed", None), ("null", Some(Value::Null)), ("empty text", Some(json!("")))] {
            if label == "empty text" && !matches!(f.transform, Transform::Text { .. }) {
                continue;
            }
            let mut s = synced_world();
            edit_referral(&s, f, value);
            inbound_equals_core(&mut s, &format!("{}: {label} in Partner Center", f.key), &mut out);
        }
    }
    none_differ(out);
}

/// The environment variables of a snapshot fixture as the host's values (Yes/No as booleans).
fn set_environment(w: &mut World, environment: Option<&Value>) {
    use cosell_solution::env_vars::{VarType, ENV_VARS};
    let Some(environment) = environment.and_then(Value::as_object) else { return };
    for (name, raw) in environment {
        let Some(var) = ENV_VARS.iter().find(|v| v.schema == name) else { continue };
        let raw = raw.as_str().unwrap_or_default();
        let value = match var.kind {
            VarType::Boolean => Value::Bool(raw.eq_ignore_ascii_case("yes") || raw == "true"),
            _ => Value::from(raw),
        };
        w.host.set_environment(name.clone(), value);
    }
}

/// A row of a snapshot fixture as Dynamics 365 stores it: no ID, no eTag, no nulls, no expanded
/// lookups; columns the fake does not know (an admin's own, named by an environment variable)
/// added with the kind their value has.
fn stored_row(w: &World, table: &str, row: &Value) -> Value {
    use cosell_flow::fake::ColumnKind;
    let mut row = row.as_object().unwrap().clone();
    row.retain(|k, v| !v.is_null() && !v.is_object() && !k.starts_with('@') && !k.starts_with('_'));
    row.remove(&format!("{table}id"));
    row.remove("statuscode");
    for (column, value) in &row {
        let kind = match value {
            Value::Number(_) => ColumnKind::Decimal,
            Value::Bool(_) => ColumnKind::Boolean,
            _ => ColumnKind::Text,
        };
        let _ = w.dataverse.add_column(table, column, kind);
    }
    Value::Object(row)
}

/// Seeds a snapshot fixture's opportunity with its currency, account, contact and solution rows;
/// the opportunity's row ID.
fn seed_snapshot(w: &World, doc: &Value) -> String {
    let o = &doc["opportunity"];
    let mut row = stored_row(w, "opportunity", o);
    for (lookup, table, set) in [
        ("transactioncurrencyid", "transactioncurrency", "transactioncurrencies"),
        ("parentaccountid", "account", "accounts"),
        ("parentcontactid", "contact", "contacts"),
    ] {
        if o[lookup].is_object() {
            let id = w.dataverse.insert(table, stored_row(w, table, &o[lookup])).unwrap();
            row[format!("{lookup}@odata.bind")] = json!(format!("{set}({id})"));
        }
    }
    let id = w.dataverse.insert("opportunity", row).unwrap();
    for solution in doc["solutions"].as_array().into_iter().flatten() {
        let mut solution = stored_row(w, "cosell_partnercentersolution", solution);
        solution["cosell_opportunityid@odata.bind"] = json!(format!("opportunities({id})"));
        w.dataverse.insert("cosell_partnercentersolution", solution).unwrap();
    }
    id
}

fn fixtures(folder: &str) -> Vec<(String, Value)> {
    let dir = format!("{}/../../tests/fixtures/{folder}", env!("CARGO_MANIFEST_DIR"));
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fixture(&format!("{folder}/{}", p.file_name().unwrap().to_string_lossy())),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Every snapshot fixture saved in Dynamics 365 for the first time: the flow skips it (Sync = No),
/// refuses it with exactly the core's error rules (Partner Center never called), or creates
/// exactly the referrals of the core's create plan (the co-sell's second one in the first one's
/// engagement) and writes back the core's base.
#[test]
fn every_snapshot_fixture_saved_first_is_created_or_refused_as_the_core_plans() {
    let mut compared = 0;
    let mut mismatches = Vec::new();
    for (file, doc) in fixtures("snapshots") {
        let o = &doc["opportunity"];
        let new = o["cosell_syncstate"].is_null() && o["cosell_referralidentifier"].is_null();
        let expanded = ["parentaccountid", "transactioncurrencyid"].iter().all(|l| o[*l].is_object());
        if !new || !expanded {
            // Synced already (the per-field tests above), or lookups not loaded (the flows always
            // read the rows, so the core's input cannot be made here).
            continue;
        }
        let mut w = world();
        set_environment(&mut w, doc.get("environment"));
        let id = seed_snapshot(&w, &doc);
        let seeded =
            Synced { w, opportunity: id.clone(), referral: String::new(), seed: doc.clone(), euro: String::new() };
        let (snapshot, _) = snapshot_now(&seeded);
        let mut w = seeded.w;
        let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
        let created = w.referrals.calls("CreateReferral");
        let row = w.dataverse.row("opportunity", &id).unwrap();
        let errors: Vec<_> = cosell_core::rules::validate(&snapshot)
            .into_iter()
            .filter(|f| f.severity == cosell_core::rules::Severity::Error)
            .collect();
        compared += 1;
        if !snapshot.syncs() {
            assert_eq!(run.status, Status::Skipped, "{file}: {}", failures(&run));
            assert!(created.is_empty(), "{file}");
            continue;
        }
        if !errors.is_empty() {
            // The run fails so the admin sees it; the seller sees the audit line and ✖.
            assert_eq!(run.status, Status::Failed, "{file}: {}", failures(&run));
            assert!(created.is_empty(), "{file}: refused, Partner Center not called");
            let audit = row["cosell_audit"].as_str().unwrap_or_default();
            assert!(!audit.starts_with('\n'), "{file}: the first line is the entry, not a blank line: {audit:?}");
            for e in &errors {
                assert!(audit.contains(e.rule.title()), "{file}: the audit names {:?}: {audit}", e.rule);
            }
            assert!(row["name"].as_str().unwrap().starts_with('✖'), "{file}: ✖ {}", row["name"]);
            continue;
        }
        assert_eq!(run.status, Status::Succeeded, "{file}: {}", failures(&run));
        let plan = cosell_core::sync::lifecycle::create_plan(&snapshot).unwrap();
        assert_eq!(created.len(), 1 + usize::from(plan.for_microsoft.is_some()), "{file}");
        let first = serde_json::to_value(&plan.referral).unwrap();
        differ(
            &mut mismatches,
            &format!("{file}: the first create"),
            &without_nulls(&created[0].parameters["Referral"]),
            &first,
        );
        let referral_id = row["cosell_referralidentifier"].as_str().unwrap();
        let response: Referral = serde_json::from_value(w.referrals.referral(referral_id).unwrap()).unwrap();
        if let Some(for_microsoft) = &plan.for_microsoft {
            let second = cosell_core::sync::lifecycle::link_to_engagement(for_microsoft, &response);
            let second = serde_json::to_value(&second).unwrap();
            differ(
                &mut mismatches,
                &format!("{file}: the second create"),
                &without_nulls(&created[1].parameters["Referral"]),
                &second,
            );
        }
        let base = SyncState::parse(row["cosell_syncstate"].as_str().unwrap(), "$").unwrap();
        let expected = cosell_core::sync::lifecycle::base_after_create(&snapshot, &response);
        assert_eq!(base.fields, expected.fields, "{file}: the base");
        assert_eq!(base.e_tag, expected.e_tag, "{file}: the eTag");
    }
    assert!(mismatches.is_empty(), "the flows' creates differ from the core's:\n{}", mismatches.join("\n"));
    assert!(compared >= 10, "compared {compared} fixtures");
}

/// A create body without its null properties (and the objects left empty by that): a flow's
/// object is built with every mapped property, the value `null` where the core leaves the
/// property out; Partner Center reads both as "not given".
fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .filter(|(_, v)| !v.is_null() && v.as_object().is_none_or(|o| !o.is_empty()))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// Records where `flow` differs from `core`, by JSON pointer (every difference, not the first).
fn differ(out: &mut Vec<String>, what: &str, flow: &Value, core: &Value) {
    fn walk(at: &str, flow: &Value, core: &Value, found: &mut Vec<String>) {
        match (flow, core) {
            (Value::Object(a), Value::Object(b)) => {
                for k in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
                    let none = Value::Null;
                    walk(&format!("{at}/{k}"), a.get(k).unwrap_or(&none), b.get(k).unwrap_or(&none), found);
                }
            }
            (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    walk(&format!("{at}/{i}"), x, y, found);
                }
            }
            (a, b) if a != b => found.push(format!("{at}: flow {a}, core {b}")),
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk("", flow, core, &mut found);
    out.extend(found.into_iter().map(|d| format!("{what}: {d}")));
}

/// The table a plan step writes, by its entity set.
fn table_of(entity_set: &str) -> &str {
    match entity_set {
        "accounts" => "account",
        "contacts" => "contact",
        "leads" => "lead",
        "opportunities" => "opportunity",
        "cosell_partnercentersolutions" => "cosell_partnercentersolution",
        other => other,
    }
}

/// Every referral the project has as a fixture or a Microsoft sample, arriving for the first time:
/// the rows the flows create (account, contact, lead or opportunity, solutions) hold exactly the
/// columns of the core's `to_crm` plan, and the record's base is the plan's.
#[test]
fn every_referral_fixture_arriving_first_lands_as_the_core_plans() {
    let config = Config::default();
    let mut compared = 0;
    let mut mismatches = Vec::new();
    // An accepted referral whose first team member has neither an email nor a last name: the
    // record's contact is the first member that has one.
    let mut reception = fixture("referrals/incoming-accepted.json");
    reception["customerProfile"]["team"]
        .as_array_mut()
        .unwrap()
        .insert(0, json!({"firstName": "Reception", "phoneNumber": "555-0100"}));
    let variants = [("incoming-accepted.json, a nameless first member".to_owned(), reception)];
    for (file, doc) in fixtures("referrals").into_iter().chain(fixtures("samples")).chain(variants) {
        if doc.get("id").is_none() || doc.get("customerProfile").is_none() {
            continue;
        }
        let mut w = world();
        let id = w.referrals.seed(doc.clone());
        let referral: Referral = serde_json::from_value(w.referrals.referral(&id).unwrap()).unwrap();
        let plan = cosell_core::mapping::to_crm(&referral, &config);
        let run = w.run(names::RECEIVER, signed(w.referrals.webhook_event("referral-created", &id)));
        if run.status != Status::Succeeded || !w.dataverse.violations().is_empty() {
            mismatches.push(format!("{file}: run {:?}, Dataverse refused {:?}", run.status, w.dataverse.violations()));
        }
        compared += 1;
        // The row ID each step wrote, by step name (what the core's `{name}` binds refer to).
        let mut written = std::collections::BTreeMap::<String, String>::new();
        for step in &plan.steps {
            use cosell_core::mapping::StepAction;
            let table = table_of(&step.entity_set);
            match step.action {
                StepAction::Upsert => {}
                StepAction::WinOpportunity | StepAction::LoseOpportunity | StepAction::DisqualifyLead => {
                    let row = w.dataverse.rows(table).pop().unwrap_or_default();
                    for column in step.body.keys().filter(|c| c.starts_with("state") || c.starts_with("status")) {
                        if row.get(column) != step.body.get(column) {
                            mismatches.push(format!(
                                "{file}: step {} ({table}).{column}: flow {}, core {}",
                                step.name,
                                row.get(column).unwrap_or(&Value::Null),
                                step.body[column]
                            ));
                        }
                    }
                    continue;
                }
                // Finds, and updates of rows a first arrival has none of (an open lead).
                StepAction::Find | StepAction::Update | StepAction::QualifyLead => continue,
            }
            let rows = w.dataverse.rows(table);
            let columns: Vec<(&String, &Value)> =
                step.body.iter().filter(|(c, _)| !c.contains('@') && *c != "cosell_syncstate").collect();
            if columns.is_empty() {
                continue;
            }
            // The row the step wrote: the one holding the step's first column's value.
            let (key, value) = columns[0];
            let Some(row) = rows.iter().find(|r| r.get(key) == Some(value)) else {
                mismatches.push(format!("{file}: step {} ({table}): no row with {key} = {value}", step.name));
                continue;
            };
            written.insert(step.name.clone(), row[format!("{table}id")].as_str().unwrap_or_default().to_owned());
            // Each lookup the core binds (`/accounts({account})`) points at the row its step wrote.
            for (bind, value) in step.body.iter().filter(|(c, _)| c.ends_with("@odata.bind")) {
                let column = bind.trim_end_matches("@odata.bind");
                let column = column.strip_suffix("_account").unwrap_or(column);
                let target = value.as_str().and_then(|v| v.split('{').nth(1)).and_then(|v| v.split('}').next());
                let Some(id) = target.and_then(|name| written.get(name)) else { continue };
                let flow = row.get(format!("_{column}_value")).and_then(Value::as_str).unwrap_or_default();
                if flow != id {
                    mismatches.push(format!(
                        "{file}: step {} ({table}).{bind}: flow {flow:?}, core the {} row {id}",
                        step.name,
                        target.unwrap_or("?")
                    ));
                }
            }
            for (column, value) in &columns {
                if row.get(*column) != Some(*value) {
                    mismatches.push(format!(
                        "{file}: step {} ({table}).{column}: flow {}, core {value}",
                        step.name,
                        row.get(*column).unwrap_or(&Value::Null)
                    ));
                }
            }
            if let Some(Value::String(base)) = step.body.get("cosell_syncstate") {
                let core = SyncState::parse(base, "$").unwrap();
                let flow = row["cosell_syncstate"].as_str().map(|b| SyncState::parse(b, "$").unwrap());
                if flow.as_ref().map(|f| &f.fields) != Some(&core.fields) {
                    mismatches.push(format!("{file}: step {}: base flow {flow:?}, core {core:?}", step.name));
                }
            }
        }
        let (leads, opportunities) = (w.dataverse.rows("lead").len(), w.dataverse.rows("opportunity").len());
        let expected = match plan.record {
            cosell_core::mapping::RecordKind::Lead => (1, 0),
            cosell_core::mapping::RecordKind::Opportunity => (0, 1),
        };
        if plan.skipped.is_none() && (leads, opportunities) != expected {
            mismatches.push(format!("{file}: {leads} leads, {opportunities} opportunities; core {:?}", plan.record));
        }
    }
    assert!(mismatches.is_empty(), "the flows' rows differ from the core's plan:\n{}", mismatches.join("\n"));
    assert!(compared >= 5, "compared {compared} referrals");
}

/// Why a run did not succeed, in one line: each failed action's name and error message.
fn why(run: &cosell_flow::run::RunRecord) -> String {
    fn walk(actions: &Value, found: &mut Vec<String>) {
        for a in actions.as_array().into_iter().flatten() {
            if a["status"] == json!("Failed") {
                found.push(format!(
                    "{}: {}",
                    a["name"].as_str().unwrap_or("?"),
                    a["error"]["message"].as_str().unwrap_or("")
                ));
            }
            walk(&a["actions"], found);
        }
    }
    let mut found = Vec::new();
    walk(&run.to_json()["actions"], &mut found);
    found.join(" | ")
}
