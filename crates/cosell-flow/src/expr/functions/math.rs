//! Math functions. Integers stay integers (`div(10, 3)` is 3); a float operand makes the result
//! a float (`div(10, 3.0)` is 3.333…). Integer overflow and division by zero are errors.

use serde_json::Value;

use super::{row, Args, Builtin, ANY};
use crate::expr::value::{compare, float, Num};

pub(super) const FUNCTIONS: &[Builtin] = &[
    row("add", 2, 2, add),
    row("div", 2, 2, div),
    row("max", 1, ANY, max),
    row("min", 1, ANY, min),
    row("mod", 2, 2, modulo),
    row("mul", 2, 2, mul),
    row("rand", 2, 2, rand),
    row("range", 2, 2, range),
    row("sub", 2, 2, sub),
];

/// One arithmetic operator: its integer form (None on overflow) and its float form.
fn arithmetic(
    args: &Args<'_>,
    integer: fn(i64, i64) -> Option<i64>,
    floating: fn(f64, f64) -> f64,
) -> Result<Value, String> {
    match (args.number(0)?, args.number(1)?) {
        (Num::Int(a), Num::Int(b)) => {
            integer(a, b).map(Value::from).ok_or_else(|| format!("the integer result of {a} and {b} overflows"))
        }
        (a, b) => float(floating(a.as_f64(), b.as_f64())),
    }
}

fn add(args: &mut Args<'_>) -> Result<Value, String> {
    arithmetic(args, i64::checked_add, |a, b| a + b)
}

fn sub(args: &mut Args<'_>) -> Result<Value, String> {
    arithmetic(args, i64::checked_sub, |a, b| a - b)
}

fn mul(args: &mut Args<'_>) -> Result<Value, String> {
    arithmetic(args, i64::checked_mul, |a, b| a * b)
}

fn nonzero_divisor(args: &Args<'_>) -> Result<(), String> {
    if args.number(1)?.as_f64() == 0.0 {
        return Err("cannot divide by zero".into());
    }
    Ok(())
}

/// Integer division truncates toward zero, as C# does.
fn div(args: &mut Args<'_>) -> Result<Value, String> {
    nonzero_divisor(args)?;
    arithmetic(args, i64::checked_div, |a, b| a / b)
}

/// The remainder has the dividend's sign, as C#'s `%`.
fn modulo(args: &mut Args<'_>) -> Result<Value, String> {
    nonzero_divisor(args)?;
    arithmetic(args, i64::checked_rem, |a, b| a % b)
}

/// `max`/`min` take numbers, or one array of numbers.
fn extreme(args: &Args<'_>, wanted: std::cmp::Ordering) -> Result<Value, String> {
    let items: Vec<&Value> = match args.get(0) {
        Value::Array(items) if args.len() == 1 => items.iter().collect(),
        _ => args.values.iter().collect(),
    };
    let mut best: Option<&Value> = None;
    for (index, item) in items.into_iter().enumerate() {
        if Num::of(item).is_none() {
            return Err(super::wrong(index, "a number", item));
        }
        if best.is_none_or(|b| compare(item, b).is_ok_and(|o| o == wanted)) {
            best = Some(item);
        }
    }
    best.cloned().ok_or_else(|| "the array is empty".to_owned())
}

fn max(args: &mut Args<'_>) -> Result<Value, String> {
    extreme(args, std::cmp::Ordering::Greater)
}

fn min(args: &mut Args<'_>) -> Result<Value, String> {
    extreme(args, std::cmp::Ordering::Less)
}

/// An integer from `min` (inclusive) to `max` (exclusive), from the scope's random numbers.
fn rand(args: &mut Args<'_>) -> Result<Value, String> {
    let (low, high) = (args.int(0)?, args.int(1)?);
    if low >= high {
        return Err(format!("the minimum ({low}) must be less than the maximum ({high})"));
    }
    let span = high.abs_diff(low);
    let offset = args.scope.next_random() % span;
    Ok(Value::from(low.wrapping_add_unsigned(offset)))
}

/// Upper bound on `range`'s count: the runtime limits arrays to 100,000 items.
const MAX_RANGE: usize = 100_000;

fn range(args: &mut Args<'_>) -> Result<Value, String> {
    let start = args.int(0)?;
    let count = args.count(1)?;
    if count > MAX_RANGE {
        return Err(format!("the count ({count}) is larger than {MAX_RANGE}"));
    }
    let items = (0..count).map(|i| i64::try_from(i).ok().and_then(|i| start.checked_add(i)));
    items
        .map(|i| i.map(Value::from).ok_or_else(|| "the range overflows".to_owned()))
        .collect::<Result<_, _>>()
        .map(Value::Array)
}
