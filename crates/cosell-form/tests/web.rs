//! The binding layer in a real browser (headless Chromium, `wasm-pack test --headless --chrome`):
//! the typed Xrm wrappers against a minimal Client API fake, the readiness page's DOM, the JS API.
#![cfg(target_arch = "wasm32")]

use cosell_form::xrm::{Event, EventContext, FieldValue, Lookup};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function makeContext(values, options) {
    const log = [];
    const controls = {};
    function control(name) {
        return controls[name] || (controls[name] = {
            getName: () => name,
            setNotification: (message, id) => { log.push(["setNotification", name, message, id]); return true; },
            clearNotification: (id) => { log.push(["clearNotification", name, id]); return true; },
            addNotification: (n) => { log.push(["addNotification", name, n.messages[0], n.notificationLevel, n.uniqueId, n.actions[0].message]); },
            getLabel: () => "Label of " + name,
            getVisible: () => name !== "hidden",
            setDisabled: (d) => { log.push(["setDisabled", name, d]); },
        });
    }
    const attributes = {};
    for (const name of Object.keys(values)) {
        attributes[name] = {
            getName: () => name,
            getValue: () => values[name],
            setValue: (v) => { values[name] = v; log.push(["setValue", name, v]); },
            fireOnChange: () => log.push(["fireOnChange", name]),
            addOnChange: () => {}, removeOnChange: () => {},
            controls: { forEach: (f) => [control(name), control(name + "1")].forEach(f) },
        };
    }
    let prevented = false;
    const form = {
        getAttribute: (n) => { if (n === "throws") throw new Error("boom"); return attributes[n] || null; },
        getControl: (n) => controls[n] || null,
        data: { entity: { getId: () => options.id, save: (m) => log.push(["save", m === undefined ? null : m]) } },
        ui: {
            setFormNotification: (m, l, id) => { log.push(["setFormNotification", m, l, id]); return true; },
            clearFormNotification: (id) => { log.push(["clearFormNotification", id]); return true; },
            getFormType: () => options.formType,
        },
    };
    return {
        context: {
            getFormContext: () => form,
            getContext: () => ({ getClientUrl: () => "https://org.example.test/" }),
            getEventSource: () => attributes[options.source] || form.data.entity,
            getEventArgs: () => ({ getSaveMode: () => options.saveMode, preventDefault: () => { prevented = true; } }),
        },
        log,
        prevented: () => prevented,
    };
}
export function logOf(made) { return JSON.stringify(made.log); }
export function contextOf(made) { return made.context; }
export function preventedOf(made) { return made.prevented(); }
export function localDate(y, m, d) { return new Date(y, m - 1, d, 0, 0, 0); }
"#)]
extern "C" {
    #[wasm_bindgen(js_name = makeContext)]
    fn make_context(values: &JsValue, options: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = logOf)]
    fn log_of(made: &JsValue) -> String;
    #[wasm_bindgen(js_name = contextOf)]
    fn context_of(made: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = preventedOf)]
    fn prevented_of(made: &JsValue) -> bool;
    #[wasm_bindgen(js_name = localDate)]
    fn local_date(y: u32, m: u32, d: u32) -> JsValue;
}

fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

fn fake(values: JsValue, options: &str) -> (JsValue, Event) {
    let made = make_context(&values, &js(options));
    let event = Event::new(context_of(&made).unchecked_into::<EventContext>());
    (made, event)
}

#[wasm_bindgen_test]
fn values_decode_by_their_javascript_type() {
    let values = js(r#"{
        "name": "Contoso", "estimatedvalue": 250000.5, "cosell_syncwithpartnercenter": true,
        "cosell_howcanmicrosofthelp": 100000002, "description": null,
        "parentcontactid": [{"id": "{C0C0C0C0-0002-4000-8000-000000000002}", "name": "Ana Silva", "entityType": "contact"}],
        "parentaccountid": [], "cosell_products": [1, 2]
    }"#);
    js_sys::Reflect::set(&values, &"estimatedclosedate".into(), &local_date(2026, 3, 31)).unwrap();
    let (_, event) = fake(values, r#"{"id": "{7F3E1C2A-5B6D-4E8F-9A0B-1C2D3E4F5A6B}", "formType": 2}"#);
    let form = event.form().unwrap();
    let value = |name: &str| form.attribute(name).unwrap().value();
    assert_eq!(value("name"), FieldValue::Text("Contoso".into()));
    assert_eq!(value("estimatedvalue"), FieldValue::Number(250000.5));
    assert_eq!(value("cosell_syncwithpartnercenter"), FieldValue::Bool(true));
    assert_eq!(value("cosell_howcanmicrosofthelp"), FieldValue::Number(100000002.0));
    assert_eq!(value("description"), FieldValue::Empty);
    assert_eq!(value("estimatedclosedate"), FieldValue::Date("2026-03-31".into()));
    assert_eq!(
        value("parentcontactid"),
        FieldValue::Lookup(Lookup {
            id: "c0c0c0c0-0002-4000-8000-000000000002".into(),
            name: Some("Ana Silva".into()),
            entity_type: Some("contact".into()),
        })
    );
    assert_eq!(value("parentaccountid"), FieldValue::Empty);
    assert_eq!(value("cosell_products"), FieldValue::Other);
    assert!(form.attribute("missing").is_none());
    assert_eq!(form.record_id().as_deref(), Some("7f3e1c2a-5b6d-4e8f-9a0b-1c2d3e4f5a6b"));
    assert_eq!(form.form_type(), 2);
    assert_eq!(event.client_url().as_deref(), Some("https://org.example.test"));
}

#[wasm_bindgen_test]
fn an_exception_in_the_client_api_becomes_none() {
    let (_, event) = fake(js("{}"), r#"{"id": "", "formType": 1}"#);
    let form = event.form().unwrap();
    assert!(form.attribute("throws").is_none());
    assert_eq!(form.record_id(), None, "an empty id is a record not saved yet");
}

#[wasm_bindgen_test]
fn form_contexts_are_told_apart() {
    let (_, one) = fake(js("{}"), r#"{"id": "a", "formType": 2}"#);
    let (_, two) = fake(js("{}"), r#"{"id": "a", "formType": 2}"#);
    assert!(one.form().unwrap().same(&one.form().unwrap()), "one context, asked twice");
    assert!(!one.form().unwrap().same(&two.form().unwrap()), "a second form context (a Quick Create pane)");
}

#[wasm_bindgen_test]
fn notifications_and_values_reach_the_controls() {
    let (made, event) = fake(
        js(r#"{"parentcontactid": null, "cosell_referralvisibility": 100000000}"#),
        r#"{"id": "x", "formType": 2}"#,
    );
    let form = event.form().unwrap();
    let controls = form.attribute("parentcontactid").unwrap().controls();
    assert_eq!(controls.len(), 2, "every control of the column");
    assert!(controls[0].set_error("No contact.", "cosell-help-needs-contact"));
    assert!(controls[1].add_recommendation("No contact", "Add a contact.", "cosell-help-needs-contact"));
    assert!(controls[0].visible());
    controls[0].clear_notification("cosell-help-needs-contact");
    let visibility = form.attribute("cosell_referralvisibility").unwrap();
    visibility.set_number(100000001);
    visibility.fire_on_change();
    form.set_form_notification("Summary", cosell_form::xrm::FormLevel::Error, "cosell-summary");
    form.save(2);
    assert_eq!(
        log_of(&made),
        concat!(
            r#"[["setNotification","parentcontactid","No contact.","cosell-help-needs-contact"],"#,
            r#"["addNotification","parentcontactid1","No contact","RECOMMENDATION","cosell-help-needs-contact","Add a contact."],"#,
            r#"["clearNotification","parentcontactid","cosell-help-needs-contact"],"#,
            r#"["setValue","cosell_referralvisibility",100000001],["fireOnChange","cosell_referralvisibility"],"#,
            r#"["setFormNotification","Summary","ERROR","cosell-summary"],["save","saveandclose"]]"#
        )
    );
}

#[wasm_bindgen_test]
fn save_arguments_and_event_source() {
    let (made, event) = fake(js(r#"{"name": "x"}"#), r#"{"id": "x", "formType": 2, "saveMode": 70, "source": "name"}"#);
    let args = event.save_args().unwrap();
    assert_eq!(args.mode(), 70);
    assert!(!prevented_of(&made));
    args.prevent_default();
    assert!(prevented_of(&made));
    assert_eq!(event.source_attribute().as_deref(), Some("name"));
}

#[wasm_bindgen_test]
fn the_readiness_page_shows_values_as_text() {
    let document = web_sys::window().unwrap().document().unwrap();
    // A container of its own: the test runner reports through the page's existing elements.
    let page = document.create_element("div").unwrap();
    page.set_inner_html(r#"<p id="cosell-status"></p><ul id="cosell-checklist"></ul><pre id="cosell-referral"></pre>"#);
    document.body().unwrap().append_child(&page).unwrap();
    let snapshot = r#"{"opportunity": {"name": "<b>bold</b> & co", "cosell_syncwithpartnercenter": true,
        "cosell_howcanmicrosofthelp": 100000002}}"#;
    cosell_form::readiness::render(&document, snapshot);
    let referral = document.get_element_by_id("cosell-referral").unwrap();
    assert!(referral.text_content().unwrap().contains("<b>bold</b> & co"));
    assert!(referral.query_selector("b").unwrap().is_none(), "markup stays text");
    let items = document.get_element_by_id("cosell-checklist").unwrap().child_element_count();
    assert!(items as usize >= cosell_core::RuleId::ALL.len(), "one line per rule at least");
    let checklist = document.get_element_by_id("cosell-checklist").unwrap().text_content().unwrap();
    let help = cosell_core::RuleId::HelpNeedsContact.title();
    let name = cosell_core::RuleId::NameRequired.title();
    assert!(checklist.contains(&format!("✖ {help}:")), "help without a contact fails: {checklist}");
    assert!(checklist.contains(&format!("✔ {name}")), "a named opportunity passes: {checklist}");
}

#[wasm_bindgen_test]
fn the_js_api_reports_bad_input_with_its_path() {
    let findings = cosell_form::api::validate(js(
        r#"{"opportunity": {"cosell_syncwithpartnercenter": true, "cosell_howcanmicrosofthelp": 100000002}}"#,
    ))
    .unwrap();
    let rules: Vec<String> = js_sys::Array::from(&findings)
        .iter()
        .map(|f| js_sys::Reflect::get(&f, &"rule".into()).unwrap().as_string().unwrap())
        .collect();
    assert!(rules.iter().any(|r| r == "help-needs-contact"), "{rules:?}");
    let error = cosell_form::api::validate(JsValue::from_str(r#"{"opportunity": {"statecode": "open"}}"#)).unwrap_err();
    let message = js_sys::Reflect::get(&JsValue::from(error), &"message".into()).unwrap().as_string().unwrap();
    assert!(message.starts_with("$.opportunity.statecode"), "{message}");
}
