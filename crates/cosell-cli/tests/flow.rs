//! `cosell flow eval` and `cosell flow run` (docs/cli.md), run as the built binary: the output,
//! the exit codes and every error path.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};

mod common;

use common::Run;

fn cosell(args: &[&str]) -> Run {
    common::run(args, None, None)
}

/// A fresh folder for one test.
fn folder(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cosell-flow-cli").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, value: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(value).unwrap()).unwrap();
    path.to_string_lossy().into_owned()
}

fn s(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

// ---- flow eval ----

#[test]
fn eval_prints_the_documented_examples() {
    assert_eq!(
        cosell(&["flow", "eval", "formatDateTime('2026-03-15T13:27:36Z', 'yyyy-MM-dd')"]).exit(0).stdout,
        "\"2026-03-15\"\n"
    );
    assert_eq!(cosell(&["flow", "eval", "div(10, 3)"]).exit(0).stdout, "3\n");
}

#[test]
fn eval_prints_integral_exponent_numbers_as_integers() {
    let out = cosell(&["flow", "eval", "json('[1e2, 2E+3, -5e0, 1e-7, 1.50, 12345678901234567890]')"]).exit(0);
    assert_eq!(out.stdout.split_whitespace().collect::<String>(), "[100,2000,-5,1e-7,1.50,12345678901234567890]");
    assert_eq!(cosell(&["flow", "eval", "--", "-5"]).exit(0).stdout, "-5\n");
}

#[test]
fn eval_takes_the_leading_at_and_templates() {
    assert_eq!(cosell(&["flow", "eval", "@add(1, 2)"]).exit(0).stdout, "3\n");
    assert_eq!(cosell(&["flow", "eval", "sum: @{add(1, 2)}"]).exit(0).stdout, "\"sum: 3\"\n");
    assert_eq!(cosell(&["flow", "eval", "createArray(1, 'a')"]).exit(0).json(), json!([1, "a"]));
}

#[test]
fn eval_reads_a_context() {
    let dir = folder("eval-context");
    let context = write(
        &dir,
        "context.json",
        &json!({
            "triggerBody": {"name": "Contoso"},
            "actions": {"Get": {"outputs": {"statusCode": 200, "body": {"value": [1, 2]}}}},
            "variables": {"n": 4},
            "parameters": {"Column (cosell_DealValueColumn)": "estimatedvalue"},
            "now": "2026-03-15T13:27:36Z"
        }),
    );
    let eval = |e: &str| cosell(&["flow", "eval", e, "--context", &context]).exit(0).json();
    assert_eq!(eval("triggerBody()?['name']"), json!("Contoso"));
    assert_eq!(eval("length(body('Get')?['value'])"), json!(2));
    assert_eq!(eval("mul(variables('n'), 2)"), json!(8));
    assert_eq!(eval("parameters('Column (cosell_DealValueColumn)')"), json!("estimatedvalue"));
    assert_eq!(eval("utcNow('yyyy-MM-dd')"), json!("2026-03-15"));
}

#[test]
fn eval_error_paths() {
    cosell(&["flow", "eval", "concat('a'"]).bad_input(&["cosell: expression: at position 10"]);
    cosell(&["flow", "eval", "nosuch(1)"]).bad_input(&["cosell: expression: at position"]);
    cosell(&["flow", "eval", "div(1, 0)"]).bad_input(&["cosell: expression: at position"]);
    cosell(&["flow", "eval", "variables('x')"]).bad_input(&["cosell: expression:"]);
    let dir = folder("eval-errors");
    let missing = s(&dir.join("missing.json"));
    cosell(&["flow", "eval", "1", "--context", &missing]).bad_input(&["missing.json: cannot read the file"]);
    let not_json = dir.join("bad.json");
    std::fs::write(&not_json, "{").unwrap();
    cosell(&["flow", "eval", "1", "--context", &s(&not_json)]).bad_input(&["bad.json: not valid JSON"]);
    let wrong = write(&dir, "wrong.json", &json!({"variables": [1]}));
    cosell(&["flow", "eval", "1", "--context", &wrong]).bad_input(&["wrong.json: $.variables: must be an object"]);
    let unknown = write(&dir, "unknown.json", &json!({"vars": {}}));
    cosell(&["flow", "eval", "1", "--context", &unknown]).bad_input(&["unknown.json: $.vars: unknown key"]);
    cosell(&["flow", "eval"]).usage("<EXPRESSION>");
}

// ---- flow run ----

fn flow_document(actions: Value) -> Value {
    json!({"properties": {
        "connectionReferences": {
            "shared_commondataserviceforapps": {"api": {"name": "shared_commondataserviceforapps"}},
            "shared_pc": {"api": {"name": "shared_cosell-5fpartner-20center-20referrals"}}
        },
        "definition": {
            "parameters": {"Name (cosell_Name)": {"type": "String", "defaultValue": "default", "metadata": {"schemaName": "cosell_Name"}}},
            "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {"schema": {}}}},
            "actions": actions
        }
    }})
}

fn create_account() -> Value {
    json!({"Add": {"type": "OpenApiConnection", "inputs": {
        "host": {"connectionName": "shared_commondataserviceforapps", "operationId": "CreateRecord"},
        "parameters": {"entityName": "accounts", "item/name": "@{triggerBody()?['name']} / @{parameters('Name (cosell_Name)')}"}}}})
}

#[test]
fn run_prints_the_record_and_keeps_state() {
    let dir = folder("run-state");
    let state = dir.join("state");
    std::fs::create_dir_all(&state).unwrap();
    write(&state, "environment.json", &json!({"cosell_Name": "from env"}));
    write(&state, "host.json", &json!({"now": "2026-03-15T13:27:36Z", "seed": 4}));
    let flow = write(&dir, "Sync-8E1A2B3C-0000-4000-8000-00000000000A.json", &flow_document(create_account()));
    let trigger = write(&dir, "trigger.json", &json!({"body": {"name": "Contoso"}}));
    let record = cosell(&["flow", "run", &flow, "--trigger", &trigger, "--state", &s(&state)]).exit(0).json();
    assert_eq!(record["status"], "Succeeded");
    assert_eq!(record["actionsExecuted"], 1);
    assert_eq!(record["platformRequests"], 2);
    assert_eq!(record["startTime"], "2026-03-15T13:27:36.0000000Z");
    assert_eq!(record["actions"][0]["outputs"]["statusCode"], 201);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(state.join("dataverse.json")).unwrap()).unwrap();
    assert_eq!(saved["account"][0]["name"], "Contoso / from env");
    // A second run sees the first run's row.
    let second = cosell(&["flow", "run", &flow, "--trigger", &trigger, "--state", &s(&state)]).exit(0).json();
    assert_ne!(second["runId"], record["runId"], "the seed moves on");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(state.join("dataverse.json")).unwrap()).unwrap();
    assert_eq!(saved["account"].as_array().unwrap().len(), 2);
}

#[test]
fn run_without_state_is_reproducible() {
    let dir = folder("run-repro");
    let flow = write(&dir, "flow.json", &flow_document(create_account()));
    let trigger = write(&dir, "trigger.json", &json!({"body": {"name": "A"}}));
    let a = cosell(&["flow", "run", &flow, "--trigger", &trigger]).exit(0).stdout;
    let b = cosell(&["flow", "run", &flow, "--trigger", &trigger]).exit(0).stdout;
    assert_eq!(a, b);
}

#[test]
fn a_failed_run_exits_1_with_its_record() {
    let dir = folder("run-failed");
    let flow = write(
        &dir,
        "flow.json",
        &flow_document(
            json!({"Stop": {"type": "Terminate", "inputs": {"runStatus": "Failed", "runError": {"code": "X", "message": "stopped"}}}}),
        ),
    );
    let trigger = write(&dir, "trigger.json", &json!({"body": {}}));
    let record = cosell(&["flow", "run", &flow, "--trigger", &trigger]).exit(1).json();
    assert_eq!(record["status"], "Failed");
    assert_eq!(record["error"], json!({"code": "X", "message": "stopped"}));
}

#[test]
fn faults_from_the_state_folder_are_injected() {
    let dir = folder("run-faults");
    let state = dir.join("state");
    std::fs::create_dir_all(&state).unwrap();
    write(&state, "faults.json", &json!({"dataverse": [{"operation": "CreateRecord", "status": 429, "times": 2}]}));
    let mut actions = create_account();
    actions["Add"]["inputs"]["retryPolicy"] = json!({"type": "fixed", "count": 1, "interval": "PT5S"});
    let flow = write(&dir, "flow.json", &flow_document(actions));
    let trigger = write(&dir, "trigger.json", &json!({"body": {"name": "A"}}));
    let record = cosell(&["flow", "run", &flow, "--trigger", &trigger, "--state", &s(&state)]).exit(1).json();
    assert_eq!(record["actions"][0]["code"], "TooManyRequests");
    assert_eq!(record["actions"][0]["retries"], 1);
    assert_eq!(record["platformRequests"], 3);
}

#[test]
fn child_flows_are_found_beside_the_flow() {
    let dir = folder("run-child");
    write(
        &dir,
        "Child-0B9F6C7E-3D4B-4A5C-8D6E-7F8091A2B3C4.json",
        &json!({"properties": {"definition": {
            "triggers": {"manual": {"type": "Request", "kind": "Button"}},
            "actions": {"Answer": {"type": "Response", "kind": "PowerApp", "inputs": {"statusCode": 200, "body": {"got": "@triggerBody()?['x']"}}}}
        }}}),
    );
    std::fs::write(dir.join("notes.json"), "not a flow").unwrap();
    let flow = write(
        &dir,
        "Parent.json",
        &flow_document(
            json!({"Call": {"type": "Workflow", "inputs": {"host": {"workflowReferenceName": "0b9f6c7e-3d4b-4a5c-8d6e-7f8091a2b3c4"}, "body": {"x": 5}}}}),
        ),
    );
    let trigger = write(&dir, "trigger.json", &json!({"body": {}}));
    let record = cosell(&["flow", "run", &flow, "--trigger", &trigger]).exit(0).json();
    assert_eq!(record["actions"][0]["outputs"]["body"], json!({"got": 5}));
    assert_eq!(record["actions"][0]["childRun"]["status"], "Succeeded");
}

#[test]
fn a_row_event_fires_a_row_trigger() {
    let dir = folder("run-event");
    let flow = write(
        &dir,
        "flow.json",
        &json!({"properties": {
            "connectionReferences": {"shared_commondataserviceforapps": {"api": {"name": "shared_commondataserviceforapps"}}},
            "definition": {
                "triggers": {"row": {"type": "OpenApiConnectionWebhook", "inputs": {
                    "host": {"connectionName": "shared_commondataserviceforapps", "operationId": "SubscribeWebhookTrigger"},
                    "parameters": {"subscriptionRequest/message": 3, "subscriptionRequest/entityname": "opportunity", "subscriptionRequest/filteringattributes": "name"}}}},
                "actions": {"Seen": {"type": "Compose", "inputs": "@triggerOutputs()?['body/name']"}}
            }
        }}),
    );
    let event = |changed: &str| json!({"event": {"message": "Update", "table": "opportunity", "id": "x", "row": {"name": "Deal"}, "changed": [changed]}});
    let fires = write(&dir, "fires.json", &event("name"));
    let record = cosell(&["flow", "run", &flow, "--trigger", &fires]).exit(0).json();
    assert_eq!(record["actions"][0]["outputs"], "Deal");
    // The row in an event may leave out its key: the body has it from the event's id.
    let keyless = json!({"event": {"message": "Update", "table": "opportunity", "id": "0b9f6c7e-3d4b-4a5c-8d6e-7f8091a2b3c4", "row": {"name": "Deal"}, "changed": ["name"]}});
    let record = cosell(&["flow", "run", &flow, "--trigger", &write(&dir, "keyless.json", &keyless)]).exit(0).json();
    let body = &record["trigger"]["outputs"]["body"];
    assert_eq!(body["opportunityid"], "0b9f6c7e-3d4b-4a5c-8d6e-7f8091a2b3c4");
    assert_eq!(body["RunAsSystemUserId"], cosell_flow::fake::DEFAULT_RUN_AS_USER);
    let skips = write(&dir, "skips.json", &event("description"));
    let record = cosell(&["flow", "run", &flow, "--trigger", &skips]).exit(0).json();
    assert_eq!((record["status"].as_str(), record["actions"].as_array().map(Vec::len)), (Some("Skipped"), Some(0)));
}

#[test]
fn run_error_paths() {
    let dir = folder("run-errors");
    let trigger = write(&dir, "trigger.json", &json!({"body": {}}));
    let good = write(&dir, "good.json", &flow_document(json!({})));
    let missing = s(&dir.join("missing.json"));
    cosell(&["flow", "run", &missing, "--trigger", &trigger]).bad_input(&["missing.json: cannot read the file"]);
    let not_json = dir.join("notjson.json");
    std::fs::write(&not_json, "{").unwrap();
    cosell(&["flow", "run", &s(&not_json), "--trigger", &trigger]).bad_input(&["notjson.json: not valid JSON"]);
    let cycle = write(
        &dir,
        "cycle.json",
        &flow_document(
            json!({"A": {"type": "Compose", "runAfter": {"B": []}}, "B": {"type": "Compose", "runAfter": {"A": []}}}),
        ),
    );
    cosell(&["flow", "run", &cycle, "--trigger", &trigger])
        .bad_input(&["cycle.json: $.properties.definition.actions.", "runAfter forms a cycle among A, B"]);
    let unknown = write(
        &dir,
        "unknown.json",
        &flow_document(json!({"A": {"type": "Compose", "runAfter": {"Nope": ["Succeeded"]}}})),
    );
    cosell(&["flow", "run", &unknown, "--trigger", &trigger])
        .bad_input(&["$.properties.definition.actions.A.runAfter.Nope: runs after Nope"]);
    let expression =
        write(&dir, "expression.json", &flow_document(json!({"A": {"type": "Compose", "inputs": "@concat('a'"}})));
    cosell(&["flow", "run", &expression, "--trigger", &trigger])
        .bad_input(&["$.properties.definition.actions.A.inputs: expression", "at position 11"]);
    let until = write(
        &dir,
        "until.json",
        &flow_document(
            json!({"U": {"type": "Until", "expression": false, "limit": {"count": 100_000}, "actions": {}}}),
        ),
    );
    cosell(&["flow", "run", &until, "--trigger", &trigger])
        .bad_input(&["until.json: $.properties.definition.actions.U.limit.count: must be an integer from 1 to 5000"]);
    let nope = write(&dir, "nope.json", &flow_document(json!({"A": {"type": "Compose", "inputs": "@body('Nope')"}})));
    cosell(&["flow", "run", &nope, "--trigger", &trigger])
        .bad_input(&["$.properties.definition.actions.A.inputs: expression", "body('Nope') names no action"]);
    let op = write(
        &dir,
        "op.json",
        &flow_document(
            json!({"A": {"type": "OpenApiConnection", "inputs": {"host": {"connectionName": "shared_pc", "operationId": "GetEverything"}}}}),
        ),
    );
    cosell(&["flow", "run", &op, "--trigger", &trigger])
        .bad_input(&["op.json: $.properties.definition.actions.A.inputs.host.operationId: the connector bound to shared_pc has no operation GetEverything"]);
    let kind = write(&dir, "kind.json", &flow_document(json!({"A": {"type": "Http"}})));
    cosell(&["flow", "run", &kind, "--trigger", &trigger])
        .bad_input(&["$.properties.definition.actions.A.type: action type Http is not supported"]);
    // The trigger file.
    cosell(&["flow", "run", &good, "--trigger", &missing]).bad_input(&["missing.json: cannot read the file"]);
    let array = write(&dir, "array.json", &json!([]));
    cosell(&["flow", "run", &good, "--trigger", &array]).bad_input(&["array.json: $: the trigger must be an object"]);
    let extra = write(&dir, "extra.json", &json!({"bdy": {}}));
    cosell(&["flow", "run", &good, "--trigger", &extra]).bad_input(&["extra.json: $.bdy: unknown key"]);
    let mixed = write(&dir, "mixed.json", &json!({"event": {}, "body": {}}));
    cosell(&["flow", "run", &good, "--trigger", &mixed]).bad_input(&["mixed.json: $.event: an event comes alone"]);
    let headers = write(&dir, "headers.json", &json!({"headers": 1}));
    cosell(&["flow", "run", &good, "--trigger", &headers]).bad_input(&["headers.json: $.headers: must be an object"]);
    // The state folder.
    cosell(&["flow", "run", &good, "--trigger", &trigger, "--state", &s(&dir.join("nowhere"))])
        .bad_input(&["the state folder does not exist"]);
    let state = dir.join("state");
    std::fs::create_dir_all(&state).unwrap();
    for (file, content, fragment) in [
        ("host.json", json!({"now": "soon"}), "host.json: $.now: must be an ISO 8601 instant"),
        ("host.json", json!({"seed": "x"}), "host.json: $.seed: must be a non-negative integer"),
        ("environment.json", json!([]), "environment.json: $: must be an object"),
        ("dataverse.json", json!({"nosuch": []}), "dataverse.json: $: the fake Dataverse has no table nosuch"),
        ("referrals.json", json!({}), "referrals.json: $: the referrals state must be an array"),
        ("events.json", json!({"validationEvents": 1}), "events.json: $: validationEvents must be an array"),
        ("faults.json", json!({"crm": []}), "faults.json: $.crm: unknown service"),
        ("faults.json", json!({"dataverse": [{"status": 200}]}), "faults.json: $.dataverse[0]: give status"),
        (
            "faults.json",
            json!({"dataverse": [{"status": 500, "times": -1}]}),
            "faults.json: $.dataverse[0].times: must be a positive integer",
        ),
    ] {
        let _ = std::fs::remove_dir_all(&state);
        std::fs::create_dir_all(&state).unwrap();
        write(&state, file, &content);
        cosell(&["flow", "run", &good, "--trigger", &trigger, "--state", &s(&state)]).bad_input(&[fragment]);
    }
    cosell(&["flow", "run", &good]).usage("--trigger <FILE>");
}
