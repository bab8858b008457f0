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

/// A seeded opportunity with a parent account, for the `$filter` typing tests.
fn seeded_deal() -> (Dataverse, String) {
    let mut dv = Dataverse::new();
    let account = dv.insert("account", json!({"name": "Contoso"})).unwrap();
    let deal = call(
        &mut dv,
        "CreateRecord",
        json!({"entityName": "opportunities", "item/name": "Deal", "item/estimatedvalue": 10,
            "item/estimatedclosedate": "2026-06-30T00:00:00Z", "item/cosell_syncwithpartnercenter": true,
            "item/parentaccountid@odata.bind": format!("accounts({account})")}),
    );
    assert_eq!(deal.status, 201, "{}", deal.body);
    (dv, account)
}

#[test]
fn filter_literals_must_have_the_column_type() {
    let (mut dv, account) = seeded_deal();
    let list = |dv: &mut Dataverse, filter: &str| {
        call(dv, "ListRecords", json!({"entityName": "opportunities", "$filter": filter}))
    };
    for (filter, found) in [
        (format!("_parentaccountid_value eq '{account}'"), "'Edm.Guid' and 'Edm.String' for operator kind 'Equal'"),
        (
            "cosell_syncwithpartnercenter eq 'true'".to_owned(),
            "'Edm.Boolean' and 'Edm.String' for operator kind 'Equal'",
        ),
        ("estimatedvalue gt '5'".to_owned(), "'Edm.Decimal' and 'Edm.String' for operator kind 'GreaterThan'"),
        (
            "estimatedclosedate gt '2025-01-01'".to_owned(),
            "'Edm.DateTimeOffset' and 'Edm.String' for operator kind 'GreaterThan'",
        ),
        (
            "createdon le '2025-01-01T00:00:00Z'".to_owned(),
            "'Edm.DateTimeOffset' and 'Edm.String' for operator kind 'LessThanOrEqual'",
        ),
        ("name ne 5".to_owned(), "'Edm.String' and 'Edm.Int32' for operator kind 'NotEqual'"),
        ("'Deal' eq estimatedvalue".to_owned(), "'Edm.String' and 'Edm.Decimal' for operator kind 'Equal'"),
        (format!("opportunityid eq '{account}'"), "'Edm.Guid' and 'Edm.String'"),
    ] {
        let before = dv.violations().len();
        let r = list(&mut dv, &filter);
        assert_eq!(r.status, 400, "{filter}: {}", r.body);
        let message = r.body["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with("$filter: A binary operator with incompatible types was detected. Found operand types"),
            "{message}"
        );
        assert!(message.contains(found), "{filter}: {message}");
        assert_eq!(dv.violations().len(), before + 1, "{filter} is a violation");
    }
    let r = list(&mut dv, "contains(estimatedvalue, '1')");
    assert_eq!(r.status, 400);
    assert!(r.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("No function signature for the function with name 'contains'"));
    for filter in [
        format!("_parentaccountid_value eq {account}"),
        "cosell_syncwithpartnercenter eq true".to_owned(),
        "estimatedvalue gt 5 and estimatedvalue lt 10.5".to_owned(),
        "estimatedclosedate gt 2025-01-01 and estimatedclosedate lt 2026-07-01T00:00:00Z".to_owned(),
        "createdon ge 2026-03-15T13:27:36Z".to_owned(),
        "name ne null and versionnumber gt 0".to_owned(),
    ] {
        let r = list(&mut dv, &filter);
        assert_eq!((r.status, r.body["value"].as_array().map(Vec::len)), (200, Some(1)), "{filter}: {}", r.body);
    }
    let r = list(&mut dv, "estimatedclosedate gt 2026-07-01");
    assert_eq!(r.body["value"], json!([]), "compared as instants");
}

#[test]
fn lookup_navigation_in_a_filter_is_refused() {
    let (mut dv, _) = seeded_deal();
    let r = call(
        &mut dv,
        "ListRecords",
        json!({"entityName": "opportunities", "$filter": "parentaccountid/name eq 'Contoso'"}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(
        r.body["error"]["message"],
        "$filter: 'parentaccountid/name' navigates a lookup, which the fake Dataverse does not model in $filter; filter on _parentaccountid_value"
    );
    assert_eq!(dv.violations().len(), 1);
}

#[test]
fn seeded_rows_get_the_state_defaults_created_rows_get() {
    let dv = Dataverse::new();
    dv.load_state(&json!({"account": [
        {"accountid": "0b9f6c7e-3d4b-4a5c-8d6e-7f8091a2b3c4", "name": "Seeded"},
        {"accountid": "1b9f6c7e-3d4b-4a5c-8d6e-7f8091a2b3c4", "name": "Closed", "statecode": 1, "statuscode": 2}
    ]}))
    .unwrap();
    let rows = dv.rows("account");
    assert_eq!((&rows[0]["statecode"], &rows[0]["statuscode"]), (&json!(0), &json!(1)));
    assert_eq!((&rows[1]["statecode"], &rows[1]["statuscode"]), (&json!(1), &json!(2)), "given values stay");
}

#[test]
fn the_row_trigger_body_carries_the_key_and_the_run_as_user() {
    let dv = Dataverse::new();
    let mut host = Host::new(START, 1);
    host.bind("shared_commondataserviceforapps", dv.clone());
    let id = "0b9f6c7e-3d4b-4a5c-8d6e-7f8091a2b3c4";
    for (message, code) in [("Create", 1), ("Delete", 2)] {
        let event = json!({"message": message, "table": "opportunity", "id": id, "row": {"name": "Deal"}});
        let run = host.run(&row_trigger_flow(code, "", ""), TriggerInput::Event(event));
        let body = &run.trigger.outputs.as_ref().unwrap()["body"];
        assert_eq!(body[opportunity::ID], json!(id), "{message}");
        assert_eq!(body["RunAsSystemUserId"], cosell_flow::fake::DEFAULT_RUN_AS_USER, "{message}");
    }
    dv.set_run_as_user("5E1F6C7E-3D4B-4A5C-8D6E-7F8091A2B3C4");
    let event = json!({"message": "Create", "table": "opportunity", "id": id, "row": {"opportunityid": id}});
    let run = host.run(&row_trigger_flow(1, "", ""), TriggerInput::Event(event));
    assert_eq!(run.trigger.outputs.unwrap()["body"]["RunAsSystemUserId"], "5e1f6c7e-3d4b-4a5c-8d6e-7f8091a2b3c4");
}

#[test]
fn a_row_trigger_filter_expression_is_type_checked() {
    let dv = Dataverse::new();
    let mut host = Host::new(START, 1);
    host.bind("shared_commondataserviceforapps", dv.clone());
    let event =
        json!({"message": "Create", "table": "opportunity", "id": "0b9f6c7e-3d4b-4a5c-8d6e-7f8091a2b3c4", "row": {}});
    let run = host.run(&row_trigger_flow(1, "", "cosell_syncwithpartnercenter eq 'true'"), TriggerInput::Event(event));
    assert_eq!((run.status, run.trigger.code.as_deref()), (Status::Failed, Some("TriggerFailed")));
    assert!(run.trigger.error.unwrap()["message"].as_str().unwrap().contains("'Edm.Boolean' and 'Edm.String'"));
}

/// An open opportunity created as a user would, and its id.
fn open_deal() -> (Dataverse, String) {
    let dv = Dataverse::new();
    let id = dv.insert("opportunity", json!({"name": "Deal"})).unwrap();
    (dv, id)
}

/// WinOpportunity or LoseOpportunity as the generated flow sends it (flattened `item/…`).
fn close(dv: &mut Dataverse, action: &str, activity: Value, status: Value) -> Reply {
    call(
        dv,
        "PerformUnboundAction",
        json!({"actionName": action, "item/OpportunityClose": activity, "item/Status": status}),
    )
}

fn bind(id: &str) -> String {
    format!("/opportunities({id})")
}

#[test]
fn win_opportunity_closes_it_as_won_and_records_the_close_activity() {
    let (mut dv, id) = open_deal();
    let reply =
        close(&mut dv, "WinOpportunity", json!({"subject": "Signed", "opportunityid@odata.bind": bind(&id)}), json!(3));
    assert_eq!((reply.status, &reply.body), (204, &Value::Null), "No Content");
    let deal = dv.row("opportunity", &id).unwrap();
    assert_eq!((&deal["statecode"], &deal["statuscode"]), (&json!(1), &json!(3)), "Won, status Won");
    assert_eq!(deal["name"], "Deal", "the other columns stay");
    let activities = dv.rows("opportunityclose");
    assert_eq!(
        activities,
        [json!({
            "activityid": "da7a0000-0000-4000-b000-000000000003",
            "subject": "Signed",
            "_opportunityid_value": id,
            "_opportunityid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "opportunity",
            "statecode": 1,
            "statuscode": 2,
            "actualend": "2026-03-15T13:27:36Z",
            "createdon": "2026-03-15T13:27:36Z",
            "modifiedon": "2026-03-15T13:27:36Z",
            "versionnumber": 4,
            "@odata.etag": "W/\"4\""
        })]
    );
    let writes: Vec<_> =
        dv.writes().into_iter().map(|w| (w.message, w.table, w.id, Value::Object(w.columns))).collect();
    assert_eq!(
        writes,
        [
            (
                Message::Create,
                "opportunityclose".to_owned(),
                "da7a0000-0000-4000-b000-000000000003".to_owned(),
                json!({"subject": "Signed", "opportunityid@odata.bind": bind(&id), "statecode": 1, "statuscode": 2,
                    "actualend": "2026-03-15T13:27:36Z"})
            ),
            (Message::Update, "opportunity".to_owned(), id.clone(), json!({"statecode": 1, "statuscode": 3})),
        ]
    );
    let change = dv.changes().pop().unwrap();
    assert_eq!((change.message, change.table.as_str(), change.by_flow), (Message::Update, "opportunity", true));
    assert_eq!(change.changed, ["statecode", "statuscode"], "the row trigger sees the state change");
    assert!(dv.violations().is_empty(), "{:?}", dv.violations());
}

#[test]
fn lose_opportunity_closes_it_as_lost_out_sold_or_canceled() {
    for (status, shape) in [(5, "flattened"), (4, "item object")] {
        let (mut dv, id) = open_deal();
        let activity = json!({"subject": "Went with a competitor", "description": "Price",
            "actualend": "2026-03-01T00:00:00Z", "actualrevenue": 0, "opportunityid@odata.bind": bind(&id)});
        let reply = match shape {
            "flattened" => close(&mut dv, "LoseOpportunity", activity, json!(status)),
            _ => call(
                &mut dv,
                "PerformUnboundAction",
                json!({"actionName": "LoseOpportunity", "item": {"OpportunityClose": activity, "Status": status}}),
            ),
        };
        assert_eq!(reply.status, 204, "{shape}: {}", reply.body);
        let deal = dv.row("opportunity", &id).unwrap();
        assert_eq!((&deal["statecode"], &deal["statuscode"]), (&json!(2), &json!(status)), "{shape}: Lost");
        let activity = &dv.rows("opportunityclose")[0];
        for (column, value) in [
            ("subject", json!("Went with a competitor")),
            ("description", json!("Price")),
            ("actualend", json!("2026-03-01T00:00:00Z")),
            ("actualrevenue", json!(0)),
            ("_opportunityid_value", json!(id)),
            ("statecode", json!(1)),
            ("statuscode", json!(2)),
        ] {
            assert_eq!(activity[column], value, "{shape}: {column} (a given actualend is kept)");
        }
        assert!(dv.violations().is_empty(), "{shape}: {:?}", dv.violations());
    }
}

#[test]
fn status_minus_one_is_the_state_s_default_reason_and_the_action_sets_the_activity_state() {
    for (action, state, status) in [("WinOpportunity", 1, 3), ("LoseOpportunity", 2, 4)] {
        let (mut dv, id) = open_deal();
        let activity = json!({"subject": "x", "statecode": 0, "opportunityid_opportunity@odata.bind": bind(&id)});
        assert_eq!(close(&mut dv, action, activity, json!(-1)).status, 204, "{action}");
        let deal = dv.row("opportunity", &id).unwrap();
        assert_eq!((&deal["statecode"], &deal["statuscode"]), (&json!(state), &json!(status)), "{action}");
        assert_eq!(dv.rows("opportunityclose")[0]["statecode"], 1, "{action}: completed, whatever was sent");
    }
}

#[test]
fn an_opportunity_closed_already_is_refused_and_stays_as_it_was() {
    for (first, then) in [
        ("WinOpportunity", "WinOpportunity"),
        ("WinOpportunity", "LoseOpportunity"),
        ("LoseOpportunity", "WinOpportunity"),
    ] {
        let (mut dv, id) = open_deal();
        let activity = json!({"subject": "first", "opportunityid@odata.bind": bind(&id)});
        let status = |action: &str| json!(if action == "WinOpportunity" { 3 } else { 5 });
        assert_eq!(close(&mut dv, first, activity.clone(), status(first)).status, 204);
        let before = dv.row("opportunity", &id).unwrap();
        let reply = close(&mut dv, then, activity, status(then));
        assert_eq!(reply.status, 400, "{first} then {then}");
        let message = reply.body["error"]["message"].as_str().unwrap();
        assert!(message.contains(&format!("the opportunity {id} is not open")), "{message}");
        assert_eq!(dv.row("opportunity", &id).unwrap(), before, "{first} then {then}: unchanged");
        assert_eq!(dv.rows("opportunityclose").len(), 1, "{first} then {then}: no second activity");
        assert!(dv.violations().is_empty(), "the row's state, not the request: {:?}", dv.violations());
    }
    let (mut dv, id) = open_deal();
    dv.update("opportunity", &id, json!({"statecode": 2, "statuscode": 4})).unwrap();
    let reply =
        close(&mut dv, "WinOpportunity", json!({"subject": "s", "opportunityid@odata.bind": bind(&id)}), json!(3));
    assert!(reply.body["error"]["message"].as_str().unwrap().contains("it is Lost, statecode 2"), "{}", reply.body);
}

#[test]
fn an_unknown_opportunity_answers_404_and_writes_nothing() {
    let (mut dv, _) = open_deal();
    let missing = "0b9f6c7e-3d4b-4a5c-8d6e-7f8091a2b3c4";
    let reply =
        close(&mut dv, "WinOpportunity", json!({"subject": "s", "opportunityid@odata.bind": bind(missing)}), json!(3));
    assert_eq!(reply.status, 404);
    assert_eq!(reply.body["error"]["message"], format!("opportunity With Id = {missing} Does Not Exist"));
    assert!(dv.rows("opportunityclose").is_empty() && dv.writes().is_empty());
    assert!(dv.violations().is_empty(), "{:?}", dv.violations());
}

/// A change to a valid WinOpportunity request (given the opportunity's id).
type Edit = fn(&mut Value, &str);

fn without(request: &mut Value, key: &str) {
    request.as_object_mut().unwrap().remove(key);
}

/// Every request the flow can get wrong: 400, a violation naming the problem, nothing written.
#[test]
fn a_malformed_close_is_refused_as_a_violation_and_changes_nothing() {
    let cases: [(&str, Edit, &str); 19] = [
        ("win with a lost status", |r, _| r["item/Status"] = json!(5),
            "5 is not a valid status reason for WinOpportunity: a Won opportunity takes 3 (Won)."),
        ("lose with the won status", |r, _| r["actionName"] = json!("LoseOpportunity"),
            "3 is not a valid status reason for LoseOpportunity: a Lost opportunity takes 4 (Canceled) or 5 (Out-Sold)."),
        ("lose with an open status", |r, _| { r["actionName"] = json!("LoseOpportunity"); r["item/Status"] = json!(1) },
            "1 is not a valid status reason for LoseOpportunity"),
        ("status as text", |r, _| r["item/Status"] = json!("3"),
            "Cannot convert the literal '\"3\"' to the expected type 'Edm.Int32' of WinOpportunity.Status."),
        ("no status", |r, _| without(r, "item/Status"), "WinOpportunity: Status is required (the status reason: 3 (Won))"),
        ("no close activity", |r, _| without(r, "item/OpportunityClose"), "WinOpportunity: OpportunityClose is required"),
        ("a close activity that is text", |r, id| r["item/OpportunityClose"] = json!(bind(id)),
            "WinOpportunity: OpportunityClose must be an opportunityclose object"),
        ("no bind", |r, _| without(&mut r["item/OpportunityClose"], "opportunityid@odata.bind"),
            "WinOpportunity: OpportunityClose must name its opportunity with opportunityid@odata.bind (\"/opportunities(<id>)\")"),
        ("a null bind", |r, _| r["item/OpportunityClose"]["opportunityid@odata.bind"] = Value::Null,
            "WinOpportunity: OpportunityClose must name its opportunity"),
        ("a bind without parentheses", |r, id| r["item/OpportunityClose"]["opportunityid@odata.bind"] = json!(format!("/opportunities/{id}")),
            "is not entityset(id)"),
        ("a bind to another table", |r, id| r["item/OpportunityClose"]["opportunityid@odata.bind"] = json!(format!("/accounts({id})")),
            "opportunityid cannot point to accounts (it points to opportunities)"),
        ("a bind that is not a GUID", |r, _| r["item/OpportunityClose"]["opportunityid@odata.bind"] = json!("/opportunities(42)"),
            "is neither a GUID nor alternate key values"),
        ("the lookup as a plain value", |r, id| r["item/OpportunityClose"] = json!({"opportunityid": id}),
            "opportunityid is a lookup: set it with opportunityid@odata.bind"),
        ("a column the activity lacks", |r, _| r["item/OpportunityClose"]["reason"] = json!("x"),
            "Invalid property 'reason' was found in entity 'Microsoft.Dynamics.CRM.opportunityclose'."),
        ("a column of the wrong type", |r, _| r["item/OpportunityClose"]["actualend"] = json!("yesterday"),
            "to the expected type 'Edm.DateTimeOffset' of opportunityclose.actualend."),
        ("a parameter the action lacks", |r, _| r["item/Reason"] = json!("x"),
            "WinOpportunity has no parameter Reason (it takes OpportunityClose and Status)"),
        ("a column flattened one level too deep", |r, _| r["item/OpportunityClose/subject"] = json!("s"),
            "WinOpportunity: item/OpportunityClose/subject: a name after item/ has no '/'"),
        ("an action the fake does not model", |r, _| r["actionName"] = json!("QualifyLead"),
            "PerformUnboundAction: the fake Dataverse does not model the action \"QualifyLead\" (it models WinOpportunity, LoseOpportunity)"),
        ("no action name", |r, _| without(r, "actionName"), "does not model the action \"\""),
    ];
    for (label, edit, message) in cases {
        let (mut dv, id) = open_deal();
        let before = dv.row("opportunity", &id).unwrap();
        let mut request = json!({"actionName": "WinOpportunity",
            "item/OpportunityClose": {"subject": "s", "opportunityid@odata.bind": bind(&id)}, "item/Status": 3});
        edit(&mut request, &id);
        let reply = call(&mut dv, "PerformUnboundAction", request);
        assert_eq!(reply.status, 400, "{label}: {}", reply.body);
        let said = reply.body["error"]["message"].as_str().unwrap();
        assert!(said.contains(message), "{label}: {said}");
        assert_eq!(dv.violations(), [said], "{label}: one violation, the message");
        assert_eq!(dv.row("opportunity", &id).unwrap(), before, "{label}: the opportunity is unchanged");
        assert!(dv.rows("opportunityclose").is_empty(), "{label}: no activity");
        assert!(dv.writes().is_empty(), "{label}");
    }
}

#[test]
fn a_user_closes_an_opportunity_as_the_actions_do() {
    let (dv, id) = open_deal();
    dv.set_now(START);
    dv.close_opportunity(&id, 5, "Lost to a competitor").unwrap();
    let deal = dv.row("opportunity", &id).unwrap();
    assert_eq!((&deal["statecode"], &deal["statuscode"]), (&json!(2), &json!(5)));
    let activity = &dv.rows("opportunityclose")[0];
    assert_eq!(
        (&activity["subject"], &activity["_opportunityid_value"], &activity["actualend"]),
        (&json!("Lost to a competitor"), &json!(id), &json!("2026-03-15T13:27:36Z"))
    );
    let changes: Vec<_> = dv.changes().iter().map(|c| (c.message, c.table.clone(), c.by_flow)).collect();
    assert_eq!(
        changes[1..],
        [(Message::Create, "opportunityclose".to_owned(), false), (Message::Update, "opportunity".to_owned(), false)]
    );
    assert!(dv.writes().is_empty(), "a user's close is not a flow's write");
    assert!(dv.close_opportunity(&id, 3, "again").unwrap_err().contains("is not open (it is Lost, statecode 2)"));
    let (dv, id) = open_deal();
    assert!(dv.close_opportunity(&id, 1, "x").unwrap_err().contains("1 is not a closed status reason"));
    assert!(dv
        .close_opportunity("0b9f6c7e-3d4b-4a5c-8d6e-7f8091a2b3c4", 3, "x")
        .unwrap_err()
        .contains("Does Not Exist"));
    assert_eq!(dv.row("opportunity", &id).unwrap()["statecode"], 0);
    assert!(dv.violations().is_empty(), "{:?}", dv.violations());
}
