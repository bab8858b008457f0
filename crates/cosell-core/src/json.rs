//! Reading documents with errors that name the JSON path of the problem.

use serde::de::DeserializeOwned;
use std::fmt;

/// Bad input: what was wrong and where, as a JSON path (`$.details.dealValue`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// Where the problem is, as a JSON path starting at `$`.
    pub path: String,
    /// What is wrong there.
    pub message: String,
}

impl InputError {
    /// An error at a JSON path.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        InputError { path: path.into(), message: message.into() }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for InputError {}

/// Parses a JSON document into `T`, naming the JSON path of the first problem.
///
/// Good input takes the fast path (plain serde_json); only bad input is read a second time with
/// path tracking, to say where the problem is.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, InputError> {
    serde_json::from_str(text).or_else(|_| from_str_with_path(text))
}

fn from_str_with_path<T: DeserializeOwned>(text: &str) -> Result<T, InputError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| to_input_error(e.path(), e.inner()))?;
    de.end().map_err(|e| InputError::new("$", e.to_string()))?;
    Ok(value)
}

/// Converts an already parsed JSON value into `T`, naming the JSON path of the first problem.
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, InputError> {
    serde_path_to_error::deserialize(value).map_err(|e| to_input_error(e.path(), e.inner()))
}

fn to_input_error(path: &serde_path_to_error::Path, inner: &serde_json::Error) -> InputError {
    InputError::new(json_path(path), inner.to_string())
}

/// `serde_path_to_error`'s path (`details.team[0].email`) as a JSON path (`$.details.team[0].email`).
fn json_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::from("$");
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } => push_key(&mut out, key),
            Segment::Enum { variant } => push_key(&mut out, variant),
            // Inside a value no model reads (e.g. a syntax error): the path so far says where.
            Segment::Unknown => {}
        }
    }
    out
}

/// Appends `.key`, or `["key"]` when the key is not a plain identifier.
pub fn push_key(out: &mut String, key: &str) {
    let plain = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '@');
    if plain {
        out.push('.');
        out.push_str(key);
    } else {
        out.push_str(&format!("[{}]", serde_json::Value::String(key.to_owned())));
    }
}
