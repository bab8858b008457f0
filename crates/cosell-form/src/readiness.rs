//! The readiness web resource (`cosell_/readiness.html`): a checklist of every rule and the
//! referral JSON Partner Center would receive. The form pushes its snapshot into the page's
//! window; the page renders it with the DOM's text nodes, so every value is escaped.

use cosell_core::{mapping, validate, Finding, RuleId, Severity, Snapshot};
use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element};

/// Sends the snapshot JSON to the readiness page's `CoSell.Readiness.show` in its window.
pub fn show_in(window: &JsValue, snapshot_json: &str) {
    let show = ["CoSell", "Readiness", "show"].iter().try_fold(window.clone(), |object, key| {
        Reflect::get(&object, &JsValue::from_str(key)).ok().filter(|v| !v.is_undefined() && !v.is_null())
    });
    if let Some(show) = show.and_then(|f| f.dyn_into::<Function>().ok()) {
        let _ = show.call1(&JsValue::NULL, &JsValue::from_str(snapshot_json));
    }
}

/// What the page shows for one snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub status: String,
    /// (css class, line) per checklist item.
    pub items: Vec<(&'static str, String)>,
    pub referral_json: String,
}

/// Reads snapshot JSON text; the error is "JSON path: message". Parsing to a `Value` first keeps
/// one JSON deserializer in the bundle (the path-tracking one of `Snapshot::from_json` is larger).
pub fn parse_snapshot(text: &str) -> Result<Snapshot, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("$: not valid JSON ({e})"))?;
    Snapshot::from_value(&value).map_err(|e| format!("{}: {}", e.path, e.message))
}

/// Computes the page's content from a snapshot document.
pub fn view(snapshot_json: &str) -> View {
    let snapshot = match parse_snapshot(snapshot_json) {
        Ok(s) => s,
        Err(e) => {
            return View {
                status: format!("The opportunity data could not be read: {e}"),
                items: Vec::new(),
                referral_json: String::new(),
            }
        }
    };
    let findings = validate(&snapshot);
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let status = match (errors, findings.len(), snapshot.syncs()) {
        (0, 0, _) => "✔ Ready to share with Partner Center.".to_owned(),
        (0, n, false) => format!("Sync with Partner Center is No: {n} item(s) to fix before syncing."),
        (0, n, true) => format!("✔ Ready to share; {n} item(s) of advice."),
        (e, _, _) => format!("✖ {e} problem(s) block the sync."),
    };
    let items = RuleId::ALL.iter().flat_map(|rule| checklist_lines(*rule, &findings)).collect();
    let referral = mapping::to_referral(&snapshot);
    // Compact here (one serializer in the bundle); `render` indents it in the browser.
    let referral_json = serde_json::to_string(&referral).unwrap_or_default();
    View { status, items, referral_json }
}

fn checklist_lines(rule: RuleId, findings: &[Finding]) -> Vec<(&'static str, String)> {
    let mine: Vec<&Finding> = findings.iter().filter(|f| f.rule == rule).collect();
    if mine.is_empty() {
        return vec![("pass", format!("✔ {}", rule.title()))];
    }
    mine.into_iter()
        .map(|f| {
            let class = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            (class, format!("✖ {}: {} Fix: {}", rule.title(), f.message, f.hint))
        })
        .collect()
}

/// Renders a snapshot into the readiness page's elements (`#cosell-status`, `#cosell-checklist`, `#cosell-referral`).
pub fn render(document: &Document, snapshot_json: &str) {
    let view = view(snapshot_json);
    if let Some(status) = document.get_element_by_id("cosell-status") {
        status.set_text_content(Some(&view.status));
    }
    if let Some(list) = document.get_element_by_id("cosell-checklist") {
        list.set_text_content(None);
        for (class, line) in &view.items {
            if let Some(item) = text_element(document, "li", line) {
                item.set_class_name(class);
                let _ = list.append_child(&item);
            }
        }
    }
    if let Some(pre) = document.get_element_by_id("cosell-referral") {
        pre.set_text_content(Some(&indented(&view.referral_json)));
    }
}

/// An element holding text (a text node: markup in the text is shown, never parsed).
fn text_element(document: &Document, tag: &str, text: &str) -> Option<Element> {
    let element = document.create_element(tag).ok()?;
    element.set_text_content(Some(text));
    Some(element)
}

/// JSON text indented by four spaces (the browser's `JSON.stringify`).
fn indented(json: &str) -> String {
    js_sys::JSON::parse(json)
        .ok()
        .and_then(|v| js_sys::JSON::stringify_with_replacer_and_space(&v, &JsValue::NULL, &JsValue::from_f64(4.0)).ok())
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| json.to_owned())
}
