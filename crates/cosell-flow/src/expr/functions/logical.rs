//! Logical comparison functions (`and`, `or`, `if` are lazy: see [`super::Lazy`]).
//!
//! The reference: "If you use logical functions or conditions to compare values, null values are
//! converted to empty string ("") values." That rule is [`null_as_empty`].

use std::cmp::Ordering;

use serde_json::Value;

use super::{row, Args, Builtin};
use crate::expr::value::{compare, equal, type_name};

pub(super) const FUNCTIONS: &[Builtin] = &[
    row("equals", 2, 2, equals),
    row("greater", 2, 2, greater),
    row("greaterOrEquals", 2, 2, greater_or_equals),
    row("less", 2, 2, less),
    row("lessOrEquals", 2, 2, less_or_equals),
    row("not", 1, 1, not),
];

fn null_as_empty(value: &Value) -> &Value {
    static EMPTY: Value = Value::String(String::new());
    if value.is_null() {
        &EMPTY
    } else {
        value
    }
}

/// Booleans equal the numbers 1 and 0 (the reference: `equals(true, 1)` is true).
fn equals(args: &mut Args<'_>) -> Result<Value, String> {
    let as_number = |b: bool| Value::from(i64::from(b));
    let same = match (null_as_empty(args.get(0)), null_as_empty(args.get(1))) {
        (Value::Bool(b), n @ Value::Number(_)) | (n @ Value::Number(_), Value::Bool(b)) => equal(&as_number(*b), n),
        (a, b) => equal(a, b),
    };
    Ok(Value::Bool(same))
}

/// Null compares as the empty string; an error names the types as given (null, not string).
fn order(args: &Args<'_>) -> Result<Ordering, String> {
    let (a, b) = (args.get(0), args.get(1));
    compare(null_as_empty(a), null_as_empty(b))
        .map_err(|_| format!("cannot compare {} with {}", type_name(a), type_name(b)))
}

fn greater(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(Value::Bool(order(args)? == Ordering::Greater))
}

fn greater_or_equals(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(Value::Bool(order(args)? != Ordering::Less))
}

fn less(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(Value::Bool(order(args)? == Ordering::Less))
}

fn less_or_equals(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(Value::Bool(order(args)? != Ordering::Greater))
}

fn not(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(Value::Bool(!args.bool(0)?))
}
