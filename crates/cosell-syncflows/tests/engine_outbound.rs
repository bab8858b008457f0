//! The "Dynamics 365 to Partner Center - Helper" flow against the core's outbound rules
//! (`sync::merge`): no PATCH without If-Match, another referral refused, changes no update
//! carries audited as not sent, the 412 path reporting each conflict once, and the PATCH
//! operations of `plan_outbound`. Each test runs the generated flows in the engine with the
//! fakes and compares the Partner Center requests and the Dataverse writes with what the core
//! computes from the same rows.

mod support;

use cosell_core::referral::Referral;
use cosell_core::snapshot::{Snapshot, SyncState};
use cosell_core::sync::merge::{after_precondition_failed, check_referral, plan_outbound, SyncError};
use cosell_flow::fake::{FakeService, Fault, LoggedCall, PartnerCenterReferrals};
use cosell_flow::run::{Answer, ConnectorRequest, Service, Status};
use cosell_syncflows::connections::Connection;
use cosell_syncflows::flows::names;
use serde_json::{json, Value};
use support::*;

/// The opportunity columns the core reads that a test or a flow may change.
const COLUMNS: [&str; 12] = [
    "name",
    "estimatedvalue",
    "estimatedclosedate",
    "description",
    "statecode",
    "statuscode",
    "cosell_howcanmicrosofthelp",
    "cosell_referralvisibility",
    "cosell_referralidentifier",
    "cosell_microsoftcrmidentifier",
    "cosell_audit",
    "cosell_syncstate",
];

/// The snapshot the core reads for the world's opportunity, with the row's current columns.
fn core_snapshot(w: &World, id: &str, snapshot: &Value) -> Snapshot {
    Snapshot::from_value(&snapshot_doc(w, id, snapshot, &COLUMNS)).unwrap()
}

/// The opportunity's stored base.
fn stored_base(w: &World, id: &str) -> SyncState {
    support::stored_base(w, "opportunity", id)
}

/// The base stored without its eTag (a base an older sync or an import left).
fn drop_the_etag(w: &World, id: &str) -> SyncState {
    let mut base = stored_base(w, id);
    base.e_tag = None;
    w.dataverse.update("opportunity", id, json!({"cosell_syncstate": base.to_json()})).unwrap();
    base
}

fn audit_lines(w: &World, id: &str) -> Vec<String> {
    let row = w.dataverse.row("opportunity", id).unwrap();
    row["cosell_audit"].as_str().unwrap_or_default().lines().map(str::to_owned).collect()
}

/// The core's audit line for `entry` at the written line's own timestamp (the core has no clock).
fn core_line(written: &str, entry: impl Fn(&str) -> cosell_core::mapping::AuditEntry) -> String {
    let timestamp = written.split(' ').next().unwrap();
    entry(timestamp).line()
}

fn operations(w: &World) -> Vec<String> {
    w.referrals.log().iter().map(|c| c.operation_id.clone()).collect()
}

fn patches(w: &World) -> Vec<LoggedCall> {
    w.referrals.calls("PatchReferralById")
}

/// A PATCH exactly as the core's plan has it: If-Match and the JSON Patch body.
fn assert_patch_is(call: &LoggedCall, plan: &cosell_core::sync::merge::OutboundPlan) {
    assert_eq!(call.parameters["If-Match"].as_str(), plan.if_match.as_deref(), "If-Match");
    assert!(plan.if_match.is_some(), "never a PATCH without If-Match");
    assert_eq!(call.parameters["Referral"], serde_json::to_value(&plan.operations).unwrap(), "the operations");
}

/// The base stored after a sync: the core's fields, and the eTag Partner Center holds now.
fn assert_base_is(w: &World, id: &str, referral_id: &str, plan: &cosell_core::sync::merge::OutboundPlan) {
    let stored = stored_base(w, id);
    assert_eq!(stored.fields, plan.base.fields, "the base's fields");
    assert_eq!(stored.referral_id, plan.base.referral_id);
    assert_eq!(stored.e_tag.as_deref(), w.referrals.referral(referral_id).unwrap()["eTag"].as_str());
}

/// A refused sync: the run failed, Partner Center saw only `calls` since `before`, the audit's
/// last line is ✖ with the core's `reason`, the name is marked ✖ and the base is untouched.
fn assert_refused(
    w: &World,
    id: &str,
    run: &cosell_flow::run::RunRecord,
    before: usize,
    calls: &[&str],
    reason: &str,
    base: &SyncState,
) {
    assert_eq!(run.status, Status::Failed, "{}", failures(run));
    assert_eq!(operations(w)[before..], *calls, "no merge, no PATCH");
    let last = audit_lines(w, id).pop().unwrap();
    assert!(last.ends_with(&format!("✖ Dynamics 365 → Partner Center failed: {reason}")), "{last}");
    assert!(w.dataverse.row("opportunity", id).unwrap()["name"].as_str().unwrap().starts_with('✖'));
    assert_eq!(stored_base(w, id), *base, "the base is untouched");
}

/// Partner Center answering the referral reads through `rewrite` (another id, no eTag): the
/// fake cannot hold such a referral, a proxy in front of it can.
struct Rewritten {
    inner: PartnerCenterReferrals,
    rewrite: fn(&mut Value),
}

impl Service for Rewritten {
    fn call(&mut self, request: &ConnectorRequest) -> Answer {
        let mut answer = self.inner.call(request);
        if let (Answer::Reply(reply), "GetReferralById") = (&mut answer, request.operation_id.as_str()) {
            if reply.is_success() {
                (self.rewrite)(&mut reply.body);
            }
        }
        answer
    }

    fn operations(&self) -> Option<Vec<String>> {
        self.inner.operations()
    }
}

fn rewrite_reads(w: &mut World, rewrite: fn(&mut Value)) {
    let inner = w.referrals.clone();
    w.host.bind(Connection::Referrals.key(), Rewritten { inner, rewrite });
}

const ANOTHER_REFERRAL: &str = "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";

/// The base has no eTag and Partner Center did not change: the core refuses the PATCH without
/// the referral read now, and with it takes the 412 path at once. The flow reads the referral,
/// hands it to the inbound helper (nothing differs from the base: it writes nothing), and the
/// second attempt PATCHes with the eTag of the referral read — never without If-Match.
#[test]
fn without_an_etag_the_referral_is_read_and_the_patch_carries_its_etag() {
    let (mut w, id, snapshot) = synced_opportunity_world();
    let referral_id = synced(&mut w);
    let base = drop_the_etag(&w, &id);
    w.dataverse.update("opportunity", &id, json!({"estimatedvalue": 61000})).unwrap();
    let s = core_snapshot(&w, &id, &snapshot);
    let fresh = referral_now(&w, &referral_id);
    assert_eq!(plan_outbound(&s, &base, None), Err(SyncError::NoETag), "the core refuses it blind");
    let step = plan_outbound(&s, &base, Some(&fresh)).unwrap();
    let calls = w.referrals.log().len();

    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert!(w.referrals.violations().is_empty(), "{:?}", w.referrals.violations());
    assert_eq!(
        operations(&w)[calls..],
        ["GetReferralById", "GetReferralById", "PatchReferralById"],
        "read now, the inbound helper's own read, then one PATCH"
    );
    let sent = patches(&w);
    assert_eq!(sent.len(), 1);
    assert_patch_is(&sent[0], &step.outbound);
    assert_eq!(step.outbound.if_match, fresh.e_tag, "the fresh eTag");
    assert_base_is(&w, &id, &referral_id, &step.outbound);
    assert_eq!(w.referrals.referral(&referral_id).unwrap()["details"]["dealValue"], json!(61000));
}

/// The base has no eTag and Microsoft changed the closing date while the seller changed the deal
/// value: the merge brings the closing date in first, then the deal value goes out with the
/// fresh eTag — the core's Retry plan, requests and writes.
#[test]
fn without_an_etag_partner_center_s_change_is_merged_first() {
    let (mut w, id, snapshot) = synced_opportunity_world();
    let referral_id = synced(&mut w);
    let base = drop_the_etag(&w, &id);
    w.referrals.edit(&referral_id, &json!({"details": {"closingDateTime": "2026-03-31T00:00:00Z"}})).unwrap();
    w.dataverse.update("opportunity", &id, json!({"estimatedvalue": 62000})).unwrap();
    let s = core_snapshot(&w, &id, &snapshot);
    let fresh = referral_now(&w, &referral_id);
    let step = plan_outbound(&s, &base, Some(&fresh)).unwrap();
    let inbound = step.inbound.as_ref().expect("the 412 path at once");
    assert_eq!(inbound.changed, ["closingDate"]);

    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert!(w.dataverse.violations().is_empty(), "{:?}", w.dataverse.violations());
    let sent = patches(&w);
    assert_eq!(sent.iter().map(|c| c.status).collect::<Vec<_>>(), [Some(200)], "no 412 first");
    assert_patch_is(&sent[0], &step.outbound);
    let row = w.dataverse.row("opportunity", &id).unwrap();
    let update = inbound.steps.iter().find(|s| s.name == "opportunity").unwrap();
    assert_eq!(row["estimatedclosedate"], update.body["estimatedclosedate"], "the inbound merge's write");
    assert_base_is(&w, &id, &referral_id, &step.outbound);
}

/// No eTag in the base, none in the referral read now either: the core has no plan
/// (`SyncError::NoETag`); the flow writes ✖ and its reason, calls nothing more, and fails.
#[test]
fn without_an_etag_anywhere_nothing_is_patched() {
    let (mut w, id, snapshot) = synced_opportunity_world();
    let referral_id = synced(&mut w);
    let base = drop_the_etag(&w, &id);
    rewrite_reads(&mut w, |r| {
        r.as_object_mut().unwrap().remove("eTag");
    });
    w.dataverse.update("opportunity", &id, json!({"estimatedvalue": 63000})).unwrap();
    let s = core_snapshot(&w, &id, &snapshot);
    let mut fresh = referral_now(&w, &referral_id);
    fresh.e_tag = None;
    let error = plan_outbound(&s, &base, Some(&fresh)).unwrap_err();
    assert_eq!(error, SyncError::NoETag);
    let calls = w.referrals.log().len();

    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    let reason = error.input_error().message;
    let reason = reason.split(';').next().unwrap();
    assert_refused(&w, &id, &run, calls, &["GetReferralById"], reason, &base);
}

/// The Referral ID column names another referral than the base's: `check_referral` refuses
/// it, so the flow writes the core's reason with ✖ and calls nothing. The same ID in other case
/// with spaces around is the same referral, and is patched.
#[test]
fn another_referral_in_the_referral_id_column_is_refused() {
    for (column, refused) in [(ANOTHER_REFERRAL.to_owned(), true), (String::new(), true), (String::from("same"), false)]
    {
        let (mut w, id, snapshot) = synced_opportunity_world();
        let referral_id = synced(&mut w);
        let column = if column == "same" { format!("  {}  ", referral_id.to_uppercase()) } else { column };
        let base = stored_base(&w, &id);
        let value = if column.is_empty() { Value::Null } else { json!(column) };
        w.dataverse.update("opportunity", &id, json!({"cosell_referralidentifier": value})).unwrap();
        w.dataverse.update("opportunity", &id, json!({"estimatedvalue": 64000})).unwrap();
        let given = Referral { id: (!column.is_empty()).then(|| column.clone()), ..Default::default() };
        let core = check_referral(&base, &given);
        assert_eq!(core.is_err(), refused, "{column:?}");
        let calls = w.referrals.log().len();

        let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
        let Err(error) = core else {
            assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
            let s = core_snapshot(&w, &id, &snapshot);
            let plan = plan_outbound(&s, &base, None).unwrap();
            assert_patch_is(&patches(&w)[0], &plan.outbound);
            assert_eq!(patches(&w)[0].parameters["id"], json!(referral_id), "the base's referral");
            continue;
        };
        // Partner Center is not called at all.
        assert_refused(&w, &id, &run, calls, &[], &error.input_error().message, &base);
    }
}

/// The referral read now (the base has no eTag) has another ID than the base's: refused as the
/// core refuses it, before the inbound helper or a PATCH.
#[test]
fn a_referral_read_with_another_id_is_refused() {
    let (mut w, id, snapshot) = synced_opportunity_world();
    let referral_id = synced(&mut w);
    let base = drop_the_etag(&w, &id);
    rewrite_reads(&mut w, |r| r["id"] = json!(ANOTHER_REFERRAL));
    w.dataverse.update("opportunity", &id, json!({"estimatedvalue": 65000})).unwrap();
    let s = core_snapshot(&w, &id, &snapshot);
    let mut fresh = referral_now(&w, &referral_id);
    fresh.id = Some(ANOTHER_REFERRAL.to_owned());
    let error = plan_outbound(&s, &base, Some(&fresh)).unwrap_err();
    assert!(matches!(error, SyncError::OtherReferral { .. }), "{error:?}");
    let calls = w.referrals.log().len();

    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_refused(&w, &id, &run, calls, &["GetReferralById"], &error.input_error().message, &base);
}

/// A rename and a new closing date (which no update carries) with a new deal value: the PATCH
/// is the core's, the audit has the core's `not-sent` lines after the sent line, and the base
/// keeps the old name and date, as the core's base does. The sync's own write coming back and a
/// later save repeat no line the Audit column already has for the same value (the flow's
/// choice: the core's plan lists them each time); a rename alone writes only the Audit column.
#[test]
fn changes_no_update_carries_are_audited_as_not_sent() {
    let (mut w, id, snapshot) = synced_opportunity_world();
    let referral_id = synced(&mut w);
    let base = stored_base(&w, &id);
    let rename = json!({"name": "Contoso \"supply\"  chain, phase 2", "estimatedclosedate": "2026-02-27", "estimatedvalue": 66000});
    w.dataverse.update("opportunity", &id, rename).unwrap();
    let s = core_snapshot(&w, &id, &snapshot);
    let plan = plan_outbound(&s, &base, None).unwrap().outbound;
    let fields: Vec<&str> = plan.not_sent.iter().map(|n| n.field).collect();
    assert_eq!(fields, ["name", "closingDate"]);
    let before = audit_lines(&w, &id).len();

    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert_patch_is(&patches(&w)[0], &plan);
    let lines = audit_lines(&w, &id)[before..].to_vec();
    assert_eq!(lines.len(), 1 + plan.not_sent.len(), "{lines:#?}");
    assert!(lines[0].ends_with("✔ Dynamics 365 → Partner Center synced: sent: dealValue"), "{}", lines[0]);
    for (line, entry) in lines[1..].iter().zip(&plan.not_sent) {
        assert_eq!(*line, core_line(line, |t| entry.audit_entry(t)));
    }
    assert_base_is(&w, &id, &referral_id, &plan);
    assert_eq!(plan.base.field("name"), base.field("name"), "the old name stays in the base");

    // The write back comes back: nothing to send, no line repeated.
    let s = core_snapshot(&w, &id, &snapshot);
    let echo = plan_outbound(&s, &stored_base(&w, &id), None).unwrap().outbound;
    assert!(echo.operations.is_empty());
    assert_eq!(echo.not_sent.len(), 2, "the core lists them again");
    let (writes, audit) = (w.dataverse.writes().len(), audit_lines(&w, &id));
    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert_eq!(patches(&w).len(), 1);
    assert_eq!((w.dataverse.writes().len(), audit_lines(&w, &id)), (writes, audit.clone()));

    // A rename alone: no Partner Center call, one write of the Audit column with the new name.
    w.dataverse.update("opportunity", &id, json!({"name": "Contoso supply chain, phase 3"})).unwrap();
    let s = core_snapshot(&w, &id, &snapshot);
    let plan = plan_outbound(&s, &stored_base(&w, &id), None).unwrap().outbound;
    let calls = w.referrals.log().len();
    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert_eq!(w.referrals.log().len(), calls, "nothing to send");
    let write = w.dataverse.writes().pop().unwrap();
    assert_eq!(write.columns.keys().collect::<Vec<_>>(), ["cosell_audit"], "starts no sync");
    let line = audit_lines(&w, &id).pop().unwrap();
    let name = plan.not_sent.iter().find(|n| n.field == "name").unwrap();
    assert_eq!(line, core_line(&line, |t| name.audit_entry(t)));
    assert_eq!(audit_lines(&w, &id).len(), audit.len() + 1, "the closing date was said already");
}

/// The 412 path: both sides changed the notes and the solutions, Microsoft the closing date, the
/// seller the deal value. The inbound helper merges first and reports the conflicts; the second
/// attempt sends what is left with the fresh eTag and reports none again — each conflict of the
/// core's Retry plan (the inbound half's notes, the outbound half's solutions, which Partner
/// Center does not write on update) is written once.
#[test]
fn the_412_path_writes_each_conflict_once() {
    let (mut w, id, snapshot) = synced_opportunity_world();
    let referral_id = synced(&mut w);
    let base = stored_base(&w, &id);
    let microsoft = json!({"details": {
        "notes": "Microsoft's notes",
        "closingDateTime": "2026-04-30T00:00:00Z",
        "requirements": {"solutions": [{"id": "SOL-55555-MSX", "name": "Microsoft's pick", "type": "Name"}]}
    }});
    w.referrals.edit(&referral_id, &microsoft).unwrap();
    let second = json!({"cosell_solutionid": "SOL-99999-AAA", "cosell_name": "Second", "cosell_opportunityid@odata.bind": format!("opportunities({id})")});
    w.dataverse.insert("cosell_partnercentersolution", second).unwrap();
    w.dataverse.update("opportunity", &id, json!({"description": "Seller's notes", "estimatedvalue": 67000})).unwrap();
    let s = core_snapshot(&w, &id, &snapshot);
    let fresh = referral_now(&w, &referral_id);
    let retry = after_precondition_failed(&s, &base, &fresh).unwrap();
    let conflicts: Vec<&str> =
        retry.inbound.conflicts.iter().chain(&retry.outbound.conflicts).map(|c| c.field).collect();
    assert_eq!(conflicts, ["notes", "solutions"], "the outbound half dropped the notes inbound reported");
    let before = audit_lines(&w, &id).len();

    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let sent = patches(&w);
    assert_eq!(sent.iter().map(|c| c.status).collect::<Vec<_>>(), [Some(412), Some(200)]);
    assert_patch_is(&sent[1], &retry.outbound);
    let lines = audit_lines(&w, &id)[before..].to_vec();
    let text = lines.join("\n");
    // Each conflict of the core's Retry plan once, as the core's own audit line: the inbound
    // half's (notes) with the merge, the outbound half's (solutions) with the send.
    let every: Vec<&cosell_core::sync::Conflict> =
        retry.inbound.conflicts.iter().chain(&retry.outbound.conflicts).collect();
    for conflict in &every {
        let expected = core_line(&lines[0], |t| conflict.audit_entry(t));
        assert_eq!(lines.iter().filter(|l| **l == expected).count(), 1, "{expected}\n{text}");
    }
    assert_eq!(text.matches("[conflict]").count(), every.len(), "{text}");
    assert!(lines.iter().any(|l| l.ends_with("synced: sent: dealValue, notes, solutions")), "{text}");
    assert_base_is(&w, &id, &referral_id, &retry.outbound);
    let row = w.dataverse.row("opportunity", &id).unwrap();
    assert_eq!(row["description"], json!("Seller's notes"), "the owner's value");
    assert_eq!(w.referrals.referral(&referral_id).unwrap()["details"]["notes"], json!("Seller's notes"));
}

/// A 412 on both attempts (Partner Center changed again between the merge and the second
/// PATCH): the second attempt does not loop, it stops with ✖; the seller's value is kept for the
/// next save.
#[test]
fn a_second_412_stops_without_a_loop() {
    let (mut w, id, _) = synced_opportunity_world();
    let _ = synced(&mut w);
    w.referrals.fail_operation("PatchReferralById", Fault::Status(412), 2);
    w.dataverse.update("opportunity", &id, json!({"estimatedvalue": 68000})).unwrap();
    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Failed, "{}", failures(&run));
    assert_eq!(patches(&w).iter().map(|c| c.status).collect::<Vec<_>>(), [Some(412), Some(412)]);
    let last = audit_lines(&w, &id).pop().unwrap();
    assert!(last.contains("✖ Dynamics 365 → Partner Center failed"), "{last}");
    assert_eq!(w.dataverse.row("opportunity", &id).unwrap()["estimatedvalue"].as_f64(), Some(68000.0));
}

/// Throttled (429) then accepted: the platform retries the same PATCH, the core's.
#[test]
fn a_throttled_patch_is_retried_unchanged() {
    let (mut w, id, snapshot) = synced_opportunity_world();
    let referral_id = synced(&mut w);
    let base = stored_base(&w, &id);
    w.referrals.fail_operation("PatchReferralById", Fault::Status(429), 1);
    w.dataverse.update("opportunity", &id, json!({"description": "After throttling"})).unwrap();
    let plan = plan_outbound(&core_snapshot(&w, &id, &snapshot), &base, None).unwrap().outbound;
    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let sent = patches(&w);
    assert_eq!(sent.iter().map(|c| c.status).collect::<Vec<_>>(), [Some(429), Some(200)]);
    for call in &sent {
        assert_patch_is(call, &plan);
    }
    assert_base_is(&w, &id, &referral_id, &plan);
}

/// Without an eTag, Partner Center failing the read (500 on every retry): ✖, no PATCH, the base
/// untouched.
#[test]
fn a_failed_read_without_an_etag_patches_nothing() {
    let (mut w, id, _) = synced_opportunity_world();
    let _ = synced(&mut w);
    let base = drop_the_etag(&w, &id);
    w.referrals.fail_operation("GetReferralById", Fault::Status(500), 10);
    w.dataverse.update("opportunity", &id, json!({"estimatedvalue": 69000})).unwrap();
    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Failed, "{}", failures(&run));
    assert!(patches(&w).is_empty());
    assert_eq!(w.referrals.calls("GetReferralById").len(), 5, "the first try and 4 retries");
    assert!(audit_lines(&w, &id).pop().unwrap().contains("✖ Dynamics 365 → Partner Center failed"));
    assert_eq!(stored_base(&w, &id), base);
}

/// Lost in Dynamics 365: a referral never accepted (New) is declined, an accepted one (Active in
/// Partner Center) is lost with the reason — the status operations, their `add`/`replace` and
/// the base of `plan_outbound` with the referral as it is now. Accepted in Partner Center
/// changes no field of the base, but the inbound helper records its new eTag and status, so the
/// PATCH goes at once with that eTag, from Active (no 412 round trip).
#[test]
fn a_lost_opportunity_sends_the_core_s_status_operations() {
    for accepted in [false, true] {
        let (mut w, id, snapshot) = synced_opportunity_world();
        let referral_id = synced(&mut w);
        if accepted {
            w.referrals.edit(&referral_id, &json!({"status": "Active", "substatus": "Accepted"})).unwrap();
            let run = w.run(names::RECEIVER, signed(w.referrals.webhook_event("referral-updated", &referral_id)));
            assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
        }
        let base = stored_base(&w, &id);
        w.dataverse.update("opportunity", &id, json!({"statecode": 2, "statuscode": 4})).unwrap();
        // The flow does not read the referral before a PATCH: the core's plan without it.
        let current = referral_now(&w, &referral_id);
        assert_eq!(current.e_tag, base.e_tag, "the base holds the referral's eTag: no 412 path");
        let step = plan_outbound(&core_snapshot(&w, &id, &snapshot), &base, None).unwrap();
        let plan = step.outbound;
        let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
        assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
        assert!(w.referrals.violations().is_empty(), "{:?}", w.referrals.violations());
        let sent = patches(&w);
        assert_eq!(sent.iter().map(|c| c.status).collect::<Vec<_>>(), [Some(200)]);
        assert_patch_is(sent.last().unwrap(), &plan);
        let referral = w.referrals.referral(&referral_id).unwrap();
        let substatus = if accepted { "Lost" } else { "Declined" };
        assert_eq!(referral["substatus"], json!(substatus));
        assert_base_is(&w, &id, &referral_id, &plan);
    }
}

/// Saves `change` to the synced opportunity and runs the flow: its PATCH and the base it stores
/// are `plan_outbound`'s for the same inputs — the rows and the base; the flow does not read the
/// referral before a PATCH, so neither does the core (`None`: `add` or `replace` from the base).
/// Returns the plan.
fn next_save_is_the_core_s(
    w: &mut World,
    id: &str,
    snapshot: &Value,
    referral_id: &str,
    change: Value,
) -> cosell_core::sync::merge::OutboundPlan {
    let base = stored_base(w, id);
    w.dataverse.update("opportunity", id, change.clone()).unwrap();
    let plan = plan_outbound(&core_snapshot(w, id, snapshot), &base, None).unwrap().outbound;
    let before = patches(w).len();
    let run = w.run(names::OUTBOUND, last_change(w, "opportunity"));
    assert_eq!(run.status, Status::Succeeded, "{change}: {}", failures(&run));
    assert!(w.referrals.violations().is_empty(), "{change}: {:?}", w.referrals.violations());
    let sent = patches(w);
    assert_eq!(sent.len() - before, usize::from(!plan.operations.is_empty()), "{change}");
    if let Some(last) = sent.get(before..).and_then(<[LoggedCall]>::last) {
        assert_patch_is(last, &plan);
        assert_base_is(w, id, referral_id, &plan);
    }
    plan
}

/// The existing outbound scenarios, each save compared with `plan_outbound`: a deal value, a
/// cleared description (sent as empty text), won in Dynamics 365 (Closed/Won from New), and the
/// seller's notes after a conflict the inbound merge audited.
#[test]
fn every_outbound_save_sends_the_core_s_operations() {
    let (mut w, id, snapshot) = synced_opportunity_world();
    let referral_id = synced(&mut w);
    let w = &mut w;
    for change in [json!({"estimatedvalue": 70500.255}), json!({"description": null})] {
        next_save_is_the_core_s(w, &id, &snapshot, &referral_id, change);
    }
    // Both sides changed the notes: the inbound merge keeps the seller's, which the next save sends.
    w.referrals.edit(&referral_id, &json!({"details": {"notes": "Microsoft's notes"}})).unwrap();
    w.dataverse.update("opportunity", &id, json!({"description": "Seller's notes"})).unwrap();
    let run = w.run(names::RECEIVER, signed(w.referrals.webhook_event("referral-updated", &referral_id)));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let plan = next_save_is_the_core_s(w, &id, &snapshot, &referral_id, json!({"estimatedvalue": 71000}));
    let fields: Vec<&str> = plan.operations.iter().map(|o| o.path.as_str()).collect();
    assert_eq!(fields, ["/details/dealValue", "/details/notes"]);
    let plan = next_save_is_the_core_s(w, &id, &snapshot, &referral_id, json!({"statecode": 1, "statuscode": 3}));
    assert_eq!(plan.operations.len(), 2, "Closed/Won: {:?}", plan.operations);
}

/// Solution rows the core leaves out of the PATCH (`unique_solution_tags`): a row without a
/// solution ID, and a second row of the same solution (other case, spaces around). The solutions
/// flow sends the core's list, each solution once.
#[test]
fn the_solution_list_sent_is_the_core_s() {
    let (mut w, id, snapshot) = synced_opportunity_world();
    let referral_id = synced(&mut w);
    let base = stored_base(&w, &id);
    let bind = format!("opportunities({id})");
    for row in [
        json!({"cosell_solutionid": "SOL-77777-CCC", "cosell_name": "Third", "cosell_opportunityid@odata.bind": bind}),
        json!({"cosell_name": "No ID yet", "cosell_opportunityid@odata.bind": bind}),
        json!({"cosell_solutionid": "  sol-77777-ccc ", "cosell_opportunityid@odata.bind": bind}),
    ] {
        w.dataverse.insert("cosell_partnercentersolution", row).unwrap();
    }
    let plan = plan_outbound(&core_snapshot(&w, &id, &snapshot), &base, None).unwrap().outbound;
    let run = w.run(names::SOLUTIONS, last_change(&w, "cosell_partnercentersolution"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert!(w.referrals.violations().is_empty(), "{:?}", w.referrals.violations());
    let sent = patches(&w);
    assert_eq!(sent.len(), 1);
    assert_patch_is(&sent[0], &plan);
    let ids: Vec<&str> =
        plan.operations[0].value.as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["SOL-34104-EBB", "SOL-77777-CCC"]);
    assert_base_is(&w, &id, &referral_id, &plan);
}

/// Any rename (quotes, backslashes, runs of spaces, tabs, line breaks, accented and CJK
/// letters; not the control characters and non-ASCII spaces the flow writes as they are, see
/// `UNCERTAIN` in `outbound.rs`): the not-sent line the flow writes is the core's
/// `NotSent::audit_entry` line, character for character. One world, one rename per case.
#[test]
fn any_rename_is_audited_as_the_core_words_it() {
    use proptest::test_runner::{Config, TestCaseError, TestRunner};
    let (mut w, id, snapshot) = synced_opportunity_world();
    let _ = synced(&mut w);
    let world = std::cell::RefCell::new((w, String::new(), 0));
    let name = proptest::string::string_regex("[a-zA-Z0-9 \"\\\\'\\t\\n,.éü—中-]{1,40}").unwrap();
    let mut runner = TestRunner::new(Config { cases: 48, ..Config::default() });
    let result = runner.run(&name, |name| {
        let (w, previous, checked) = &mut *world.borrow_mut();
        let base = stored_base(w, &id);
        w.dataverse.update("opportunity", &id, json!({"name": name})).unwrap();
        let s = core_snapshot(w, &id, &snapshot);
        let plan = plan_outbound(&s, &base, None).unwrap().outbound;
        let entry = plan.not_sent.iter().find(|n| n.field == "name");
        // A blank name fails the rules; the name last reported is not reported again.
        let Some(entry) = entry.filter(|e| e.crm.as_deref().is_some_and(|c| c != previous)) else {
            return Ok(());
        };
        let before = audit_lines(w, &id).len();
        let run = w.run(names::OUTBOUND, last_change(w, "opportunity"));
        if run.status != Status::Succeeded {
            return Err(TestCaseError::fail(format!("{name:?}: {}", failures(&run))));
        }
        let lines = audit_lines(w, &id);
        let written = lines.get(before..).and_then(|l| l.last()).cloned().unwrap_or_default();
        let expected = core_line(&written, |t| entry.audit_entry(t));
        *previous = entry.crm.clone().unwrap_or_default();
        *checked += 1;
        if written == expected {
            Ok(())
        } else {
            Err(TestCaseError::fail(format!("{name:?}:\n{written}\n{expected}")))
        }
    });
    assert!(result.is_ok(), "{result:?}");
    assert!(world.borrow().2 >= 40, "renames checked: {}", world.borrow().2);
}
