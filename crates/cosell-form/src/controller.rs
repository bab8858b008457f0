//! The opportunity form's co-sell behaviour: load, check on every change, notify, guard saves.
//!
//! One controller per form, kept in a thread-local. Handlers borrow it briefly and never across
//! a call that can re-enter (`fireOnChange`, `save`): those are returned as [`Deferred`] actions
//! and run after the borrow ends. Checks are synchronous, so a change updates the form in the
//! same task (within one frame); only Web API loads are asynchronous.

use crate::notices::{self, Shown};
use crate::readiness;
use crate::record::{self, Loaded, LOOKUP_COLUMNS};
use crate::webapi::{LoadError, WebApi};
use crate::xrm::{Attribute, Control, Event, Form, FormLevel, FORM_TYPE_CREATE, SAVE_MODE_AUTO};
use cosell_core::config::Config;
use cosell_core::dataverse::{opportunity as opp, Visibility};
use cosell_core::{validate, Finding, RuleId, Severity, Snapshot};
use js_sys::Function;
use serde_json::{Map, Value};
use std::cell::RefCell;

/// The subgrid of Partner Center Solution rows on the opportunity form.
pub const SOLUTIONS_GRID: &str = "cosell_partnercentersolutions";
/// The readiness web resource control (`cosell_/readiness.html`) on the form.
pub const READINESS_CONTROL: &str = "WebResource_cosell_readiness";

const LOAD_WARNING_ID: &str = "cosell-unavailable";
const VISIBILITY_NOTE_ID: &str = "cosell-visibility";
const SAVING_NOTE_ID: &str = "cosell-saving";

/// The JavaScript functions the handlers register with the form (the loader wraps each in a guard).
pub struct Handlers {
    pub on_change: Function,
    pub on_grid_load: Function,
    pub on_post_save: Function,
}

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    /// Web API data is on its way; errors do not block yet, saves wait for it.
    Loading,
    Ready,
    /// A load failed: findings are advice only, the form works as without the plugin.
    Failed,
}

/// Side effects that can re-enter the handlers, run after the controller is released.
enum Deferred {
    FireOnChange(Attribute),
    Save(u32),
}

struct Controller {
    generation: u32,
    form: Form,
    api: WebApi,
    handlers: Handlers,
    config: Config,
    record_id: Option<String>,
    original: Option<Map<String, Value>>,
    loaded: Loaded,
    phase: Phase,
    pending_save: Option<u32>,
    registered: Vec<String>,
    /// Controls per column, found once (controls do not change while the form is open).
    controls: Vec<(String, Vec<Control>)>,
    shown: Shown,
}

/// The result of one check.
struct Check {
    findings: Vec<Finding>,
    /// Sync with Partner Center is Yes.
    syncs: bool,
    blocks_save: bool,
}

thread_local! {
    static CONTROLLER: RefCell<Option<Controller>> = const { RefCell::new(None) };
    static GENERATION: RefCell<u32> = const { RefCell::new(0) };
    /// Set while an automatic fix fires OnChange, so that fix does not start another.
    static FIXING: RefCell<bool> = const { RefCell::new(false) };
}

/// Runs `f` on the controller of the current form; `None` when there is none or it is busy.
fn with<R>(generation: Option<u32>, f: impl FnOnce(&mut Controller) -> R) -> Option<R> {
    CONTROLLER.with(|cell| {
        let mut slot = cell.try_borrow_mut().ok()?;
        let controller = slot.as_mut()?;
        if generation.is_some_and(|g| g != controller.generation) {
            return None;
        }
        Some(f(controller))
    })
}

fn run(deferred: Vec<Deferred>) {
    for action in deferred {
        match action {
            Deferred::FireOnChange(attribute) => {
                FIXING.with(|f| f.replace(true));
                attribute.fire_on_change();
                FIXING.with(|f| f.replace(false));
            }
            Deferred::Save(mode) => {
                if let Some(form) = with(None, |c| c.form.clone()) {
                    form.save(mode);
                }
            }
        }
    }
}

/// OnLoad: lock the read-only columns, register handlers, start the Web API loads.
pub fn on_load(event: Event, handlers: Handlers) {
    let Some(form) = event.form() else { return };
    let generation = GENERATION.with(|g| {
        let mut g = g.borrow_mut();
        *g = g.wrapping_add(1);
        *g
    });
    for column in opp::READ_ONLY {
        if let Some(attribute) = form.attribute(column) {
            for control in attribute.controls() {
                control.set_disabled(true);
            }
        }
    }
    let record_id = form.record_id();
    let config = Config::default();
    let original = (form.form_type() != FORM_TYPE_CREATE && record_id.is_some())
        .then(|| record::form_columns(&form, &config.deal_value_column));
    let mut controller = Controller {
        generation,
        api: WebApi::new(&event.client_url().unwrap_or_default()),
        form,
        handlers,
        config,
        record_id,
        original,
        loaded: Loaded::default(),
        phase: Phase::Loading,
        pending_save: None,
        registered: Vec::new(),
        controls: Vec::new(),
        shown: Shown::default(),
    };
    controller.register_handlers();
    CONTROLLER.with(|cell| {
        if let Ok(mut slot) = cell.try_borrow_mut() {
            *slot = Some(controller);
        }
    });
    wasm_bindgen_futures::spawn_local(load_all(generation));
}

/// OnChange of any column the rules read.
pub fn on_change(event: Event) {
    let source = event.source_attribute();
    let deferred = with(None, |c| {
        let mut deferred = Vec::new();
        if let Some(column) = source.as_deref() {
            if LOOKUP_COLUMNS.contains(&column) {
                c.reload_related(column);
            }
        }
        let check = c.check();
        c.auto_fix(&check.findings, source.as_deref() == Some(opp::VISIBILITY), &mut deferred);
        deferred
    });
    run(deferred.unwrap_or_default());
}

/// OnSave: cancel synchronously when a deal that syncs has errors; wait for data still loading.
pub fn on_save(event: Event) {
    let Some(args) = event.save_args() else { return };
    let mode = args.mode();
    let cancel = with(None, |c| match c.phase {
        Phase::Failed => false,
        Phase::Loading => {
            let syncs = c.check().syncs;
            if syncs && mode != SAVE_MODE_AUTO {
                c.pending_save = Some(mode);
                c.form.set_form_notification(
                    "Partner Center: finishing the co-sell checks; the record saves by itself when they pass.",
                    FormLevel::Info,
                    SAVING_NOTE_ID,
                );
            }
            syncs
        }
        Phase::Ready => c.check().blocks_save,
    });
    if cancel == Some(true) {
        args.prevent_default();
    }
}

/// A save that the loader cancelled before the module had started: save again once checked.
pub fn resume_save(mode: u32) {
    let deferred = with(None, |c| {
        if mode == SAVE_MODE_AUTO {
            return Vec::new();
        }
        match c.phase {
            Phase::Loading => {
                c.pending_save = Some(mode);
                Vec::new()
            }
            Phase::Ready => {
                if c.check().blocks_save {
                    Vec::new()
                } else {
                    vec![Deferred::Save(mode)]
                }
            }
            Phase::Failed => vec![Deferred::Save(mode)],
        }
    });
    run(deferred.unwrap_or_default());
}

/// The solutions subgrid reloaded: a row may have been added or removed.
pub fn on_grid_load() {
    let Some((generation, api, id)) = with(None, |c| (c.generation, c.api.clone(), c.record_id.clone())) else {
        return;
    };
    let Some(id) = id else { return };
    wasm_bindgen_futures::spawn_local(async move {
        let result = api.solutions(&id).await;
        let deferred = with(Some(generation), |c| {
            match result {
                Ok(rows) => c.loaded.solutions = rows,
                Err(e) => c.fail(&e),
            }
            c.check_and_fix()
        });
        run(deferred.unwrap_or_default());
    });
}

/// OnPostSave: what was saved is the new original.
pub fn on_post_save(event: Event) {
    let succeeded = event.save_args().is_some_and(|a| a.is_save_success());
    with(None, |c| {
        if succeeded {
            if c.record_id.is_none() {
                c.record_id = c.form.record_id();
            }
            c.original = Some(record::form_columns(&c.form, &c.config.deal_value_column));
            c.check();
        }
    });
}

/// Loads the environment variables, then the solutions and the related rows.
async fn load_all(generation: u32) {
    let Some((api, record_id)) = with(Some(generation), |c| (c.api.clone(), c.record_id.clone())) else { return };
    let result = load(&api, record_id.as_deref(), generation).await;
    let deferred = with(Some(generation), |c| {
        match result {
            Ok(loaded) => {
                c.loaded = loaded;
                c.phase = Phase::Ready;
            }
            Err(e) => c.fail(&e),
        }
        c.form.clear_form_notification(SAVING_NOTE_ID);
        let mut deferred = c.check_and_fix();
        if let Some(mode) = c.pending_save.take() {
            if !c.check().blocks_save {
                deferred.push(Deferred::Save(mode));
            }
        }
        deferred
    });
    run(deferred.unwrap_or_default());
}

async fn load(api: &WebApi, record_id: Option<&str>, generation: u32) -> Result<Loaded, LoadError> {
    let environment = api.environment().await?;
    let config = Snapshot::from_value(&serde_json::json!({ "opportunity": {}, "environment": environment }))
        .map(|s| s.config)
        .unwrap_or_default();
    let lookups = with(Some(generation), |c| {
        c.config = config.clone();
        c.register_handlers();
        LOOKUP_COLUMNS.map(|column| record::lookup(&c.form, column).map(|l| l.id))
    })
    .unwrap_or_default();
    let solutions = match record_id {
        Some(id) => api.solutions(id).await?,
        None => Vec::new(),
    };
    let mut related = Map::new();
    for (column, id) in LOOKUP_COLUMNS.iter().zip(lookups.iter()) {
        if let Some(id) = id {
            related.insert((*column).to_owned(), fetch_related(api, column, id, &config).await?);
        }
    }
    Ok(Loaded { environment, solutions, related })
}

async fn fetch_related(api: &WebApi, column: &str, id: &str, config: &Config) -> Result<Value, LoadError> {
    match column {
        opp::PARENT_ACCOUNT => api.account(id, &config.country_code_column).await,
        opp::PARENT_CONTACT => api.contact(id).await,
        _ => api.currency(id).await,
    }
}

impl Controller {
    /// Registers OnChange on every column the rules read, and OnLoad on the solutions subgrid.
    fn register_handlers(&mut self) {
        let columns = record::FORM_COLUMNS
            .iter()
            .chain(LOOKUP_COLUMNS.iter())
            .copied()
            .chain([self.config.deal_value_column.as_str()]);
        let mut fresh = Vec::new();
        for column in columns {
            if self.registered.iter().any(|r| r == column) {
                continue;
            }
            if let Some(attribute) = self.form.attribute(column) {
                attribute.add_on_change_once(&self.handlers.on_change);
            }
            fresh.push(column.to_owned());
        }
        if self.registered.is_empty() {
            if let Some(grid) = self.form.control(SOLUTIONS_GRID) {
                grid.add_on_load_once(&self.handlers.on_grid_load);
            }
            self.form.add_on_post_save(&self.handlers.on_post_save);
        }
        self.registered.extend(fresh);
    }

    /// A Web API load failed: one warning; from now on findings are advice only.
    fn fail(&mut self, error: &LoadError) {
        if self.phase != Phase::Failed {
            self.phase = Phase::Failed;
            self.pending_save = self.pending_save.filter(|m| *m != SAVE_MODE_AUTO);
            self.form.set_form_notification(
                &format!(
                    "Partner Center co-sell checks are limited: {}. The form works as usual; co-sell problems are shown as advice.",
                    error.0
                ),
                FormLevel::Warning,
                LOAD_WARNING_ID,
            );
        }
    }

    /// A lookup changed: load its row, then check again.
    fn reload_related(&mut self, column: &str) {
        let Some(lookup) = record::lookup(&self.form, column) else { return };
        if self.loaded.related.get(column).and_then(|row| record::row_id(row, column)) == Some(lookup.id.as_str()) {
            return;
        }
        let (generation, api, config, column) =
            (self.generation, self.api.clone(), self.config.clone(), column.to_owned());
        wasm_bindgen_futures::spawn_local(async move {
            let result = fetch_related(&api, &column, &lookup.id, &config).await;
            let deferred = with(Some(generation), |c| {
                match result {
                    Ok(row) => {
                        c.loaded.related.insert(column, row);
                    }
                    Err(e) => c.fail(&e),
                }
                c.check_and_fix()
            });
            run(deferred.unwrap_or_default());
        });
    }

    /// Validates the form's opportunity with `cosell_core` and updates what the form shows.
    fn check(&mut self) -> Check {
        let document = record::snapshot(
            &self.form,
            self.record_id.as_deref(),
            self.original.as_ref(),
            &self.loaded,
            &self.config.deal_value_column,
        );
        let (findings, syncs) = match Snapshot::from_value(&document) {
            Ok(snapshot) => (validate(&snapshot), snapshot.syncs()),
            Err(e) => {
                self.fail(&LoadError(format!("the opportunity data could not be read at {}: {}", e.path, e.message)));
                (Vec::new(), false)
            }
        };
        let complete = self.phase == Phase::Ready;
        let blocks_save = complete && syncs && findings.iter().any(|f| f.severity == Severity::Error);
        if self.phase != Phase::Loading {
            let wanted = notices::wanted(&findings, complete && syncs);
            let summary = notices::summary(&findings, complete && syncs);
            let (form, controls) = (&self.form, &mut self.controls);
            self.shown.apply(form, wanted, summary, |column| controls_of(form, controls, column));
        }
        if let Some(control) = self.form.control(READINESS_CONTROL) {
            readiness::push(&control, document.to_string());
        }
        Check { findings, syncs, blocks_save }
    }

    fn check_and_fix(&mut self) -> Vec<Deferred> {
        let check = self.check();
        let mut deferred = Vec::new();
        self.auto_fix(&check.findings, false, &mut deferred);
        deferred
    }

    /// Help chosen → visibility visible; an attempt to hide a visible referral → reverted, explained.
    fn auto_fix(&mut self, findings: &[Finding], user_changed_visibility: bool, deferred: &mut Vec<Deferred>) {
        if FIXING.with(|f| *f.borrow()) {
            return;
        }
        let fix = findings.iter().find(|f| matches!(f.rule, RuleId::HelpNeedsVisible | RuleId::VisibilityOneWay));
        let Some(finding) = fix else { return };
        let Some(attribute) = self.form.attribute(opp::VISIBILITY) else { return };
        attribute.set_number(Visibility::Visible.value());
        if user_changed_visibility || finding.rule == RuleId::VisibilityOneWay {
            self.form.set_form_notification(
                &format!("Visibility changed back to visible: {} {}", finding.message, finding.hint),
                FormLevel::Info,
                VISIBILITY_NOTE_ID,
            );
        }
        deferred.push(Deferred::FireOnChange(attribute));
    }
}

/// The controls showing a column's notifications (cached: controls do not change while the form is open).
fn controls_of(form: &Form, cache: &mut Vec<(String, Vec<Control>)>, column: &str) -> Vec<Control> {
    if let Some((_, controls)) = cache.iter().find(|(c, _)| c == column) {
        return controls.clone();
    }
    let name = if column == cosell_core::dataverse::solution::TABLE { SOLUTIONS_GRID } else { column };
    let controls = match form.attribute(name) {
        Some(attribute) => attribute.controls(),
        None => form.control(name).into_iter().collect(),
    };
    cache.push((column.to_owned(), controls.clone()));
    controls
}
