//! What the language does with JSON values: type names, numbers (integer vs float), text
//! conversion, comparison, and binary content (`{"$content-type": …, "$content": base64}`).

use std::cmp::Ordering;

use serde_json::{Map, Value};

/// The language's name for a value's type, as its error messages use it.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A number as arithmetic sees it: integers stay integers until a float joins in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Num {
    Int(i64),
    Float(f64),
}

impl Num {
    pub(crate) fn of(value: &Value) -> Option<Num> {
        let Value::Number(n) = value else { return None };
        match n.as_i64() {
            Some(i) => Some(Num::Int(i)),
            None => n.as_f64().map(Num::Float),
        }
    }

    pub(crate) fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
}

/// A float as a JSON value; NaN and infinities have no JSON form and are an error.
pub(crate) fn float(f: f64) -> Result<Value, String> {
    serde_json::Number::from_f64(f).map(Value::Number).ok_or_else(|| "the result is not a finite number".to_owned())
}

/// A value as text, as `string()` and `@{…}` interpolation write it: strings as they are, null
/// as empty, booleans as .NET writes them, numbers in .NET's shortest form, binary content as its
/// decoded text, and arrays and objects as compact JSON.
///
/// UNCERTAIN: `True`/`False` (not `true`/`false`) follows what the Logic Apps runtime is widely
/// reported to produce for `@{true}` and `string(true)`; the reference has no boolean example.
pub(crate) fn to_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(_) => match Num::of(value) {
            Some(Num::Int(i)) => i.to_string(),
            Some(Num::Float(f)) => format_float(f),
            None => value.to_string(),
        },
        Value::String(s) => s.clone(),
        Value::Object(map) => match binary_content(map) {
            Some(Ok(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
            _ => value.to_string(),
        },
        Value::Array(_) => value.to_string(),
    }
}

/// A double as .NET's `ToString()` writes it: the shortest digits that read back, in exponent
/// form (`1E+15`, `1E-05`) unless the decimal exponent is between -5 and 15 (exclusive).
pub(crate) fn format_float(f: f64) -> String {
    if f == 0.0 {
        return "0".into();
    }
    let scientific = format!("{f:e}");
    let (mantissa, exp) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp > -5 && exp < 15 {
        return format!("{f}");
    }
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}E{sign}{:02}", exp.abs())
}

/// The bytes of a binary content object, if `map` is one (`$content` holds base64).
pub(crate) fn binary_content(map: &Map<String, Value>) -> Option<Result<Vec<u8>, String>> {
    let content = map.get("$content")?.as_str()?;
    map.get("$content-type")?;
    Some(super::encoding::base64_decode(content))
}

/// Binary content with a content type.
pub(crate) fn binary(content_type: &str, bytes: &[u8]) -> Value {
    let mut map = Map::new();
    map.insert("$content-type".into(), Value::String(content_type.into()));
    map.insert("$content".into(), Value::String(super::encoding::base64_encode(bytes)));
    Value::Object(map)
}

/// Equality as `equals()` and `contains()` see it: numbers by value (`1` equals `1.0`),
/// strings ordinally, arrays and objects deeply.
pub(crate) fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => compare_numbers(a, b) == Some(Ordering::Equal),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equal(p, q)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equal(v, w)))
        }
        _ => a == b,
    }
}

fn compare_numbers(a: &Value, b: &Value) -> Option<Ordering> {
    match (Num::of(a)?, Num::of(b)?) {
        (Num::Int(x), Num::Int(y)) => Some(x.cmp(&y)),
        (x, y) => x.as_f64().partial_cmp(&y.as_f64()),
    }
}

/// Order as `less()`, `greater()`, `max()`, `sort()` see it: numbers with numbers, strings with
/// strings (ordinal), booleans with booleans; anything else cannot be compared.
pub(crate) fn compare(a: &Value, b: &Value) -> Result<Ordering, String> {
    let order = match (a, b) {
        (Value::Number(_), Value::Number(_)) => compare_numbers(a, b),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    };
    order.ok_or_else(|| format!("cannot compare {} with {}", type_name(a), type_name(b)))
}
