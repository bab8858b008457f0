//! Helpers shared by the integration tests: fixture files and key-case-insensitive comparison.
#![allow(dead_code)] // each test binary uses a different subset

use serde_json::{Map, Value};
use std::path::PathBuf;

/// `tests/fixtures/<dir>` at the project root.
pub fn fixture_dir(dir: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(dir)
}

/// The text of `tests/fixtures/<dir>/<name>`.
pub fn fixture_text(dir: &str, name: &str) -> String {
    let path = fixture_dir(dir).join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The parsed JSON of `tests/fixtures/<dir>/<name>`.
pub fn fixture_json(dir: &str, name: &str) -> Value {
    let text = fixture_text(dir, name);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{dir}/{name}: {e}"))
}

/// Every `*.json` file name in `tests/fixtures/<dir>`, sorted.
pub fn fixture_names(dir: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixture_dir(dir))
        .unwrap_or_else(|e| panic!("tests/fixtures/{dir}: {e}"))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    names.sort();
    names
}

/// The value with every object key lower-cased, so documents that differ only in key case compare equal.
pub fn fold_key_case(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let folded: Map<String, Value> =
                map.iter().map(|(k, v)| (k.to_ascii_lowercase(), fold_key_case(v))).collect();
            assert_eq!(folded.len(), map.len(), "keys differing only in case in {value}");
            Value::Object(folded)
        }
        Value::Array(items) => Value::Array(items.iter().map(fold_key_case).collect()),
        other => other.clone(),
    }
}

/// Asserts two documents are equal up to key case, naming the first JSON path that differs.
pub fn assert_same_up_to_key_case(label: &str, input: &Value, output: &Value) {
    let (a, b) = (fold_key_case(input), fold_key_case(output));
    if let Some(path) = first_difference(&a, &b, "$".to_owned()) {
        panic!("{label}: lost or changed at {path}\n input: {input}\noutput: {output}");
    }
}

fn first_difference(a: &Value, b: &Value, path: String) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys()) {
                match (x.get(key), y.get(key)) {
                    (Some(u), Some(v)) => {
                        if let Some(p) = first_difference(u, v, format!("{path}.{key}")) {
                            return Some(p);
                        }
                    }
                    (Some(_), None) => return Some(format!("{path}.{key} (missing in output)")),
                    (None, _) => return Some(format!("{path}.{key} (not in input)")),
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find_map(|(i, (u, v))| first_difference(u, v, format!("{path}[{i}]")))
        }
        _ if a == b => None,
        _ => Some(format!("{path} ({a} became {b})")),
    }
}
