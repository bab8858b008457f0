//! The run record: what a run did, action by action, as the run history shows it.

use super::clock::format_instant;
use serde_json::{json, Map, Value};

/// An action's (or the trigger's, or the run's) final status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Succeeded,
    Failed,
    Skipped,
    TimedOut,
    /// Stopped by a Terminate action with `runStatus: Cancelled`, or never run after one.
    Cancelled,
}

impl Status {
    /// The statuses `runAfter` may name.
    pub const RUN_AFTER: [Status; 4] = [Status::Succeeded, Status::Failed, Status::Skipped, Status::TimedOut];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Succeeded => "Succeeded",
            Status::Failed => "Failed",
            Status::Skipped => "Skipped",
            Status::TimedOut => "TimedOut",
            Status::Cancelled => "Cancelled",
        }
    }

    /// Reads a status as written in `runAfter` or `runStatus` (case-insensitive, as the runtime).
    pub fn parse(text: &str) -> Option<Status> {
        [Status::Succeeded, Status::Failed, Status::Skipped, Status::TimedOut, Status::Cancelled]
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text))
    }

    /// Failed or timed out: a status that fails its container unless something handles it.
    pub fn is_failure(self) -> bool {
        matches!(self, Status::Failed | Status::TimedOut)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One execution of one action (an action in a loop has one record per iteration).
#[derive(Debug, Clone, PartialEq)]
pub struct ActionRecord {
    pub name: String,
    /// The action type as written in the definition (`OpenApiConnection`, `Compose`, …).
    pub kind: String,
    /// Enclosing actions, outermost first, with the loop iteration where there is one
    /// (`["For_each[2]", "Scope"]`).
    pub parents: Vec<String>,
    pub status: Status,
    /// The status code the history shows: `OK`, `NotFound`, `ActionFailed`, `ActionSkipped`, …
    pub code: Option<String>,
    /// The evaluated inputs (absent when the action was skipped or its inputs failed to evaluate).
    pub inputs: Option<Value>,
    pub outputs: Option<Value>,
    /// `{"code", "message"}` when the action did not succeed.
    pub error: Option<Value>,
    pub start_millis: i64,
    pub end_millis: i64,
    /// Requests sent after the first one under the retry policy.
    pub retries: u32,
    /// Settings recorded but not modelled as such (`concurrency` of a sequential Foreach).
    pub notes: Map<String, Value>,
    /// The child flow's own run, for a Workflow action.
    pub child: Option<Box<RunRecord>>,
}

impl ActionRecord {
    pub(crate) fn new(name: &str, kind: &str, parents: Vec<String>, at: i64) -> ActionRecord {
        ActionRecord {
            name: name.to_owned(),
            kind: kind.to_owned(),
            parents,
            status: Status::Succeeded,
            code: None,
            inputs: None,
            outputs: None,
            error: None,
            start_millis: at,
            end_millis: at,
            retries: 0,
            notes: Map::new(),
            child: None,
        }
    }

    /// The object `actions('name')` and each item of `result('scope')` return.
    pub fn runtime_object(&self) -> Value {
        let mut o = Map::new();
        o.insert("name".into(), json!(self.name));
        if let Some(inputs) = &self.inputs {
            o.insert("inputs".into(), inputs.clone());
        }
        if let Some(outputs) = &self.outputs {
            o.insert("outputs".into(), outputs.clone());
        }
        o.insert("startTime".into(), json!(format_instant(self.start_millis)));
        o.insert("endTime".into(), json!(format_instant(self.end_millis)));
        o.insert("status".into(), json!(self.status.as_str()));
        if let Some(code) = &self.code {
            o.insert("code".into(), json!(code));
        }
        if let Some(error) = &self.error {
            o.insert("error".into(), error.clone());
        }
        Value::Object(o)
    }

    /// The record as the CLI prints it.
    pub fn to_json(&self) -> Value {
        let mut o = Map::new();
        o.insert("name".into(), json!(self.name));
        o.insert("type".into(), json!(self.kind));
        if !self.parents.is_empty() {
            o.insert("parents".into(), json!(self.parents));
        }
        o.insert("status".into(), json!(self.status.as_str()));
        for (key, value) in [("code", self.code.clone().map(Value::String)), ("inputs", self.inputs.clone())] {
            if let Some(v) = value {
                o.insert(key.into(), v);
            }
        }
        for (key, value) in [("outputs", &self.outputs), ("error", &self.error)] {
            if let Some(v) = value {
                o.insert(key.into(), v.clone());
            }
        }
        o.insert("startTime".into(), json!(format_instant(self.start_millis)));
        o.insert("endTime".into(), json!(format_instant(self.end_millis)));
        if self.retries > 0 {
            o.insert("retries".into(), json!(self.retries));
        }
        if !self.notes.is_empty() {
            o.insert("notes".into(), Value::Object(self.notes.clone()));
        }
        if let Some(child) = &self.child {
            o.insert("childRun".into(), child.to_json());
        }
        Value::Object(o)
    }
}

/// Everything a run did.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    /// The run's id (`workflow().run.name`), drawn from the host's random numbers.
    pub id: String,
    pub flow: String,
    /// Succeeded, Failed or Cancelled; Skipped when the trigger did not fire (its conditions
    /// or the service's filter said no), in which case no action ran.
    pub status: Status,
    /// `{"code", "message"}` of a failed run (from a Terminate action or the failed action).
    pub error: Option<Value>,
    pub trigger: ActionRecord,
    /// Every action execution in the order it ran (skipped actions included).
    pub actions: Vec<ActionRecord>,
    /// The first Response action's `{"statusCode", "headers", "body"}`.
    pub response: Option<Value>,
    /// The definition's `outputs`, evaluated at the end of the run.
    pub outputs: Value,
    pub start_millis: i64,
    pub end_millis: i64,
}

impl RunRecord {
    /// Action executions that ran (not skipped, not cancelled): what the run history counts.
    pub fn actions_executed(&self) -> usize {
        self.actions.iter().filter(|a| !matches!(a.status, Status::Skipped | Status::Cancelled)).count()
    }

    /// Power Platform requests the run consumed: the trigger, each executed action and each retry
    /// (the platform counts retries as requests; skipped actions are not counted). A child flow's
    /// requests are its own run's and are not included.
    /// UNCERTAIN: whether the trigger of an instant flow counts; counted here.
    pub fn platform_requests(&self) -> usize {
        let retries: usize = self.actions.iter().map(|a| a.retries as usize).sum();
        usize::from(self.trigger.status != Status::Skipped) + self.actions_executed() + retries
    }

    /// Action executions of this run and of every child flow it called, recursively: what one
    /// change costs in Power Platform actions end to end.
    pub fn actions_executed_with_children(&self) -> usize {
        self.actions_executed()
            + self
                .actions
                .iter()
                .filter_map(|a| a.child.as_deref())
                .map(RunRecord::actions_executed_with_children)
                .sum::<usize>()
    }

    /// Power Platform requests of this run and of every child flow it called, recursively.
    pub fn platform_requests_with_children(&self) -> usize {
        self.platform_requests()
            + self
                .actions
                .iter()
                .filter_map(|a| a.child.as_deref())
                .map(RunRecord::platform_requests_with_children)
                .sum::<usize>()
    }

    /// The records of the action with this name (one per iteration in a loop).
    pub fn action<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a ActionRecord> + 'a {
        self.actions.iter().filter(move |a| a.name == name)
    }

    /// The last record of the action with this name.
    pub fn last(&self, name: &str) -> Option<&ActionRecord> {
        self.actions.iter().rev().find(|a| a.name == name)
    }

    /// The status of the action with this name (its last execution).
    pub fn status_of(&self, name: &str) -> Option<Status> {
        self.last(name).map(|a| a.status)
    }

    /// The record as the CLI prints it.
    pub fn to_json(&self) -> Value {
        let mut o = Map::new();
        o.insert("flow".into(), json!(self.flow));
        o.insert("runId".into(), json!(self.id));
        o.insert("status".into(), json!(self.status.as_str()));
        if let Some(error) = &self.error {
            o.insert("error".into(), error.clone());
        }
        o.insert("startTime".into(), json!(format_instant(self.start_millis)));
        o.insert("endTime".into(), json!(format_instant(self.end_millis)));
        o.insert("actionsExecuted".into(), json!(self.actions_executed()));
        o.insert("platformRequests".into(), json!(self.platform_requests()));
        o.insert("trigger".into(), self.trigger.to_json());
        o.insert("actions".into(), Value::Array(self.actions.iter().map(ActionRecord::to_json).collect()));
        if let Some(response) = &self.response {
            o.insert("response".into(), response.clone());
        }
        o.insert("outputs".into(), self.outputs.clone());
        Value::Object(o)
    }
}
