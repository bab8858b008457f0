//! `cosell-form`: the co-sell rules of `cosell-core`, compiled to WebAssembly, in the Dynamics 365
//! opportunity form.
//!
//! `cargo xtask dist` wraps this module into one classic-script web resource,
//! `cosell_/opportunity.js`, whose loader defines `CoSell.Opportunity` (see `js/loader.js`).
//! Every rule and mapping lives in `cosell-core`; this crate only reads the form, calls the core,
//! and shows the result.
//!
//! - [`xrm`]: typed wrappers over the Client API (the untyped edge stays in that module).
//! - [`webapi`]: Dataverse Web API reads through `gloo-net`.
//! - [`record`]: form + loaded rows → snapshot JSON.
//! - [`controller`]: OnLoad/OnChange/OnSave behaviour; [`notices`]: findings → notifications;
//!   [`texts`]: what the form says, within Microsoft's advised lengths.
//! - [`readiness`]: the readiness page; [`api`]: `validate` and `previewReferral` for other scripts.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::unreachable)
)]

pub mod api;
pub mod controller;
pub mod notices;
pub mod readiness;
pub mod record;
pub mod texts;
pub mod webapi;
pub mod xrm;

use js_sys::Function;
use wasm_bindgen::prelude::*;
use xrm::{Event, EventContext};

#[wasm_bindgen(typescript_custom_section)]
const HANDLERS_TS: &str = r#"
/** Resolves once the WebAssembly module has started (rejects if it cannot start). */
export const ready: Promise<void>;
/** Form OnLoad handler. Register with "Pass execution context as first parameter". */
export function onLoad(executionContext: Xrm.Events.EventContext): void;
/** Form OnSave handler. Register with "Pass execution context as first parameter". */
export function onSave(executionContext: Xrm.Events.SaveEventContext): void;
/** Optional OnChange handler for columns the form adds itself; onLoad already registers the co-sell columns. */
export function onChange(executionContext: Xrm.Events.EventContext): void;
"#;

/// OnLoad (called by the loader with its guarded handler functions).
#[wasm_bindgen(js_name = onLoad, skip_typescript)]
pub fn on_load(context: EventContext, on_change: Function, on_grid_load: Function, on_post_save: Function) {
    controller::on_load(Event::new(context), controller::Handlers { on_change, on_grid_load, on_post_save });
}

/// OnSave.
#[wasm_bindgen(js_name = onSave, skip_typescript)]
pub fn on_save(context: EventContext) {
    controller::on_save(Event::new(context));
}

/// OnChange of a column the rules read.
#[wasm_bindgen(js_name = onChange, skip_typescript)]
pub fn on_change(context: EventContext) {
    controller::on_change(Event::new(context));
}

/// OnLoad of the solutions subgrid.
#[wasm_bindgen(js_name = onGridLoad, skip_typescript)]
pub fn on_grid_load(context: EventContext) {
    controller::on_grid_load(Event::new(context));
}

/// OnPostSave.
#[wasm_bindgen(js_name = onPostSave, skip_typescript)]
pub fn on_post_save(context: EventContext) {
    controller::on_post_save(Event::new(context));
}

/// A save the loader cancelled while the module was starting.
#[wasm_bindgen(js_name = resumeSave, skip_typescript)]
pub fn resume_save(context: EventContext, mode: u32) {
    controller::resume_save(Event::new(context), mode);
}

/// Renders the readiness page from a snapshot document (JSON text).
#[wasm_bindgen(js_name = showReadiness, skip_typescript)]
pub fn show_readiness(snapshot_json: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        readiness::render(&document, snapshot_json);
    }
}
