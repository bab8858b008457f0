//! A small typed builder for workflow definitions (Power Automate's flavour of the Logic Apps
//! workflow definition language): triggers, actions, `runAfter`, retry policies.
//!
//! Actions are added to a [`Steps`] in order; each runs after the one before unless told
//! otherwise ([`Steps::after`]), which is how the designer chains them. Output is a
//! `serde_json::Value` whose objects are sorted maps, so the same flow always gives the same bytes.

use crate::connections::Connection;
use serde_json::{json, Map, Value};

/// How an earlier action ended, as `runAfter` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Succeeded,
    Failed,
    Skipped,
    TimedOut,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Succeeded => "Succeeded",
            Status::Failed => "Failed",
            Status::Skipped => "Skipped",
            Status::TimedOut => "TimedOut",
        }
    }
}

/// Every way an action can end but succeeding: a `runAfter` that catches a failure.
pub const NOT_SUCCEEDED: &[Status] = &[Status::Failed, Status::TimedOut];

/// A retry policy (`retryPolicy`): Partner Center throttles (429) and fails transiently (5xx).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// No retries: the flow handles the answer itself (a 412 is not retried, it is merged).
    None,
    /// `count` retries, exponential from `interval` (ISO 8601 duration).
    Exponential { count: u32, interval: &'static str },
}

impl Retry {
    fn to_value(self) -> Value {
        match self {
            Retry::None => json!({"type": "none"}),
            Retry::Exponential { count, interval } => {
                json!({"type": "exponential", "count": count, "interval": interval})
            }
        }
    }
}

/// The retry policy of every Partner Center call: 4 retries from 20 s (429 and 5xx are retried by
/// the platform, honouring Retry-After). UNCERTAIN: counts are ours; the docs give no budget.
pub const PARTNER_CENTER_RETRY: Retry = Retry::Exponential { count: 4, interval: "PT20S" };

/// One action.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Compose(Value),
    /// `expression` is a condition object (`{"and": [{"equals": [a, b]}]}`), see [`cond`].
    If {
        expression: Value,
        then: Steps,
        otherwise: Steps,
    },
    Scope(Steps),
    /// `on` is a flow string; cases by their value (text or number).
    Switch {
        on: String,
        cases: Vec<(String, Value, Steps)>,
        default: Steps,
    },
    /// `sequential`: one item at a time (needed when items touch the same rows).
    Foreach {
        from: String,
        body: Steps,
        sequential: bool,
    },
    /// Do until: repeat `body` until `expression` (a flow string) is true, at most `limit` times.
    Until {
        expression: String,
        limit: u32,
        body: Steps,
    },
    InitializeVariable {
        name: String,
        kind: VarKind,
        value: Value,
    },
    IncrementVariable {
        name: String,
        value: Value,
    },
    SetVariable {
        name: String,
        value: Value,
    },
    AppendToArrayVariable {
        name: String,
        value: Value,
    },
    AppendToStringVariable {
        name: String,
        value: Value,
    },
    ParseJson {
        content: Value,
        schema: Value,
    },
    /// Filter array: keep the items of `from` for which `condition` (a flow string) is true.
    Query {
        from: String,
        condition: String,
    },
    /// Select: map each item of `from` to `select` (a value with `item()` expressions).
    Select {
        from: String,
        select: Value,
    },
    /// Answer an HTTP request (or a child flow's caller).
    Response {
        status: u16,
        body: Value,
    },
    Terminate {
        status: TerminateStatus,
        code: Option<String>,
        message: Option<String>,
    },
    /// Call a child flow by its workflow id (the GUID the solution gives it).
    Workflow {
        id: String,
        body: Value,
    },
    /// A connector operation by its swagger `operationId`, parameters by their swagger names.
    Connector {
        connection: Connection,
        operation: &'static str,
        parameters: Map<String, Value>,
        retry: Retry,
    },
}

/// A variable's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarKind {
    String,
    Integer,
    Boolean,
    Array,
    Object,
}

/// How a Terminate ends the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TerminateStatus {
    Succeeded,
    Failed,
    Cancelled,
}

/// Actions in order; each runs after the previous one unless [`Steps::after`] says otherwise.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Steps {
    actions: Vec<(String, Action, Option<RunAfter>)>,
}

/// An explicit `runAfter`: earlier actions and the statuses they must end with.
type RunAfter = Vec<(String, Vec<Status>)>;

/// `v` with `key` set (`v` is always an object here).
fn with(mut v: Value, key: &str, value: Value) -> Value {
    if let Some(m) = v.as_object_mut() {
        m.insert(key.to_owned(), value);
    }
    v
}

impl Steps {
    pub fn new() -> Steps {
        Steps::default()
    }

    /// Adds an action that runs after the previous one succeeded (or first, when there is none).
    pub fn then(mut self, name: &str, action: Action) -> Steps {
        self.actions.push((name.to_owned(), action, None));
        self
    }

    /// Adds an action that runs after the named actions ended as given.
    pub fn after(mut self, name: &str, action: Action, run_after: &[(&str, &[Status])]) -> Steps {
        let after = run_after.iter().map(|(n, s)| ((*n).to_owned(), s.to_vec())).collect();
        self.actions.push((name.to_owned(), action, Some(after)));
        self
    }

    /// `other`'s actions after these (its first action runs after this one's last).
    pub fn append(mut self, other: Steps) -> Steps {
        self.actions.extend(other.actions);
        self
    }

    /// The names of the actions, nested ones included, in order.
    pub fn names(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (name, action, _) in &self.actions {
            out.push(name.clone());
            for inner in action.children() {
                out.extend(inner.names());
            }
        }
        out
    }

    /// The last action's name.
    pub fn last(&self) -> Option<&str> {
        self.actions.last().map(|(n, _, _)| n.as_str())
    }

    /// The `actions` object.
    pub fn to_value(&self) -> Value {
        let mut out = Map::new();
        let mut previous: Option<&str> = None;
        for (name, action, after) in &self.actions {
            let mut v = action.to_value();
            let run_after: Map<String, Value> = match after {
                Some(list) => list
                    .iter()
                    .map(|(n, s)| (n.clone(), Value::from(s.iter().map(|s| s.as_str()).collect::<Vec<_>>())))
                    .collect(),
                None => previous.map(|p| (p.to_owned(), json!(["Succeeded"]))).into_iter().collect(),
            };
            if let Value::Object(m) = &mut v {
                m.insert("runAfter".to_owned(), Value::Object(run_after));
            }
            out.insert(name.clone(), v);
            previous = Some(name);
        }
        Value::Object(out)
    }
}

impl Action {
    fn children(&self) -> Vec<&Steps> {
        match self {
            Action::If { then, otherwise, .. } => vec![then, otherwise],
            Action::Scope(s) => vec![s],
            Action::Switch { cases, default, .. } => cases.iter().map(|(_, _, s)| s).chain([default]).collect(),
            Action::Foreach { body, .. } | Action::Until { body, .. } => vec![body],
            _ => Vec::new(),
        }
    }

    fn to_value(&self) -> Value {
        match self {
            Action::Compose(inputs) => json!({"type": "Compose", "inputs": inputs}),
            Action::If { expression, then, otherwise } => json!({
                "type": "If", "expression": expression,
                "actions": then.to_value(), "else": {"actions": otherwise.to_value()}
            }),
            Action::Scope(steps) => json!({"type": "Scope", "actions": steps.to_value()}),
            Action::Switch { on, cases, default } => {
                let cases: Map<String, Value> = cases
                    .iter()
                    .map(|(name, value, steps)| (name.clone(), json!({"case": value, "actions": steps.to_value()})))
                    .collect();
                json!({"type": "Switch", "expression": on, "cases": cases, "default": {"actions": default.to_value()}})
            }
            Action::Foreach { from, body, sequential } => {
                let v = json!({"type": "Foreach", "foreach": from, "actions": body.to_value()});
                match sequential {
                    true => with(v, "runtimeConfiguration", json!({"concurrency": {"repetitions": 1}})),
                    false => v,
                }
            }
            Action::Until { expression, limit, body } => json!({
                "type": "Until", "expression": expression,
                "limit": {"count": limit, "timeout": "PT1H"}, "actions": body.to_value()
            }),
            Action::IncrementVariable { name, value } => {
                json!({"type": "IncrementVariable", "inputs": {"name": name, "value": value}})
            }
            Action::InitializeVariable { name, kind, value } => json!({
                "type": "InitializeVariable",
                "inputs": {"variables": [{"name": name, "type": kind.as_str(), "value": value}]}
            }),
            Action::SetVariable { name, value } => {
                json!({"type": "SetVariable", "inputs": {"name": name, "value": value}})
            }
            Action::AppendToArrayVariable { name, value } => {
                json!({"type": "AppendToArrayVariable", "inputs": {"name": name, "value": value}})
            }
            Action::AppendToStringVariable { name, value } => {
                json!({"type": "AppendToStringVariable", "inputs": {"name": name, "value": value}})
            }
            Action::ParseJson { content, schema } => {
                json!({"type": "ParseJson", "inputs": {"content": content, "schema": schema}})
            }
            Action::Query { from, condition } => {
                json!({"type": "Query", "inputs": {"from": from, "where": condition}})
            }
            Action::Select { from, select } => json!({"type": "Select", "inputs": {"from": from, "select": select}}),
            Action::Response { status, body } => {
                json!({"type": "Response", "kind": "Http", "inputs": {"statusCode": status, "body": body}})
            }
            Action::Terminate { status, code, message } => {
                let mut inputs = json!({"runStatus": status.as_str()});
                if code.is_some() || message.is_some() {
                    inputs = with(inputs, "runError", json!({"code": code, "message": message}));
                }
                json!({"type": "Terminate", "inputs": inputs})
            }
            Action::Workflow { id, body } => json!({
                "type": "Workflow",
                "inputs": {"host": {"workflowReferenceName": id}, "body": body}
            }),
            Action::Connector { connection, operation, parameters, retry } => json!({
                "type": "OpenApiConnection",
                "inputs": {
                    "host": {"connectionName": connection.key(), "operationId": operation, "apiId": connection.api_id()},
                    "parameters": parameters,
                    "authentication": "@parameters('$authentication')",
                    "retryPolicy": retry.to_value()
                }
            }),
        }
    }
}

impl VarKind {
    fn as_str(self) -> &'static str {
        match self {
            VarKind::String => "string",
            VarKind::Integer => "integer",
            VarKind::Boolean => "boolean",
            VarKind::Array => "array",
            VarKind::Object => "object",
        }
    }
}

impl TerminateStatus {
    fn as_str(self) -> &'static str {
        match self {
            TerminateStatus::Succeeded => "Succeeded",
            TerminateStatus::Failed => "Failed",
            TerminateStatus::Cancelled => "Cancelled",
        }
    }
}

/// A connector call's parameters from `(name, value)` pairs.
pub fn params(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

/// Conditions for `If` and trigger conditions, as the designer writes them.
pub mod cond {
    use serde_json::{json, Value};

    pub fn equals(a: &str, b: Value) -> Value {
        json!({"equals": [a, b]})
    }
    pub fn not(c: Value) -> Value {
        json!({"not": c})
    }
    pub fn and(cs: Vec<Value>) -> Value {
        json!({"and": cs})
    }
    pub fn or(cs: Vec<Value>) -> Value {
        json!({"or": cs})
    }
    /// A whole boolean expression (`@expr`) as a condition.
    pub fn is_true(expression: &str) -> Value {
        equals(&crate::expr::whole(expression), Value::Bool(true))
    }
}

/// A trigger.
#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// "When a HTTP request is received": POST with a JSON schema; anyone holding the URL (its
    /// SAS signature) may call it.
    Http { schema: Value },
    /// The manual trigger of a child flow or an instant flow: named inputs with a schema.
    Button { schema: Value },
    /// Dataverse "When a row is added, modified or deleted".
    Dataverse {
        message: DataverseMessage,
        entity: &'static str,
        /// Column logical names; a change to another column does not start the flow.
        filtering: Vec<String>,
        /// Trigger conditions (`@expr` strings): all must be true.
        conditions: Vec<String>,
    },
}

/// The Dataverse trigger's `subscriptionRequest/message` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataverseMessage {
    Added = 1,
    Modified = 3,
    AddedOrModified = 4,
}

impl Trigger {
    /// The trigger's key in `triggers`, as the designer names it.
    pub fn name(&self) -> &'static str {
        match self {
            Trigger::Http { .. } | Trigger::Button { .. } => "manual",
            Trigger::Dataverse { .. } => "When_a_row_is_added_or_modified",
        }
    }

    fn to_value(&self) -> Value {
        match self {
            Trigger::Http { schema } => json!({
                "type": "Request", "kind": "Http",
                "inputs": {"triggerAuthenticationType": "All", "method": "POST", "schema": schema}
            }),
            Trigger::Button { schema } => json!({"type": "Request", "kind": "Button", "inputs": {"schema": schema}}),
            Trigger::Dataverse { message, entity, filtering, conditions } => {
                let mut parameters = params(&[
                    ("subscriptionRequest/message", json!(*message as u8)),
                    ("subscriptionRequest/entityname", json!(entity)),
                    // Organization: every row, whoever owns it.
                    ("subscriptionRequest/scope", json!(4)),
                ]);
                if !filtering.is_empty() {
                    parameters.insert("subscriptionRequest/filteringattributes".to_owned(), json!(filtering.join(",")));
                }
                let v = json!({
                    "type": "OpenApiConnectionWebhook",
                    "inputs": {
                        "host": {
                            "connectionName": Connection::Dataverse.key(),
                            "operationId": "SubscribeWebhookTrigger",
                            "apiId": Connection::Dataverse.api_id()
                        },
                        "parameters": parameters,
                        "authentication": "@parameters('$authentication')"
                    }
                });
                match conditions.is_empty() {
                    true => v,
                    false => with(v, "conditions", conditions.iter().map(|c| json!({"expression": c})).collect()),
                }
            }
        }
    }
}

/// The definition with its trigger's concurrency control at one run: a helper's runs queue
/// instead of overlapping, so two quick saves (or two near-simultaneous webhooks) cannot both see
/// "no referral yet" and both create. UNCERTAIN: Power Automate's trigger concurrency setting
/// (`runtimeConfiguration.concurrency.runs`, as Logic Apps writes it) on a child flow's trigger.
pub fn one_run_at_a_time(mut definition: Value) -> Value {
    if let Some(triggers) = definition.get_mut("triggers").and_then(Value::as_object_mut) {
        for trigger in triggers.values_mut() {
            if let Some(t) = trigger.as_object_mut() {
                t.insert("runtimeConfiguration".to_owned(), json!({"concurrency": {"runs": 1}}));
            }
        }
    }
    definition
}

/// A whole workflow definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    pub trigger: Trigger,
    pub actions: Steps,
}

impl Definition {
    /// `properties.definition`; the solution generator adds `$connections`, `$authentication` and
    /// the environment-variable parameters.
    pub fn to_value(&self) -> Value {
        let mut triggers = Map::new();
        triggers.insert(self.trigger.name().to_owned(), self.trigger.to_value());
        json!({
            "$schema": "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
            "contentVersion": "1.0.0.0",
            "parameters": {},
            "triggers": triggers,
            "actions": self.actions.to_value(),
            "outputs": {}
        })
    }
}

/// A JSON schema object with string properties (request and child-flow inputs).
pub fn object_schema(properties: &[(&str, &str, &str)], required: &[&str]) -> Value {
    let props: Map<String, Value> = properties
        .iter()
        .map(|(name, kind, description)| ((*name).to_owned(), json!({"type": kind, "description": description})))
        .collect();
    json!({"type": "object", "properties": props, "required": required})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_chain_in_order_and_catch_failures() {
        let steps = Steps::new().then("A", Action::Compose(json!(1))).then("B", Action::Compose(json!(2))).after(
            "C",
            Action::Compose(json!(3)),
            &[("A", NOT_SUCCEEDED)],
        );
        let v = steps.to_value();
        assert_eq!(v["A"]["runAfter"], json!({}));
        assert_eq!(v["B"]["runAfter"], json!({"A": ["Succeeded"]}));
        assert_eq!(v["C"]["runAfter"], json!({"A": ["Failed", "TimedOut"]}));
        assert_eq!(steps.names(), ["A", "B", "C"]);
    }

    #[test]
    fn nested_actions_are_named_and_sequential_loops_say_so() {
        let inner = Steps::new().then("In", Action::Compose(json!("x")));
        let steps = Steps::new()
            .then("Loop", Action::Foreach { from: "@createArray(1)".into(), body: inner.clone(), sequential: true });
        assert_eq!(steps.names(), ["Loop", "In"]);
        assert_eq!(steps.to_value()["Loop"]["runtimeConfiguration"]["concurrency"]["repetitions"], 1);
        let branch = Action::If { expression: cond::is_true("true"), then: inner, otherwise: Steps::new() };
        let v = Steps::new().then("If", branch).to_value();
        assert_eq!(v["If"]["actions"]["In"]["type"], "Compose");
        assert_eq!(v["If"]["else"]["actions"], json!({}));
    }

    #[test]
    fn dataverse_trigger_has_filtering_and_conditions() {
        let t = Trigger::Dataverse {
            message: DataverseMessage::AddedOrModified,
            entity: "opportunity",
            filtering: vec!["name".into(), "estimatedvalue".into()],
            conditions: vec!["@true".into()],
        };
        let v = t.to_value();
        let p = &v["inputs"]["parameters"];
        assert_eq!(p["subscriptionRequest/message"], 4);
        assert_eq!(p["subscriptionRequest/filteringattributes"], "name,estimatedvalue");
        assert_eq!(v["conditions"], json!([{"expression": "@true"}]));
        assert_eq!(v["inputs"]["host"]["operationId"], "SubscribeWebhookTrigger");
    }
}
