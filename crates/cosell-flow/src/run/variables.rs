//! The variable actions: InitializeVariable, SetVariable, AppendToArrayVariable,
//! AppendToStringVariable, IncrementVariable, DecrementVariable — with the documented types.

use super::definition::{Action, Kind};
use super::engine::{Outcome, Run, Variable};
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarType {
    Boolean,
    Integer,
    Float,
    String,
    Array,
    Object,
}

/// (name as written in `type`, type, value when none is given).
type DefaultValue = fn() -> Value;

const TYPES: &[(&str, VarType, DefaultValue)] = &[
    ("boolean", VarType::Boolean, || json!(false)),
    ("integer", VarType::Integer, || json!(0)),
    ("float", VarType::Float, || json!(0.0)),
    ("string", VarType::String, || json!("")),
    ("array", VarType::Array, || json!([])),
    ("object", VarType::Object, || json!({})),
];

impl VarType {
    fn accepts(self, value: &Value) -> bool {
        match self {
            VarType::Boolean => value.is_boolean(),
            VarType::Integer => value.is_i64() || value.is_u64(),
            VarType::Float => value.is_number(),
            VarType::String => value.is_string(),
            VarType::Array => value.is_array(),
            VarType::Object => value.is_object(),
        }
    }

    fn name(self) -> &'static str {
        TYPES.iter().find(|(_, t, _)| *t == self).map_or("unknown", |(n, _, _)| n)
    }
}

impl Run<'_> {
    pub(super) fn variable_action(&mut self, action: &Action) -> Outcome {
        let inputs = match self.eval(&action.inputs) {
            Ok(v) => v,
            Err(e) => return Outcome::template(&action.name, &e),
        };
        let result = match &action.kind {
            Kind::InitializeVariable => self.initialize(&inputs),
            _ => self.change(action, &inputs),
        };
        match result {
            Ok(outputs) => Outcome::succeeded(Some(inputs), outputs),
            Err(message) => Outcome::failed("InvalidTemplate", message).with_inputs(inputs),
        }
    }

    fn initialize(&mut self, inputs: &Value) -> Result<Option<Value>, String> {
        let list =
            inputs.get("variables").and_then(Value::as_array).ok_or("InitializeVariable needs inputs.variables")?;
        for v in list {
            let name = v.get("name").and_then(Value::as_str).ok_or("a variable needs a name")?;
            let written =
                v.get("type").and_then(Value::as_str).ok_or_else(|| format!("the variable '{name}' needs a type"))?;
            let (_, kind, default) = TYPES
                .iter()
                .find(|(n, _, _)| n.eq_ignore_ascii_case(written))
                .ok_or_else(|| format!("the variable '{name}' has an unknown type '{written}'"))?;
            let value = match v.get("value") {
                None | Some(Value::Null) => default(),
                Some(value) => value.clone(),
            };
            if !kind.accepts(&value) {
                return Err(format!(
                    "the value of variable '{name}' is {}, not of type {}",
                    super::schema::kind(&value),
                    kind.name()
                ));
            }
            if self.variables.contains_key(name) {
                return Err(format!("the variable '{name}' is already initialized"));
            }
            self.variables.insert(name.to_owned(), Variable { kind: *kind, value });
        }
        Ok(None)
    }

    fn change(&mut self, action: &Action, inputs: &Value) -> Result<Option<Value>, String> {
        let name = inputs.get("name").and_then(Value::as_str).ok_or("the action needs inputs.name")?;
        let given = inputs.get("value").cloned();
        let variable =
            self.variables.get_mut(name).ok_or_else(|| format!("The variable '{name}' has not been initialized"))?;
        let mismatch = |v: &Value, kind: VarType| {
            format!("the value {v} cannot be used with variable '{name}' of type {}", kind.name())
        };
        let new = match &action.kind {
            Kind::SetVariable => {
                let v = given.unwrap_or(Value::Null);
                if !variable.kind.accepts(&v) {
                    return Err(mismatch(&v, variable.kind));
                }
                v
            }
            Kind::AppendToArrayVariable => match &variable.value {
                Value::Array(items) => {
                    let mut items = items.clone();
                    items.push(given.unwrap_or(Value::Null));
                    Value::Array(items)
                }
                _ => return Err(format!("the variable '{name}' is not an array")),
            },
            Kind::AppendToStringVariable => match (&variable.value, given) {
                (Value::String(s), Some(Value::String(add))) => Value::String(format!("{s}{add}")),
                (Value::String(s), Some(other)) if !other.is_null() => Value::String(format!("{s}{other}")),
                (Value::String(s), _) => Value::String(s.clone()),
                _ => return Err(format!("the variable '{name}' is not a string")),
            },
            Kind::IncrementVariable | Kind::DecrementVariable => {
                let sign = if matches!(action.kind, Kind::DecrementVariable) { -1 } else { 1 };
                let by = given.unwrap_or(json!(1));
                step(&variable.value, &by, sign).ok_or_else(|| mismatch(&by, variable.kind))?
            }
            _ => return Err("not a variable action".to_owned()),
        };
        variable.value = new.clone();
        Ok(Some(json!({"body": {"name": name, "value": new}})))
    }
}

/// Adds `by × sign` to a number variable: integers stay integers unless `by` is a float.
fn step(current: &Value, by: &Value, sign: i64) -> Option<Value> {
    match (current.as_i64(), by.as_i64()) {
        (Some(c), Some(b)) if current.is_i64() || current.is_u64() => {
            c.checked_add(b.checked_mul(sign)?).map(Value::from)
        }
        _ => {
            let result = current.as_f64()? + by.as_f64()? * sign as f64;
            serde_json::Number::from_f64(result).map(Value::Number)
        }
    }
}
