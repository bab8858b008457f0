//! Helpers shared by the unit tests.

use serde_json::Value;

/// The document with the member at a JSON pointer set to `value` (removed when `value` is null).
pub fn set(mut doc: Value, pointer: &str, value: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = doc.pointer_mut(parent).unwrap().as_object_mut().unwrap();
    if value.is_null() {
        target.remove(key);
    } else {
        target.insert(key.to_owned(), value);
    }
    doc
}
