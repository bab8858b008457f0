//! Shared helpers for the linter's integration tests.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};

/// `crates/cosell-lint/tests/fixtures/NAME`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// The vendored Microsoft folder `../shared/vendor/<sub>` relative to the project root, or
/// `None` (with a printed notice) when it is absent.
pub fn vendor(sub: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vendor").join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("notice: {} is absent; skipping this check", dir.display());
        None
    }
}

/// RFC 7386 JSON merge patch.
pub fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

/// Writes a connector folder under the target dir: the clean fixture with `swagger_patch` and
/// `properties_patch` merged in. Returns its path.
pub fn patched_connector(name: &str, swagger_patch: &Value, properties_patch: &Value) -> PathBuf {
    let clean = fixture("clean");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lint-cases").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    for (file, patch) in [("apiDefinition.swagger.json", swagger_patch), ("apiProperties.json", properties_patch)] {
        let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(clean.join(file)).unwrap()).unwrap();
        merge(&mut doc, patch);
        std::fs::write(dir.join(file), serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    }
    dir
}
