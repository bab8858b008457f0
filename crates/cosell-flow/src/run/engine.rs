//! Runs a flow: fires the trigger, walks each container's actions in `runAfter` order, decides
//! skips, container and run statuses the way Logic Apps documents them ("a branch that ends in a
//! skipped action takes its predecessor's status; if any branch ends in failure, the container
//! fails").

use super::clock::format_instant;
use super::definition::{Action, Flow, Graph, Kind, TriggerKind};
use super::host::{Host, TriggerInput};
use super::record::{ActionRecord, RunRecord, Status};
use crate::expr::ExprError;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// A loop iteration (Foreach, Until) or a per-item evaluation (Query, Select, Table).
pub(super) struct Frame {
    /// The loop's name; empty for a data operation's item.
    pub name: String,
    pub item: Option<Value>,
    pub index: usize,
}

pub(super) struct Variable {
    pub kind: super::variables::VarType,
    pub value: Value,
}

/// One running flow.
pub(super) struct Run<'h> {
    pub host: &'h mut Host,
    pub flow: &'h Flow,
    pub run_id: String,
    pub depth: usize,
    pub records: Vec<ActionRecord>,
    /// Action name → index of its latest record.
    pub latest: BTreeMap<String, usize>,
    pub trigger: ActionRecord,
    pub variables: BTreeMap<String, Variable>,
    pub frames: Vec<Frame>,
    pub parents: Vec<String>,
    /// Set by a Terminate action: the run's status and error.
    pub terminated: Option<(Status, Option<Value>)>,
    pub response: Option<Value>,
}

/// What executing one action produced.
#[derive(Default)]
pub(super) struct Outcome {
    pub status: Option<Status>,
    pub code: Option<String>,
    pub inputs: Option<Value>,
    pub outputs: Option<Value>,
    pub error: Option<Value>,
    pub retries: u32,
    pub notes: Map<String, Value>,
    pub child: Option<Box<RunRecord>>,
}

impl Outcome {
    pub fn succeeded(inputs: Option<Value>, outputs: Option<Value>) -> Outcome {
        Outcome { status: Some(Status::Succeeded), inputs, outputs, ..Outcome::default() }
    }

    pub fn failed(code: &str, message: impl Into<String>) -> Outcome {
        let message: String = message.into();
        Outcome {
            status: Some(Status::Failed),
            code: Some(code.to_owned()),
            error: Some(json!({"code": code, "message": message})),
            ..Outcome::default()
        }
    }

    /// An expression in the action's inputs could not be evaluated.
    pub fn template(action: &str, e: &ExprError) -> Outcome {
        Outcome::failed(
            "InvalidTemplate",
            format!("Unable to process template language expressions in action '{action}' inputs {e}"),
        )
    }

    /// The action ran past its `limit.timeout`.
    pub fn action_timed_out(action: &str) -> Outcome {
        let mut outcome =
            Outcome::failed("ActionTimedOut", format!("The action '{action}' did not finish within its timeout."));
        outcome.status = Some(Status::TimedOut);
        outcome
    }

    pub fn with_inputs(mut self, inputs: Value) -> Outcome {
        self.inputs = Some(inputs);
        self
    }
}

/// Runs `flow` on `host`; `depth` counts child-flow nesting.
pub(crate) fn run_flow(host: &mut Host, flow: &Flow, input: TriggerInput, depth: usize) -> RunRecord {
    let run_id = host.next_guid();
    let start = host.now_unix_millis();
    let trigger = ActionRecord::new(&flow.trigger.name, &flow.trigger.type_name, Vec::new(), start);
    let mut run = Run {
        host,
        flow,
        run_id,
        depth,
        records: Vec::new(),
        latest: BTreeMap::new(),
        trigger,
        variables: BTreeMap::new(),
        frames: Vec::new(),
        parents: Vec::new(),
        terminated: None,
        response: None,
    };
    let fired = run.fire(input);
    let (status, error) = if !fired {
        (run.trigger.status, run.trigger.error.clone())
    } else {
        let (status, culprit) = run.run_graph(&flow.actions);
        match run.terminated.take() {
            Some((status, error)) => (status, error),
            None => (status, culprit.and_then(|name| run.latest_record(&name)).and_then(|r| r.error.clone())),
        }
    };
    let outputs = if fired { run.definition_outputs() } else { Value::Object(Map::new()) };
    RunRecord {
        id: run.run_id,
        flow: flow.name.clone(),
        status,
        error,
        trigger: run.trigger,
        actions: run.records,
        response: run.response,
        outputs,
        start_millis: start,
        end_millis: run.host.now_unix_millis(),
    }
}

impl Run<'_> {
    pub fn now(&self) -> i64 {
        self.host.now_unix_millis()
    }

    pub fn latest_record(&self, name: &str) -> Option<&ActionRecord> {
        self.latest.get(name).and_then(|i| self.records.get(*i))
    }

    /// Fires the trigger; false when it did not fire (its record says why).
    fn fire(&mut self, input: TriggerInput) -> bool {
        let flow = self.flow;
        let trigger = &flow.trigger;
        let outputs = match (input, &trigger.kind) {
            (TriggerInput::Outputs(outputs), _) => Ok(Some(outputs)),
            (TriggerInput::Request { headers, body }, _) => Ok(Some(json!({"headers": headers, "body": body}))),
            (TriggerInput::Event(event), TriggerKind::Webhook { connection, operation }) => {
                self.webhook(connection, operation, &event)
            }
            (TriggerInput::Event(_), _) => Err(format!(
                "an event fires only an OpenApiConnectionWebhook trigger; {} is a {}",
                trigger.name, trigger.type_name
            )),
        };
        let end = self.now();
        self.trigger.end_millis = end;
        match outputs {
            Err(message) => {
                self.trigger.status = Status::Failed;
                self.trigger.code = Some("TriggerFailed".into());
                self.trigger.error = Some(json!({"code": "TriggerFailed", "message": message}));
                false
            }
            Ok(None) => {
                self.trigger.status = Status::Skipped;
                self.trigger.code = Some("TriggerFilterNotMatched".into());
                false
            }
            Ok(Some(outputs)) => {
                if self.trigger.inputs.is_none() && !trigger.inputs.is_null() {
                    self.trigger.inputs = Some(trigger.inputs.clone());
                }
                self.trigger.outputs = Some(outputs);
                self.trigger.code = Some("OK".into());
                self.trigger_conditions_hold()
            }
        }
    }

    /// Asks the bound service whether the event fires the webhook trigger.
    fn webhook(&mut self, connection: &str, operation: &str, event: &Value) -> Result<Option<Value>, String> {
        let parameters = self.flow.trigger.inputs.get("parameters").cloned().unwrap_or_else(|| json!({}));
        let parameters = self.eval(&parameters).map_err(|e| format!("trigger parameters {e}"))?;
        self.trigger.inputs = Some(json!({"host": self.flow.trigger.inputs.get("host"), "parameters": parameters}));
        let params = parameters.as_object().cloned().unwrap_or_default();
        let key = self.service_key(connection, self.flow.trigger.inputs.get("host"))?;
        match self.host.services.get_mut(&key) {
            Some(service) => service.trigger(operation, &params, event),
            None => Err(format!("no service is bound to connection {connection}")),
        }
    }

    /// Trigger conditions (`conditions[].expression`): all must be true for the run to start.
    fn trigger_conditions_hold(&mut self) -> bool {
        for condition in &self.flow.trigger.conditions {
            match crate::expr::evaluate_template(condition, &*self) {
                Ok(Value::Bool(true)) => {}
                Ok(_) => {
                    self.trigger.status = Status::Skipped;
                    self.trigger.code = Some("TriggerConditionNotMet".into());
                    return false;
                }
                Err(e) => {
                    self.trigger.status = Status::Failed;
                    self.trigger.code = Some("InvalidTemplate".into());
                    self.trigger.error = Some(
                        json!({"code": "InvalidTemplate", "message": format!("trigger condition {condition:?} {e}")}),
                    );
                    return false;
                }
            }
        }
        true
    }

    /// The definition's `outputs` (`{"name": {"type", "value"}}`), evaluated.
    fn definition_outputs(&self) -> Value {
        let mut out = Map::new();
        for (name, output) in self.flow.outputs.as_object().into_iter().flatten() {
            let value = output.get("value").map_or(Ok(Value::Null), |v| self.eval(v));
            out.insert(name.clone(), value.unwrap_or_else(|e| json!({"error": e.to_string()})));
        }
        Value::Object(out)
    }

    /// Runs a container's actions; returns its status and the action that failed it.
    pub fn run_graph(&mut self, graph: &Graph) -> (Status, Option<String>) {
        let mut statuses: BTreeMap<String, Status> = BTreeMap::new();
        for action in &graph.actions {
            if self.terminated.is_some() {
                break;
            }
            let unmet = action.run_after.iter().find_map(|(pred, allowed)| {
                let actual = statuses.get(pred).copied().unwrap_or(Status::Skipped);
                (!allowed.contains(&actual)).then(|| (pred.clone(), allowed.clone(), actual))
            });
            let status = match unmet {
                Some((pred, allowed, actual)) => self.skip(action, &pred, &allowed, actual),
                None => self.run_action(action),
            };
            statuses.insert(action.name.clone(), status);
        }
        if let Some((status, _)) = &self.terminated {
            return (*status, None);
        }
        container_status(graph, &statuses)
    }

    fn skip(&mut self, action: &Action, pred: &str, allowed: &[Status], actual: Status) -> Status {
        let mut record = ActionRecord::new(&action.name, &action.type_name, self.parents.clone(), self.now());
        let expected: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
        record.status = Status::Skipped;
        record.code = Some("ActionSkipped".into());
        record.error = Some(json!({
            "code": "ActionConditionFailed",
            "message": format!(
                "The execution of template action '{}' is skipped: the 'runAfter' condition for action '{pred}' is not satisfied. Expected status values '{}' and actual value '{actual}'.",
                action.name,
                expected.join(", ")
            )
        }));
        self.push(record);
        Status::Skipped
    }

    fn push(&mut self, record: ActionRecord) -> usize {
        let index = self.records.len();
        self.latest.insert(record.name.clone(), index);
        self.records.push(record);
        index
    }

    /// Runs one action and records it.
    fn run_action(&mut self, action: &Action) -> Status {
        let start = self.now();
        let index = self.push(ActionRecord::new(&action.name, &action.type_name, self.parents.clone(), start));
        let mut outcome = if self.records.len() > self.host.max_action_executions {
            let limit = self.host.max_action_executions;
            self.terminated = Some((
                Status::Failed,
                Some(
                    json!({"code": "ActionLimitExceeded", "message": format!("the run exceeded {limit} action executions")}),
                ),
            ));
            Outcome::failed("ActionLimitExceeded", format!("the run exceeded {limit} action executions"))
        } else {
            self.execute(action)
        };
        let end = self.now();
        if let Some(limit) = action.timeout_millis {
            if end - start > limit && outcome.status != Some(Status::TimedOut) {
                let timed_out = Outcome::action_timed_out(&action.name);
                (outcome.status, outcome.code, outcome.error) = (timed_out.status, timed_out.code, timed_out.error);
            }
        }
        if let Some(notes) = action.runtime_configuration.clone() {
            outcome.notes.insert("runtimeConfiguration".into(), notes);
        }
        let status = outcome.status.unwrap_or(Status::Succeeded);
        if let Some(record) = self.records.get_mut(index) {
            record.status = status;
            record.code = outcome.code.or_else(|| (status == Status::Succeeded).then(|| "OK".to_owned()));
            record.inputs = outcome.inputs;
            record.outputs = outcome.outputs;
            record.error = outcome.error;
            record.end_millis = end;
            record.retries = outcome.retries;
            record.notes = outcome.notes;
            record.child = outcome.child;
        }
        self.latest.insert(action.name.clone(), index);
        status
    }

    fn execute(&mut self, action: &Action) -> Outcome {
        match &action.kind {
            Kind::Compose => match self.eval(&action.inputs) {
                Ok(v) => Outcome::succeeded(Some(v.clone()), Some(v)),
                Err(e) => Outcome::template(&action.name, &e),
            },
            Kind::InitializeVariable
            | Kind::SetVariable
            | Kind::AppendToArrayVariable
            | Kind::AppendToStringVariable
            | Kind::IncrementVariable
            | Kind::DecrementVariable => self.variable_action(action),
            Kind::ParseJson | Kind::Query | Kind::Select | Kind::Join | Kind::Table => self.data_action(action),
            Kind::Response => self.response_action(action),
            Kind::Terminate => self.terminate_action(action),
            Kind::Wait => self.wait_action(action),
            Kind::Workflow => self.workflow_action(action),
            Kind::OpenApiConnection => self.connector_action(action),
            Kind::Scope(graph) => self.nested(&action.name, graph, Outcome::default()),
            Kind::If { expression, then, otherwise } => match self.condition(expression) {
                Ok(result) => {
                    let branch = if result { then } else { otherwise };
                    self.nested(&action.name, branch, Outcome::succeeded(None, Some(json!({"expression": result}))))
                }
                Err(e) => Outcome::template(&action.name, &e),
            },
            Kind::Switch { expression, cases, default } => match self.eval(expression) {
                // UNCERTAIN: the docs allow a Switch on integers and strings only; the runtime's
                // exact error for another type is not documented, so it is an InvalidTemplate.
                Ok(value) if !(value.is_string() || value.is_i64() || value.is_u64()) => Outcome::failed(
                    "InvalidTemplate",
                    format!(
                        "The execution of template action '{}' failed: the Switch expression evaluates to {}; it must be an integer or a string.",
                        action.name,
                        super::schema::kind(&value)
                    ),
                )
                .with_inputs(json!({"expression": value})),
                Ok(value) => {
                    let case = cases.iter().find(|c| same_value(&c.value, &value));
                    let branch = case.map_or(default, |c| &c.body);
                    let chosen = case.map_or("default", |c| c.name.as_str());
                    let outcome = Outcome::succeeded(Some(json!({"expression": value})), Some(json!({"case": chosen})));
                    self.nested(&action.name, branch, outcome)
                }
                Err(e) => Outcome::template(&action.name, &e),
            },
            Kind::Foreach { items, body } => self.foreach(action, items, body),
            Kind::Until { expression, count, timeout_millis, body } => {
                self.until(action, expression, *count, *timeout_millis, body)
            }
        }
    }

    /// Runs a container with this action as parent; the container's status becomes the action's.
    fn nested(&mut self, name: &str, graph: &Graph, mut outcome: Outcome) -> Outcome {
        self.parents.push(name.to_owned());
        let (status, culprit) = self.run_graph(graph);
        self.parents.pop();
        self.container_end(&mut outcome, status, culprit);
        outcome
    }

    /// Sets a container action's status from its container's, or from a Terminate inside it.
    /// UNCERTAIN: a container a Terminate ended takes the run status Terminate set (and its
    /// error), with code Terminated; the docs say only that the run ends with that status.
    fn container_end(&self, outcome: &mut Outcome, status: Status, culprit: Option<String>) {
        match &self.terminated {
            Some((terminated, error)) => {
                outcome.status = Some(*terminated);
                outcome.code = Some("Terminated".into());
                outcome.error = error.clone();
            }
            None => apply_container_status(outcome, status, culprit),
        }
    }

    fn foreach(&mut self, action: &Action, items: &Value, body: &Graph) -> Outcome {
        let list = match self.eval(items) {
            Ok(Value::Array(list)) => list,
            Ok(other) => {
                return Outcome::failed(
                    "InvalidTemplate",
                    format!(
                        "The execution of template action '{}' failed: the result of the evaluation of 'foreach' expression is of type '{}'. The result must be a valid array.",
                        action.name,
                        super::schema::kind(&other)
                    ),
                )
            }
            Err(e) => return Outcome::template(&action.name, &e),
        };
        let mut outcome = Outcome::succeeded(Some(json!({"foreachItems": list.len()})), None);
        // Iterations run one after another; a concurrency setting is recorded, not modelled.
        if let Some(c) = action.runtime_configuration.as_ref().and_then(|r| r.get("concurrency")) {
            outcome.notes.insert("concurrency".into(), c.clone());
        }
        let mut worst = (Status::Succeeded, None);
        for (index, item) in list.into_iter().enumerate() {
            self.frames.push(Frame { name: action.name.clone(), item: Some(item), index });
            self.parents.push(format!("{}[{index}]", action.name));
            let (status, culprit) = self.run_graph(body);
            self.parents.pop();
            self.frames.pop();
            if status != Status::Succeeded && worst.0 == Status::Succeeded {
                worst = (status, culprit);
            }
            if self.terminated.is_some() {
                break;
            }
        }
        self.container_end(&mut outcome, worst.0, worst.1);
        outcome
    }

    /// Do-until: runs the body, then checks the condition; stops at the count or time limit.
    /// UNCERTAIN: reaching a limit ends the loop as Succeeded (the docs say only that it stops).
    fn until(&mut self, action: &Action, expression: &Value, count: i64, timeout: i64, body: &Graph) -> Outcome {
        let start = self.now();
        let mut outcome = Outcome::succeeded(None, None);
        let mut last = (Status::Succeeded, None);
        let mut iterations = 0usize;
        let mut met = false;
        while i64::try_from(iterations).unwrap_or(i64::MAX) < count {
            self.frames.push(Frame { name: action.name.clone(), item: None, index: iterations });
            self.parents.push(format!("{}[{iterations}]", action.name));
            last = self.run_graph(body);
            self.parents.pop();
            let condition = self.condition(expression);
            self.frames.pop();
            iterations += 1;
            match condition {
                Ok(true) => {
                    met = true;
                    break;
                }
                Ok(false) => {}
                Err(e) => return Outcome::template(&action.name, &e),
            }
            if self.terminated.is_some() || self.now() - start >= timeout {
                break;
            }
        }
        outcome.outputs = Some(json!({"iterations": iterations, "conditionMet": met}));
        self.container_end(&mut outcome, last.0, last.1);
        outcome
    }

    /// Evaluates a value from the definition: strings with `@` go to the expression evaluator,
    /// everything else is itself (a fast path that also keeps literal strings literal).
    pub fn eval(&self, value: &Value) -> Result<Value, ExprError> {
        match value {
            Value::String(s) if s.contains('@') => crate::expr::evaluate_template(s, self),
            Value::Array(items) => items.iter().map(|v| self.eval(v)).collect::<Result<_, _>>().map(Value::Array),
            Value::Object(map) => {
                let mut out = Map::new();
                for (k, v) in map {
                    out.insert(k.clone(), self.eval(v)?);
                }
                Ok(Value::Object(out))
            }
            other => Ok(other.clone()),
        }
    }

    /// Evaluates `value` with `item()` bound to `item` (Query, Select, Table).
    pub fn eval_with_item(&mut self, value: &Value, item: Value, index: usize) -> Result<Value, ExprError> {
        self.frames.push(Frame { name: String::new(), item: Some(item), index });
        let result = self.eval(value);
        self.frames.pop();
        result
    }

    /// The service a connection is bound to: by connection name, then by the API name in the
    /// flow's connection reference, then by the last segment of `host.apiId`.
    pub fn service_key(&self, connection: &str, host: Option<&Value>) -> Result<String, String> {
        self.host.service_key(self.flow, connection, host)
    }

    pub fn workflow_object(&self) -> Value {
        let id = self.flow.id.clone().unwrap_or_else(|| self.flow.name.clone());
        json!({
            "id": format!("/workflows/{id}"),
            "name": id,
            "type": "Microsoft.Logic/workflows",
            "run": {"id": format!("/workflows/{id}/runs/{}", self.run_id), "name": self.run_id, "type": "Microsoft.Logic/workflows/runs"},
            "tags": {"flowDisplayName": self.flow.name, "environmentName": "cosell-offline"},
            "startTime": format_instant(self.trigger.start_millis)
        })
    }
}

/// Sets a container action's status from its container's.
fn apply_container_status(outcome: &mut Outcome, status: Status, culprit: Option<String>) {
    if status.is_failure() {
        outcome.status = Some(Status::Failed);
        outcome.code = Some("ActionFailed".into());
        let message = match culprit {
            Some(name) => format!("An action failed. No dependent actions succeeded. The first was '{name}'."),
            None => "An action failed. No dependent actions succeeded.".to_owned(),
        };
        outcome.error = Some(json!({"code": "ActionFailed", "message": message}));
    } else if outcome.status.is_none() || status == Status::Cancelled {
        outcome.status = Some(status);
    }
}

/// A container's status from its branch ends: a branch that ends in a skipped action takes its
/// predecessors' status; any branch ending in failure fails the container.
fn container_status(graph: &Graph, statuses: &BTreeMap<String, Status>) -> (Status, Option<String>) {
    let mut memo: BTreeMap<String, Option<String>> = BTreeMap::new();
    for end in graph.ends() {
        if let Some(culprit) = failing(graph, &end.name, statuses, &mut memo) {
            return (Status::Failed, Some(culprit));
        }
    }
    (Status::Succeeded, None)
}

/// The failed action a branch ending at `name` inherits, if any.
fn failing(
    graph: &Graph,
    name: &str,
    statuses: &BTreeMap<String, Status>,
    memo: &mut BTreeMap<String, Option<String>>,
) -> Option<String> {
    if let Some(known) = memo.get(name) {
        return known.clone();
    }
    let result = match statuses.get(name) {
        Some(s) if s.is_failure() => Some(name.to_owned()),
        Some(Status::Skipped) => graph
            .get(name)
            .into_iter()
            .flat_map(|a| a.run_after.iter())
            .find_map(|(pred, _)| failing(graph, pred, statuses, memo)),
        _ => None,
    };
    memo.insert(name.to_owned(), result.clone());
    result
}

/// JSON equality where 1 and 1.0 are the same number (Switch cases).
pub(super) fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}
