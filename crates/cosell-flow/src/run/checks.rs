//! The checks Power Automate makes when a flow is saved and that need the whole flow: every
//! workflow function is one the runtime defines, `body`/`outputs`/`actions`/`result` name an
//! action of the flow, designer condition objects use known comparisons with two operands, and
//! variables have a known type and are initialized before an action changes them. A flow that
//! fails one is refused before it runs, with the JSON path (and the position in an expression).

use super::definition::{Action, Flow, FlowError, Kind};
use super::path;
use serde_json::Value;
use std::collections::BTreeSet;

/// The workflow functions (the runtime's, not the evaluator's), from Microsoft's reference.
const WORKFLOW_FUNCTIONS: &[&str] = &[
    "action",
    "actions",
    "body",
    "formDataMultiValues",
    "formDataValue",
    "item",
    "items",
    "iterationIndexes",
    "listCallbackUrl",
    "multipartBody",
    "outputs",
    "parameters",
    "result",
    "trigger",
    "triggerBody",
    "triggerFormDataMultiValues",
    "triggerFormDataValue",
    "triggerMultipartBody",
    "triggerOutputs",
    "variables",
    "workflow",
];

/// Workflow functions whose first argument names an action.
const NAMING_AN_ACTION: &[&str] = &["actions", "body", "outputs", "result"];

/// Designer condition comparisons: each the expression function of that name, with two operands.
pub(super) const COMPARISONS: &[&str] =
    &["equals", "greater", "greaterOrEquals", "less", "lessOrEquals", "contains", "startsWith", "endsWith"];

const VARIABLE_TYPES: &[&str] = &["boolean", "integer", "float", "string", "array", "object"];

/// Runs every check; the first problem found is the error.
pub(super) fn check(flow: &Flow, definition: &Value, def_path: &str) -> Result<(), FlowError> {
    let actions = flow.all_actions();
    let mut names: BTreeSet<&str> = actions.iter().map(|a| a.name.as_str()).collect();
    names.insert(flow.trigger.name.as_str());
    calls(definition, def_path, &names)?;
    let mut initialized = BTreeSet::new();
    for action in &actions {
        if let Kind::InitializeVariable = action.kind {
            declared(action, &mut initialized)?;
        }
    }
    for action in &actions {
        match &action.kind {
            Kind::If { expression, .. } | Kind::Until { expression, .. } => {
                condition(expression, &path::child(&action.path, "expression"))?
            }
            Kind::SetVariable
            | Kind::AppendToArrayVariable
            | Kind::AppendToStringVariable
            | Kind::IncrementVariable
            | Kind::DecrementVariable => {
                if let Some(name) = action.inputs.get("name").and_then(Value::as_str).filter(|n| !n.contains('@')) {
                    if !initialized.contains(name) {
                        return Err(FlowError::new(
                            path::child(&path::child(&action.path, "inputs"), "name"),
                            format!("the variable '{name}' is not initialized by any InitializeVariable action"),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Every expression's workflow-function calls.
fn calls(value: &Value, at: &str, names: &BTreeSet<&str>) -> Result<(), FlowError> {
    match value {
        Value::String(s) if s.contains('@') => {
            let found =
                crate::expr::runtime_calls(s).map_err(|e| FlowError::new(at, format!("expression {s:?} {e}")))?;
            for call in found {
                let problem = if !WORKFLOW_FUNCTIONS.contains(&call.name.as_str()) {
                    Some(format!("'{}' is not a function", call.name))
                } else {
                    match &call.first_literal {
                        Some(action)
                            if NAMING_AN_ACTION.contains(&call.name.as_str()) && !names.contains(action.as_str()) =>
                        {
                            Some(format!("{}('{action}') names no action of the flow", call.name))
                        }
                        _ => None,
                    }
                };
                if let Some(problem) = problem {
                    return Err(FlowError::new(
                        at,
                        format!("expression {s:?} at position {}: {problem}", call.position),
                    ));
                }
            }
            Ok(())
        }
        Value::Array(items) => items.iter().enumerate().try_for_each(|(i, v)| calls(v, &path::index(at, i), names)),
        Value::Object(map) => map.iter().try_for_each(|(k, v)| calls(v, &path::child(at, k), names)),
        _ => Ok(()),
    }
}

/// An InitializeVariable's names and types.
fn declared<'a>(action: &'a Action, initialized: &mut BTreeSet<&'a str>) -> Result<(), FlowError> {
    let at = path::child(&path::child(&action.path, "inputs"), "variables");
    for (i, v) in action.inputs.get("variables").and_then(Value::as_array).into_iter().flatten().enumerate() {
        if let Some(name) = v.get("name").and_then(Value::as_str) {
            initialized.insert(name);
        }
        if let Some(written) = v.get("type").and_then(Value::as_str).filter(|t| !t.contains('@')) {
            if !VARIABLE_TYPES.iter().any(|t| t.eq_ignore_ascii_case(written)) {
                return Err(FlowError::new(
                    path::child(&path::index(&at, i), "type"),
                    format!("unknown variable type '{written}' (expected {})", VARIABLE_TYPES.join(", ")),
                ));
            }
        }
    }
    Ok(())
}

/// A designer condition object: `and`/`or` of arrays, `not` of one, comparisons of two.
fn condition(value: &Value, at: &str) -> Result<(), FlowError> {
    let Value::Object(map) = value else { return Ok(()) };
    let Some((op, operand)) = map.iter().next().filter(|_| map.len() == 1) else {
        return Err(FlowError::new(at, "a condition object has exactly one operator"));
    };
    let op_path = path::child(at, op);
    match (op.as_str(), operand) {
        ("and" | "or", Value::Array(items)) => {
            items.iter().enumerate().try_for_each(|(i, item)| condition(item, &path::index(&op_path, i)))
        }
        ("not", inner) => condition(inner, &op_path),
        (op, Value::Array(args)) if COMPARISONS.contains(&op) => match args.len() {
            2 => Ok(()),
            n => Err(FlowError::new(op_path, format!("{op} takes 2 operands, found {n}"))),
        },
        (op, _) => {
            Err(FlowError::new(op_path, format!("{op} is not a condition (and, or, not, {})", COMPARISONS.join(", "))))
        }
    }
}
