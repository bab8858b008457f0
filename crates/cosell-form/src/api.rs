//! The JavaScript API for other form scripts: `CoSell.Opportunity.validate(snapshot)` and
//! `CoSell.Opportunity.previewReferral(snapshot)`. Both take the snapshot document described in
//! `cosell_core::snapshot`, as an object or as JSON text, and throw an `Error` naming the JSON
//! path when it is not valid.

use cosell_core::{mapping, validate as validate_snapshot, Snapshot};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const API_TS: &str = r#"
/** An opportunity snapshot: `{ opportunity, original?, solutions?, environment? }` with Dataverse logical names as keys. */
export interface OpportunitySnapshot {
    opportunity: Record<string, unknown>;
    original?: Record<string, unknown>;
    solutions?: Record<string, unknown>[];
    environment?: Record<string, string | null>;
}
/** One problem found by a co-sell rule. */
export interface Finding {
    /** Stable rule id, such as "help-needs-contact". */
    rule: string;
    /** "error" blocks a sync (and saving when Sync with Partner Center is Yes). */
    severity: "error" | "warning" | "info";
    /** Logical name of the column to fix. */
    column: string;
    message: string;
    hint: string;
}
"#;

/// Runs every co-sell rule on a snapshot.
#[wasm_bindgen(js_name = validate, unchecked_return_type = "Finding[]")]
pub fn validate(
    #[wasm_bindgen(unchecked_param_type = "OpportunitySnapshot | string")] snapshot: JsValue,
) -> Result<JsValue, JsError> {
    let snapshot = read(&snapshot)?;
    to_js(&validate_snapshot(&snapshot))
}

/// The referral create payload Partner Center would receive for a snapshot.
#[wasm_bindgen(js_name = previewReferral, unchecked_return_type = "Record<string, unknown>")]
pub fn preview_referral(
    #[wasm_bindgen(unchecked_param_type = "OpportunitySnapshot | string")] snapshot: JsValue,
) -> Result<JsValue, JsError> {
    let snapshot = read(&snapshot)?;
    to_js(&mapping::to_referral(&snapshot))
}

fn read(snapshot: &JsValue) -> Result<Snapshot, JsError> {
    let text = match snapshot.as_string() {
        Some(text) => text,
        None => js_sys::JSON::stringify(snapshot)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| JsError::new("the snapshot must be an object or JSON text"))?,
    };
    crate::readiness::parse_snapshot(&text).map_err(|e| JsError::new(&e))
}

/// Rust value → plain JavaScript object, through JSON (no extra serializer in the bundle).
fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsError> {
    let text = serde_json::to_string(value).map_err(|e| JsError::new(&e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|_| JsError::new("internal: the result is not valid JSON"))
}
