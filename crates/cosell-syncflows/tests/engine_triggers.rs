//! Which Dataverse changes start the sync, run in the engine against the fake's row trigger.

mod support;

use cosell_core::config::vars;
use cosell_flow::fake::{ColumnKind, FakeService};
use cosell_flow::run::Status;
use cosell_syncflows::flows::names;
use serde_json::json;
use support::*;

/// An admin who keeps the deal value in their own column (the Deal value column variable): a
/// seller's edit of that column starts the sync and is sent, with no flow edited; an edit of
/// Est. Revenue, which is not the deal value here, starts nothing.
#[test]
fn an_edit_of_the_admin_s_own_deal_value_column_starts_the_sync() {
    let (mut w, id, _) = synced_opportunity_world();
    w.host.set_environment(vars::DEAL_VALUE_COLUMN, json!("new_dealvalue"));
    w.dataverse.add_column("opportunity", "new_dealvalue", ColumnKind::Decimal).unwrap();
    w.dataverse.update("opportunity", &id, json!({"new_dealvalue": 125000.5})).unwrap();
    let referral_id = synced(&mut w);

    w.dataverse.update("opportunity", &id, json!({"estimatedvalue": 99})).unwrap();
    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Skipped, "Est. Revenue is not a mapped column here: {}", failures(&run));

    w.dataverse.update("opportunity", &id, json!({"new_dealvalue": 130000})).unwrap();
    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let patches = w.referrals.calls("PatchReferralById");
    assert_eq!(patches.len(), 1, "{}", failures(&run));
    assert_eq!(
        patches[0].parameters["Referral"],
        json!([{"op": "replace", "path": "/details/dealValue", "value": 130000}])
    );
    assert_eq!(w.referrals.referral(&referral_id).unwrap()["details"]["dealValue"], json!(130000));
}

/// With the default Deal value column, Est. Revenue is the deal value and its edit starts the sync.
#[test]
fn an_edit_of_est_revenue_starts_the_sync_by_default() {
    let (mut w, id, _) = synced_opportunity_world();
    synced(&mut w);
    w.dataverse.update("opportunity", &id, json!({"estimatedvalue": 61000})).unwrap();
    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert_eq!(w.referrals.calls("PatchReferralById").len(), 1);
}

/// An admin who cleared a text variable's current value (Dataverse gives it as empty text): the
/// flows use its default, as the core's `Config` does — the deal value is Est. Revenue, the
/// referral link is the default template — never an empty column name or an empty link.
#[test]
fn an_empty_text_variable_is_its_default() {
    let (mut w, id, _) = synced_opportunity_world();
    for var in [vars::DEAL_VALUE_COLUMN, vars::REFERRAL_LINK_TEMPLATE, vars::COUNTRY_CODE_COLUMN] {
        w.host.set_environment(var, json!(""));
    }
    let referral_id = synced(&mut w);
    let sent = &w.referrals.calls("CreateReferral")[0].parameters["Referral"];
    assert_eq!(sent["details"]["dealValue"], json!(50000), "Est. Revenue, the default column");
    assert_eq!(sent["customerProfile"]["address"]["country"], json!("US"));
    let row = w.dataverse.row("opportunity", &id).unwrap();
    let config = cosell_core::config::Config::default();
    assert_eq!(row["cosell_referrallink"], json!(config.referral_link(&referral_id)));
}
