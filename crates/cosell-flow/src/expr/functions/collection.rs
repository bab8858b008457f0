//! Collection functions: arrays, and where the reference allows it strings and objects.

use serde_json::{Map, Value};

use super::string::{from_units, length as text_length, units};
use super::{row, Args, Builtin, ANY};
use crate::expr::value::{compare, equal, to_text};

pub(super) const FUNCTIONS: &[Builtin] = &[
    row("chunk", 2, 2, chunk),
    row("contains", 2, 2, contains),
    row("createArray", 0, ANY, create_array),
    row("empty", 1, 1, empty),
    row("first", 1, 1, first),
    row("intersection", 1, ANY, intersection),
    row("join", 2, 2, join),
    row("last", 1, 1, last),
    row("length", 1, 1, length),
    row("reverse", 1, 1, reverse),
    row("skip", 2, 2, skip),
    row("sort", 1, 2, sort),
    row("take", 2, 2, take),
    row("union", 1, ANY, union),
];

fn chunk(args: &mut Args<'_>) -> Result<Value, String> {
    let size = args.count(1)?;
    if size == 0 {
        return Err("argument 2 (the chunk length) must be greater than 0".into());
    }
    match args.take(0) {
        Value::String(text) => {
            Ok(Value::Array(units(&text).chunks(size).map(|c| Value::String(from_units(c))).collect()))
        }
        Value::Array(items) => Ok(Value::Array(items.chunks(size).map(|c| Value::Array(c.to_vec())).collect())),
        other => Err(super::wrong(0, "a string or an array", &other)),
    }
}

fn contains(args: &mut Args<'_>) -> Result<Value, String> {
    let found = match (args.get(0), args.get(1)) {
        (Value::String(text), Value::String(search)) => text.contains(search.as_str()),
        (Value::String(_), other) => {
            return Err(format!("argument 2 must be a string to search a string, not {}", super::describe(other)))
        }
        (Value::Array(items), value) => items.iter().any(|item| equal(item, value)),
        (Value::Object(map), Value::String(key)) => map.contains_key(key),
        (Value::Object(_), other) => {
            return Err(format!(
                "argument 2 must be a string to search an object's keys, not {}",
                super::describe(other)
            ))
        }
        (Value::Null, _) => false,
        _ => return Err(args.wrong(0, "a string, an array or an object")),
    };
    Ok(Value::Bool(found))
}

fn create_array(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(Value::Array(std::mem::take(&mut args.values)))
}

fn empty(args: &mut Args<'_>) -> Result<Value, String> {
    let empty = match args.get(0) {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => return Err(args.wrong(0, "a string, an array, an object or null")),
    };
    Ok(Value::Bool(empty))
}

/// UNCERTAIN: `first`/`last` of an empty string or array give null (not documented).
fn end(args: &mut Args<'_>, from_front: bool) -> Result<Value, String> {
    match args.take(0) {
        Value::String(text) => {
            let text = units(&text);
            let unit = if from_front { text.first() } else { text.last() };
            Ok(unit.map_or(Value::Null, |u| Value::String(from_units(std::slice::from_ref(u)))))
        }
        Value::Array(mut items) => {
            let item = if from_front { items.drain(..).next() } else { items.pop() };
            Ok(item.unwrap_or(Value::Null))
        }
        Value::Null => Ok(Value::Null),
        other => Err(super::wrong(0, "a string or an array", &other)),
    }
}

fn first(args: &mut Args<'_>) -> Result<Value, String> {
    end(args, true)
}

fn last(args: &mut Args<'_>) -> Result<Value, String> {
    end(args, false)
}

/// Arrays: the first array's distinct items found in every other array. Objects: the
/// properties every object has, with the last object's value (the reference: "the last item with
/// that name appears in the result").
fn intersection(args: &mut Args<'_>) -> Result<Value, String> {
    match args.get(0) {
        Value::Array(_) => {
            let arrays = (0..args.len()).map(|i| args.array(i)).collect::<Result<Vec<_>, _>>()?;
            let (first, rest) = arrays.split_first().ok_or("no arrays")?;
            let mut out: Vec<Value> = Vec::new();
            for item in first.iter() {
                let everywhere = rest.iter().all(|other| other.iter().any(|o| equal(o, item)));
                if everywhere && !out.iter().any(|o| equal(o, item)) {
                    out.push(item.clone());
                }
            }
            Ok(Value::Array(out))
        }
        Value::Object(_) => {
            let objects = (0..args.len()).map(|i| args.object(i)).collect::<Result<Vec<_>, _>>()?;
            let (last, rest) = objects.split_last().ok_or("no objects")?;
            let out: Map<String, Value> = last
                .iter()
                .filter(|(k, _)| rest.iter().all(|o| o.contains_key(*k)))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            Ok(Value::Object(out))
        }
        _ => Err(args.wrong(0, "an array or an object")),
    }
}

/// Arrays: every distinct item, in order of first appearance. Objects: every property, the
/// last object's value winning.
fn union(args: &mut Args<'_>) -> Result<Value, String> {
    match args.get(0) {
        Value::Array(_) => {
            let arrays = (0..args.len()).map(|i| args.array(i)).collect::<Result<Vec<_>, _>>()?;
            let mut out: Vec<Value> = Vec::new();
            for item in arrays.into_iter().flatten() {
                if !out.iter().any(|o| equal(o, item)) {
                    out.push(item.clone());
                }
            }
            Ok(Value::Array(out))
        }
        Value::Object(_) => {
            let objects = (0..args.len()).map(|i| args.object(i)).collect::<Result<Vec<_>, _>>()?;
            let mut out = Map::new();
            for object in objects {
                out.extend(object.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            Ok(Value::Object(out))
        }
        _ => Err(args.wrong(0, "an array or an object")),
    }
}

fn join(args: &mut Args<'_>) -> Result<Value, String> {
    let items = args.array(0)?;
    let separator = args.string_or_empty(1)?;
    Ok(Value::String(items.iter().map(to_text).collect::<Vec<_>>().join(separator)))
}

fn length(args: &mut Args<'_>) -> Result<Value, String> {
    let length = match args.get(0) {
        Value::String(s) => text_length(s),
        Value::Array(items) => items.len(),
        _ => return Err(args.wrong(0, "a string or an array")),
    };
    Ok(Value::from(length))
}

fn reverse(args: &mut Args<'_>) -> Result<Value, String> {
    args.array(0)?;
    let Value::Array(mut items) = args.take(0) else { return Ok(Value::Null) };
    items.reverse();
    Ok(Value::Array(items))
}

fn skip(args: &mut Args<'_>) -> Result<Value, String> {
    let count = args.count(1)?;
    args.array(0)?;
    let Value::Array(items) = args.take(0) else { return Ok(Value::Null) };
    Ok(Value::Array(items.into_iter().skip(count).collect()))
}

fn take(args: &mut Args<'_>) -> Result<Value, String> {
    let count = args.count(1)?;
    match args.take(0) {
        Value::String(text) => {
            let text = units(&text);
            Ok(Value::String(from_units(text.get(..count.min(text.len())).unwrap_or_default())))
        }
        Value::Array(items) => Ok(Value::Array(items.into_iter().take(count).collect())),
        other => Err(super::wrong(0, "a string or an array", &other)),
    }
}

/// Stable sort; with a property name, objects by that property.
fn sort(args: &mut Args<'_>) -> Result<Value, String> {
    args.array(0)?;
    let key = args.optional_string(1)?.map(str::to_owned);
    let Value::Array(items) = args.take(0) else { return Ok(Value::Null) };
    let keyed = |item: &Value| -> Result<Value, String> {
        match &key {
            None => Ok(item.clone()),
            Some(name) => match item {
                Value::Object(map) => Ok(map.get(name).cloned().unwrap_or(Value::Null)),
                _ => Err(format!("sorting by '{name}' needs objects, not {}", super::describe(item))),
            },
        }
    };
    let mut pairs = items.into_iter().map(|item| Ok((keyed(&item)?, item))).collect::<Result<Vec<_>, String>>()?;
    let mut failure = None;
    pairs.sort_by(|(a, _), (b, _)| match (a, b) {
        (Value::Null, Value::Null) => std::cmp::Ordering::Equal,
        (Value::Null, _) => std::cmp::Ordering::Less,
        (_, Value::Null) => std::cmp::Ordering::Greater,
        _ => compare(a, b).unwrap_or_else(|e| {
            failure.get_or_insert(e);
            std::cmp::Ordering::Equal
        }),
    });
    match failure {
        Some(e) => Err(e),
        None => Ok(Value::Array(pairs.into_iter().map(|(_, item)| item).collect())),
    }
}
