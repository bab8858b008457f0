//! Object manipulation: `addProperty`, `removeProperty`, `setProperty` (and `coalesce`, which is
//! lazy; `xpath` is not implemented, see the module documentation).

use serde_json::Value;

use super::{row, Args, Builtin};

pub(super) const FUNCTIONS: &[Builtin] = &[
    row("addProperty", 3, 3, add_property),
    row("removeProperty", 2, 2, remove_property),
    row("setProperty", 3, 3, set_property),
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
