//! The world the engine tests and the benchmark run the generated flows in: the engine, the
//! fakes, the solution's flows, and the seed's fixtures.
#![allow(dead_code)]

use cosell_flow::fake::{Dataverse, PartnerCenterEvents, PartnerCenterReferrals};
use cosell_flow::run::{Flow, Host, RunRecord, Status, TriggerInput};
use cosell_syncflows::connections::Connection;
use cosell_syncflows::flows::names;
use serde_json::{json, Map, Value};

pub struct World {
    pub host: Host,
    pub flows: Vec<Flow>,
    pub dataverse: Dataverse,
    pub referrals: PartnerCenterReferrals,
}

pub fn world() -> World {
    let dataverse = Dataverse::new();
    let referrals = PartnerCenterReferrals::new();
    let mut host = Host::new(cosell_flow::run::DEFAULT_NOW_UNIX_MILLIS, 7);
    host.bind(Connection::Dataverse.key(), dataverse.clone())
        .bind(Connection::Referrals.key(), referrals.clone())
        .bind(Connection::Events.key(), PartnerCenterEvents::new());
    let mut flows = Vec::new();
    for f in cosell_syncflows::flows() {
        let flow = Flow::from_json_text(&f.json().unwrap(), &f.name, Some(f.id().to_string()))
            .unwrap_or_else(|e| panic!("{}: {e:?}", f.name));
        host.add_flow(flow.clone());
        flows.push(flow);
    }
    World { host, flows, dataverse, referrals }
}

impl World {
    pub fn run(&mut self, name: &str, trigger: TriggerInput) -> RunRecord {
        let flow = self.flows.iter().find(|f| f.name == name).unwrap().clone();
        self.host.run(&flow, trigger)
    }
}

pub fn signed(body: Value) -> TriggerInput {
    let headers: Map<String, Value> = [
        ("x-ms-signature", "Signature abc"),
        (
            "x-ms-certificate-url",
            "https://3psostorageacct.blob.core.windows.net/cert/pcnotifications-dispatch.microsoft.com.cer",
        ),
        ("x-ms-signature-algorithm", "rsa-sha256"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), json!(v)))
    .collect();
    TriggerInput::Request { headers, body }
}

pub fn fixture(path: &str) -> Value {
    let text = std::fs::read_to_string(format!("{}/../../tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

pub fn failures(run: &RunRecord) -> String {
    serde_json::to_string_pretty(&run.to_json()).unwrap()
}

/// A world with the seed's opportunity (its currency, account, contact and solution rows) saved.
pub fn synced_opportunity_world() -> (World, String, Value) {
    let w = world();
    let snapshot = fixture("snapshots/cosell.json");
    let o = &snapshot["opportunity"];
    let currency = w
        .dataverse
        .insert("transactioncurrency", json!({"isocurrencycode": "USD", "currencyname": "US Dollar"}))
        .unwrap();
    let mut account = o["parentaccountid"].clone();
    account.as_object_mut().unwrap().remove("accountid");
    let account = w.dataverse.insert("account", account).unwrap();
    let mut contact = o["parentcontactid"].clone();
    contact.as_object_mut().unwrap().remove("contactid");
    let contact = w.dataverse.insert("contact", contact).unwrap();
    let mut row = o.as_object().unwrap().clone();
    for k in
        ["@odata.etag", "opportunityid", "transactioncurrencyid", "parentaccountid", "parentcontactid", "statuscode"]
    {
        row.remove(k);
    }
    row.retain(|_, v| !v.is_null());
    row.insert("transactioncurrencyid@odata.bind".into(), json!(format!("transactioncurrencies({currency})")));
    row.insert("parentaccountid@odata.bind".into(), json!(format!("accounts({account})")));
    row.insert("parentcontactid@odata.bind".into(), json!(format!("contacts({contact})")));
    let id = w.dataverse.insert("opportunity", Value::Object(row)).unwrap();
    w.dataverse
        .insert("cosell_partnercentersolution", json!({"cosell_solutionid": "SOL-34104-EBB", "cosell_name": "Contoso Supply Chain Accelerator", "cosell_opportunityid@odata.bind": format!("opportunities({id})")}))
        .unwrap();
    (w, id, snapshot)
}

/// The last change of a table, as the row trigger sees it.
pub fn last_change(w: &World, table: &str) -> TriggerInput {
    TriggerInput::Event(w.dataverse.changes().into_iter().rev().find(|c| c.table == table).unwrap().to_event())
}

/// The seed's opportunity, synced once: its referral id.
pub fn synced(w: &mut World) -> String {
    let save = last_change(w, "opportunity");
    let run = w.run(names::OUTBOUND, save);
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    opportunity_referral(w)
}

/// The referral id the (only) opportunity holds: the partner's own referral, not the one created
/// for Microsoft in a co-sell.
pub fn opportunity_referral(w: &World) -> String {
    let rows = w.dataverse.rows("opportunity");
    rows.iter().find_map(|r| r["cosell_referralidentifier"].as_str().map(str::to_owned)).unwrap()
}

/// A world where the seed's new incoming referral arrived as a lead: the referral id and the lead.
pub fn lead_world() -> (World, String, Value) {
    let mut w = world();
    let id = w.referrals.seed(fixture("referrals/incoming-new.json"));
    let run = w.run(names::RECEIVER, signed(w.referrals.webhook_event("referral-created", &id)));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let lead = w.dataverse.rows("lead").pop().unwrap();
    (w, id, lead)
}

/// The base a row's Sync State column holds (`table` is the opportunity's or a lead's).
pub fn stored_base(w: &World, table: &str, id: &str) -> cosell_core::snapshot::SyncState {
    let row = w.dataverse.row(table, id).unwrap();
    cosell_core::snapshot::SyncState::parse(row["cosell_syncstate"].as_str().unwrap(), "$").unwrap()
}

/// The referral as Partner Center holds it now, read as the core reads it.
pub fn referral_now(w: &World, id: &str) -> cosell_core::referral::Referral {
    serde_json::from_value(w.referrals.referral(id).unwrap()).unwrap()
}

/// The snapshot document the core reads for the world's opportunity: the seed's document with
/// the row's current `columns` and Sync State, its row ID and its solution rows.
pub fn snapshot_doc(w: &World, id: &str, seed: &Value, columns: &[&str]) -> Value {
    let row = w.dataverse.row("opportunity", id).unwrap();
    let mut doc = seed.clone();
    for column in columns.iter().chain(&["cosell_syncstate"]) {
        doc["opportunity"][*column] = row.get(*column).cloned().unwrap_or(Value::Null);
    }
    doc["opportunity"]["opportunityid"] = json!(id);
    doc["solutions"] = w.dataverse.rows("cosell_partnercentersolution").into();
    doc
}
