//! The definition reader: every malformed flow is refused with the JSON path of the problem.

use cosell_flow::run::{Flow, FlowError, Kind, TriggerKind};
use serde_json::{json, Value};

fn read(actions: Value) -> Result<Flow, FlowError> {
    Flow::from_value(
        &json!({"properties": {"definition": {"triggers": {"manual": {"type": "Request", "kind": "Http"}}, "actions": actions}}}),
        "t",
        None,
    )
}

fn error(actions: Value) -> String {
    read(actions).unwrap_err().to_string()
}

#[test]
fn accepts_the_three_file_shapes() {
    let definition = json!({"triggers": {"manual": {"type": "Request", "kind": "Button"}}, "actions": {}});
    for doc in [
        json!({"properties": {"definition": definition, "displayName": "Named"}}),
        json!({"definition": definition}),
        definition.clone(),
    ] {
        let f = Flow::from_value(&doc, "fallback", None).unwrap();
        assert_eq!(f.trigger.kind, TriggerKind::Request { kind: "Button".into() });
    }
    let named =
        Flow::from_value(&json!({"properties": {"definition": definition, "displayName": "Named"}}), "fallback", None)
            .unwrap();
    assert_eq!(named.name, "Named");
}

#[test]
fn orders_actions_by_run_after() {
    let f = read(json!({
        "C": {"type": "Compose", "runAfter": {"B": ["Succeeded"]}},
        "A": {"type": "Compose"},
        "B": {"type": "Compose", "runAfter": {"A": []}}
    }))
    .unwrap();
    let names: Vec<_> = f.actions.actions.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["A", "B", "C"]);
}

#[test]
fn refuses_unknown_predecessors_cycles_and_bad_statuses() {
    assert_eq!(
        error(json!({"A": {"type": "Compose", "runAfter": {"Nope": ["Succeeded"]}}})),
        "$.properties.definition.actions.A.runAfter.Nope: runs after Nope, which is not an action in the same scope"
    );
    assert!(error(json!({
        "A": {"type": "Compose", "runAfter": {"B": ["Succeeded"]}},
        "B": {"type": "Compose", "runAfter": {"A": ["Succeeded"]}}
    }))
    .contains("runAfter forms a cycle among A, B"));
    assert_eq!(
        error(json!({"A": {"type": "Compose", "runAfter": {"A": ["Succeeded"]}}})),
        "$.properties.definition.actions.A.runAfter.A: an action cannot run after itself"
    );
    assert_eq!(
        error(json!({"A": {"type": "Compose"}, "B": {"type": "Compose", "runAfter": {"A": ["Done"]}}})),
        "$.properties.definition.actions.B.runAfter.A[0]: expected Succeeded, Failed, Skipped or TimedOut, found \"Done\""
    );
    // A predecessor in another scope is not a sibling.
    assert!(error(json!({
        "S": {"type": "Scope", "actions": {"Inner": {"type": "Compose"}}},
        "B": {"type": "Compose", "runAfter": {"Inner": ["Succeeded"]}}
    }))
    .starts_with("$.properties.definition.actions.B.runAfter.Inner:"));
}

#[test]
fn refuses_unknown_types_duplicates_and_missing_parts() {
    assert_eq!(
        error(json!({"Get a row": {"type": "Http"}})),
        "$.properties.definition.actions['Get a row'].type: action type Http is not supported by this engine"
    );
    assert_eq!(
        error(
            json!({"S": {"type": "Scope", "actions": {"A": {"type": "Compose"}}}, "T": {"type": "Scope", "actions": {"A": {"type": "Compose"}}}})
        ),
        "$.properties.definition.actions.T.actions.A: another trigger or action is already named A"
    );
    assert_eq!(error(json!({"A": {"inputs": 1}})), "$.properties.definition.actions.A: missing type");
    assert_eq!(error(json!({"A": 3})), "$.properties.definition.actions.A: an action must be an object");
    assert_eq!(
        error(json!({"L": {"type": "Foreach", "actions": {}}})),
        "$.properties.definition.actions.L: missing foreach"
    );
    assert_eq!(
        error(json!({"I": {"type": "If", "actions": {}}})),
        "$.properties.definition.actions.I: missing expression"
    );
    assert_eq!(
        error(json!({"U": {"type": "Until", "expression": true, "limit": {"count": 0}}})),
        "$.properties.definition.actions.U.limit.count: must be a positive integer"
    );
    assert_eq!(
        error(json!({"U": {"type": "Until", "expression": true, "limit": {"timeout": "1 hour"}}})),
        "$.properties.definition.actions.U.limit.timeout: must be an ISO 8601 duration such as PT1H"
    );
    assert_eq!(
        error(json!({"C": {"type": "OpenApiConnection", "inputs": {"host": {"connectionName": "c"}}}})),
        "$.properties.definition.actions.C.inputs.host.operationId: must be a non-empty string"
    );
    assert_eq!(
        error(json!({"W": {"type": "Switch", "expression": 1, "cases": {"A": {"case": 1}, "B": {"case": 1}}}})),
        "$.properties.definition.actions.W.cases.B.case: another case has the same value"
    );
    assert_eq!(error(json!([])), "$.properties.definition.actions: must be an object");
}

#[test]
fn refuses_bad_triggers() {
    let bad = |triggers: Value| {
        Flow::from_value(&json!({"triggers": triggers, "actions": {}}), "t", None).unwrap_err().to_string()
    };
    assert_eq!(bad(json!({})), "$.triggers: a flow needs a trigger");
    assert_eq!(
        bad(json!({"a": {"type": "Request"}, "b": {"type": "Request"}})),
        "$.triggers.b: a flow has exactly one trigger"
    );
    assert!(bad(json!({"t": {"type": "ApiConnection"}}))
        .starts_with("$.triggers.t.type: trigger type ApiConnection is not supported"));
    assert_eq!(
        bad(json!({"t": {"type": "OpenApiConnectionWebhook", "inputs": {}}})),
        "$.triggers.t.inputs.host: missing host"
    );
    assert_eq!(Flow::from_value(&json!(3), "t", None).unwrap_err().to_string(), "$: a flow must be a JSON object");
    assert!(Flow::from_value(&json!({"x": 1}), "t", None).unwrap_err().message.starts_with("no flow definition"));
    assert!(Flow::from_json_text("{", "t", None).unwrap_err().message.starts_with("not valid JSON"));
}

#[test]
fn reads_parameters_and_webhook_triggers() {
    let f = Flow::from_value(
        &json!({"definition": {
            "parameters": {
                "$connections": {"defaultValue": {}, "type": "Object"},
                "Deal value column (cosell_DealValueColumn)": {"defaultValue": "estimatedvalue", "type": "String", "metadata": {"schemaName": "cosell_DealValueColumn"}}
            },
            "triggers": {"When_a_row_is_added": {"type": "OpenApiConnectionWebhook", "inputs": {
                "host": {"connectionName": "shared_commondataserviceforapps", "operationId": "SubscribeWebhookTrigger"},
                "parameters": {"subscriptionRequest/message": 1}
            }, "conditions": [{"expression": "@true"}]}},
            "actions": {}
        }}),
        "t",
        None,
    )
    .unwrap();
    assert_eq!(
        f.parameters["Deal value column (cosell_DealValueColumn)"].schema_name.as_deref(),
        Some("cosell_DealValueColumn")
    );
    assert_eq!(
        f.trigger.kind,
        TriggerKind::Webhook {
            connection: "shared_commondataserviceforapps".into(),
            operation: "SubscribeWebhookTrigger".into()
        }
    );
    assert_eq!(f.trigger.conditions, ["@true"]);
}

#[test]
fn nested_containers_are_read() {
    let f = read(json!({
        "If": {"type": "if", "expression": true, "actions": {"A": {"type": "compose"}}, "else": {"actions": {"B": {"type": "Compose"}}}},
        "Loop": {"type": "foreach", "foreach": [], "actions": {"C": {"type": "Compose"}}}
    }))
    .unwrap();
    assert_eq!(f.all_actions().len(), 5);
    assert!(matches!(f.actions.get("If").unwrap().kind, Kind::If { .. }));
    assert_eq!(Flow::id_from_file_name("Sync-not-a-guid.json"), None);
}

#[test]
fn a_solutions_workflows_are_read_by_file() {
    let flow = r#"{"properties": {"definition": {"triggers": {"manual": {"type": "Request", "kind": "Button"}}, "actions": {}}}}"#;
    let files = [
        ("Workflows/CoSellSync-8E1A2B3C-0000-4000-8000-00000000000A.json", flow),
        ("solution/Workflows/Backfill.json", flow),
        ("Workflows/CoSellSync-8E1A2B3C-0000-4000-8000-00000000000A.json.data.xml", "<Workflow/>"),
        ("customizations.xml", "<ImportExportXml/>"),
        ("WebResources/cosell_/opportunity.js", "x"),
    ];
    let flows = Flow::from_solution_files(files).unwrap();
    let names: Vec<_> = flows.iter().map(|f| (f.name.as_str(), f.id.as_deref())).collect();
    assert_eq!(names, [("CoSellSync", Some("8e1a2b3c-0000-4000-8000-00000000000a")), ("Backfill", None)]);
    let broken = Flow::from_solution_files([("Workflows/Bad.json", "{")]).unwrap_err();
    assert_eq!(broken.path, "Workflows/Bad.json: $");
}
