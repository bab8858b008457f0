//! The flow engine's speed: a 50-action flow's run time and the engine time per action.
//!
//! The flow is a sync-shaped mix: Dataverse and Partner Center calls to the fakes (each request
//! bound and checked against the connector's schemas), expressions over their outputs,
//! variables, conditions in both forms, a Filter array and a Select, inside a Scope with a
//! Every one of its 50 actions runs once per run. A second flow of 50 Compose
//! actions measures the engine alone. Target (issue 8): well under a millisecond of engine time
//! per action, so thousands of scenarios fit in the test suite.
//!
//! Run: `cargo bench -p cosell-flow --bench flow` (or `cargo xtask bench`). Plain timing (median
//! of many runs after a warm-up); it prints its numbers and asserts nothing.

use cosell_flow::fake::{Dataverse, PartnerCenterReferrals};
use cosell_flow::run::{Flow, Host, Status, TriggerInput};
use serde_json::{json, Map, Value};
use std::hint::black_box;
use std::time::{Duration, Instant};

const START: i64 = 1_773_581_256_000;

fn connector(connection: &str, operation: &str, parameters: Value, after: &str) -> Value {
    json!({"type": "OpenApiConnection", "runAfter": {after: ["Succeeded"]},
        "inputs": {"host": {"connectionName": connection, "operationId": operation}, "parameters": parameters}})
}

/// 50 actions in one chain: seven blocks that read, compute and count, then a scope that filters,
/// selects and writes both sides.
fn sync_definition() -> Value {
    let mut actions = Map::new();
    actions.insert(
        "Init".into(),
        json!({"type": "InitializeVariable", "inputs": {"variables": [{"name": "changes", "type": "integer", "value": 0}, {"name": "log", "type": "string", "value": ""}]}}),
    );
    let mut last = "Init".to_owned();
    for block in 0..7 {
        let name = |step: &str| format!("{step}_{block}");
        let chain: Vec<(String, Value)> = vec![
            (
                name("GetReferral"),
                connector("shared_pc", "GetReferralById", json!({"id": "@triggerBody()?['referralId']"}), &last),
            ),
            (
                name("Deal"),
                json!({"type": "Compose", "inputs": "@mul(body(concat('GetReferral_', string(%B)))?['details']?['dealValue'], 1.1)"}),
            ),
            (
                name("FindAccount"),
                connector(
                    "shared_commondataserviceforapps",
                    "ListRecords",
                    json!({"entityName": "accounts", "$filter": "name eq '@{replace(body(concat('GetReferral_', string(%B)))?['customerProfile']?['name'], '''', '''''')}'", "$top": 1, "$select": "accountid,name"}),
                    "",
                ),
            ),
            (
                name("Changed"),
                json!({"type": "If", "expression": {"and": [{"greater": ["@outputs(concat('Deal_', string(%B)))", 0]}, {"not": {"equals": ["@length(body(concat('FindAccount_', string(%B)))?['value'])", 0]}}]}, "actions": {}, "else": {"actions": {}}}),
            ),
            (name("Count"), json!({"type": "IncrementVariable", "inputs": {"name": "changes", "value": 1}})),
            (
                name("Note"),
                json!({"type": "AppendToStringVariable", "inputs": {"name": "log", "value": "@{formatDateTime(utcNow(), 'yyyy-MM-dd')} block %B;"}}),
            ),
        ];
        for (step, mut action) in chain {
            let text = serde_json::to_string(&action).unwrap_or_default().replace("%B", &block.to_string());
            action = serde_json::from_str(&text).unwrap_or(action);
            action["runAfter"] = json!({last.clone(): ["Succeeded"]});
            actions.insert(step.clone(), action);
            last = step;
        }
    }
    // 1 + 7 × 6 = 43 so far; the scope and its six make 50.
    let tail: Vec<(&str, Value)> = vec![
        ("Rows", json!({"type": "Compose", "inputs": [{"n": 1, "id": "a"}, {"n": 5, "id": "b"}, {"n": 9, "id": "c"}]})),
        ("Big", json!({"type": "Query", "inputs": {"from": "@outputs('Rows')", "where": "@greater(item()?['n'], 2)"}})),
        ("Ids", json!({"type": "Select", "inputs": {"from": "@body('Big')", "select": "@item()?['id']"}})),
        (
            "Write",
            connector(
                "shared_commondataserviceforapps",
                "UpdateRecord",
                json!({"entityName": "opportunities", "recordId": "cosell_referralidentifier='@{triggerBody()?['referralId']}'", "item/cosell_audit": "@variables('log')", "item/name": "@{body('GetReferral_0')?['name']}"}),
                "",
            ),
        ),
        (
            "Patch",
            connector(
                "shared_pc",
                "PatchReferralById",
                json!({"id": "@triggerBody()?['referralId']", "Referral": [{"op": "replace", "path": "/details/notes", "value": "@{join(body('Ids'), ',')}"}]}),
                "",
            ),
        ),
        ("Done", json!({"type": "Compose", "inputs": "@variables('changes')"})),
    ];
    let mut try_actions = Map::new();
    let mut inner_last = String::new();
    for (step, mut action) in tail {
        action["runAfter"] = if inner_last.is_empty() { json!({}) } else { json!({inner_last.clone(): ["Succeeded"]}) };
        try_actions.insert(step.into(), action);
        inner_last = step.into();
    }
    actions.insert(
        "Try".into(),
        json!({"type": "Scope", "actions": try_actions, "runAfter": {last.clone(): ["Succeeded"]}}),
    );
    json!({"properties": {
        "connectionReferences": {
            "shared_commondataserviceforapps": {"api": {"name": "shared_commondataserviceforapps"}},
            "shared_pc": {"api": {"name": "shared_cosell-5fpartner-20center-20referrals"}}
        },
        "definition": {"triggers": {"manual": {"type": "Request", "kind": "Http"}}, "actions": actions}
    }})
}

fn sync_flow() -> Flow {
    Flow::from_value(&sync_definition(), "bench", None).unwrap_or_else(|e| panic!("the benchmark flow: {e}"))
}

fn compose_flow() -> Flow {
    let mut actions = Map::new();
    for i in 0..50 {
        let after = if i == 0 { json!({}) } else { json!({format!("C{}", i - 1): ["Succeeded"]}) };
        actions.insert(format!("C{i}"), json!({"type": "Compose", "inputs": {"n": "@add(triggerBody()?['n'], 1)", "text": "@{triggerBody()?['name']}-x"}, "runAfter": after}));
    }
    Flow::from_value(
        &json!({"definition": {"triggers": {"manual": {"type": "Request"}}, "actions": actions}}),
        "compose",
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// Median time of `f` over `runs` runs, after `runs / 10` warm-up runs.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    for _ in 0..runs / 10 {
        f();
    }
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn report(name: &str, per_run: Duration, actions: usize, runs: usize) {
    let micros = per_run.as_secs_f64() * 1e6;
    println!(
        "{name}: {actions} actions, median {micros:.1} µs per run, {:.2} µs engine time per action, {:.0} runs/s (n={runs})",
        micros / actions as f64,
        1e6 / micros
    );
}

fn main() {
    let flow = sync_flow();
    assert_eq!(flow.all_actions().len(), 50, "the benchmark flow has 50 actions");
    let referrals = PartnerCenterReferrals::new();
    let referral_id = referrals.seed(json!({"name": "Contoso deal", "customerProfile": {"name": "Contoso's"}, "details": {"dealValue": 1000, "notes": ""}}));
    let dataverse = Dataverse::new();
    dataverse.insert("account", json!({"name": "Contoso's"})).unwrap_or_default();
    let mut host = Host::new(START, 1);
    host.bind("shared_pc", referrals.clone()).bind("shared_commondataserviceforapps", dataverse.clone());
    let trigger = TriggerInput::body(json!({"referralId": referral_id}));
    let check = host.run(&flow, trigger.clone());
    assert_eq!(check.status, Status::Succeeded, "{}", check.to_json());
    let executed = check.actions_executed();
    let runs = 2_000;
    let per_run = median(runs, || {
        black_box(host.run(&flow, trigger.clone()));
    });
    report("flow/sync-shaped (16 connector calls to the fakes)", per_run, executed, runs);

    let compose = compose_flow();
    let mut bare = Host::new(START, 1);
    let input = TriggerInput::body(json!({"n": 1, "name": "x"}));
    let executed = bare.run(&compose, input.clone()).actions_executed();
    let per_run = median(runs, || {
        black_box(bare.run(&compose, input.clone()));
    });
    report("flow/compose-only (engine and evaluator)", per_run, executed, runs);

    let text = sync_definition().to_string();
    let per_load = median(runs, || {
        black_box(Flow::from_json_text(&text, "bench", None).ok());
    });
    println!("flow/read: {:.1} µs to read and check the 50-action definition", per_load.as_secs_f64() * 1e6);
}
