//! Property tests: the definition reader, the runner and the fakes never panic, whatever they
//! are given, and runs are reproducible.

use cosell_flow::fake::{odata, Dataverse, PartnerCenterEvents, PartnerCenterReferrals};
use cosell_flow::run::{ConnectorRequest, Flow, Host, Service, TriggerInput};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Words a flow is made of, so random documents reach deep into the reader and the runner.
const WORDS: &[&str] = &[
    "type",
    "inputs",
    "actions",
    "runAfter",
    "Succeeded",
    "Failed",
    "Skipped",
    "TimedOut",
    "Compose",
    "Scope",
    "If",
    "Switch",
    "Foreach",
    "Until",
    "foreach",
    "expression",
    "else",
    "cases",
    "case",
    "default",
    "limit",
    "count",
    "timeout",
    "PT1M",
    "OpenApiConnection",
    "host",
    "connectionName",
    "operationId",
    "parameters",
    "dv",
    "pc",
    "CreateRecord",
    "ListRecords",
    "GetReferralById",
    "PatchReferralById",
    "entityName",
    "accounts",
    "item/name",
    "InitializeVariable",
    "SetVariable",
    "variables",
    "name",
    "value",
    "Terminate",
    "runStatus",
    "Response",
    "Workflow",
    "Query",
    "Select",
    "from",
    "where",
    "select",
    "A",
    "B",
    "C",
    "@triggerBody()",
    "@item()",
    "@variables('v')",
    "@body('A')",
    "@equals(1, 1)",
    "@{triggerBody()?['x']}",
    "@result('A')",
    "retryPolicy",
    "fixed",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![proptest::sample::select(WORDS).prop_map(str::to_owned), "[a-zA-Z@(){}' ]{0,12}"]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-5i64..100).prop_map(|n| json!(n)),
        word().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((word(), inner), 0..5)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn host() -> Host {
    let mut host = Host::new(0, 1);
    host.bind("dv", Dataverse::new()).bind("pc", PartnerCenterReferrals::new()).bind("ev", PartnerCenterEvents::new());
    host.max_action_executions = 10_000;
    host
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn reading_and_running_any_actions_never_panics(actions in json_value(), body in json_value()) {
        let doc = json!({"definition": {"triggers": {"manual": {"type": "Request"}}, "actions": actions}});
        if let Ok(flow) = Flow::from_value(&doc, "p", None) {
            let a = host().run(&flow, TriggerInput::body(body.clone()));
            let b = host().run(&flow, TriggerInput::body(body));
            prop_assert_eq!(a.to_json(), b.to_json());
        }
    }

    #[test]
    fn reading_any_document_never_panics(doc in json_value()) {
        let _ = Flow::from_value(&doc, "p", None);
        let _ = Flow::from_json_text(&doc.to_string(), "p", None);
    }

    #[test]
    fn filters_never_panic(text in "[a-z_/()' ,0-9.-]{0,40}", row in json_value()) {
        if let Ok(filter) = odata::parse(&text) {
            let _ = filter.matches(&row);
        }
    }

    #[test]
    fn fakes_answer_any_request(operation in word(), parameters in json_value()) {
        let parameters = parameters.as_object().cloned().unwrap_or_default();
        let request = ConnectorRequest { connection: "c".into(), operation_id: operation, parameters, unix_millis: 0 };
        let _ = Dataverse::new().call(&request);
        let _ = PartnerCenterReferrals::new().call(&request);
        let _ = PartnerCenterEvents::new().call(&request);
    }
}
