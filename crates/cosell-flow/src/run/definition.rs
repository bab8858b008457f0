//! Reads a flow: the `definition` of a solution's `Workflows/*.json` (or a bare definition) into
//! triggers, actions and their `runAfter` graph, checked before anything runs. Every error names
//! the JSON path of the problem.

use super::path;
use super::record::Status;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// A flow definition that cannot run as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowError {
    /// JSON path into the flow file (`$.properties.definition.actions.Compose.runAfter.Missing`).
    pub path: String,
    pub message: String,
}

impl FlowError {
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> FlowError {
        FlowError { path: path.into(), message: message.into() }
    }
}

impl std::fmt::Display for FlowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for FlowError {}

/// A flow ready to run.
#[derive(Debug, Clone)]
pub struct Flow {
    /// The display name (`properties.displayName`), else the name the caller gave.
    pub name: String,
    /// The workflow id a parent's `workflowReferenceName` names (the GUID of a solution's
    /// `Workflows/<Name>-<GUID>.json`), when known.
    pub id: Option<String>,
    /// `connectionReferences`: connection name (as in `host.connectionName`) → its reference.
    pub connection_references: Map<String, Value>,
    pub parameters: BTreeMap<String, Parameter>,
    pub trigger: Trigger,
    pub actions: Graph,
    /// The definition's `outputs` (unevaluated).
    pub outputs: Value,
}

/// A definition parameter; environment variables are parameters with `metadata.schemaName`.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub kind: String,
    pub default: Option<Value>,
    pub schema_name: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Trigger {
    pub name: String,
    pub kind: TriggerKind,
    /// The type as written (`Request`, `OpenApiConnectionWebhook`, …).
    pub type_name: String,
    pub inputs: Value,
    /// `conditions[].expression`: trigger conditions, all of which must be true.
    pub conditions: Vec<String>,
    pub path: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TriggerKind {
    /// `Request` with its `kind` (`Http`, `Button`, `PowerAppV2`, …).
    Request { kind: String },
    /// `OpenApiConnectionWebhook`: a service decides whether an event fires it.
    Webhook { connection: String, operation: String },
    /// `Recurrence`: fires when asked, with empty outputs.
    Recurrence,
}

/// Actions of one container (the flow, a scope, a branch, a loop body) in the order they run.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub actions: Vec<Action>,
}

impl Graph {
    /// Names no other action of this container runs after: the branch ends that decide the
    /// container's status.
    pub fn ends(&self) -> impl Iterator<Item = &Action> {
        let preceding: BTreeSet<&str> =
            self.actions.iter().flat_map(|a| a.run_after.iter().map(|(n, _)| n.as_str())).collect();
        self.actions.iter().filter(move |a| !preceding.contains(a.name.as_str()))
    }

    pub fn get(&self, name: &str) -> Option<&Action> {
        self.actions.iter().find(|a| a.name == name)
    }
}

#[derive(Debug, Clone)]
pub struct Action {
    pub name: String,
    /// The type as written.
    pub type_name: String,
    pub kind: Kind,
    /// Predecessor → the statuses it must end with.
    pub run_after: Vec<(String, Vec<Status>)>,
    /// The raw `inputs` (evaluated when the action runs).
    pub inputs: Value,
    /// `limit.timeout` in milliseconds.
    pub timeout_millis: Option<i64>,
    /// `runtimeConfiguration`, kept for the record.
    pub runtime_configuration: Option<Value>,
    pub path: String,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Compose,
    InitializeVariable,
    SetVariable,
    AppendToArrayVariable,
    AppendToStringVariable,
    IncrementVariable,
    DecrementVariable,
    ParseJson,
    Query,
    Select,
    Join,
    Table,
    Response,
    Terminate,
    Wait,
    Workflow,
    OpenApiConnection,
    Scope(Graph),
    If { expression: Value, then: Graph, otherwise: Graph },
    Switch { expression: Value, cases: Vec<Case>, default: Graph },
    Foreach { items: Value, body: Graph },
    Until { expression: Value, count: i64, timeout_millis: i64, body: Graph },
}

#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub value: Value,
    pub body: Graph,
}

/// Leaf action types: (type name, its kind); matched case-insensitively.
type MakeKind = fn() -> Kind;

const LEAF_TYPES: &[(&str, MakeKind)] = &[
    ("Compose", || Kind::Compose),
    ("InitializeVariable", || Kind::InitializeVariable),
    ("SetVariable", || Kind::SetVariable),
    ("AppendToArrayVariable", || Kind::AppendToArrayVariable),
    ("AppendToStringVariable", || Kind::AppendToStringVariable),
    ("IncrementVariable", || Kind::IncrementVariable),
    ("DecrementVariable", || Kind::DecrementVariable),
    ("ParseJson", || Kind::ParseJson),
    ("Query", || Kind::Query),
    ("Select", || Kind::Select),
    ("Join", || Kind::Join),
    ("Table", || Kind::Table),
    ("Response", || Kind::Response),
    ("Terminate", || Kind::Terminate),
    ("Wait", || Kind::Wait),
    ("Workflow", || Kind::Workflow),
    ("OpenApiConnection", || Kind::OpenApiConnection),
];

/// Until's documented default limits: 60 iterations, one hour.
const UNTIL_DEFAULT_COUNT: i64 = 60;
const UNTIL_DEFAULT_TIMEOUT_MILLIS: i64 = 3_600_000;

impl Flow {
    /// Reads a flow file's text. `name` is used when the file has no display name; `id` is the
    /// workflow id child-flow calls use (see [`Flow::id_from_file_name`]).
    pub fn from_json_text(text: &str, name: &str, id: Option<String>) -> Result<Flow, FlowError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| FlowError::new("$", format!("not valid JSON: {e}")))?;
        Flow::from_value(&value, name, id)
    }

    /// Reads a flow from JSON: `{"properties": {"definition", "connectionReferences"}}` (a
    /// solution's `Workflows/*.json`), `{"definition", …}`, or a bare definition.
    pub fn from_value(value: &Value, name: &str, id: Option<String>) -> Result<Flow, FlowError> {
        let root = value.as_object().ok_or_else(|| FlowError::new("$", "a flow must be a JSON object"))?;
        let (container, container_path) = match root.get("properties") {
            Some(Value::Object(p)) if p.contains_key("definition") => (p, "$.properties".to_owned()),
            _ => (root, "$".to_owned()),
        };
        let (definition, def_path) = match container.get("definition") {
            Some(Value::Object(d)) => (d, path::child(&container_path, "definition")),
            Some(_) => return Err(FlowError::new(path::child(&container_path, "definition"), "must be an object")),
            None if root.contains_key("triggers") || root.contains_key("actions") => (root, "$".to_owned()),
            None => {
                return Err(FlowError::new(
                    "$",
                    "no flow definition: expected properties.definition, definition, or triggers and actions",
                ))
            }
        };
        let connection_references = match container.get("connectionReferences") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(_) => {
                return Err(FlowError::new(path::child(&container_path, "connectionReferences"), "must be an object"))
            }
        };
        let display = container.get("displayName").and_then(Value::as_str).unwrap_or(name).to_owned();
        let mut names = BTreeSet::new();
        let parameters = read_parameters(definition.get("parameters"), &path::child(&def_path, "parameters"))?;
        let trigger = read_trigger(definition.get("triggers"), &path::child(&def_path, "triggers"), &mut names)?;
        let actions = read_graph(definition.get("actions"), &path::child(&def_path, "actions"), &mut names)?;
        let outputs = definition.get("outputs").cloned().unwrap_or_else(|| Value::Object(Map::new()));
        check_expressions(&Value::Object(definition.clone()), &def_path)?;
        Ok(Flow { name: display, id, connection_references, parameters, trigger, actions, outputs })
    }

    /// The workflow id in a solution file name `Name-8E1A…-….json`: the trailing GUID.
    pub fn id_from_file_name(file_name: &str) -> Option<String> {
        let stem = file_name.strip_suffix(".json").unwrap_or(file_name);
        let guid = stem.get(stem.len().checked_sub(36)?..)?;
        let shaped =
            guid.char_indices()
                .all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() });
        shaped.then(|| guid.to_ascii_lowercase())
    }

    /// The flows of a solution, from its files as (path inside the solution, text) pairs, such
    /// as a zip's entries or an unpacked folder's files: every `Workflows/*.json`, named by its
    /// file name and callable by the GUID in it. Other files are ignored. An error names the file.
    pub fn from_solution_files<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Vec<Flow>, FlowError> {
        let mut flows = Vec::new();
        for (file, text) in files {
            let normalized = file.replace('\\', "/");
            let Some(file_name) =
                normalized.strip_prefix("Workflows/").or_else(|| normalized.split_once("/Workflows/").map(|(_, f)| f))
            else {
                continue;
            };
            if file_name.contains('/') || !file_name.ends_with(".json") {
                continue;
            }
            let stem = file_name.strip_suffix(".json").unwrap_or(file_name);
            let name = match Flow::id_from_file_name(file_name) {
                Some(_) => stem.get(..stem.len().saturating_sub(37)).unwrap_or(stem),
                None => stem,
            };
            let flow = Flow::from_json_text(text, name, Flow::id_from_file_name(file_name))
                .map_err(|e| FlowError::new(format!("{file}: {}", e.path), e.message))?;
            flows.push(flow);
        }
        Ok(flows)
    }

    /// Every action of the flow at any depth, with its container path.
    pub fn all_actions(&self) -> Vec<&Action> {
        fn walk<'a>(graph: &'a Graph, out: &mut Vec<&'a Action>) {
            for action in &graph.actions {
                out.push(action);
                for inner in action.kind.graphs() {
                    walk(inner, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.actions, &mut out);
        out
    }
}

impl Kind {
    /// The action containers inside this action.
    pub fn graphs(&self) -> Vec<&Graph> {
        match self {
            Kind::Scope(g) | Kind::Foreach { body: g, .. } | Kind::Until { body: g, .. } => vec![g],
            Kind::If { then, otherwise, .. } => vec![then, otherwise],
            Kind::Switch { cases, default, .. } => cases.iter().map(|c| &c.body).chain([default]).collect(),
            _ => Vec::new(),
        }
    }
}

/// Parses every expression in the definition (syntax and the arity of built-in functions), so a
/// flow with a broken expression is refused before it runs, with the path and the position.
fn check_expressions(value: &Value, at: &str) -> Result<(), FlowError> {
    match value {
        Value::String(s) if s.contains('@') => {
            crate::expr::check_template(s).map_err(|e| FlowError::new(at, format!("expression {s:?} {e}")))
        }
        Value::Array(items) => {
            items.iter().enumerate().try_for_each(|(i, v)| check_expressions(v, &path::index(at, i)))
        }
        Value::Object(map) => map.iter().try_for_each(|(k, v)| check_expressions(v, &path::child(at, k))),
        _ => Ok(()),
    }
}

fn object<'a>(value: Option<&'a Value>, at: &str) -> Result<Option<&'a Map<String, Value>>, FlowError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(FlowError::new(at, "must be an object")),
    }
}

fn read_parameters(value: Option<&Value>, at: &str) -> Result<BTreeMap<String, Parameter>, FlowError> {
    let mut out = BTreeMap::new();
    for (name, p) in object(value, at)?.into_iter().flatten() {
        let p_path = path::child(at, name);
        let p = p.as_object().ok_or_else(|| FlowError::new(&p_path, "a parameter must be an object"))?;
        let kind = match p.get("type") {
            Some(Value::String(t)) => t.clone(),
            None => return Err(FlowError::new(&p_path, "a parameter needs a type")),
            Some(_) => return Err(FlowError::new(path::child(&p_path, "type"), "must be a string")),
        };
        let schema_name =
            p.get("metadata").and_then(|m| m.get("schemaName")).and_then(Value::as_str).map(str::to_owned);
        out.insert(name.clone(), Parameter { kind, default: p.get("defaultValue").cloned(), schema_name });
    }
    Ok(out)
}

fn read_trigger(value: Option<&Value>, at: &str, names: &mut BTreeSet<String>) -> Result<Trigger, FlowError> {
    let triggers = object(value, at)?.ok_or_else(|| FlowError::new(at, "a flow needs a trigger"))?;
    let mut iter = triggers.iter();
    let (name, t) = iter.next().ok_or_else(|| FlowError::new(at, "a flow needs a trigger"))?;
    if let Some((second, _)) = iter.next() {
        return Err(FlowError::new(path::child(at, second), "a flow has exactly one trigger"));
    }
    let t_path = path::child(at, name);
    let t = t.as_object().ok_or_else(|| FlowError::new(&t_path, "a trigger must be an object"))?;
    let type_name = type_of(t, &t_path)?;
    let inputs = t.get("inputs").cloned().unwrap_or(Value::Null);
    let kind = match type_name.to_ascii_lowercase().as_str() {
        "request" => TriggerKind::Request { kind: t.get("kind").and_then(Value::as_str).unwrap_or("Http").to_owned() },
        "openapiconnectionwebhook" => {
            let (connection, operation) = host_of(&inputs, &path::child(&t_path, "inputs"))?;
            TriggerKind::Webhook { connection, operation }
        }
        "recurrence" => TriggerKind::Recurrence,
        _ => {
            return Err(FlowError::new(
                path::child(&t_path, "type"),
                format!("trigger type {type_name} is not supported (Request, OpenApiConnectionWebhook, Recurrence)"),
            ))
        }
    };
    let mut conditions = Vec::new();
    if let Some(list) = t.get("conditions") {
        let c_path = path::child(&t_path, "conditions");
        let list = list.as_array().ok_or_else(|| FlowError::new(&c_path, "must be an array"))?;
        for (i, c) in list.iter().enumerate() {
            match c.get("expression") {
                Some(Value::String(e)) => conditions.push(e.clone()),
                _ => {
                    return Err(FlowError::new(path::child(&path::index(&c_path, i), "expression"), "must be a string"))
                }
            }
        }
    }
    names.insert(name.clone());
    Ok(Trigger { name: name.clone(), kind, type_name, inputs, conditions, path: t_path })
}

fn type_of(o: &Map<String, Value>, at: &str) -> Result<String, FlowError> {
    match o.get("type") {
        Some(Value::String(t)) => Ok(t.clone()),
        None => Err(FlowError::new(at, "missing type")),
        Some(_) => Err(FlowError::new(path::child(at, "type"), "must be a string")),
    }
}

/// `inputs.host.connectionName` and `inputs.host.operationId` of a connector operation.
pub(crate) fn host_of(inputs: &Value, at: &str) -> Result<(String, String), FlowError> {
    let host_path = path::child(at, "host");
    let host =
        inputs.get("host").and_then(Value::as_object).ok_or_else(|| FlowError::new(&host_path, "missing host"))?;
    let field = |key: &str| match host.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        _ => Err(FlowError::new(path::child(&host_path, key), "must be a non-empty string")),
    };
    Ok((field("connectionName")?, field("operationId")?))
}

fn read_graph(value: Option<&Value>, at: &str, names: &mut BTreeSet<String>) -> Result<Graph, FlowError> {
    let mut actions = Vec::new();
    for (name, a) in object(value, at)?.into_iter().flatten() {
        let a_path = path::child(at, name);
        if !names.insert(name.clone()) {
            return Err(FlowError::new(&a_path, format!("another trigger or action is already named {name}")));
        }
        actions.push(read_action(name, a, &a_path, names)?);
    }
    order(actions, at)
}

fn read_action(name: &str, a: &Value, at: &str, names: &mut BTreeSet<String>) -> Result<Action, FlowError> {
    let a = a.as_object().ok_or_else(|| FlowError::new(at, "an action must be an object"))?;
    let type_name = type_of(a, at)?;
    let inputs = a.get("inputs").cloned().unwrap_or(Value::Null);
    let body = |key: &str, names: &mut BTreeSet<String>| read_graph(a.get(key), &path::child(at, key), names);
    let lower = type_name.to_ascii_lowercase();
    let kind = match lower.as_str() {
        "scope" => Kind::Scope(body("actions", names)?),
        "if" => {
            let expression = required(a, "expression", at)?;
            let then = body("actions", names)?;
            let else_path = path::child(at, "else");
            let otherwise = match object(a.get("else"), &else_path)? {
                Some(e) => read_graph(e.get("actions"), &path::child(&else_path, "actions"), names)?,
                None => Graph::default(),
            };
            Kind::If { expression, then, otherwise }
        }
        "switch" => {
            let expression = required(a, "expression", at)?;
            let cases_path = path::child(at, "cases");
            let mut cases = Vec::new();
            for (case_name, c) in object(a.get("cases"), &cases_path)?.into_iter().flatten() {
                let c_path = path::child(&cases_path, case_name);
                let c = c.as_object().ok_or_else(|| FlowError::new(&c_path, "a case must be an object"))?;
                let value = required(c, "case", &c_path)?;
                if cases.iter().any(|other: &Case| other.value == value) {
                    return Err(FlowError::new(path::child(&c_path, "case"), "another case has the same value"));
                }
                let body = read_graph(c.get("actions"), &path::child(&c_path, "actions"), names)?;
                cases.push(Case { name: case_name.clone(), value, body });
            }
            let default_path = path::child(at, "default");
            let default = match object(a.get("default"), &default_path)? {
                Some(d) => read_graph(d.get("actions"), &path::child(&default_path, "actions"), names)?,
                None => Graph::default(),
            };
            Kind::Switch { expression, cases, default }
        }
        "foreach" => Kind::Foreach { items: required(a, "foreach", at)?, body: body("actions", names)? },
        "until" => {
            let expression = required(a, "expression", at)?;
            let limit_path = path::child(at, "limit");
            let limit = object(a.get("limit"), &limit_path)?;
            let count = match limit.and_then(|l| l.get("count")) {
                None => UNTIL_DEFAULT_COUNT,
                Some(v) => v
                    .as_i64()
                    .filter(|c| *c > 0)
                    .ok_or_else(|| FlowError::new(path::child(&limit_path, "count"), "must be a positive integer"))?,
            };
            let timeout_millis = match limit.and_then(|l| l.get("timeout")) {
                None => UNTIL_DEFAULT_TIMEOUT_MILLIS,
                Some(v) => duration(v, &path::child(&limit_path, "timeout"))?,
            };
            Kind::Until { expression, count, timeout_millis, body: body("actions", names)? }
        }
        _ => match LEAF_TYPES.iter().find(|(t, _)| t.eq_ignore_ascii_case(&lower)) {
            Some((_, make)) => make(),
            None => {
                return Err(FlowError::new(
                    path::child(at, "type"),
                    format!("action type {type_name} is not supported by this engine"),
                ))
            }
        },
    };
    if let Kind::OpenApiConnection = kind {
        host_of(&inputs, &path::child(at, "inputs"))?;
    }
    let run_after = read_run_after(a.get("runAfter"), &path::child(at, "runAfter"), name)?;
    let limit_path = path::child(at, "limit");
    let timeout_millis = match (&kind, object(a.get("limit"), &limit_path)?.and_then(|l| l.get("timeout"))) {
        (Kind::Until { .. }, _) | (_, None) => None,
        (_, Some(v)) => Some(duration(v, &path::child(&limit_path, "timeout"))?),
    };
    Ok(Action {
        name: name.to_owned(),
        type_name,
        kind,
        run_after,
        inputs,
        timeout_millis,
        runtime_configuration: a.get("runtimeConfiguration").cloned(),
        path: at.to_owned(),
    })
}

fn required(o: &Map<String, Value>, key: &str, at: &str) -> Result<Value, FlowError> {
    o.get(key).cloned().ok_or_else(|| FlowError::new(at, format!("missing {key}")))
}

fn duration(v: &Value, at: &str) -> Result<i64, FlowError> {
    v.as_str()
        .and_then(super::clock::parse_duration)
        .ok_or_else(|| FlowError::new(at, "must be an ISO 8601 duration such as PT1H"))
}

fn read_run_after(value: Option<&Value>, at: &str, own: &str) -> Result<Vec<(String, Vec<Status>)>, FlowError> {
    let mut out = Vec::new();
    for (pred, statuses) in object(value, at)?.into_iter().flatten() {
        let p_path = path::child(at, pred);
        if pred == own {
            return Err(FlowError::new(&p_path, "an action cannot run after itself"));
        }
        let list = statuses.as_array().ok_or_else(|| FlowError::new(&p_path, "must be an array of statuses"))?;
        let mut parsed = Vec::new();
        for (i, s) in list.iter().enumerate() {
            let status = s.as_str().and_then(Status::parse).filter(|s| Status::RUN_AFTER.contains(s));
            match status {
                Some(status) => parsed.push(status),
                None => {
                    return Err(FlowError::new(
                        path::index(&p_path, i),
                        format!("expected Succeeded, Failed, Skipped or TimedOut, found {s}"),
                    ))
                }
            }
        }
        if parsed.is_empty() {
            parsed.push(Status::Succeeded);
        }
        out.push((pred.clone(), parsed));
    }
    Ok(out)
}

/// Orders a container's actions so each runs after its predecessors (ties by name, which is
/// deterministic); rejects predecessors outside the container and cycles.
fn order(actions: Vec<Action>, at: &str) -> Result<Graph, FlowError> {
    let known: BTreeSet<String> = actions.iter().map(|a| a.name.clone()).collect();
    for a in &actions {
        for (pred, _) in &a.run_after {
            if !known.contains(pred) {
                return Err(FlowError::new(
                    path::child(&path::child(&a.path, "runAfter"), pred),
                    format!("runs after {pred}, which is not an action in the same scope"),
                ));
            }
        }
    }
    let mut pending: BTreeMap<String, Action> = actions.into_iter().map(|a| (a.name.clone(), a)).collect();
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut ordered = Vec::new();
    while !pending.is_empty() {
        let ready: Option<String> =
            pending.values().find(|a| a.run_after.iter().all(|(p, _)| done.contains(p))).map(|a| a.name.clone());
        match ready.and_then(|name| pending.remove(&name)) {
            Some(action) => {
                done.insert(action.name.clone());
                ordered.push(action);
            }
            None => {
                let stuck: Vec<&str> = pending.keys().map(String::as_str).collect();
                let first = pending.values().next().map(|a| a.path.clone()).unwrap_or_else(|| at.to_owned());
                return Err(FlowError::new(
                    path::child(&first, "runAfter"),
                    format!("runAfter forms a cycle among {}", stuck.join(", ")),
                ));
            }
        }
    }
    Ok(Graph { actions: ordered })
}
