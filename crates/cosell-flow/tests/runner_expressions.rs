//! Runner tests with expressions: the workflow functions as the runtime defines them, conditions
//! in both forms, per-item data operations, injected time and randomness, template errors.

use cosell_flow::fake::{Dataverse, FakeService};
use cosell_flow::run::{format_instant, Flow, Host, RunRecord, Status, TriggerInput};
use serde_json::{json, Value};

const START: i64 = 1_773_581_256_000; // 2026-03-15T13:27:36Z

fn flow_with(actions: Value, trigger_extra: Value) -> Flow {
    let mut trigger = json!({"type": "Request", "kind": "Http", "inputs": {"schema": {}}});
    if let (Some(t), Some(e)) = (trigger.as_object_mut(), trigger_extra.as_object()) {
        t.extend(e.clone());
    }
    Flow::from_value(
        &json!({"properties": {
            "displayName": "Expressions",
            "connectionReferences": {"shared_commondataserviceforapps": {"api": {"name": "shared_commondataserviceforapps"}}},
            "definition": {
                "parameters": {
                    "$connections": {"defaultValue": {}, "type": "Object"},
                    "Deal value column (cosell_DealValueColumn)": {"defaultValue": "estimatedvalue", "type": "String", "metadata": {"schemaName": "cosell_DealValueColumn"}},
                    "Sync co-sell only (cosell_SyncCoSellOnly)": {"defaultValue": false, "type": "Bool", "metadata": {"schemaName": "cosell_SyncCoSellOnly"}}
                },
                "triggers": {"manual": trigger},
                "actions": actions,
                "outputs": {"result": {"type": "String", "value": "@{outputs('Last')}"}}
            }
        }}),
        "expressions",
        None,
    )
    .unwrap()
}

fn flow(actions: Value) -> Flow {
    flow_with(actions, json!({}))
}

fn run(flow: &Flow, body: Value) -> RunRecord {
    Host::new(START, 7).run(flow, TriggerInput::body(body))
}

fn output(r: &RunRecord, name: &str) -> Value {
    r.last(name).unwrap_or_else(|| panic!("{name} did not run")).outputs.clone().unwrap_or(Value::Null)
}

#[test]
fn trigger_body_and_outputs() {
    let r = run(
        &flow(json!({
            "A": {"type": "Compose", "inputs": "@triggerBody()?['name']"},
            "B": {"type": "Compose", "inputs": "Hello @{triggerOutputs()?['body']?['name']}!"},
            "C": {"type": "Compose", "inputs": "@trigger()?['name']"},
            "Last": {"type": "Compose", "inputs": "done", "runAfter": {"A": ["Succeeded"], "B": ["Succeeded"], "C": ["Succeeded"]}}
        })),
        json!({"name": "Contoso"}),
    );
    assert_eq!(
        (output(&r, "A"), output(&r, "B"), output(&r, "C")),
        (json!("Contoso"), json!("Hello Contoso!"), json!("manual"))
    );
    assert_eq!(r.outputs, json!({"result": "done"}), "definition outputs are evaluated at the end");
}

#[test]
fn actions_body_outputs_of_earlier_actions() {
    let dv = Dataverse::new();
    let id = dv.insert("account", json!({"name": "Contoso"})).unwrap();
    let mut host = Host::new(START, 1);
    host.bind("shared_commondataserviceforapps", dv.clone());
    let f = flow(json!({
        "Get": {"type": "OpenApiConnection", "inputs": {
            "host": {"connectionName": "shared_commondataserviceforapps", "operationId": "GetItem"},
            "parameters": {"entityName": "accounts", "recordId": "@triggerBody()?['id']"}}},
        "Name": {"type": "Compose", "inputs": "@body('Get')?['name']", "runAfter": {"Get": ["Succeeded"]}},
        "Code": {"type": "Compose", "inputs": "@outputs('Get')?['statusCode']", "runAfter": {"Get": ["Succeeded"]}},
        "Status": {"type": "Compose", "inputs": "@actions('Get')?['status']", "runAfter": {"Get": ["Succeeded"]}},
        "Path": {"type": "Compose", "inputs": "@outputs('Get')?['body/name']", "runAfter": {"Get": ["Succeeded"]}},
        "Composed": {"type": "Compose", "inputs": "@outputs('Name')", "runAfter": {"Name": ["Succeeded"]}}
    }));
    let r = host.run(&f, TriggerInput::body(json!({"id": id})));
    assert_eq!(output(&r, "Name"), json!("Contoso"));
    assert_eq!(output(&r, "Code"), json!(200));
    assert_eq!(output(&r, "Status"), json!("Succeeded"));
    assert_eq!(output(&r, "Path"), json!("Contoso"), "OpenAPI output paths");
    assert_eq!(output(&r, "Composed"), json!("Contoso"));
    assert_eq!(dv.calls("GetItem")[0].parameters["recordId"], json!(id));
}

#[test]
fn a_reference_to_an_action_that_has_not_run_fails_with_invalid_template() {
    let r = run(
        &flow(json!({
            "Early": {"type": "Compose", "inputs": "@body('Late')"},
            "Late": {"type": "Compose", "inputs": 1, "runAfter": {"Early": ["Failed"]}},
            "Unknown": {"type": "Compose", "inputs": "@body('Nowhere')", "runAfter": {"Late": ["Succeeded"]}}
        })),
        json!({}),
    );
    let early = r.last("Early").unwrap();
    assert_eq!((early.status, early.code.as_deref()), (Status::Failed, Some("InvalidTemplate")));
    let message = early.error.as_ref().unwrap()["message"].as_str().unwrap();
    assert!(
        message.contains("'Early'") && message.contains("has not run yet") && message.contains("at position"),
        "{message}"
    );
    assert!(r.last("Unknown").unwrap().error.as_ref().unwrap()["message"]
        .as_str()
        .unwrap()
        .contains("not defined in the flow"));
}

#[test]
fn variables_through_expressions() {
    let r = run(
        &flow(json!({
            "Init": {"type": "InitializeVariable", "inputs": {"variables": [{"name": "count", "type": "integer", "value": "@triggerBody()?['start']"}]}},
            "Add": {"type": "IncrementVariable", "inputs": {"name": "count", "value": "@mul(2, 3)"}, "runAfter": {"Init": ["Succeeded"]}},
            "Read": {"type": "Compose", "inputs": "@variables('count')", "runAfter": {"Add": ["Succeeded"]}},
            "Missing": {"type": "Compose", "inputs": "@variables('nope')", "runAfter": {"Read": ["Succeeded"]}}
        })),
        json!({"start": 4}),
    );
    assert_eq!(output(&r, "Read"), json!(10));
    assert_eq!(r.status_of("Missing"), Some(Status::Failed));
}

#[test]
fn parameters_read_environment_variables_then_defaults() {
    let f = flow(json!({
        "Column": {"type": "Compose", "inputs": "@parameters('Deal value column (cosell_DealValueColumn)')"},
        "CoSellOnly": {"type": "Compose", "inputs": "@parameters('Sync co-sell only (cosell_SyncCoSellOnly)')"},
        "Connections": {"type": "Compose", "inputs": "@parameters('$connections')"},
        "Unknown": {"type": "Compose", "inputs": "@parameters('Nope')"}
    }));
    let defaults = run(&f, json!({}));
    assert_eq!(output(&defaults, "Column"), json!("estimatedvalue"));
    assert_eq!(output(&defaults, "CoSellOnly"), json!(false));
    assert_eq!(output(&defaults, "Connections"), json!({}));
    assert_eq!(defaults.status_of("Unknown"), Some(Status::Failed));
    let mut host = Host::new(START, 1);
    host.set_environment("cosell_DealValueColumn", json!("new_dealvalue"));
    host.set_environment("Sync co-sell only (cosell_SyncCoSellOnly)", json!(true));
    let set = host.run(&f, TriggerInput::body(json!({})));
    assert_eq!((output(&set, "Column"), output(&set, "CoSellOnly")), (json!("new_dealvalue"), json!(true)));
}

#[test]
fn foreach_items_and_nested_loops() {
    let r = run(
        &flow(json!({
            "Outer": {"type": "Foreach", "foreach": "@triggerBody()?['groups']", "actions": {
                "Inner": {"type": "Foreach", "foreach": "@items('Outer')?['members']", "actions": {
                    "Pair": {"type": "Compose", "inputs": "@{items('Outer')?['name']}/@{items('Inner')}/@{item()}"}
                }}
            }}
        })),
        json!({"groups": [{"name": "a", "members": [1, 2]}, {"name": "b", "members": [3]}]}),
    );
    let pairs: Vec<Value> = r.action("Pair").filter_map(|a| a.outputs.clone()).collect();
    assert_eq!(pairs, [json!("a/1/1"), json!("a/2/2"), json!("b/3/3")]);
    assert_eq!(r.action("Pair").last().unwrap().parents, ["Outer[1]", "Inner[0]"]);
    assert_eq!(r.actions_executed(), 2 + 1 + 3 + 1 - 1, "Outer, two Inner runs, three Pairs");
}

#[test]
fn query_select_and_table_bind_item() {
    let rows = json!([{"id": 1, "n": 5, "name": "a"}, {"id": 2, "n": 1, "name": "b"}, {"id": 3, "n": 9, "name": "c"}]);
    let r = run(
        &flow(json!({
            "Big": {"type": "Query", "inputs": {"from": "@triggerBody()?['rows']", "where": "@greater(item()?['n'], 2)"}},
            "Designer": {"type": "Query", "inputs": {"from": "@triggerBody()?['rows']", "where": {"and": [{"less": ["@item()?['n']", 9]}, {"not": {"equals": ["@item()?['name']", "b"]}}]}}},
            "Ids": {"type": "Select", "inputs": {"from": "@body('Big')", "select": {"key": "@item()?['id']", "label": "#@{item()?['name']}"}}, "runAfter": {"Big": ["Succeeded"]}},
            "Csv": {"type": "Table", "inputs": {"from": "@body('Big')", "format": "CSV", "columns": [{"header": "Name", "value": "@item()?['name']"}, {"header": "Twice", "value": "@mul(item()?['n'], 2)"}]}, "runAfter": {"Big": ["Succeeded"]}},
            "Joined": {"type": "Join", "inputs": {"from": "@body('Ids')", "joinWith": "|"}, "runAfter": {"Ids": ["Succeeded"]}}
        })),
        json!({"rows": rows}),
    );
    assert_eq!(output(&r, "Big")["body"], json!([{"id": 1, "n": 5, "name": "a"}, {"id": 3, "n": 9, "name": "c"}]));
    assert_eq!(output(&r, "Designer")["body"], json!([{"id": 1, "n": 5, "name": "a"}]));
    assert_eq!(output(&r, "Ids")["body"], json!([{"key": 1, "label": "#a"}, {"key": 3, "label": "#c"}]));
    assert_eq!(output(&r, "Csv")["body"], json!("Name,Twice\r\na,10\r\nc,18"));
    assert_eq!(output(&r, "Joined")["body"], json!("{\"key\":1,\"label\":\"#a\"}|{\"key\":3,\"label\":\"#c\"}"));
}

#[test]
fn if_conditions_in_both_forms() {
    let f = flow(json!({
        "Text": {"type": "If", "expression": "@equals(triggerBody()?['x'], 1)", "actions": {"T1": {"type": "Compose", "inputs": 1}}},
        "Object": {"type": "If", "expression": {"or": [{"equals": ["@triggerBody()?['x']", 2]}, {"and": [
            {"greaterOrEquals": ["@triggerBody()?['x']", 1]},
            {"contains": ["@triggerBody()?['tags']", "co-sell"]},
            {"startsWith": ["@triggerBody()?['name']", "CON"]},
            {"not": {"endsWith": ["@triggerBody()?['name']", "zz"]}}
        ]}]}, "actions": {"T2": {"type": "Compose", "inputs": 2}}, "else": {"actions": {"E2": {"type": "Compose", "inputs": 2}}}},
        "Quote": {"type": "If", "expression": {"equals": ["@triggerBody()?['name']", "Contoso's"]}, "actions": {"T3": {"type": "Compose", "inputs": 3}}},
        "NotBool": {"type": "If", "expression": "@triggerBody()?['name']", "actions": {}}
    }));
    let r = run(&f, json!({"x": 1, "tags": ["co-sell"], "name": "Contoso's"}));
    assert_eq!(r.status_of("T1"), Some(Status::Succeeded));
    assert_eq!((r.status_of("T2"), r.status_of("E2")), (Some(Status::Succeeded), None));
    assert_eq!(r.status_of("T3"), Some(Status::Succeeded), "quotes in operands survive");
    assert_eq!(r.last("NotBool").unwrap().code.as_deref(), Some("InvalidTemplate"));
    let r = run(&f, json!({"x": 0, "tags": [], "name": "Fabrikam"}));
    assert_eq!((r.status_of("T1"), r.status_of("T2"), r.status_of("E2")), (None, None, Some(Status::Succeeded)));
}

#[test]
fn switch_on_an_expression() {
    let f = flow(json!({"Kind": {"type": "Switch", "expression": "@triggerBody()?['kind']",
        "cases": {"Lead": {"case": "lead", "actions": {"L": {"type": "Compose", "inputs": 1}}},
                  "Opp": {"case": "opportunity", "actions": {"O": {"type": "Compose", "inputs": 2}}}},
        "default": {"actions": {"D": {"type": "Compose", "inputs": 3}}}}}));
    assert_eq!(run(&f, json!({"kind": "opportunity"})).status_of("O"), Some(Status::Succeeded));
    assert_eq!(run(&f, json!({"kind": "other"})).status_of("D"), Some(Status::Succeeded));
}

#[test]
fn until_with_variables_and_iteration_indexes() {
    let r = run(
        &flow(json!({
            "Init": {"type": "InitializeVariable", "inputs": {"variables": [{"name": "n", "type": "integer", "value": 0}]}},
            "Loop": {"type": "Until", "expression": "@equals(variables('n'), 3)", "limit": {"count": 10}, "runAfter": {"Init": ["Succeeded"]}, "actions": {
                "Index": {"type": "Compose", "inputs": "@iterationIndexes('Loop')"},
                "Inc": {"type": "IncrementVariable", "inputs": {"name": "n"}, "runAfter": {"Index": ["Succeeded"]}}
            }}
        })),
        json!({}),
    );
    let indexes: Vec<Value> = r.action("Index").filter_map(|a| a.outputs.clone()).collect();
    assert_eq!(indexes, [json!(0), json!(1), json!(2)]);
    assert_eq!(output(&r, "Loop"), json!({"iterations": 3, "conditionMet": true}));
}

#[test]
fn result_lists_a_scopes_actions_for_error_handling() {
    let r = run(
        &flow(json!({
            "Try": {"type": "Scope", "actions": {
                "Ok": {"type": "Compose", "inputs": 1},
                "Broken": {"type": "Compose", "inputs": "@div(1, 0)", "runAfter": {"Ok": ["Succeeded"]}}
            }},
            "Failures": {"type": "Query", "inputs": {"from": "@result('Try')", "where": "@equals(item()?['status'], 'Failed')"}, "runAfter": {"Try": ["Failed"]}},
            "Names": {"type": "Select", "inputs": {"from": "@body('Failures')", "select": "@item()?['name']"}, "runAfter": {"Failures": ["Succeeded"]}}
        })),
        json!({}),
    );
    assert_eq!(r.status_of("Try"), Some(Status::Failed));
    assert_eq!(output(&r, "Names")["body"], json!(["Broken"]));
    assert_eq!(r.status, Status::Succeeded, "the failure is handled");
}

#[test]
fn trigger_conditions_skip_the_run() {
    let f = flow_with(
        json!({"A": {"type": "Compose", "inputs": 1}}),
        json!({"conditions": [{"expression": "@equals(triggerBody()?['go'], true)"}]}),
    );
    let skipped = run(&f, json!({"go": false}));
    assert_eq!((skipped.status, skipped.trigger.status, skipped.actions.len()), (Status::Skipped, Status::Skipped, 0));
    assert_eq!(skipped.platform_requests(), 0);
    assert_eq!(run(&f, json!({"go": true})).status, Status::Succeeded);
}

#[test]
fn time_and_randomness_are_injected() {
    let f = flow(json!({
        "Now": {"type": "Compose", "inputs": "@utcNow()"},
        "Wait": {"type": "Wait", "inputs": {"interval": {"count": 2, "unit": "Hour"}}, "runAfter": {"Now": ["Succeeded"]}},
        "Later": {"type": "Compose", "inputs": "@formatDateTime(utcNow(), 'yyyy-MM-ddTHH:mm')", "runAfter": {"Wait": ["Succeeded"]}},
        "Id": {"type": "Compose", "inputs": "@guid()", "runAfter": {"Later": ["Succeeded"]}},
        "Flow": {"type": "Compose", "inputs": "@workflow()?['tags']?['flowDisplayName']"},
        "Run": {"type": "Compose", "inputs": "@workflow()?['run']?['name']"}
    }));
    let a = run(&f, json!({}));
    assert!(output(&a, "Now").as_str().unwrap().starts_with("2026-03-15T13:27:36"), "{}", output(&a, "Now"));
    assert_eq!(output(&a, "Later"), json!("2026-03-15T15:27"));
    assert_eq!(output(&a, "Flow"), json!("Expressions"));
    assert_eq!(output(&a, "Run"), json!(a.id));
    let b = run(&f, json!({}));
    assert_eq!(output(&a, "Id"), output(&b, "Id"), "same seed, same guid");
    let c = Host::new(START, 8).run(&f, TriggerInput::body(json!({})));
    assert_ne!(output(&a, "Id"), output(&c, "Id"));
    assert_eq!(format_instant(a.end_millis), "2026-03-15T15:27:36.0000000Z");
}

#[test]
fn child_flow_receives_evaluated_inputs() {
    let child = Flow::from_value(
        &json!({"definition": {
            "triggers": {"manual": {"type": "Request", "kind": "Button", "inputs": {"schema": {}}}},
            "actions": {"Answer": {"type": "Response", "kind": "PowerApp", "inputs": {"statusCode": 200, "body": {"doubled": "@mul(triggerBody()?['n'], 2)"}}}}
        }}),
        "Child",
        Some("child".into()),
    )
    .unwrap();
    let mut host = Host::new(START, 1);
    host.add_flow(child);
    let f = flow(json!({
        "Call": {"type": "Workflow", "inputs": {"host": {"workflowReferenceName": "child"}, "body": {"n": "@triggerBody()?['n']"}}},
        "Use": {"type": "Compose", "inputs": "@body('Call')?['doubled']", "runAfter": {"Call": ["Succeeded"]}}
    }));
    let r = host.run(&f, TriggerInput::body(json!({"n": 21})));
    assert_eq!(output(&r, "Use"), json!(42));
}

#[test]
fn row_trigger_body_is_read_with_openapi_paths() {
    let dv = Dataverse::new();
    let mut host = Host::new(START, 1);
    host.bind("shared_commondataserviceforapps", dv.clone());
    let f = Flow::from_value(
        &json!({"definition": {
            "triggers": {"When_a_row_is_modified": {"type": "OpenApiConnectionWebhook", "inputs": {
                "host": {"connectionName": "shared_commondataserviceforapps", "operationId": "SubscribeWebhookTrigger"},
                "parameters": {"subscriptionRequest/message": 3, "subscriptionRequest/entityname": "opportunity", "subscriptionRequest/scope": 4}}}},
            "actions": {"Name": {"type": "Compose", "inputs": "@{triggerOutputs()?['body/name']} (@{triggerOutputs()?['body/SdkMessage']})"}}
        }}),
        "row",
        None,
    )
    .unwrap();
    let id = dv.insert("opportunity", json!({"name": "Deal"})).unwrap();
    dv.update("opportunity", &id, json!({"name": "Deal 2"})).unwrap();
    let change = dv.changes().pop().unwrap();
    let r = host.run(&f, TriggerInput::Event(change.to_event()));
    assert_eq!(output(&r, "Name"), json!("Deal 2 (Update)"));
}

#[test]
fn a_broken_expression_is_refused_when_the_flow_is_read() {
    let e = Flow::from_value(
        &json!({"definition": {
            "triggers": {"manual": {"type": "Request", "kind": "Http"}},
            "actions": {"Bad": {"type": "Compose", "inputs": {"x": ["ok", "@concat('a'"]}}}
        }}),
        "bad",
        None,
    )
    .unwrap_err();
    assert_eq!(e.path, "$.definition.actions.Bad.inputs.x[1]");
    assert!(e.message.contains("at position"), "{}", e.message);
    let e = Flow::from_value(
        &json!({"definition": {"triggers": {"manual": {"type": "Request"}}, "actions": {"Bad": {"type": "Compose", "inputs": "@div(1)"}}}}),
        "bad",
        None,
    )
    .unwrap_err();
    assert_eq!(e.path, "$.definition.actions.Bad.inputs");
    let ok = Flow::from_value(
        &json!({"definition": {"triggers": {"manual": {"type": "Request"}}, "actions": {"Mail": {"type": "Compose", "inputs": "write to a@b.example, @@handle"}}}}),
        "ok",
        None,
    );
    assert!(ok.is_ok(), "an @ inside text is not an expression");
}
