//! Power Platform actions executed per synced change, from the engine's run record, next to the
//! floor: the Partner Center and Dataverse calls the change strictly needs. Prints a table.

#[path = "../tests/support/mod.rs"]
mod support;

use cosell_flow::run::RunRecord;
use cosell_syncflows::flows::names;
use serde_json::json;
use support::*;

/// One line: actions and requests across the flow and its children, the service calls made (from
/// the fakes' logs), and the floor.
fn row(w: &World, what: &str, run: &RunRecord, calls_before: usize, floor: usize) -> usize {
    let calls = service_calls(w);
    println!(
        "| {what} | {} | {} | {} | {floor} |",
        run.actions_executed_with_children(),
        run.platform_requests_with_children(),
        calls - calls_before
    );
    calls
}

fn service_calls(w: &World) -> usize {
    use cosell_flow::fake::FakeService;
    w.dataverse.log().len() + w.referrals.log().len()
}

fn main() {
    println!("| Change | Actions executed | Power Platform requests | Service calls made | Floor |");
    println!("|---|---|---|---|---|");
    let (mut w, id, _) = synced_opportunity_world();
    let mut calls = service_calls(&w);
    let create = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    // Floor: the two linked creates of a co-sell, and one Dataverse write of Referral
    // Identifier, Link, base and ✔.
    calls = row(&w, "D365 → PC: new co-sell opportunity (two creates)", &create, calls, 3);
    let echo = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    // Floor: nothing to send (but the opportunity's solutions must be read to know it).
    row(&w, "D365 → PC: the sync's own write (echo)", &echo, calls, 1);
    let _ = w.dataverse.update("opportunity", &id, json!({"estimatedvalue": 60000}));
    calls = service_calls(&w);
    let patch = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    // Floor: the PATCH and the write of the base.
    calls = row(&w, "D365 → PC: deal value edited (PATCH)", &patch, calls, 2);
    let referral = opportunity_referral(&w);
    let _ = w.referrals.edit(&referral, &json!({"details": {"notes": "Microsoft: budget approved."}}));
    let event = w.referrals.webhook_event("referral-updated", &referral);
    let inbound = w.run(names::RECEIVER, signed(event));
    // Floor: GET the referral, find its opportunity, one update.
    row(&w, "PC → D365: notes edited (merge)", &inbound, calls, 3);
    steps_to_patch(&patch);
}

/// Flow steps from the save to the Partner Center call: the trigger, the parent's actions before
/// the child call, the call, then the child's executed actions up to and including the PATCH.
fn steps_to_patch(run: &RunRecord) {
    let Some(call) = run.actions.iter().find(|a| a.child.is_some()) else { return };
    let Some(child) = call.child.as_deref() else { return };
    let executed = child.actions.iter().filter(|a| !matches!(a.status, cosell_flow::run::Status::Skipped));
    let before: usize = executed.take_while(|a| a.name != "Patch_the_referral").count();
    println!("\nFrom an opportunity save to the PATCH: 1 trigger + 1 child call + {} actions + the PATCH.", before);
}
