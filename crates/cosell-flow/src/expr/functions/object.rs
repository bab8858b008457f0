//! Manipulation functions: `addProperty`, `removeProperty`, `setProperty`, `xpath` (and
//! `coalesce`, which is lazy).

use serde_json::Value;

use super::{row, Args, Builtin};

pub(super) const FUNCTIONS: &[Builtin] = &[
    row("addProperty", 3, 3, add_property),
    row("removeProperty", 2, 2, remove_property),
    row("setProperty", 3, 3, set_property),
    row("xpath", 2, 2, xpath),
];

fn add_property(args: &mut Args<'_>) -> Result<Value, String> {
    let name = args.string(1)?.to_owned();
    if args.object(0)?.contains_key(&name) {
        return Err(format!("the object already has the property '{name}' (setProperty replaces it)"));
    }
    set_property(args)
}

fn set_property(args: &mut Args<'_>) -> Result<Value, String> {
    let name = args.string(1)?.to_owned();
    args.object(0)?;
    let value = args.take(2);
    let Value::Object(mut map) = args.take(0) else { return Ok(Value::Null) };
    map.insert(name, value);
    Ok(Value::Object(map))
}

fn remove_property(args: &mut Args<'_>) -> Result<Value, String> {
    let name = args.string(1)?.to_owned();
    args.object(0)?;
    let Value::Object(mut map) = args.take(0) else { return Ok(Value::Null) };
    map.remove(&name);
    Ok(Value::Object(map))
}

/// The XML may be XML content (from `xml()`) or XML text.
fn xpath(args: &mut Args<'_>) -> Result<Value, String> {
    let text = match args.get(0) {
        Value::String(s) => s.clone(),
        Value::Object(map) if map.contains_key("$content") => {
            String::from_utf8_lossy(&super::conversion::bytes_of(args.get(0))?).into_owned()
        }
        _ => return Err(args.wrong(0, "XML")),
    };
    crate::expr::xpath::evaluate(&text, args.string(1)?)
}
