//! What expressions see of a running flow: the workflow functions as the runtime defines them.

use super::engine::Run;
use crate::expr::Scope;
use serde_json::{json, Value};

impl Scope for Run<'_> {
    fn runtime(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let first = args.first().and_then(Value::as_str);
        let result = match name {
            "actions" => self.action_object(first),
            "outputs" => self.action_object(first).map(|a| a.get("outputs").cloned().unwrap_or(Value::Null)),
            "body" => self
                .action_object(first)
                .map(|a| a.get("outputs").and_then(|o| o.get("body")).cloned().unwrap_or(Value::Null)),
            "result" => self.result(first),
            "trigger" => Ok(self.trigger.runtime_object()),
            "triggerOutputs" => Ok(self.trigger.outputs.clone().unwrap_or(Value::Null)),
            "triggerBody" => {
                Ok(self.trigger.outputs.as_ref().and_then(|o| o.get("body")).cloned().unwrap_or(Value::Null))
            }
            "variables" => match first {
                Some(var) => self
                    .variables
                    .get(var)
                    .map(|v| v.value.clone())
                    .ok_or_else(|| format!("The variable '{var}' has not been initialized")),
                None => Err("variables() needs the name of a variable".to_owned()),
            },
            "parameters" => self.parameter(first),
            "items" => match first {
                Some(loop_name) => self
                    .frames
                    .iter()
                    .rev()
                    .find(|f| f.name == loop_name && f.item.is_some())
                    .and_then(|f| f.item.clone())
                    .ok_or_else(|| format!("items('{loop_name}') is used outside the Foreach loop '{loop_name}'")),
                None => Err("items() needs the name of a Foreach loop".to_owned()),
            },
            "item" => self
                .frames
                .iter()
                .rev()
                .find_map(|f| f.item.clone())
                .ok_or_else(|| "item() is used outside a loop or array operation".to_owned()),
            "iterationIndexes" => match first {
                Some(loop_name) => {
                    self.frames.iter().rev().find(|f| f.name == loop_name).map(|f| json!(f.index)).ok_or_else(|| {
                        format!("iterationIndexes('{loop_name}') is used outside the loop '{loop_name}'")
                    })
                }
                None => Err("iterationIndexes() needs the name of an Until loop".to_owned()),
            },
            "workflow" => Ok(self.workflow_object()),
            _ => return None,
        };
        Some(result)
    }

    fn now_unix_millis(&self) -> i64 {
        self.now()
    }

    fn next_random(&self) -> u64 {
        self.host.next_random()
    }
}

impl Run<'_> {
    /// `actions('name')`: the action's latest execution.
    fn action_object(&self, name: Option<&str>) -> Result<Value, String> {
        let name = name.ok_or("the function needs the name of an action")?;
        match self.latest_record(name) {
            Some(record) => Ok(record.runtime_object()),
            None if self.flow.all_actions().iter().any(|a| a.name == name) => {
                Err(format!("The action '{name}' has not run yet"))
            }
            None => Err(format!("The template action '{name}' is not defined in the flow")),
        }
    }

    /// `result('scope')`: the latest execution of each top-level action inside a Scope, Foreach
    /// or Until (for a loop, its last iteration's).
    fn result(&self, name: Option<&str>) -> Result<Value, String> {
        let name = name.ok_or("result() needs the name of a scope")?;
        let actions = self.flow.all_actions();
        let scope = actions
            .iter()
            .find(|a| a.name == name)
            .ok_or_else(|| format!("The action '{name}' is not defined in the flow"))?;
        let inner: Vec<Value> = scope
            .kind
            .graphs()
            .into_iter()
            .flat_map(|g| g.actions.iter())
            .filter_map(|a| self.latest_record(&a.name))
            .map(super::record::ActionRecord::runtime_object)
            .collect();
        Ok(Value::Array(inner))
    }

    /// `parameters('name')`: the environment variable's value set on the host (by schema name or
    /// parameter name), else the definition's default.
    fn parameter(&self, name: Option<&str>) -> Result<Value, String> {
        let name = name.ok_or("parameters() needs the name of a parameter")?;
        let definition = self.flow.parameters.get(name);
        let from_host = definition
            .and_then(|p| p.schema_name.as_deref())
            .and_then(|schema| self.host.environment.get(schema))
            .or_else(|| self.host.environment.get(name));
        if let Some(value) = from_host {
            return Ok(value.clone());
        }
        match definition {
            Some(p) => Ok(p.default.clone().unwrap_or(Value::Null)),
            None if name.starts_with('$') => Ok(json!({})),
            None => Err(format!("The workflow parameter '{name}' is not defined")),
        }
    }
}
