//! Runner tests whose flows contain no expressions: every action type, every runAfter status,
//! container and run statuses, retries under virtual time, child flows, the definition reader.

use cosell_flow::run::{Answer, ConnectorRequest, Flow, Host, Reply, Service, Status, TriggerInput};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::rc::Rc;

const START: i64 = 1_773_581_256_000; // 2026-03-15T13:27:36Z

fn flow(actions: Value) -> Flow {
    let definition = json!({
        "properties": {
            "connectionReferences": {"conn": {"api": {"name": "shared_test"}}},
            "definition": {
                "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {"schema": {}}}},
                "actions": actions
            }
        }
    });
    Flow::from_value(&definition, "test", None).unwrap()
}

fn run(flow: &Flow) -> cosell_flow::run::RunRecord {
    Host::new(START, 1).run(flow, TriggerInput::body(json!({})))
}

/// A service that answers from a script, one answer per call, and logs the calls.
#[derive(Clone, Default)]
struct Scripted {
    answers: Rc<RefCell<Vec<Answer>>>,
    calls: Rc<RefCell<Vec<ConnectorRequest>>>,
}

impl Scripted {
    fn new(answers: Vec<Answer>) -> Scripted {
        Scripted { answers: Rc::new(RefCell::new(answers)), calls: Rc::default() }
    }
}

impl Service for Scripted {
    fn call(&mut self, request: &ConnectorRequest) -> Answer {
        self.calls.borrow_mut().push(request.clone());
        let mut answers = self.answers.borrow_mut();
        if answers.is_empty() {
            Answer::Reply(Reply::new(200, json!({"ok": true})))
        } else {
            answers.remove(0)
        }
    }
}

fn reply(status: u16) -> Answer {
    Answer::Reply(Reply::new(status, json!({"status": status})))
}

fn call_action(run_after: Value, extra: Value) -> Value {
    let mut inputs = json!({"host": {"connectionName": "conn", "operationId": "Op"}, "parameters": {"id": "1"}});
    if let (Some(o), Some(e)) = (inputs.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    json!({"type": "OpenApiConnection", "inputs": inputs, "runAfter": run_after})
}

#[test]
fn compose_outputs_its_inputs_and_counts() {
    let f = flow(json!({
        "A": {"type": "Compose", "inputs": {"x": [1, 2]}, "runAfter": {}},
        "B": {"type": "Compose", "inputs": "plain text", "runAfter": {"A": ["Succeeded"]}}
    }));
    let r = run(&f);
    assert_eq!(r.status, Status::Succeeded);
    assert_eq!(r.last("A").unwrap().outputs, Some(json!({"x": [1, 2]})));
    assert_eq!(r.last("B").unwrap().outputs, Some(json!("plain text")));
    assert_eq!(r.actions.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["A", "B"]);
    assert_eq!(r.actions_executed(), 2);
    assert_eq!(r.platform_requests(), 3);
    assert_eq!(r.trigger.outputs, Some(json!({"headers": {}, "body": {}})));
}

#[test]
fn each_run_after_status_is_honoured() {
    // Fail fails; each follower asks for one status of it.
    let mut host = Host::new(START, 1);
    host.bind("shared_test", Scripted::new(vec![reply(400)]));
    let f = flow(json!({
        "Fail": call_action(json!({}), json!({"retryPolicy": {"type": "none"}})),
        "OnSucceeded": {"type": "Compose", "inputs": 1, "runAfter": {"Fail": ["Succeeded"]}},
        "OnFailed": {"type": "Compose", "inputs": 2, "runAfter": {"Fail": ["Failed"]}},
        "OnSkipped": {"type": "Compose", "inputs": 3, "runAfter": {"OnSucceeded": ["Skipped"]}},
        "OnTimedOut": {"type": "Compose", "inputs": 4, "runAfter": {"Fail": ["TimedOut"]}},
        "OnAny": {"type": "Compose", "inputs": 5, "runAfter": {"Fail": ["Succeeded", "Failed", "Skipped", "TimedOut"]}}
    }));
    let r = host.run(&f, TriggerInput::body(json!({})));
    assert_eq!(r.status_of("Fail"), Some(Status::Failed));
    assert_eq!(r.last("Fail").unwrap().code.as_deref(), Some("BadRequest"));
    assert_eq!(r.status_of("OnSucceeded"), Some(Status::Skipped));
    assert_eq!(r.status_of("OnFailed"), Some(Status::Succeeded));
    assert_eq!(r.status_of("OnSkipped"), Some(Status::Succeeded));
    assert_eq!(r.status_of("OnTimedOut"), Some(Status::Skipped));
    assert_eq!(r.status_of("OnAny"), Some(Status::Succeeded));
    let skipped = r.last("OnSucceeded").unwrap();
    assert_eq!(skipped.error.as_ref().unwrap()["code"], "ActionConditionFailed");
    assert!(skipped.error.as_ref().unwrap()["message"].as_str().unwrap().contains("actual value 'Failed'"));
    // Branch ends: OnFailed, OnSkipped, OnTimedOut (skipped: inherits Fail's failure), OnAny.
    assert_eq!(r.status, Status::Failed);
    assert_eq!(r.actions_executed(), 4, "two of the six were skipped");
}

#[test]
fn a_handled_failure_leaves_the_run_succeeded() {
    let mut host = Host::new(START, 1);
    host.bind("shared_test", Scripted::new(vec![reply(404)]));
    let f = flow(json!({
        "Try": {"type": "Scope", "actions": {
            "Get": call_action(json!({}), json!({})),
            "After": {"type": "Compose", "inputs": "x", "runAfter": {"Get": ["Succeeded"]}}
        }},
        "Catch": {"type": "Compose", "inputs": "handled", "runAfter": {"Try": ["Failed", "TimedOut"]}}
    }));
    let r = host.run(&f, TriggerInput::body(json!({})));
    assert_eq!(r.status_of("Get"), Some(Status::Failed));
    assert_eq!(r.status_of("After"), Some(Status::Skipped));
    assert_eq!(r.status_of("Try"), Some(Status::Failed), "a scope whose branch ends in failure fails");
    assert_eq!(r.last("Try").unwrap().code.as_deref(), Some("ActionFailed"));
    assert_eq!(r.status_of("Catch"), Some(Status::Succeeded));
    assert_eq!(r.status, Status::Succeeded);
    assert_eq!(r.last("Get").unwrap().parents, ["Try"]);
    assert_eq!(r.last("Get").unwrap().outputs.as_ref().unwrap()["statusCode"], 404);
}

#[test]
fn an_unhandled_failure_fails_the_run_with_its_error() {
    let mut host = Host::new(START, 1);
    host.bind("conn", Scripted::new(vec![reply(403)]));
    let f = flow(json!({"Get": call_action(json!({}), json!({}))}));
    let r = host.run(&f, TriggerInput::body(json!({})));
    assert_eq!(r.status, Status::Failed);
    assert_eq!(r.error, Some(json!({"code": "Forbidden", "message": "The service answered 403."})));
}

#[test]
fn default_retry_policy_retries_429_four_times_in_virtual_time() {
    let mut host = Host::new(START, 1);
    let service = Scripted::new(vec![reply(429), reply(429), reply(429), reply(429), reply(200)]);
    host.bind("conn", service.clone());
    let r = host.run(&flow(json!({"Get": call_action(json!({}), json!({}))})), TriggerInput::body(json!({})));
    let get = r.last("Get").unwrap();
    assert_eq!(get.status, Status::Succeeded);
    assert_eq!(get.retries, 4);
    assert_eq!(service.calls.borrow().len(), 5);
    let waited = get.end_millis - get.start_millis;
    // Documented ranges, interval 7.5 s, minimum 5 s, maximum 45 s: [5, 7.5] + [7.5, 15] + [15, 30] + [30, 45].
    assert!((57_500..=97_500).contains(&waited), "{waited}");
    let sent: Vec<i64> = service.calls.borrow().iter().map(|c| c.unix_millis).collect();
    assert!(sent.windows(2).all(|w| w[0] < w[1]), "each retry is sent later: {sent:?}");
    assert_eq!(r.platform_requests(), 1 + 1 + 4);
}

#[test]
fn a_fifth_failure_exhausts_the_default_policy() {
    let mut host = Host::new(START, 1);
    host.bind("conn", Scripted::new(vec![reply(500); 6]));
    let r = host.run(&flow(json!({"Get": call_action(json!({}), json!({}))})), TriggerInput::body(json!({})));
    assert_eq!(r.last("Get").unwrap().retries, 4);
    assert_eq!(r.status_of("Get"), Some(Status::Failed));
    assert_eq!(r.last("Get").unwrap().code.as_deref(), Some("InternalServerError"));
}

#[test]
fn fixed_and_none_policies() {
    let mut host = Host::new(START, 1);
    let service = Scripted::new(vec![reply(503), reply(503), reply(200)]);
    host.bind("conn", service.clone());
    let policy = json!({"retryPolicy": {"type": "fixed", "count": 2, "interval": "PT30S"}});
    let r = host.run(&flow(json!({"Get": call_action(json!({}), policy)})), TriggerInput::body(json!({})));
    let get = r.last("Get").unwrap();
    assert_eq!((get.status, get.retries, get.end_millis - get.start_millis), (Status::Succeeded, 2, 60_000));

    let mut host = Host::new(START, 1);
    host.bind("conn", Scripted::new(vec![reply(429), reply(200)]));
    let none = json!({"retryPolicy": {"type": "none"}});
    let r = host.run(&flow(json!({"Get": call_action(json!({}), none)})), TriggerInput::body(json!({})));
    assert_eq!((r.status_of("Get"), r.last("Get").unwrap().retries), (Some(Status::Failed), 0));

    // 4xx other than 408/429 is never retried.
    let mut host = Host::new(START, 1);
    let service = Scripted::new(vec![reply(412), reply(200)]);
    host.bind("conn", service.clone());
    let r = host.run(&flow(json!({"Get": call_action(json!({}), json!({}))})), TriggerInput::body(json!({})));
    assert_eq!(r.last("Get").unwrap().code.as_deref(), Some("PreconditionFailed"));
    assert_eq!(service.calls.borrow().len(), 1);
}

#[test]
fn exponential_policy_waits_are_reproducible_from_the_seed() {
    let waits = |seed| {
        let mut host = Host::new(START, seed);
        host.bind("conn", Scripted::new(vec![reply(500), reply(500), reply(200)]));
        let policy = json!({"retryPolicy": {"type": "exponential", "count": 3, "interval": "PT10S"}});
        let r = host.run(&flow(json!({"Get": call_action(json!({}), policy)})), TriggerInput::body(json!({})));
        let get = r.last("Get").unwrap().clone();
        get.end_millis - get.start_millis
    };
    assert_eq!(waits(42), waits(42));
    let w = waits(42);
    assert!((10_000..=30_000).contains(&w), "{w}");
}

#[test]
fn a_request_that_never_answers_times_out_and_runs_timed_out_handlers() {
    let mut host = Host::new(START, 1);
    host.bind("conn", Scripted::new(vec![Answer::TimedOut]));
    let f = flow(json!({
        "Get": call_action(json!({}), json!({"retryPolicy": {"type": "none"}})),
        "OnTimedOut": {"type": "Compose", "inputs": 1, "runAfter": {"Get": ["TimedOut"]}}
    }));
    let r = host.run(&f, TriggerInput::body(json!({})));
    let get = r.last("Get").unwrap();
    assert_eq!(get.status, Status::TimedOut);
    assert_eq!(get.end_millis - get.start_millis, 120_000);
    assert_eq!(r.status_of("OnTimedOut"), Some(Status::Succeeded));
    assert_eq!(r.status, Status::Succeeded);

    // Retries stop at the action's limit.timeout.
    let mut host = Host::new(START, 1);
    host.bind("conn", Scripted::new(vec![Answer::TimedOut; 10]));
    let mut get = call_action(json!({}), json!({"retryPolicy": {"type": "fixed", "count": 9, "interval": "PT1M"}}));
    get["limit"] = json!({"timeout": "PT5M"});
    let r = host.run(&flow(json!({"Get": get})), TriggerInput::body(json!({})));
    let get = r.last("Get").unwrap();
    assert_eq!(get.status, Status::TimedOut);
    assert!(get.retries < 9, "{}", get.retries);
}

#[test]
fn an_unbound_connection_fails_the_action() {
    let r = run(&flow(json!({"Get": call_action(json!({}), json!({}))})));
    assert_eq!(r.last("Get").unwrap().code.as_deref(), Some("ConnectionNotBound"));
}

#[test]
fn connector_requests_carry_operation_and_parameters() {
    let mut host = Host::new(START, 1);
    let service = Scripted::new(vec![]);
    host.bind("shared_test", service.clone());
    host.run(&flow(json!({"Get": call_action(json!({}), json!({}))})), TriggerInput::body(json!({})));
    let calls = service.calls.borrow();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].operation_id, "Op");
    assert_eq!(calls[0].connection, "conn");
    assert_eq!(calls[0].parameters.get("id"), Some(&json!("1")));
    assert_eq!(calls[0].unix_millis, START);
}

#[test]
fn if_and_switch_with_literal_conditions() {
    let f = flow(json!({
        "Cond": {"type": "If", "expression": true,
            "actions": {"Yes": {"type": "Compose", "inputs": "yes"}},
            "else": {"actions": {"No": {"type": "Compose", "inputs": "no"}}}},
        "Pick": {"type": "Switch", "expression": 2,
            "cases": {"One": {"case": 1, "actions": {"C1": {"type": "Compose", "inputs": 1}}},
                      "Two": {"case": 2.0, "actions": {"C2": {"type": "Compose", "inputs": 2}}}},
            "default": {"actions": {"D": {"type": "Compose", "inputs": 0}}}},
        "Other": {"type": "Switch", "expression": "z",
            "cases": {"A": {"case": "a", "actions": {}}},
            "default": {"actions": {"D2": {"type": "Compose", "inputs": 0}}}}
    }));
    let r = run(&f);
    assert_eq!(r.status_of("Yes"), Some(Status::Succeeded));
    assert_eq!(r.status_of("No"), None, "the other branch does not run");
    assert_eq!(r.last("Cond").unwrap().outputs, Some(json!({"expression": true})));
    assert_eq!((r.status_of("C1"), r.status_of("C2"), r.status_of("D")), (None, Some(Status::Succeeded), None));
    assert_eq!(r.status_of("D2"), Some(Status::Succeeded));
    assert_eq!(r.last("Yes").unwrap().parents, ["Cond"]);
}

#[test]
fn foreach_runs_each_item_in_order_and_records_concurrency() {
    let f = flow(json!({
        "Loop": {"type": "Foreach", "foreach": ["a", "b", "c"],
            "runtimeConfiguration": {"concurrency": {"repetitions": 20}},
            "actions": {"Step": {"type": "Compose", "inputs": "x"}}}
    }));
    let r = run(&f);
    let steps: Vec<_> = r.action("Step").map(|a| a.parents.clone()).collect();
    assert_eq!(steps, [["Loop[0]"], ["Loop[1]"], ["Loop[2]"]]);
    assert_eq!(r.last("Loop").unwrap().notes["concurrency"], json!({"repetitions": 20}));
    assert_eq!(r.actions_executed(), 4);
}

#[test]
fn foreach_over_a_non_array_fails() {
    let r = run(&flow(json!({"Loop": {"type": "Foreach", "foreach": {"a": 1}, "actions": {}}})));
    assert_eq!(r.status_of("Loop"), Some(Status::Failed));
    assert!(r.last("Loop").unwrap().error.as_ref().unwrap()["message"]
        .as_str()
        .unwrap()
        .contains("must be a valid array"));
}

#[test]
fn a_failing_iteration_fails_the_foreach_but_the_others_run() {
    let mut host = Host::new(START, 1);
    host.bind("conn", Scripted::new(vec![reply(200), reply(400), reply(200)]));
    let f = flow(json!({
        "Loop": {"type": "Foreach", "foreach": [1, 2, 3], "actions": {"Call": call_action(json!({}), json!({}))}}
    }));
    let r = host.run(&f, TriggerInput::body(json!({})));
    let statuses: Vec<_> = r.action("Call").map(|a| a.status).collect();
    assert_eq!(statuses, [Status::Succeeded, Status::Failed, Status::Succeeded]);
    assert_eq!(r.status_of("Loop"), Some(Status::Failed));
}

#[test]
fn until_runs_at_least_once_and_stops_at_its_count() {
    let f = flow(json!({
        "Once": {"type": "Until", "expression": true, "actions": {"A": {"type": "Compose", "inputs": 1}}},
        "Thrice": {"type": "Until", "expression": false, "limit": {"count": 3, "timeout": "PT1H"},
            "actions": {"B": {"type": "Compose", "inputs": 1}}}
    }));
    let r = run(&f);
    assert_eq!(r.action("A").count(), 1);
    assert_eq!(r.action("B").count(), 3);
    assert_eq!(r.last("Thrice").unwrap().outputs, Some(json!({"iterations": 3, "conditionMet": false})));
    assert_eq!(r.status_of("Thrice"), Some(Status::Succeeded));
}

#[test]
fn until_stops_at_its_timeout_in_virtual_time() {
    let f = flow(json!({
        "Poll": {"type": "Until", "expression": false, "limit": {"count": 1000, "timeout": "PT10M"},
            "actions": {"Delay": {"type": "Wait", "inputs": {"interval": {"count": 1, "unit": "Minute"}}}}}
    }));
    let r = run(&f);
    assert_eq!(r.action("Delay").count(), 10);
    assert_eq!(r.end_millis - r.start_millis, 600_000);
}

#[test]
fn variables_initialize_set_append_increment() {
    let f = flow(json!({
        "Init": {"type": "InitializeVariable", "inputs": {"variables": [
            {"name": "n", "type": "integer", "value": 1},
            {"name": "s", "type": "String", "value": "a"},
            {"name": "list", "type": "array"},
            {"name": "f", "type": "float", "value": 1.5}
        ]}},
        "Inc": {"type": "IncrementVariable", "inputs": {"name": "n", "value": 2}, "runAfter": {"Init": ["Succeeded"]}},
        "Dec": {"type": "DecrementVariable", "inputs": {"name": "n"}, "runAfter": {"Inc": ["Succeeded"]}},
        "AppS": {"type": "AppendToStringVariable", "inputs": {"name": "s", "value": "bc"}, "runAfter": {"Dec": ["Succeeded"]}},
        "AppA": {"type": "AppendToArrayVariable", "inputs": {"name": "list", "value": {"k": 1}}, "runAfter": {"AppS": ["Succeeded"]}},
        "SetF": {"type": "SetVariable", "inputs": {"name": "f", "value": 2}, "runAfter": {"AppA": ["Succeeded"]}},
        "Bad": {"type": "SetVariable", "inputs": {"name": "n", "value": "text"}, "runAfter": {"SetF": ["Succeeded"]}},
        "Unknown": {"type": "SetVariable", "inputs": {"name": "nope", "value": 1}, "runAfter": {"Bad": ["Failed"]}},
        "Twice": {"type": "InitializeVariable", "inputs": {"variables": [{"name": "n", "type": "integer"}]}, "runAfter": {"Unknown": ["Failed"]}},
        "WrongType": {"type": "InitializeVariable", "inputs": {"variables": [{"name": "b", "type": "boolean", "value": 1}]}, "runAfter": {"Twice": ["Failed"]}}
    }));
    let r = run(&f);
    let value = |name: &str| r.last(name).unwrap().outputs.as_ref().map(|o| o["body"]["value"].clone());
    assert_eq!(value("Inc"), Some(json!(3)));
    assert_eq!(value("Dec"), Some(json!(2)));
    assert_eq!(value("AppS"), Some(json!("abc")));
    assert_eq!(value("AppA"), Some(json!([{"k": 1}])));
    assert_eq!(value("SetF"), Some(json!(2)));
    for failing in ["Bad", "Unknown", "Twice", "WrongType"] {
        assert_eq!(r.status_of(failing), Some(Status::Failed), "{failing}");
    }
}

#[test]
fn parse_json_parses_and_validates() {
    let schema = json!({"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]});
    let f = flow(json!({
        "Good": {"type": "ParseJson", "inputs": {"content": "{\"id\": \"7\", \"extra\": 1}", "schema": schema}},
        "Object": {"type": "ParseJson", "inputs": {"content": {"id": "8"}, "schema": schema}},
        "Invalid": {"type": "ParseJson", "inputs": {"content": "{nope", "schema": schema}},
        "Mismatch": {"type": "ParseJson", "inputs": {"content": {"id": 8}, "schema": schema}}
    }));
    let r = run(&f);
    assert_eq!(r.last("Good").unwrap().outputs, Some(json!({"body": {"id": "7", "extra": 1}})));
    assert_eq!(r.last("Object").unwrap().outputs, Some(json!({"body": {"id": "8"}})));
    assert_eq!(r.last("Invalid").unwrap().code.as_deref(), Some("InvalidJSON"));
    assert_eq!(r.last("Mismatch").unwrap().code.as_deref(), Some("ValidationFailed"));
    assert!(r.last("Mismatch").unwrap().error.as_ref().unwrap()["message"]
        .as_str()
        .unwrap()
        .contains("$.id: expected string"));
}

#[test]
fn join_and_table() {
    let rows = json!([{"name": "Contoso, Ltd", "n": 1}, {"name": "Fabrikam \"F\"", "n": 2, "extra": true}]);
    let f = flow(json!({
        "Join": {"type": "Join", "inputs": {"from": ["a", 1, null, {"k": "v"}], "joinWith": ";"}},
        "Csv": {"type": "Table", "inputs": {"from": rows, "format": "CSV"}},
        "Html": {"type": "Table", "inputs": {"from": [{"a": "<b>"}], "format": "HTML"}}
    }));
    let r = run(&f);
    assert_eq!(r.last("Join").unwrap().outputs, Some(json!({"body": "a;1;;{\"k\":\"v\"}"})));
    assert_eq!(
        r.last("Csv").unwrap().outputs,
        Some(json!({"body": "n,name,extra\r\n1,\"Contoso, Ltd\",\r\n2,\"Fabrikam \"\"F\"\"\",true"}))
    );
    assert_eq!(
        r.last("Html").unwrap().outputs,
        Some(
            json!({"body": "<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>&lt;b&gt;</td></tr></tbody></table>"})
        )
    );
}

#[test]
fn response_is_recorded_once() {
    let f = flow(json!({
        "Respond": {"type": "Response", "kind": "Http", "inputs": {"statusCode": 202, "body": {"ok": true}}},
        "Again": {"type": "Response", "inputs": {"statusCode": 200}, "runAfter": {"Respond": ["Succeeded"]}}
    }));
    let r = run(&f);
    assert_eq!(r.response, Some(json!({"statusCode": 202, "headers": {}, "body": {"ok": true}})));
    assert_eq!(r.status_of("Again"), Some(Status::Failed));
}

#[test]
fn terminate_ends_the_run_with_its_status() {
    let f = flow(json!({
        "Stop": {"type": "Terminate", "inputs": {"runStatus": "Failed", "runError": {"code": "NoReferral", "message": "not found"}}},
        "Never": {"type": "Compose", "inputs": 1, "runAfter": {"Stop": ["Succeeded"]}}
    }));
    let r = run(&f);
    assert_eq!(r.status, Status::Failed);
    assert_eq!(r.error, Some(json!({"code": "NoReferral", "message": "not found"})));
    assert_eq!(r.status_of("Never"), None);

    let f = flow(json!({"Scope": {"type": "Scope", "actions": {
        "Done": {"type": "Terminate", "inputs": {"runStatus": "Cancelled"}},
        "After": {"type": "Compose", "inputs": 1, "runAfter": {"Done": ["Succeeded"]}}
    }}, "Outer": {"type": "Compose", "inputs": 1, "runAfter": {"Scope": ["Succeeded", "Failed", "Skipped", "TimedOut"]}}}));
    let r = run(&f);
    assert_eq!((r.status, r.status_of("After"), r.status_of("Outer")), (Status::Cancelled, None, None));

    let r = run(&flow(json!({"Stop": {"type": "Terminate", "inputs": {"runStatus": "Paused"}}})));
    assert_eq!(r.status_of("Stop"), Some(Status::Failed));
}

#[test]
fn wait_moves_the_virtual_clock() {
    let f = flow(json!({
        "Delay": {"type": "Wait", "inputs": {"interval": {"count": 5, "unit": "Second"}}},
        "Until": {"type": "Wait", "inputs": {"until": {"timestamp": "2026-03-15T14:00:00Z"}}, "runAfter": {"Delay": ["Succeeded"]}}
    }));
    let r = run(&f);
    assert_eq!(r.last("Delay").unwrap().end_millis - START, 5_000);
    assert_eq!(cosell_flow::run::format_instant(r.end_millis), "2026-03-15T14:00:00.0000000Z");
}

#[test]
fn child_flows_run_with_the_parent_body_and_answer_with_their_response() {
    let child = Flow::from_value(
        &json!({"definition": {
            "triggers": {"manual": {"type": "Request", "kind": "Button", "inputs": {"schema": {}}}},
            "actions": {"Answer": {"type": "Response", "kind": "PowerApp", "inputs": {"statusCode": 200, "body": {"done": true}}}}
        }}),
        "Child",
        Flow::id_from_file_name("Child-8E1A2B3C-0000-4000-8000-00000000000A.json"),
    )
    .unwrap();
    assert_eq!(child.id.as_deref(), Some("8e1a2b3c-0000-4000-8000-00000000000a"));
    let mut host = Host::new(START, 1);
    host.add_flow(child);
    let f = flow(json!({
        "Call": {"type": "Workflow", "inputs": {"host": {"workflowReferenceName": "8E1A2B3C-0000-4000-8000-00000000000A"}, "body": {"id": "r1"}}},
        "Missing": {"type": "Workflow", "inputs": {"host": {"workflowReferenceName": "nope"}}, "runAfter": {"Call": ["Succeeded"]}}
    }));
    let r = host.run(&f, TriggerInput::body(json!({})));
    let call = r.last("Call").unwrap();
    assert_eq!(call.status, Status::Succeeded);
    assert_eq!(call.outputs, Some(json!({"statusCode": 200, "headers": {}, "body": {"done": true}})));
    let child_run = call.child.as_ref().unwrap();
    assert_eq!(child_run.trigger.outputs, Some(json!({"headers": {}, "body": {"id": "r1"}})));
    assert_eq!(child_run.actions_executed(), 1);
    assert_eq!((r.actions_executed(), r.actions_executed_with_children()), (2, 3));
    assert_eq!((r.platform_requests(), r.platform_requests_with_children()), (3, 5));
    assert_eq!(r.last("Missing").unwrap().code.as_deref(), Some("WorkflowNotFound"));
}

#[test]
fn a_child_that_calls_itself_stops_at_the_depth_limit() {
    let looping = json!({"definition": {
        "triggers": {"manual": {"type": "Request", "kind": "Button"}},
        "actions": {"Again": {"type": "Workflow", "inputs": {"host": {"workflowReferenceName": "Loop"}}}}
    }});
    let child = Flow::from_value(&looping, "Loop", None).unwrap();
    let mut host = Host::new(START, 1);
    host.add_flow(child.clone());
    let r = host.run(&child, TriggerInput::body(json!({})));
    assert_eq!(r.status, Status::Failed);
    let mut depth = 0;
    let mut at = &r;
    while let Some(next) = at.last("Again").and_then(|a| a.child.as_deref()) {
        depth += 1;
        at = next;
    }
    assert_eq!(depth, 8);
    assert_eq!(at.last("Again").unwrap().code.as_deref(), Some("WorkflowDepthExceeded"));
}

#[test]
fn runs_are_reproducible() {
    let f = flow(json!({"A": {"type": "Compose", "inputs": 1}}));
    let a = Host::new(START, 9).run(&f, TriggerInput::body(json!({})));
    let b = Host::new(START, 9).run(&f, TriggerInput::body(json!({})));
    assert_eq!(a.to_json(), b.to_json());
    let c = Host::new(START, 10).run(&f, TriggerInput::body(json!({})));
    assert_ne!(a.id, c.id);
}

#[test]
fn the_record_prints_as_json() {
    let r = run(&flow(json!({"A": {"type": "Compose", "inputs": 1}})));
    let j = r.to_json();
    assert_eq!(j["status"], "Succeeded");
    assert_eq!(j["actionsExecuted"], 1);
    assert_eq!(j["actions"][0]["name"], "A");
    assert_eq!(j["actions"][0]["startTime"], "2026-03-15T13:27:36.0000000Z");
    assert_eq!(j["trigger"]["name"], "manual");
}
