//! The generated flows run in cosell-flow's engine against the fake Partner Center and Dataverse.

use cosell_flow::fake::{Dataverse, FakeService, PartnerCenterEvents, PartnerCenterReferrals};
use cosell_flow::run::{Flow, Host, RunRecord, Status, TriggerInput};
use cosell_syncflows::connections::Connection;
use cosell_syncflows::flows::names;
use serde_json::{json, Map, Value};

struct World {
    host: Host,
    flows: Vec<Flow>,
    dataverse: Dataverse,
    referrals: PartnerCenterReferrals,
}

fn world() -> World {
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
    fn run(&mut self, name: &str, trigger: TriggerInput) -> RunRecord {
        let flow = self.flows.iter().find(|f| f.name == name).unwrap().clone();
        self.host.run(&flow, trigger)
    }
}

fn signed(body: Value) -> TriggerInput {
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

fn fixture(path: &str) -> Value {
    let text = std::fs::read_to_string(format!("{}/../../tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn failures(run: &RunRecord) -> String {
    serde_json::to_string_pretty(&run.to_json()).unwrap()
}

#[test]
fn a_forged_callback_without_signature_headers_reads_and_writes_nothing() {
    let mut w = world();
    let id = w.referrals.seed(fixture("referrals/incoming-new.json"));
    let event = w.referrals.webhook_event("referral-created", &id);
    let run = w.run(names::RECEIVER, TriggerInput::body(event));
    assert_eq!(run.status, Status::Cancelled, "{}", failures(&run));
    assert!(w.referrals.log().is_empty());
    assert!(w.dataverse.writes().is_empty());
}

#[test]
fn a_made_up_referral_id_writes_nothing() {
    let mut w = world();
    let event = w.referrals.webhook_event("referral-updated", "49d90c72-3326-4f61-aacc-2cb57970448c");
    let run = w.run(names::RECEIVER, signed(event));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert!(w.dataverse.writes().is_empty());
    assert_eq!(
        w.referrals.calls("GetReferralById").len(),
        1,
        "the helper asked Partner Center, which does not know it"
    );
}

#[test]
fn a_referral_created_in_partner_center_lands_in_dynamics_365() {
    let mut w = world();
    let id = w.referrals.seed(fixture("referrals/incoming-new.json"));
    let event = w.referrals.webhook_event("referral-created", &id);
    let run = w.run(names::RECEIVER, signed(event));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let writes = w.dataverse.writes();
    assert!(w.dataverse.violations().is_empty(), "{:?}", w.dataverse.violations());
    let tables: Vec<&str> = writes.iter().map(|w| w.table.as_str()).collect();
    assert_eq!(
        tables,
        ["account", "contact", "lead"],
        "a new referral, not accepted yet, is a lead with its account and contact"
    );
    let referral = cosell_core::referral::Referral::from_json(&w.referrals.referral(&id).unwrap().to_string()).unwrap();
    let lead = &writes[2].columns;
    assert_eq!(lead["cosell_referralidentifier"], json!(id));
    assert_eq!(lead["cosell_syncwithpartnercenter"], json!(true));
    // The base the flow stored is the core's base of the referral.
    let stored = cosell_core::snapshot::SyncState::parse(lead["cosell_syncstate"].as_str().unwrap(), "$").unwrap();
    let core = cosell_core::sync::base_of_referral(&referral);
    assert_eq!(stored.fields, core.fields);
    assert_eq!((stored.referral_id, stored.e_tag), (core.referral_id, core.e_tag));
    // Delivering the same event again creates nothing more.
    let again = w.referrals.webhook_event("referral-created", &id);
    let run = w.run(names::RECEIVER, signed(again));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert_eq!(w.dataverse.writes().len(), writes.len(), "the second delivery writes nothing");
    assert_eq!(w.dataverse.rows("lead").len(), 1);
}
