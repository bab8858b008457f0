//! A fixed scope for evaluating one expression outside a run (`cosell flow eval --context`):
//! the trigger's outputs, action results, variables, parameters, loop items, the instant and the
//! random seed, read from one JSON document.

use super::clock::{parse_instant, Random};
use super::definition::FlowError;
use super::path;
use crate::expr::Scope;
use serde_json::{json, Map, Value};
use std::cell::Cell;

/// The context document:
///
/// ```json
/// {
///   "triggerOutputs": {"headers": {}, "body": {"id": "r1"}},
///   "actions": {"Get_row": {"status": "Succeeded", "outputs": {"statusCode": 200, "body": {}}}},
///   "variables": {"count": 3},
///   "parameters": {"Deal value column (cosell_DealValueColumn)": "estimatedvalue"},
///   "items": {"For_each": {"id": 1}},
///   "item": {"id": 1},
///   "now": "2026-03-15T13:27:36Z",
///   "seed": 1
/// }
/// ```
///
/// Every key is optional. `triggerBody` may be given instead of `triggerOutputs`.
pub struct ContextScope {
    trigger_outputs: Value,
    actions: Map<String, Value>,
    variables: Map<String, Value>,
    parameters: Map<String, Value>,
    items: Map<String, Value>,
    item: Option<Value>,
    now: i64,
    random: Cell<Random>,
}

/// The instant used when a context gives none: 2026-01-01T00:00:00Z.
pub const DEFAULT_NOW_UNIX_MILLIS: i64 = 1_767_225_600_000;

const KEYS: [&str; 9] =
    ["triggerOutputs", "triggerBody", "actions", "variables", "parameters", "items", "item", "now", "seed"];

impl Default for ContextScope {
    fn default() -> Self {
        ContextScope {
            trigger_outputs: Value::Null,
            actions: Map::new(),
            variables: Map::new(),
            parameters: Map::new(),
            items: Map::new(),
            item: None,
            now: DEFAULT_NOW_UNIX_MILLIS,
            random: Cell::new(Random::new(0)),
        }
    }
}

impl ContextScope {
    /// Reads a context document; errors name the JSON path.
    pub fn from_value(value: &Value) -> Result<ContextScope, FlowError> {
        let o = value.as_object().ok_or_else(|| FlowError::new("$", "the context must be a JSON object"))?;
        if let Some(unknown) = o.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(FlowError::new(
                path::child("$", unknown),
                format!("unknown key; expected one of {}", KEYS.join(", ")),
            ));
        }
        let object = |key: &str| -> Result<Map<String, Value>, FlowError> {
            match o.get(key) {
                None | Some(Value::Null) => Ok(Map::new()),
                Some(Value::Object(m)) => Ok(m.clone()),
                Some(_) => Err(FlowError::new(path::child("$", key), "must be an object")),
            }
        };
        let trigger_outputs = match (o.get("triggerOutputs"), o.get("triggerBody")) {
            (Some(_), Some(_)) => {
                return Err(FlowError::new("$.triggerBody", "give triggerOutputs or triggerBody, not both"))
            }
            (Some(outputs), None) => outputs.clone(),
            (None, Some(body)) => json!({"headers": {}, "body": body}),
            (None, None) => Value::Null,
        };
        let now = match o.get("now") {
            None => DEFAULT_NOW_UNIX_MILLIS,
            Some(v) => v
                .as_str()
                .and_then(parse_instant)
                .ok_or_else(|| FlowError::new("$.now", "must be an ISO 8601 instant such as 2026-03-15T13:27:36Z"))?,
        };
        let seed = match o.get("seed") {
            None => 0,
            Some(v) => v.as_u64().ok_or_else(|| FlowError::new("$.seed", "must be a non-negative integer"))?,
        };
        Ok(ContextScope {
            trigger_outputs,
            actions: object("actions")?,
            variables: object("variables")?,
            parameters: object("parameters")?,
            items: object("items")?,
            item: o.get("item").cloned(),
            now,
            random: Cell::new(Random::new(seed)),
        })
    }

    fn action(&self, name: Option<&str>) -> Result<Value, String> {
        let name = name.ok_or("the function needs the name of an action")?;
        let mut a = self.actions.get(name).cloned().ok_or_else(|| format!("the context has no action '{name}'"))?;
        if let Some(o) = a.as_object_mut() {
            o.entry("name").or_insert(json!(name));
            o.entry("status").or_insert(json!("Succeeded"));
        }
        Ok(a)
    }
}

impl Scope for ContextScope {
    fn runtime(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let first = args.first().and_then(Value::as_str);
        let lookup = |map: &Map<String, Value>, what: &str| match first {
            Some(key) => map.get(key).cloned().ok_or_else(|| format!("the context has no {what} '{key}'")),
            None => Err(format!("{name}() needs a name")),
        };
        Some(match name {
            "actions" => self.action(first),
            "outputs" => self.action(first).map(|a| a.get("outputs").cloned().unwrap_or(Value::Null)),
            "body" => {
                self.action(first).map(|a| a.get("outputs").and_then(|o| o.get("body")).cloned().unwrap_or(Value::Null))
            }
            "triggerOutputs" => Ok(self.trigger_outputs.clone()),
            "triggerBody" => Ok(self.trigger_outputs.get("body").cloned().unwrap_or(Value::Null)),
            "trigger" => Ok(json!({"name": "manual", "outputs": self.trigger_outputs, "status": "Succeeded"})),
            "variables" => lookup(&self.variables, "variable"),
            "parameters" => lookup(&self.parameters, "parameter"),
            "items" => lookup(&self.items, "loop"),
            "item" => self.item.clone().ok_or_else(|| "the context has no item".to_owned()),
            "workflow" => Ok(
                json!({"name": "cosell-flow-eval", "run": {"name": "00000000-0000-0000-0000-000000000000"}, "tags": {}}),
            ),
            _ => return None,
        })
    }

    fn now_unix_millis(&self) -> i64 {
        self.now
    }

    fn next_random(&self) -> u64 {
        let mut r = self.random.get();
        let n = r.next_u64();
        self.random.set(r);
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_context() {
        let c = ContextScope::from_value(&json!({
            "triggerBody": {"id": "r1"},
            "actions": {"Get": {"outputs": {"body": {"name": "x"}}}},
            "variables": {"n": 3},
            "now": "2026-03-15T13:27:36Z",
            "seed": 5
        }))
        .unwrap();
        assert_eq!(c.runtime("triggerBody", &[]), Some(Ok(json!({"id": "r1"}))));
        assert_eq!(c.runtime("body", &[json!("Get")]), Some(Ok(json!({"name": "x"}))));
        assert_eq!(c.runtime("actions", &[json!("Get")]).unwrap().unwrap()["status"], "Succeeded");
        assert_eq!(c.runtime("variables", &[json!("n")]), Some(Ok(json!(3))));
        assert!(c.runtime("variables", &[json!("m")]).unwrap().is_err());
        assert_eq!(c.runtime("concat", &[]), None);
        assert_eq!(c.now_unix_millis(), 1_773_581_256_000);
        assert_ne!(c.next_random(), c.next_random());
    }

    #[test]
    fn refuses_bad_contexts() {
        let err = |v: Value| ContextScope::from_value(&v).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(err(json!([])), "$: the context must be a JSON object");
        assert!(err(json!({"trigger": {}})).starts_with("$.trigger: unknown key"));
        assert_eq!(err(json!({"variables": []})), "$.variables: must be an object");
        assert!(err(json!({"now": "soon"})).starts_with("$.now: must be an ISO 8601 instant"));
        assert_eq!(err(json!({"seed": -1})), "$.seed: must be a non-negative integer");
        assert_eq!(
            err(json!({"triggerBody": 1, "triggerOutputs": {}})),
            "$.triggerBody: give triggerOutputs or triggerBody, not both"
        );
    }
}
