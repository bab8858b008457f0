//! The evaluator: walks a parsed [`Node`] with a [`Scope`], left to right.

use serde_json::Value;

use super::functions::{describe, Args, Lazy, Run};
use super::syntax::{Callee, Node};
use super::template::{Part, Template};
use super::value::{to_text, type_name};
use super::Scope;

/// An evaluation error at a byte offset of the text that was parsed.
#[derive(Debug)]
pub(crate) struct EvalError {
    pub at: usize,
    pub message: String,
}

type Evaluated = Result<Value, EvalError>;

pub(crate) fn template(template: &Template, scope: &dyn Scope) -> Evaluated {
    match template {
        Template::Text(text) => Ok(Value::String(text.clone())),
        Template::Whole(node) => evaluate(node, scope),
        Template::Interpolated(parts) => {
            let mut out = String::new();
            for part in parts {
                match part {
                    Part::Text(text) => out.push_str(text),
                    Part::Expression(node) => match evaluate(node, scope)? {
                        Value::String(s) => out.push_str(&s),
                        other => out.push_str(&to_text(&other)),
                    },
                }
            }
            Ok(Value::String(out))
        }
    }
}

pub(crate) fn evaluate(node: &Node, scope: &dyn Scope) -> Evaluated {
    match node {
        Node::Literal(value) => Ok(value.clone()),
        Node::Member { at, target, key, safe } => {
            let target = evaluate(target, scope)?;
            let selected = match key.as_ref() {
                Node::Literal(key) => member(target, key, *safe),
                computed => member(target, &evaluate(computed, scope)?, *safe),
            };
            selected.map_err(|message| EvalError { at: *at, message })
        }
        Node::Call { at, callee, args } => call(*at, callee, args, scope),
    }
}

fn call(at: usize, callee: &Callee, args: &[Node], scope: &dyn Scope) -> Evaluated {
    let fail = |message: String| EvalError { at, message };
    match callee {
        Callee::Builtin(builtin) => match &builtin.run {
            Run::Lazy(lazy) => self::lazy(*lazy, args, scope).map_err(|e| match e {
                LazyError::Argument(e) => e,
                LazyError::Type(message) => fail(format!("{}(): {message}", builtin.name)),
            }),
            Run::Eager(body) => {
                let values = args.iter().map(|a| evaluate(a, scope)).collect::<Result<Vec<_>, _>>()?;
                body(&mut Args { values, scope }).map_err(|message| fail(format!("{}(): {message}", builtin.name)))
            }
        },
        Callee::Runtime(name) => {
            let values = args.iter().map(|a| evaluate(a, scope)).collect::<Result<Vec<_>, _>>()?;
            match scope.runtime(name, &values) {
                Some(result) => result.map_err(|message| fail(format!("{name}(): {message}"))),
                None => Err(fail(format!("unknown function '{name}'"))),
            }
        }
    }
}

enum LazyError {
    /// An argument failed: its own error, unchanged.
    Argument(EvalError),
    /// The function itself rejects an argument's value.
    Type(String),
}

fn lazy(lazy: Lazy, args: &[Node], scope: &dyn Scope) -> Result<Value, LazyError> {
    let eval = |node: &Node| evaluate(node, scope).map_err(LazyError::Argument);
    let boolean = |index: usize, value: Value| match value {
        Value::Bool(b) => Ok(b),
        other => Err(LazyError::Type(format!("argument {} must be a boolean, not {}", index + 1, describe(&other)))),
    };
    match lazy {
        Lazy::If => {
            let [condition, then, otherwise] = args else { return Ok(Value::Null) };
            if boolean(0, eval(condition)?)? {
                eval(then)
            } else {
                eval(otherwise)
            }
        }
        Lazy::And | Lazy::Or => {
            let stop_at = lazy == Lazy::Or;
            for (index, arg) in args.iter().enumerate() {
                if boolean(index, eval(arg)?)? == stop_at {
                    return Ok(Value::Bool(stop_at));
                }
            }
            Ok(Value::Bool(!stop_at))
        }
        Lazy::Coalesce => {
            for arg in args {
                let value = eval(arg)?;
                if !value.is_null() {
                    return Ok(value);
                }
            }
            Ok(Value::Null)
        }
    }
}

/// `target[key]` (and `target.key`); with `safe`, a missing step gives null.
///
/// UNCERTAIN (both reported behaviour of the Logic Apps runtime, not documented): a property name
/// that no key matches exactly matches one that differs only in case; and a name with `/`
/// (`['body/value']`, the designer's OpenAPI output paths) that no key matches is a path of
/// nested properties.
pub(crate) fn member(target: Value, key: &Value, safe: bool) -> Result<Value, String> {
    match (target, key) {
        (Value::Null, _) if safe => Ok(Value::Null),
        (Value::Null, key) => {
            Err(format!("cannot select {} of null (write '?[' or '?.' to get null instead)", describe_key(key)))
        }
        (Value::Object(mut map), Value::String(name)) => {
            if let Some(value) = map.remove(name.as_str()) {
                return Ok(value);
            }
            if let Some(found) = map.keys().find(|k| k.eq_ignore_ascii_case(name)).cloned() {
                return Ok(map.remove(&found).unwrap_or(Value::Null));
            }
            if name.contains('/') {
                let mut value = Value::Object(map);
                for segment in name.split('/') {
                    value = member(value, &Value::String(segment.to_owned()), safe)?;
                }
                return Ok(value);
            }
            if safe {
                return Ok(Value::Null);
            }
            let mut names: Vec<&str> = map.keys().map(String::as_str).collect();
            names.truncate(20);
            if names.is_empty() {
                return Err(format!("property '{name}' doesn't exist; the object is empty"));
            }
            Err(format!("property '{name}' doesn't exist; the object has '{}'", names.join("', '")))
        }
        (Value::Array(mut items), Value::Number(n)) => {
            let index = n.as_i64().and_then(|i| usize::try_from(i).ok()).filter(|&i| i < items.len());
            match index {
                Some(index) => Ok(items.swap_remove(index)),
                None if safe => Ok(Value::Null),
                None => Err(format!("index {n} is outside the array of {} items", items.len())),
            }
        }
        (target, key) if safe && matches!(target, Value::Object(_) | Value::Array(_)) && key.is_null() => {
            Ok(Value::Null)
        }
        (target, key) => Err(format!("cannot select {} of {}", describe_key(key), type_name_article(&target))),
    }
}

fn describe_key(key: &Value) -> String {
    match key {
        Value::String(name) => format!("property '{name}'"),
        Value::Number(n) => format!("index {n}"),
        other => format!("the key {}", describe(other)),
    }
}

fn type_name_article(value: &Value) -> String {
    let name = type_name(value);
    let article = if matches!(name, "array" | "object" | "integer") { "an" } else { "a" };
    format!("{article} {name}")
}
