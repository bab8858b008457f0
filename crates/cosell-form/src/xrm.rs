//! Typed wrappers over the Dynamics 365 Client API (`Xrm`), the subset this crate uses.
//!
//! The shapes follow `@types/xrm` 9.0.97. Every import is declared with `catch`, and the wrappers
//! turn a thrown exception into `None`/`false`: a form that misbehaves degrades the checks, it
//! never makes this module throw into the form.

use js_sys::{Array, Date, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// `Xrm.Events.EventContext`, the first handler parameter.
    #[derive(Clone)]
    pub type EventContext;
    #[wasm_bindgen(method, catch, js_name = getFormContext)]
    fn get_form_context(this: &EventContext) -> Result<FormContext, JsValue>;
    #[wasm_bindgen(method, catch, js_name = getEventArgs)]
    fn get_event_args(this: &EventContext) -> Result<SaveEventArguments, JsValue>;
    #[wasm_bindgen(method, catch, js_name = getEventSource)]
    fn get_event_source(this: &EventContext) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = getContext)]
    fn get_context(this: &EventContext) -> Result<GlobalContext, JsValue>;

    /// `Xrm.GlobalContext`.
    type GlobalContext;
    #[wasm_bindgen(method, catch, js_name = getClientUrl)]
    fn get_client_url(this: &GlobalContext) -> Result<String, JsValue>;

    /// `Xrm.Events.SaveEventArguments`.
    type SaveEventArguments;
    #[wasm_bindgen(method, catch, js_name = getSaveMode)]
    fn get_save_mode(this: &SaveEventArguments) -> Result<f64, JsValue>;
    #[wasm_bindgen(method, catch, js_name = preventDefault)]
    fn prevent_default(this: &SaveEventArguments) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = getIsSaveSuccess)]
    fn get_is_save_success(this: &SaveEventArguments) -> Result<bool, JsValue>;

    /// `Xrm.FormContext`.
    #[derive(Clone)]
    type FormContext;
    #[wasm_bindgen(method, catch, js_name = getAttribute)]
    fn get_attribute(this: &FormContext, name: &str) -> Result<Option<AttributeRef>, JsValue>;
    #[wasm_bindgen(method, catch, js_name = getControl)]
    fn get_control(this: &FormContext, name: &str) -> Result<Option<ControlRef>, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn data(this: &FormContext) -> Option<FormData>;
    #[wasm_bindgen(method, getter)]
    fn ui(this: &FormContext) -> Option<FormUi>;

    /// `Xrm.Data`.
    type FormData;
    #[wasm_bindgen(method, getter)]
    fn entity(this: &FormData) -> Option<Entity>;

    /// `Xrm.Entity`.
    type Entity;
    #[wasm_bindgen(method, catch, js_name = getId)]
    fn get_id(this: &Entity) -> Result<Option<String>, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn save(this: &Entity, mode: Option<&str>) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = addOnPostSave)]
    fn add_on_post_save(this: &Entity, handler: &Function) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = removeOnPostSave)]
    fn remove_on_post_save(this: &Entity, handler: &Function) -> Result<(), JsValue>;

    /// `Xrm.Ui`.
    type FormUi;
    #[wasm_bindgen(method, catch, js_name = setFormNotification)]
    fn set_form_notification(this: &FormUi, message: &str, level: &str, id: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = clearFormNotification)]
    fn clear_form_notification(this: &FormUi, id: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = getFormType)]
    fn get_form_type(this: &FormUi) -> Result<f64, JsValue>;

    /// `Xrm.Attributes.Attribute`.
    #[derive(Clone)]
    type AttributeRef;
    #[wasm_bindgen(method, catch, js_name = getName)]
    fn get_name(this: &AttributeRef) -> Result<String, JsValue>;
    #[wasm_bindgen(method, catch, js_name = getValue)]
    fn get_value(this: &AttributeRef) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = setValue)]
    fn set_value(this: &AttributeRef, value: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = fireOnChange)]
    fn fire_on_change(this: &AttributeRef) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = addOnChange)]
    fn add_on_change(this: &AttributeRef, handler: &Function) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = removeOnChange)]
    fn remove_on_change(this: &AttributeRef, handler: &Function) -> Result<(), JsValue>;
    #[wasm_bindgen(method, getter)]
    fn controls(this: &AttributeRef) -> Option<ItemCollection>;

    /// `Xrm.Collection.ItemCollection<Control>`.
    type ItemCollection;
    #[wasm_bindgen(method, catch, js_name = forEach)]
    fn for_each(this: &ItemCollection, f: &Function) -> Result<(), JsValue>;

    /// `Xrm.Controls.Control` (standard, grid or web resource control).
    #[derive(Clone)]
    type ControlRef;
    #[wasm_bindgen(method, catch, js_name = getName)]
    fn get_name(this: &ControlRef) -> Result<String, JsValue>;
    #[wasm_bindgen(method, catch, js_name = setNotification)]
    fn set_notification(this: &ControlRef, message: &str, id: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = clearNotification)]
    fn clear_notification(this: &ControlRef, id: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = addNotification)]
    fn add_notification(this: &ControlRef, options: &Object) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = setDisabled)]
    fn set_disabled(this: &ControlRef, disabled: bool) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = addOnLoad)]
    fn add_on_load(this: &ControlRef, handler: &Function) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = removeOnLoad)]
    fn remove_on_load(this: &ControlRef, handler: &Function) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = getVisible)]
    fn get_visible(this: &ControlRef) -> Result<bool, JsValue>;
    #[wasm_bindgen(method, catch, js_name = getContentWindow)]
    fn get_content_window(this: &ControlRef) -> Result<Promise, JsValue>;
}

/// `XrmEnum.SaveMode.AutoSave`.
pub const SAVE_MODE_AUTO: u32 = 70;
/// `XrmEnum.SaveMode.SaveAndClose`.
pub const SAVE_MODE_SAVE_AND_CLOSE: u32 = 2;
/// `XrmEnum.SaveMode.SaveAndNew`.
pub const SAVE_MODE_SAVE_AND_NEW: u32 = 59;
/// `XrmEnum.FormType.Create`.
pub const FORM_TYPE_CREATE: u32 = 1;
/// `XrmEnum.FormType.ReadOnly`.
pub const FORM_TYPE_READ_ONLY: u32 = 3;
/// `XrmEnum.FormType.Disabled`.
pub const FORM_TYPE_DISABLED: u32 = 4;

/// A form-level notification's level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormLevel {
    Error,
    Warning,
    Info,
}

impl FormLevel {
    fn as_str(self) -> &'static str {
        match self {
            FormLevel::Error => "ERROR",
            FormLevel::Warning => "WARNING",
            FormLevel::Info => "INFO",
        }
    }
}

/// What an event handler receives.
#[derive(Clone)]
pub struct Event(EventContext);

impl Event {
    pub fn new(context: EventContext) -> Event {
        Event(context)
    }

    /// The form the event belongs to.
    pub fn form(&self) -> Option<Form> {
        self.0.get_form_context().ok().map(Form)
    }

    /// The org URL (same origin as the form), without a trailing slash.
    pub fn client_url(&self) -> Option<String> {
        let url = self.0.get_context().ok()?.get_client_url().ok()?;
        Some(url.trim_end_matches('/').to_owned())
    }

    /// The logical name of the attribute that raised an OnChange, if the source is an attribute.
    pub fn source_attribute(&self) -> Option<String> {
        let source = self.0.get_event_source().ok()?;
        let get_name = Reflect::get(&source, &"getName".into()).ok()?.dyn_into::<Function>().ok()?;
        get_name.call0(&source).ok()?.as_string()
    }

    /// The save event's arguments (OnSave, OnPostSave).
    pub fn save_args(&self) -> Option<SaveArgs> {
        self.0.get_event_args().ok().map(SaveArgs)
    }
}

/// `getEventArgs()` of a save event.
pub struct SaveArgs(SaveEventArguments);

impl SaveArgs {
    /// `XrmEnum.SaveMode`; 1 (Save) when unknown.
    pub fn mode(&self) -> u32 {
        self.0.get_save_mode().ok().filter(|m| m.is_finite() && *m >= 0.0).map_or(1, |m| m as u32)
    }

    /// Cancels the save. Works only synchronously, inside the OnSave handler.
    pub fn prevent_default(&self) {
        let _ = self.0.prevent_default();
    }

    /// Whether an OnPostSave reports success (`PostSaveEventArguments`); false when unknown.
    pub fn is_save_success(&self) -> bool {
        self.0.get_is_save_success().unwrap_or(false)
    }
}

/// `formContext`: the opportunity form.
#[derive(Clone)]
pub struct Form(FormContext);

impl Form {
    /// Whether both are the same form context (a window can hold two, such as a Quick Create pane).
    pub fn same(&self, other: &Form) -> bool {
        Object::is(&self.0, &other.0)
    }

    pub fn attribute(&self, name: &str) -> Option<Attribute> {
        self.0.get_attribute(name).ok().flatten().map(Attribute)
    }

    pub fn control(&self, name: &str) -> Option<Control> {
        self.0.get_control(name).ok().flatten().map(Control)
    }

    /// The record's GUID, lower case without braces; `None` on a Create form before the first save.
    pub fn record_id(&self) -> Option<String> {
        let id = self.0.data()?.entity()?.get_id().ok()??;
        let id = id.trim().trim_start_matches('{').trim_end_matches('}').to_ascii_lowercase();
        (!id.is_empty()).then_some(id)
    }

    /// `ui.getFormType()`; 0 (Undefined) when unknown.
    pub fn form_type(&self) -> u32 {
        self.0
            .ui()
            .and_then(|ui| ui.get_form_type().ok())
            .filter(|t| t.is_finite() && *t >= 0.0)
            .map_or(0, |t| t as u32)
    }

    pub fn set_form_notification(&self, message: &str, level: FormLevel, id: &str) {
        if let Some(ui) = self.0.ui() {
            let _ = ui.set_form_notification(message, level.as_str(), id);
        }
    }

    pub fn clear_form_notification(&self, id: &str) {
        if let Some(ui) = self.0.ui() {
            let _ = ui.clear_form_notification(id);
        }
    }

    /// Saves the record again with the mode of a save that was cancelled.
    pub fn save(&self, mode: u32) {
        let option = match mode {
            SAVE_MODE_SAVE_AND_CLOSE => Some("saveandclose"),
            SAVE_MODE_SAVE_AND_NEW => Some("saveandnew"),
            _ => None,
        };
        if let Some(entity) = self.0.data().and_then(|d| d.entity()) {
            let _ = entity.save(option);
        }
    }

    /// Registers an OnPostSave handler once (OnLoad runs again after a new record's first save);
    /// false when the client has no `addOnPostSave`.
    pub fn add_on_post_save_once(&self, handler: &Function) -> bool {
        self.0.data().and_then(|d| d.entity()).is_some_and(|e| {
            let _ = e.remove_on_post_save(handler);
            e.add_on_post_save(handler).is_ok()
        })
    }
}

/// A value read from an attribute, decoded by its JavaScript type (see `getValue()` in the Client API).
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A date column, as the local calendar date `YYYY-MM-DD`.
    Date(String),
    /// The first entry of a lookup.
    Lookup(Lookup),
    /// Any other shape (for example a multi-select choice); not read by the rules.
    Other,
}

/// One lookup entry: `{ id, name, entityType }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    /// The GUID, lower case without braces.
    pub id: String,
    pub name: Option<String>,
    pub entity_type: Option<String>,
}

/// `formContext.getAttribute(name)`.
#[derive(Clone)]
pub struct Attribute(AttributeRef);

impl Attribute {
    pub fn name(&self) -> Option<String> {
        self.0.get_name().ok()
    }

    pub fn value(&self) -> FieldValue {
        self.0.get_value().map_or(FieldValue::Other, |v| decode_value(&v))
    }

    /// Sets a whole-number value (choice columns). `setValue` does not fire OnChange.
    pub fn set_number(&self, value: i64) {
        let _ = self.0.set_value(&JsValue::from_f64(value as f64));
    }

    /// Runs the attribute's OnChange handlers, as a user edit would.
    pub fn fire_on_change(&self) {
        let _ = self.0.fire_on_change();
    }

    /// Registers an OnChange handler once: removing it first makes a second OnLoad harmless.
    pub fn add_on_change_once(&self, handler: &Function) {
        let _ = self.0.remove_on_change(handler);
        let _ = self.0.add_on_change(handler);
    }

    /// The controls bound to this attribute (a column can be on the form more than once).
    pub fn controls(&self) -> Vec<Control> {
        let found = Array::new();
        if let Some(items) = self.0.controls() {
            let collect = Closure::<dyn FnMut(JsValue)>::new({
                let found = found.clone();
                move |c: JsValue| {
                    found.push(&c);
                }
            });
            let _ = items.for_each(collect.as_ref().unchecked_ref());
        }
        found.iter().map(|c| Control(c.unchecked_into())).collect()
    }
}

/// `formContext.getControl(name)`.
#[derive(Clone)]
pub struct Control(ControlRef);

impl Control {
    pub fn name(&self) -> Option<String> {
        self.0.get_name().ok()
    }

    /// An error notification (red X). It blocks saving, so only for errors on a deal that syncs.
    pub fn set_error(&self, message: &str, id: &str) -> bool {
        self.0.set_notification(message, id).is_ok_and(|r| r.as_bool() != Some(false))
    }

    /// A recommendation (advice that never blocks saving): the title as its message, what to do
    /// as its action's body (the action has no function: the seller does it).
    pub fn add_recommendation(&self, title: &str, body: &str, id: &str) -> bool {
        let options = Object::new();
        let action = Object::new();
        let ok = Reflect::set(&action, &"message".into(), &body.into()).is_ok()
            && Reflect::set(&action, &"actions".into(), &Array::new()).is_ok()
            && Reflect::set(&options, &"messages".into(), &Array::of1(&title.into())).is_ok()
            && Reflect::set(&options, &"notificationLevel".into(), &"RECOMMENDATION".into()).is_ok()
            && Reflect::set(&options, &"uniqueId".into(), &id.into()).is_ok()
            && Reflect::set(&options, &"actions".into(), &Array::of1(&action)).is_ok();
        ok && self.0.add_notification(&options).is_ok()
    }

    /// Whether the control is shown (true when the client cannot say).
    pub fn visible(&self) -> bool {
        self.0.get_visible().unwrap_or(true)
    }

    pub fn clear_notification(&self, id: &str) {
        let _ = self.0.clear_notification(id);
    }

    pub fn set_disabled(&self, disabled: bool) {
        let _ = self.0.set_disabled(disabled);
    }

    /// A grid control's OnLoad (the subgrid reloaded). Registered once, as for OnChange.
    pub fn add_on_load_once(&self, handler: &Function) -> bool {
        let _ = self.0.remove_on_load(handler);
        self.0.add_on_load(handler).is_ok()
    }

    /// A web resource control's window (`getContentWindow()`).
    pub fn content_window(&self) -> Option<Promise> {
        self.0.get_content_window().ok()
    }
}

/// Decodes a `getValue()` result: lookups are arrays of `{id, name, entityType}`, dates are `Date`.
pub fn decode_value(v: &JsValue) -> FieldValue {
    if v.is_null() || v.is_undefined() {
        return FieldValue::Empty;
    }
    if let Some(s) = v.as_string() {
        return FieldValue::Text(s);
    }
    if let Some(n) = v.as_f64() {
        return if n.is_finite() { FieldValue::Number(n) } else { FieldValue::Other };
    }
    if let Some(b) = v.as_bool() {
        return FieldValue::Bool(b);
    }
    if let Some(d) = v.dyn_ref::<Date>() {
        return local_date(d).map_or(FieldValue::Other, FieldValue::Date);
    }
    if let Some(items) = v.dyn_ref::<Array>() {
        if items.length() == 0 {
            return FieldValue::Empty;
        }
        return decode_lookup(&items.get(0)).map_or(FieldValue::Other, FieldValue::Lookup);
    }
    FieldValue::Other
}

fn decode_lookup(entry: &JsValue) -> Option<Lookup> {
    let text = |key: &str| Reflect::get(entry, &key.into()).ok().and_then(|v| v.as_string());
    let id = text("id")?;
    let id = id.trim().trim_start_matches('{').trim_end_matches('}').to_ascii_lowercase();
    (!id.is_empty()).then(|| Lookup { id, name: text("name"), entity_type: text("entityType") })
}

/// A Date's local calendar day (date-only columns arrive as local midnight).
fn local_date(d: &Date) -> Option<String> {
    let year = d.get_full_year();
    if d.get_time().is_nan() || !(1..=9999).contains(&year) {
        return None;
    }
    Some(format!("{year:04}-{:02}-{:02}", d.get_month() + 1, d.get_date()))
}
