//! The fake Dataverse: tables and columns from cosell-core, the connector's row operations,
//! filters, alternate keys, lookups, the row trigger and faults.

use cosell_core::dataverse::{account, opportunity, HelpNeeded};
use cosell_flow::fake::{ColumnKind, Dataverse, FakeService, Fault, Message};
use cosell_flow::run::{Answer, ConnectorRequest, Flow, Host, Reply, Service, Status, TriggerInput};
use serde_json::{json, Map, Value};

const START: i64 = 1_773_581_256_000;

fn call(dv: &mut Dataverse, op: &str, params: Value) -> Reply {
    let parameters: Map<String, Value> = params.as_object().cloned().unwrap_or_default();
    match dv.call(&ConnectorRequest {
        connection: "dv".into(),
        operation_id: op.into(),
        parameters,
        unix_millis: START,
    }) {
        Answer::Reply(r) => r,
        Answer::TimedOut => Reply::new(0, Value::Null),
    }
}

#[test]
fn create_get_update_delete() {
    let mut dv = Dataverse::new();
    let created = call(
        &mut dv,
        "CreateRecord",
        json!({"entityName": "accounts", "item/name": "Contoso", "item/address1_postalcode": "98052"}),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body[account::ID].as_str().unwrap().to_owned();
    assert_eq!(created.body["name"], "Contoso");
    assert_eq!(created.body["statecode"], 0);
    assert_eq!(created.body["createdon"], "2026-03-15T13:27:36Z");
    assert!(created.body["@odata.etag"].as_str().unwrap().starts_with("W/\""));
    let got = call(&mut dv, "GetItem", json!({"entityName": "accounts", "recordId": id, "$select": "name"}));
    assert_eq!(got.body, json!({"name": "Contoso", "accountid": id, "@odata.etag": created.body["@odata.etag"]}));
    let updated = call(
        &mut dv,
        "UpdateRecord",
        json!({"entityName": "accounts", "recordId": id, "item/address1_city": "Redmond"}),
    );
    assert_eq!(updated.status, 200);
    assert_eq!(dv.row("account", &id).unwrap()["address1_city"], "Redmond");
    assert_eq!(dv.row("account", &id).unwrap()["name"], "Contoso", "an update leaves other columns");
    assert_eq!(call(&mut dv, "DeleteRecord", json!({"entityName": "accounts", "recordId": id})).status, 204);
    assert_eq!(call(&mut dv, "GetItem", json!({"entityName": "accounts", "recordId": id})).status, 404);
    assert_eq!(call(&mut dv, "DeleteRecord", json!({"entityName": "accounts", "recordId": id})).status, 404);
    let writes: Vec<_> = dv.writes().iter().map(|w| w.message).collect();
    assert_eq!(writes, [Message::Create, Message::Update, Message::Delete]);
    assert_eq!(dv.writes()[1].columns, json!({"address1_city": "Redmond"}).as_object().cloned().unwrap());
    assert!(dv.violations().is_empty());
}

#[test]
fn update_record_upserts_and_update_only_does_not() {
    let mut dv = Dataverse::new();
    let id = "0b9f6c7e-3d4b-4a5c-8d6e-7f8091a2b3c4";
    assert_eq!(
        call(&mut dv, "UpdateOnlyRecord", json!({"entityName": "accounts", "recordId": id, "item/name": "X"})).status,
        404
    );
    let upsert = call(&mut dv, "UpdateRecord", json!({"entityName": "accounts", "recordId": id, "item/name": "X"}));
    assert_eq!((upsert.status, upsert.body[account::ID].as_str()), (201, Some(id)));
    assert_eq!(
        call(&mut dv, "UpdateRecord", json!({"entityName": "accounts", "recordId": id, "item/name": "Y"})).status,
        200
    );
    assert_eq!(dv.rows("account").len(), 1);
}

#[test]
fn alternate_keys_find_create_and_stay_unique() {
    let mut dv = Dataverse::new();
    let key = format!("{}='ref-1'", opportunity::REFERRAL_ID);
    let first =
        call(&mut dv, "UpdateRecord", json!({"entityName": "opportunities", "recordId": key, "item/name": "Deal"}));
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.body[opportunity::REFERRAL_ID], "ref-1", "the key values are set on create");
    let again =
        call(&mut dv, "UpdateRecord", json!({"entityName": "opportunities", "recordId": key, "item/name": "Deal 2"}));
    assert_eq!(again.status, 200);
    assert_eq!(dv.rows("opportunity").len(), 1);
    let duplicate = call(
        &mut dv,
        "CreateRecord",
        json!({"entityName": "opportunities", "item/name": "Dup", "item/cosell_referralidentifier": "ref-1"}),
    );
    assert_eq!(duplicate.status, 412);
    let not_a_key = call(
        &mut dv,
        "UpdateRecord",
        json!({"entityName": "opportunities", "recordId": "name='Deal'", "item/name": "x"}),
    );
    assert_eq!(not_a_key.status, 400);
    let quoted = call(
        &mut dv,
        "UpdateRecord",
        json!({"entityName": "opportunities", "recordId": "cosell_referralidentifier='O''Brien'", "item/name": "q"}),
    );
    assert_eq!((quoted.status, quoted.body[opportunity::REFERRAL_ID].as_str()), (201, Some("O'Brien")));
}

#[test]
fn columns_types_choices_and_lookups_are_checked() {
    let mut dv = Dataverse::new();
    let bad = |dv: &mut Dataverse, item: Value| {
        let mut p = json!({"entityName": "opportunities"});
        for (k, v) in item.as_object().unwrap() {
            p[format!("item/{k}")] = v.clone();
        }
        call(dv, "CreateRecord", p).status
    };
    assert_eq!(bad(&mut dv, json!({"nosuchcolumn": 1})), 400);
    assert_eq!(bad(&mut dv, json!({"estimatedvalue": "lots"})), 400);
    assert_eq!(bad(&mut dv, json!({"cosell_syncwithpartnercenter": "yes"})), 400);
    assert_eq!(bad(&mut dv, json!({"cosell_howcanmicrosofthelp": 42})), 400);
    assert_eq!(bad(&mut dv, json!({"estimatedclosedate": "next week"})), 400);
    assert_eq!(
        bad(&mut dv, json!({"parentaccountid": "0b9f6c7e-3d4b-4a5c-8d6e-7f8091a2b3c4"})),
        400,
        "lookups need @odata.bind"
    );
    assert_eq!(bad(&mut dv, json!({"createdon": "2026-01-01T00:00:00Z"})), 400);
    assert_eq!(dv.violations().len(), 7);
    let help = HelpNeeded::GeneralOrOther.value();
    assert_eq!(
        bad(
            &mut dv,
            json!({"cosell_howcanmicrosofthelp": help, "cosell_syncwithpartnercenter": true, "estimatedvalue": 10.5})
        ),
        201
    );
    let account = dv.insert("account", json!({"name": "Contoso"})).unwrap();
    let linked = call(
        &mut dv,
        "CreateRecord",
        json!({"entityName": "opportunities", "item/name": "Linked", "item/parentaccountid@odata.bind": format!("/accounts({account})")}),
    );
    assert_eq!(linked.status, 201);
    assert_eq!(linked.body["_parentaccountid_value"], json!(account));
    assert_eq!(linked.body["_parentaccountid_value@Microsoft.Dynamics.CRM.lookuplogicalname"], "account");
    let missing = call(
        &mut dv,
        "CreateRecord",
        json!({"entityName": "opportunities", "item/parentaccountid@odata.bind": "accounts(0b9f6c7e-3d4b-4a5c-8d6e-7f8091a2b3c4)"}),
    );
    assert_eq!(missing.status, 404);
    let wrong_target = call(
        &mut dv,
        "CreateRecord",
        json!({"entityName": "opportunities", "item/parentaccountid@odata.bind": format!("contacts({account})")}),
    );
    assert_eq!(wrong_target.status, 400);
    let polymorphic = call(
        &mut dv,
        "CreateRecord",
        json!({"entityName": "contacts", "item/lastname": "Lee", "item/parentcustomerid_account@odata.bind": format!("accounts({account})")}),
    );
    assert_eq!(polymorphic.status, 201, "{}", polymorphic.body);
    assert_eq!(polymorphic.body["fullname"], "Lee");
}

#[test]
fn entity_set_names_and_parameters_are_checked() {
    let mut dv = Dataverse::new();
    let logical = call(&mut dv, "CreateRecord", json!({"entityName": "account", "item/name": "x"}));
    assert_eq!(logical.status, 400);
    assert!(dv.violations()[0].contains("the entity set name is accounts"), "{:?}", dv.violations());
    assert_eq!(call(&mut dv, "CreateRecord", json!({"entityName": "accounts", "recordId": "x"})).status, 400);
    assert_eq!(
        call(&mut dv, "ListRecords", json!({"entityName": "accounts", "$expand": "primarycontactid"})).status,
        400
    );
    assert_eq!(call(&mut dv, "PerformBoundAction", json!({"entityName": "leads"})).status, 400);
    assert_eq!(dv.violations().len(), 4);
}

#[test]
fn list_records_filters_selects_orders_and_tops() {
    let mut dv = Dataverse::new();
    for (name, postal, employees) in
        [("Contoso", "98052", 50), ("Contoso Ltd", "10001", 10), ("Fabrikam", "98052", 500), ("O'Neil", "1", 5)]
    {
        dv.insert("account", json!({"name": name, "address1_postalcode": postal, "numberofemployees": employees}))
            .unwrap();
    }
    let names = |r: &Reply| {
        r.body["value"].as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    let r = call(
        &mut dv,
        "ListRecords",
        json!({"entityName": "accounts", "$filter": "name eq 'Contoso' and address1_postalcode eq '98052'"}),
    );
    assert_eq!(names(&r), ["Contoso"]);
    let r = call(
        &mut dv,
        "ListRecords",
        json!({"entityName": "accounts", "$filter": "startswith(name, 'contoso') or contains(name, 'bri')", "$orderby": "numberofemployees desc"}),
    );
    assert_eq!(names(&r), ["Fabrikam", "Contoso", "Contoso Ltd"]);
    let r = call(
        &mut dv,
        "ListRecords",
        json!({"entityName": "accounts", "$filter": "name eq 'O''Neil'", "$select": "name"}),
    );
    assert_eq!(names(&r), ["O'Neil"]);
    assert_eq!(
        r.body["value"][0].as_object().unwrap().keys().collect::<Vec<_>>(),
        ["@odata.etag", "accountid", "name"]
    );
    let r = call(&mut dv, "ListRecords", json!({"entityName": "accounts", "$top": 2, "$orderby": "name"}));
    assert_eq!(names(&r), ["Contoso", "Contoso Ltd"]);
    let r = call(
        &mut dv,
        "ListRecords",
        json!({"entityName": "accounts", "$filter": "address1_line1 eq null and name ne 'Fabrikam'"}),
    );
    assert_eq!(names(&r).len(), 3);
    assert_eq!(call(&mut dv, "ListRecords", json!({"entityName": "accounts", "$filter": "nmae eq 'x'"})).status, 400);
    assert_eq!(call(&mut dv, "ListRecords", json!({"entityName": "accounts", "$select": "nmae"})).status, 400);
    assert_eq!(call(&mut dv, "ListRecords", json!({"entityName": "accounts", "$filter": "name eq"})).status, 400);
}

#[test]
fn faults_are_answered_and_counted() {
    let mut dv = Dataverse::new();
    dv.fail_operation("CreateRecord", Fault::Status(412), 1);
    dv.fail_next(Fault::Status(429), 1);
    assert_eq!(call(&mut dv, "CreateRecord", json!({"entityName": "accounts", "item/name": "x"})).status, 412);
    assert_eq!(call(&mut dv, "ListRecords", json!({"entityName": "accounts"})).status, 429);
    assert_eq!(call(&mut dv, "CreateRecord", json!({"entityName": "accounts", "item/name": "x"})).status, 201);
    assert_eq!(dv.faults_injected(), 2);
    assert_eq!(dv.rows("account").len(), 1, "a faulted request writes nothing");
}

fn row_trigger_flow(message: i64, filtering: &str, filter: &str) -> Flow {
    Flow::from_value(
        &json!({"properties": {
            "connectionReferences": {"shared_commondataserviceforapps": {"api": {"name": "shared_commondataserviceforapps"}}},
            "definition": {
                "triggers": {"When_a_row_is_added_or_modified": {"type": "OpenApiConnectionWebhook", "inputs": {
                    "host": {"connectionName": "shared_commondataserviceforapps", "operationId": "SubscribeWebhookTrigger"},
                    "parameters": {
                        "subscriptionRequest/message": message,
                        "subscriptionRequest/entityname": "opportunity",
                        "subscriptionRequest/scope": 4,
                        "subscriptionRequest/filteringattributes": filtering,
                        "subscriptionRequest/filterexpression": filter
                    }
                }}},
                "actions": {"Seen": {"type": "Compose", "inputs": "seen"}}
            }
        }}),
        "row trigger",
        None,
    )
    .unwrap()
}

#[test]
fn the_row_trigger_fires_by_message_filtering_attributes_and_filter() {
    let dv = Dataverse::new();
    let mut host = Host::new(START, 1);
    host.bind("shared_commondataserviceforapps", dv.clone());
    let id = dv.insert("opportunity", json!({"name": "Deal", "cosell_syncwithpartnercenter": true})).unwrap();
    dv.update("opportunity", &id, json!({"description": "notes"})).unwrap();
    dv.update("opportunity", &id, json!({"name": "Deal 2"})).unwrap();
    let changes = dv.changes();
    assert_eq!(
        changes.iter().map(|c| c.message).collect::<Vec<_>>(),
        [Message::Create, Message::Update, Message::Update]
    );
    assert!(changes.iter().all(|c| !c.by_flow));

    let flow = row_trigger_flow(4, "name,estimatedvalue", "cosell_syncwithpartnercenter eq true");
    let fired: Vec<Status> =
        changes.iter().map(|c| host.run(&flow, TriggerInput::Event(c.to_event())).status).collect();
    assert_eq!(
        fired,
        [Status::Succeeded, Status::Skipped, Status::Succeeded],
        "the description change is not a filtering attribute"
    );

    let run = host.run(&flow, TriggerInput::Event(changes[2].to_event()));
    let body = &run.trigger.outputs.as_ref().unwrap()["body"];
    assert_eq!(body["SdkMessage"], "Update");
    assert_eq!(body["name"], "Deal 2");
    assert_eq!(body[opportunity::ID], json!(id));
    assert_eq!(body["@odata.type"], "#Microsoft.Dynamics.CRM.opportunity");
    assert_eq!(run.trigger.inputs.as_ref().unwrap()["parameters"]["subscriptionRequest/entityname"], "opportunity");

    let created_only = row_trigger_flow(1, "", "");
    assert_eq!(host.run(&created_only, TriggerInput::Event(changes[1].to_event())).status, Status::Skipped);
    assert_eq!(host.run(&created_only, TriggerInput::Event(changes[0].to_event())).status, Status::Succeeded);
    let not_synced = row_trigger_flow(4, "", "cosell_syncwithpartnercenter eq false");
    assert_eq!(host.run(&not_synced, TriggerInput::Event(changes[0].to_event())).status, Status::Skipped);
    dv.delete("opportunity", &id).unwrap();
    let deleted = dv.changes().pop().unwrap();
    let on_delete = row_trigger_flow(2, "", "");
    let run = host.run(&on_delete, TriggerInput::Event(deleted.to_event()));
    assert_eq!(run.status, Status::Succeeded);
    assert_eq!(run.trigger.outputs.unwrap()["body"]["SdkMessage"], "Delete");
    let bad = row_trigger_flow(9, "", "");
    let run = host.run(&bad, TriggerInput::Event(deleted.to_event()));
    assert_eq!((run.status, run.trigger.code.as_deref()), (Status::Failed, Some("TriggerFailed")));
    assert_eq!(
        host.run(&row_trigger_flow(4, "nosuch", ""), TriggerInput::Event(deleted.to_event())).status,
        Status::Failed
    );
}

#[test]
fn a_flows_own_writes_are_changes_too() {
    let dv = Dataverse::new();
    let mut host = Host::new(START, 1);
    host.bind("shared_commondataserviceforapps", dv.clone());
    let flow = Flow::from_value(
        &json!({"definition": {
            "triggers": {"manual": {"type": "Request", "kind": "Button"}},
            "actions": {"Add": {"type": "OpenApiConnection", "inputs": {
                "host": {"connectionName": "shared_commondataserviceforapps", "operationId": "CreateRecord"},
                "parameters": {"entityName": "opportunities", "item/name": "From flow", "item/cosell_syncwithpartnercenter": true}
            }}}
        }}),
        "writer",
        None,
    )
    .unwrap();
    let run = host.run(&flow, TriggerInput::body(json!({})));
    assert_eq!(run.last("Add").unwrap().code.as_deref(), Some("Created"));
    let change = dv.changes().pop().unwrap();
    assert!(change.by_flow);
    assert_eq!(change.changed, ["cosell_syncwithpartnercenter", "name"]);
    let echo = row_trigger_flow(4, "name", "");
    assert_eq!(
        host.run(&echo, TriggerInput::Event(change.to_event())).status,
        Status::Succeeded,
        "the flow's write fires the row trigger"
    );
}

#[test]
fn columns_can_be_added_and_state_saved() {
    let dv = Dataverse::new();
    assert!(dv.insert("opportunity", json!({"new_dealvalue": 5})).is_err());
    dv.add_column("opportunity", "new_dealvalue", ColumnKind::Decimal).unwrap();
    let id = dv.insert("opportunity", json!({"new_dealvalue": 5})).unwrap();
    assert!(dv.add_column("nosuchtable", "x", ColumnKind::Text).is_err());
    let saved = dv.state();
    assert_eq!(saved["opportunity"][0][opportunity::ID], json!(id));
    let other = Dataverse::new();
    other.load_state(&saved).unwrap();
    assert_eq!(other.rows("opportunity"), dv.rows("opportunity"));
    assert!(other.load_state(&json!({"opportunity": [{"name": "no id"}]})).is_err());
    assert!(other.load_state(&json!({"nosuch": []})).is_err());
}

#[test]
fn qualifying_a_lead_creates_the_opportunity_and_closes_the_lead() {
    let dv = Dataverse::new();
    let account = dv.insert("account", json!({"name": "Contoso"})).unwrap();
    let lead = dv
        .insert(
            "lead",
            json!({"subject": "Contoso upgrade", "estimatedamount": 1000, "cosell_referralidentifier": "ref-1",
                   "parentaccountid@odata.bind": format!("accounts({account})")}),
        )
        .unwrap();
    let opportunity = dv.qualify_lead(&lead).unwrap();
    let opp = dv.row("opportunity", &opportunity).unwrap();
    assert_eq!(opp["name"], "Contoso upgrade");
    assert_eq!(opp["estimatedvalue"], 1000);
    assert_eq!(opp[opportunity::REFERRAL_ID], "ref-1");
    assert_eq!(opp["_parentaccountid_value"], json!(account));
    assert_eq!(opp["_originatingleadid_value"], json!(lead));
    let closed = dv.row("lead", &lead).unwrap();
    assert_eq!((closed["statecode"].as_i64(), closed["statuscode"].as_i64()), (Some(1), Some(3)));
    assert_eq!(closed["_qualifyingopportunityid_value"], json!(opportunity));
    let changes: Vec<_> = dv.changes().into_iter().map(|c| (c.message, c.table)).collect();
    assert_eq!(changes.last().unwrap(), &(Message::Update, "lead".to_owned()));
    assert!(dv.qualify_lead(&lead).is_err(), "a qualified lead is closed");

    let other = dv.insert("lead", json!({"subject": "No"})).unwrap();
    dv.disqualify_lead(&other, 6).unwrap();
    assert_eq!(dv.row("lead", &other).unwrap()["statecode"], 2);
    assert!(dv.disqualify_lead(&other, 3).is_err());
    assert!(dv.qualify_lead("0b9f6c7e-3d4b-4a5c-8d6e-7f8091a2b3c4").is_err());
}
