//! The lead decision flow in the engine: qualifying or disqualifying a referral's lead sends
//! exactly what the core's `lifecycle::on_lead_qualified` / `on_lead_disqualified` decide from
//! the same base, writes exactly the core's Dataverse steps, and refuses, re-reads or fails as
//! the run an admin opens would have to show it. Every expected request and write is computed by
//! the core from the test's inputs.

mod support;

use cosell_core::config::Config;
use cosell_core::mapping::PatchPlan;
use cosell_core::referral::{ReferralStatus, ReferralSubstatus};
use cosell_core::snapshot::SyncState;
use cosell_core::sync::lifecycle::{self, Decision};
use cosell_flow::fake::{FakeService, Fault, LoggedCall, Write};
use cosell_flow::run::{RunRecord, Status, TriggerInput};
use cosell_syncflows::flows::names;
use cosell_syncflows::flows::triggers::{DISQUALIFIED_REASONS, STATUS_REASON_LABEL};
use serde_json::{json, Value};
use support::*;

/// A referral's lead, landed by the receiver, with the marks the assertions count from.
struct Lead {
    w: World,
    referral: String,
    lead: String,
    calls_before: usize,
    writes_before: usize,
}

impl Lead {
    fn new() -> Lead {
        let (w, referral, lead) = lead_world();
        let lead = lead["leadid"].as_str().unwrap().to_owned();
        let mut l = Lead { w, referral, lead, calls_before: 0, writes_before: 0 };
        l.mark();
        l
    }

    /// From here on, requests and writes count as the decision's.
    fn mark(&mut self) {
        self.calls_before = self.w.referrals.log().len();
        self.writes_before = self.w.dataverse.writes().len();
    }

    /// The lead's stored base as the core reads it.
    fn base(&self) -> SyncState {
        let row = self.w.dataverse.row("lead", &self.lead).unwrap();
        SyncState::parse(row["cosell_syncstate"].as_str().unwrap(), "$").unwrap()
    }

    /// Rewrites the lead's base (as an earlier sync could have left it).
    fn set_base(&mut self, change: impl FnOnce(&mut serde_json::Map<String, Value>)) {
        let row = self.w.dataverse.row("lead", &self.lead).unwrap();
        let mut base: Value = serde_json::from_str(row["cosell_syncstate"].as_str().unwrap()).unwrap();
        change(base.as_object_mut().unwrap());
        self.w.dataverse.update("lead", &self.lead, json!({"cosell_syncstate": base.to_string()})).unwrap();
        self.mark();
    }

    /// The seller qualifies the lead (Dynamics 365 creates the opportunity): the new opportunity.
    fn qualify(&mut self) -> String {
        self.w.dataverse.qualify_lead(&self.lead).unwrap()
    }

    /// The seller disqualifies the lead with a status reason.
    fn disqualify(&mut self, status_reason: i64) {
        let closed = json!({"statecode": 2, "statuscode": status_reason});
        self.w.dataverse.update("lead", &self.lead, closed).unwrap();
    }

    /// Runs the lead decision flow on the lead's last change (`label`: the status reason's label
    /// the row carries, as a row read with annotations does).
    fn run(&mut self, label: Option<&str>) -> RunRecord {
        let TriggerInput::Event(mut event) = last_change(&self.w, "lead") else { unreachable!() };
        if let Some(label) = label {
            event["row"][STATUS_REASON_LABEL] = json!(label);
        }
        self.w.run(names::LEAD_DECISION, TriggerInput::Event(event))
    }

    /// The Partner Center requests of the decision.
    fn calls(&self) -> Vec<LoggedCall> {
        self.w.referrals.log().split_off(self.calls_before)
    }

    fn operations(&self) -> Vec<String> {
        self.calls().into_iter().map(|c| c.operation_id).collect()
    }

    /// The Dataverse writes of the decision.
    fn writes(&self) -> Vec<Write> {
        self.w.dataverse.writes().split_off(self.writes_before)
    }

    fn referral(&self) -> Value {
        self.w.referrals.referral(&self.referral).unwrap()
    }

    fn status(&self) -> (String, String) {
        let r = self.referral();
        (r["status"].as_str().unwrap_or_default().to_owned(), r["substatus"].as_str().unwrap_or_default().to_owned())
    }

    /// The base the core decides from after a re-read: the lead's base with the referral's
    /// status, substatus and eTag as Partner Center holds them.
    fn fresh_base(&self, base: &SyncState) -> SyncState {
        let r = self.referral();
        let mut fresh = base.clone();
        fresh.status = r["status"].as_str().map(ReferralStatus::parse);
        fresh.substatus = r["substatus"].as_str().map(ReferralSubstatus::parse);
        fresh.e_tag = r["eTag"].as_str().map(str::to_owned);
        fresh
    }
}

/// The reason the seller gave: the status reason's label, else the standard reason's name.
fn reason_of(status_reason: i64, label: Option<&str>) -> Option<String> {
    let standard = DISQUALIFIED_REASONS.iter().find(|(code, _)| *code == status_reason).map(|(_, r)| *r);
    label.or(standard).map(str::to_owned)
}

/// The request is the core's status PATCH of `referral`: If-Match, body, representation asked.
fn assert_patch(call: &LoggedCall, referral: &str, plan: &PatchPlan) {
    assert_eq!(call.operation_id, "PatchReferralById");
    let p = &call.parameters;
    assert_eq!(p["id"], json!(referral));
    assert_eq!(p.get("If-Match").and_then(Value::as_str), plan.if_match.as_deref(), "If-Match");
    assert_eq!(p["Referral"], serde_json::to_value(&plan.operations).unwrap(), "the core's operations");
    assert_eq!(p["Prefer"], json!("return=representation"));
}

/// The writes are exactly the core's steps, its base stored with the eTag Partner Center
/// answered the PATCH with.
fn assert_writes(writes: &[Write], decision: &Decision, answered_etag: &str) {
    assert_eq!(writes.len(), decision.steps.len(), "{writes:?}");
    for (write, step) in writes.iter().zip(&decision.steps) {
        assert_eq!(write.table, step.name, "the core's step names its table");
        let filter = step.filter.as_deref().unwrap();
        assert!(filter.ends_with(&format!(" eq {}", write.id)), "{filter} names the row {}", write.id);
        let mut expected = step.body.clone();
        let mut written = write.columns.clone();
        let parse = |v: Option<Value>| SyncState::parse(v.unwrap().as_str().unwrap(), "$").unwrap();
        assert_eq!(parse(expected.remove("cosell_syncstate")), decision.base);
        let mut base = decision.base.clone();
        base.e_tag = Some(answered_etag.to_owned());
        assert_eq!(parse(written.remove("cosell_syncstate")).to_value(), base.to_value(), "the core's base");
        assert_eq!(written, expected, "the core's columns");
    }
}

/// The message of the run's Terminate named `name` (Cancelled runs carry it in its inputs).
fn terminate_message(run: &RunRecord, name: &str) -> String {
    let record = run.last(name).unwrap_or_else(|| panic!("no {name}: {}", failures(run)));
    assert_eq!(record.status, Status::Succeeded, "{}", failures(run));
    record.inputs.as_ref().unwrap()["runError"]["message"].as_str().unwrap().to_owned()
}

/// Qualifying accepts the referral with the core's PATCH and carries the referral on to the
/// new opportunity exactly as the core plans it; one request, one write.
#[test]
fn qualifying_accepts_with_the_core_s_patch_and_writes() {
    let mut l = Lead::new();
    let base = l.base();
    let opportunity = l.qualify();
    let run = l.run(None);
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let core = lifecycle::on_lead_qualified(&base, &opportunity, &Config::default()).unwrap();
    let calls = l.calls();
    assert_eq!(l.operations(), ["PatchReferralById"]);
    assert_patch(&calls[0], &l.referral, &core.patch);
    assert!(l.w.referrals.violations().is_empty(), "{:?}", l.w.referrals.violations());
    assert!(l.w.dataverse.violations().is_empty(), "{:?}", l.w.dataverse.violations());
    assert_eq!(l.status(), ("Active".to_owned(), "Accepted".to_owned()));
    let etag = l.referral()["eTag"].as_str().unwrap().to_owned();
    assert_writes(&l.writes(), &core, &etag);
    assert_eq!(l.writes()[0].id, opportunity);
}

/// Disqualifying declines with the reason the seller picked: the standard status reason's name.
#[test]
fn disqualifying_declines_with_the_status_reason() {
    for (code, _) in DISQUALIFIED_REASONS {
        let mut l = Lead::new();
        let base = l.base();
        l.disqualify(code);
        let run = l.run(None);
        assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
        let reason = reason_of(code, None);
        assert!(reason.is_some());
        let core = lifecycle::on_lead_disqualified(&base, &l.lead, reason.as_deref()).unwrap();
        assert_eq!(l.operations(), ["PatchReferralById"]);
        assert_patch(&l.calls()[0], &l.referral, &core.patch);
        assert!(l.w.referrals.violations().is_empty(), "{:?}", l.w.referrals.violations());
        assert_eq!(l.status(), ("Closed".to_owned(), "Declined".to_owned()));
        assert_eq!(l.referral()["statusReason"].as_str(), reason.as_deref());
        let etag = l.referral()["eTag"].as_str().unwrap().to_owned();
        assert_writes(&l.writes(), &core, &etag);
    }
}

/// A reason as the organization labels it (a custom status reason the row carries the label
/// of) is sent as given, trimmed as the core trims it.
#[test]
fn a_custom_status_reason_is_sent_by_its_label() {
    let mut l = Lead::new();
    let base = l.base();
    l.disqualify(100_000_001);
    let run = l.run(Some("  Duplicate of another referral "));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let reason = reason_of(100_000_001, Some("  Duplicate of another referral "));
    let core = lifecycle::on_lead_disqualified(&base, &l.lead, reason.as_deref()).unwrap();
    assert_patch(&l.calls()[0], &l.referral, &core.patch);
    assert_eq!(l.referral()["statusReason"], json!("Duplicate of another referral"));
}

/// No reason (a custom status reason without a label, or a blank label): the decline goes
/// without `statusReason`, as the core sends it.
#[test]
fn disqualifying_without_a_reason_declines_without_one() {
    for label in [None, Some("   ")] {
        let mut l = Lead::new();
        let base = l.base();
        l.disqualify(100_000_002);
        let run = l.run(label);
        assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
        let core = lifecycle::on_lead_disqualified(&base, &l.lead, reason_of(100_000_002, label).as_deref()).unwrap();
        assert_eq!(core.patch.operations.len(), 2, "status and substatus only");
        assert_patch(&l.calls()[0], &l.referral, &core.patch);
        assert!(l.referral().get("statusReason").is_none_or(Value::is_null));
        let etag = l.referral()["eTag"].as_str().unwrap().to_owned();
        assert_writes(&l.writes(), &core, &etag);
    }
}

/// For every status and substatus a lead's base can hold (known, missing, empty, unknown), each
/// decision does what the core decides: the core's PATCH and writes, or nothing at all — the run
/// cancelled with the reason, or not started where the base is the sync's own close.
#[test]
fn every_base_status_decides_as_the_core_decides() {
    let statuses = [None, Some("New"), Some("Active"), Some("Closed"), Some(""), Some("Paused")];
    let substatuses = [None, Some("Pending"), Some("Accepted"), Some("Declined"), Some("Other")];
    let mut decided = 0;
    for qualify in [true, false] {
        for status in statuses {
            for substatus in substatuses {
                let label = format!("{} from {status:?}/{substatus:?}", if qualify { "qualify" } else { "disqualify" });
                let mut l = Lead::new();
                l.set_base(|b| {
                    for (key, value) in [("status", status), ("substatus", substatus)] {
                        match value {
                            Some(v) => b.insert(key.to_owned(), json!(v)),
                            None => b.remove(key),
                        };
                    }
                });
                let base = l.base();
                let (run, core) = if qualify {
                    let opportunity = l.qualify();
                    (l.run(None), lifecycle::on_lead_qualified(&base, &opportunity, &Config::default()))
                } else {
                    l.disqualify(5);
                    (l.run(None), lifecycle::on_lead_disqualified(&base, &l.lead, reason_of(5, None).as_deref()))
                };
                match core {
                    Some(core) => {
                        decided += 1;
                        assert_eq!(run.status, Status::Succeeded, "{label}: {}", failures(&run));
                        assert_patch(&l.calls()[0], &l.referral, &core.patch);
                        let etag = l.referral()["eTag"].as_str().unwrap().to_owned();
                        assert_writes(&l.writes(), &core, &etag);
                    }
                    None => {
                        let own_close = if qualify {
                            (status, substatus) == (Some("Active"), Some("Accepted"))
                        } else {
                            status == Some("Closed")
                        };
                        let expected = if own_close { Status::Skipped } else { Status::Cancelled };
                        assert_eq!(run.status, expected, "{label}: {}", failures(&run));
                        if !own_close {
                            let why = terminate_message(&run, "No_decision");
                            assert!(why.contains("Nothing was sent or written"), "{label}: {why}");
                        }
                        assert!(l.calls().is_empty(), "{label}: nothing sent");
                        assert!(l.writes().is_empty(), "{label}: nothing written");
                    }
                }
            }
        }
    }
    assert!(decided > 0 && decided < 2 * statuses.len() * substatuses.len(), "{decided}: both outcomes occur");
}

/// An accepted referral cannot be declined any more, a closed one not accepted: the run says
/// why, nothing reaches Partner Center.
#[test]
fn a_decision_the_core_refuses_is_cancelled_with_the_reason() {
    let mut l = Lead::new();
    l.set_base(|b| {
        b.insert("status".into(), json!("Active"));
        b.insert("substatus".into(), json!("Accepted"));
    });
    let base = l.base();
    l.disqualify(4);
    let run = l.run(None);
    assert!(lifecycle::on_lead_disqualified(&base, &l.lead, Some("Lost")).is_none());
    assert_eq!(run.status, Status::Cancelled, "{}", failures(&run));
    assert_eq!(
        terminate_message(&run, "No_decision"),
        "The referral was Active/Accepted at the last sync: it cannot be declined. Nothing was sent or written."
    );
    assert!(l.calls().is_empty() && l.writes().is_empty());

    let mut l = Lead::new();
    l.set_base(|b| {
        b.insert("status".into(), json!("Closed"));
        b.insert("substatus".into(), json!("Expired"));
    });
    let base = l.base();
    let opportunity = l.qualify();
    let run = l.run(None);
    assert!(lifecycle::on_lead_qualified(&base, &opportunity, &Config::default()).is_none());
    assert_eq!(run.status, Status::Cancelled, "{}", failures(&run));
    assert!(terminate_message(&run, "No_decision").contains("Closed/Expired at the last sync: it cannot be accepted"));
    assert!(l.calls().is_empty() && l.writes().is_empty());
}

/// A Microsoft seller edited the referral since the lead's base (its eTag changed): the PATCH
/// answers 412, the referral is read again, and the core's decision from the fresh base goes
/// with the fresh eTag. Microsoft's edit survives; the writes are the core's for the fresh base.
#[test]
fn a_412_is_read_again_and_sent_with_the_fresh_etag() {
    let mut l = Lead::new();
    let base = l.base();
    l.w.referrals.edit(&l.referral, &json!({"details": {"notes": "Microsoft's note"}})).unwrap();
    let fresh = l.fresh_base(&base);
    assert_ne!(fresh.e_tag, base.e_tag);
    let opportunity = l.qualify();
    let run = l.run(None);
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let stale = lifecycle::on_lead_qualified(&base, &opportunity, &Config::default()).unwrap();
    let core = lifecycle::on_lead_qualified(&fresh, &opportunity, &Config::default()).unwrap();
    let calls = l.calls();
    assert_eq!(l.operations(), ["PatchReferralById", "GetReferralById", "PatchReferralById"]);
    assert_eq!(calls[0].status, Some(412));
    assert_patch(&calls[0], &l.referral, &stale.patch);
    assert_eq!(calls[1].parameters["id"], json!(l.referral));
    assert_patch(&calls[2], &l.referral, &core.patch);
    assert_eq!(calls[2].status, Some(200));
    assert_eq!(l.referral()["details"]["notes"], json!("Microsoft's note"), "not overwritten");
    assert_eq!(l.status(), ("Active".to_owned(), "Accepted".to_owned()));
    let etag = l.referral()["eTag"].as_str().unwrap().to_owned();
    assert_writes(&l.writes(), &core, &etag);
}

/// Partner Center closed or accepted the referral meanwhile: after the 412 the fresh referral
/// no longer allows the decision, so nothing is overwritten and nothing written; the run is
/// cancelled with Partner Center's status.
#[test]
fn a_412_on_a_referral_that_moved_on_overwrites_nothing() {
    for (qualify, moved) in [(true, ("Closed", "Declined")), (false, ("Active", "Accepted"))] {
        let mut l = Lead::new();
        let base = l.base();
        l.w.referrals.edit(&l.referral, &json!({"status": moved.0, "substatus": moved.1})).unwrap();
        let fresh = l.fresh_base(&base);
        let before = l.referral();
        let (verb, core) = if qualify {
            let opportunity = l.qualify();
            ("accepted", lifecycle::on_lead_qualified(&fresh, &opportunity, &Config::default()))
        } else {
            l.disqualify(6);
            ("declined", lifecycle::on_lead_disqualified(&fresh, &l.lead, Some("No Longer Interested")))
        };
        assert!(core.is_none(), "the core refuses from {moved:?}");
        let run = l.run(None);
        assert_eq!(run.status, Status::Cancelled, "{}", failures(&run));
        assert_eq!(l.operations(), ["PatchReferralById", "GetReferralById"]);
        assert_eq!(l.calls()[0].status, Some(412));
        assert_eq!(
            terminate_message(&run, "Changed_in_Partner_Center_after_the_conflict"),
            format!(
                "Partner Center's referral is now {}/{}: it cannot be {verb} any more. Nothing was sent or written; Partner Center's next update brings its state to Dynamics 365.",
                moved.0, moved.1
            )
        );
        assert_eq!(l.referral(), before, "Partner Center's referral is untouched");
        assert!(l.writes().is_empty());
    }
}

/// A lead base without an eTag: the core never PATCHes without If-Match, so the flow reads the
/// referral first and sends the core's decision from its status and eTag.
#[test]
fn without_an_etag_the_referral_is_read_first() {
    let mut l = Lead::new();
    l.set_base(|b| {
        b.remove("eTag");
    });
    let base = l.base();
    assert_eq!(base.e_tag, None);
    let core = lifecycle::on_lead_disqualified(&l.fresh_base(&base), &l.lead, Some("Canceled")).unwrap();
    assert_eq!(core.patch.if_match.as_deref(), l.referral()["eTag"].as_str(), "Partner Center's eTag");
    l.disqualify(7);
    let run = l.run(None);
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let calls = l.calls();
    assert_eq!(l.operations(), ["GetReferralById", "PatchReferralById"]);
    assert_eq!(calls[0].parameters["id"], json!(l.referral));
    assert_patch(&calls[1], &l.referral, &core.patch);
    let etag = l.referral()["eTag"].as_str().unwrap().to_owned();
    assert_writes(&l.writes(), &core, &etag);
}

/// Neither the base nor Partner Center's referral has an eTag: refused (a PATCH without If-Match
/// could overwrite Partner Center's changes); the run fails visibly, nothing sent or written.
#[test]
fn without_any_etag_nothing_is_sent() {
    let mut l = Lead::new();
    l.set_base(|b| {
        b.remove("eTag");
    });
    let mut referral = l.referral();
    referral.as_object_mut().unwrap().remove("eTag");
    l.w.referrals.load_state(&json!([referral])).unwrap();
    l.mark();
    l.disqualify(4);
    let run = l.run(None);
    assert_eq!(run.status, Status::Failed, "{}", failures(&run));
    assert_eq!(run.error.as_ref().unwrap()["code"], json!("no-etag"));
    assert_eq!(l.operations(), ["GetReferralById"]);
    assert_eq!(l.status(), ("New".to_owned(), "Pending".to_owned()));
    assert!(l.writes().is_empty());
}

/// Throttling: the connector's retry policy repeats the PATCH; the core's PATCH goes each time
/// and is taken once.
#[test]
fn a_throttled_decision_is_retried() {
    let mut l = Lead::new();
    let base = l.base();
    l.w.referrals.fail_operation("PatchReferralById", Fault::Status(429), 2);
    let opportunity = l.qualify();
    let run = l.run(None);
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let core = lifecycle::on_lead_qualified(&base, &opportunity, &Config::default()).unwrap();
    let calls = l.calls();
    let statuses: Vec<Option<u16>> = calls.iter().map(|c| c.status).collect();
    assert_eq!(statuses, [Some(429), Some(429), Some(200)]);
    for call in &calls {
        assert_patch(call, &l.referral, &core.patch);
    }
    let etag = l.referral()["eTag"].as_str().unwrap().to_owned();
    assert_writes(&l.writes(), &core, &etag);
}

/// Partner Center fails for good (500 on every retry): the run fails with Partner Center's
/// answer, the referral is as it was and nothing is written (resubmitting the run sends it).
#[test]
fn a_persistent_server_error_fails_the_run_and_writes_nothing() {
    let mut l = Lead::new();
    let base = l.base();
    l.w.referrals.fail_operation("PatchReferralById", Fault::Status(500), 10);
    l.disqualify(4);
    let run = l.run(None);
    assert_eq!(run.status, Status::Failed, "{}", failures(&run));
    let core = lifecycle::on_lead_disqualified(&base, &l.lead, Some("Lost")).unwrap();
    let calls = l.calls();
    assert_eq!(calls.len(), 5, "the first try and 4 retries");
    for call in &calls {
        assert_eq!(call.status, Some(500));
        assert_patch(call, &l.referral, &core.patch);
    }
    let error = run.error.as_ref().unwrap();
    assert_eq!(error["code"], json!("partner-center-failed"));
    assert!(error["message"].as_str().unwrap().starts_with("Partner Center answered 500 to the decision: "), "{error}");
    assert_eq!(l.status(), ("New".to_owned(), "Pending".to_owned()));
    assert!(l.writes().is_empty());
    assert_eq!(l.base(), base, "the lead's base is untouched");
}

/// A lead qualified without creating an opportunity: the referral is accepted with the core's
/// PATCH and nothing is written (there is no row to carry it on to).
#[test]
fn qualified_without_an_opportunity_accepts_and_writes_nothing() {
    let mut l = Lead::new();
    let base = l.base();
    l.w.dataverse.update("lead", &l.lead, json!({"statecode": 1, "statuscode": 3})).unwrap();
    let run = l.run(None);
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let core = lifecycle::on_lead_qualified(&base, "", &Config::default()).unwrap();
    assert_eq!(l.operations(), ["PatchReferralById"]);
    assert_patch(&l.calls()[0], &l.referral, &core.patch);
    assert_eq!(l.status(), ("Active".to_owned(), "Accepted".to_owned()));
    assert!(l.writes().is_empty());
}

/// The referral changes again between the re-read and the second PATCH (412 twice), or cannot
/// be re-read: the run fails with Partner Center's answer, nothing is written.
#[test]
fn a_second_412_or_an_unreadable_referral_fails_the_run() {
    for (operation, fault, calls, doing) in [
        (
            "PatchReferralById",
            Fault::Status(412),
            ["PatchReferralById", "GetReferralById", "PatchReferralById"].len(),
            "to the decision",
        ),
        (
            "GetReferralById",
            Fault::Status(404),
            ["PatchReferralById", "GetReferralById"].len(),
            "when the referral was read",
        ),
    ] {
        let mut l = Lead::new();
        let base = l.base();
        l.w.referrals.edit(&l.referral, &json!({"details": {"notes": "Microsoft's note"}})).unwrap();
        l.w.referrals.fail_operation(operation, fault, 2);
        l.disqualify(5);
        let run = l.run(None);
        assert_eq!(run.status, Status::Failed, "{}", failures(&run));
        assert_eq!(l.calls().len(), calls, "{:?}", l.operations());
        let error = run.error.as_ref().unwrap();
        assert_eq!(error["code"], json!("partner-center-failed"));
        let Fault::Status(status) = fault else { unreachable!() };
        let message = error["message"].as_str().unwrap();
        assert!(message.starts_with(&format!("Partner Center answered {status} {doing}: ")), "{message}");
        assert_eq!(l.status(), ("New".to_owned(), "Pending".to_owned()));
        assert!(l.writes().is_empty());
        assert_eq!(l.base(), base);
    }
}
