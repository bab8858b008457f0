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
use js_sys::{Function, Promise};
use serde_json::{Map, Value};
use std::cell::{Cell, RefCell};

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
    /// Lookup columns whose row is being loaded: until they arrive the rules cannot judge them.
    loading_related: Vec<String>,
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
    static GENERATION: Cell<u32> = const { Cell::new(0) };
    /// Set while an automatic fix fires OnChange, so that fix does not start another.
    static FIXING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` on the controller of the current form (of `generation`, when given); false when
/// there is none or it is busy. Not generic, so the bundle holds one copy.
fn with(generation: Option<u32>, f: &mut dyn FnMut(&mut Controller)) -> bool {
    CONTROLLER.with(|cell| {
        let Ok(mut slot) = cell.try_borrow_mut() else { return false };
        match slot.as_mut() {
            Some(c) if generation.is_none_or(|g| g == c.generation) => {
                f(c);
                true
            }
            _ => false,
        }
    })
}

fn run(deferred: Vec<Deferred>) {
    for action in deferred {
        match action {
            Deferred::FireOnChange(attribute) => {
                FIXING.with(|f| f.set(true));
                attribute.fire_on_change();
                FIXING.with(|f| f.set(false));
            }
            Deferred::Save(mode) => {
                let mut form = None;
                with(None, &mut |c| form = Some(c.form.clone()));
                if let Some(form) = form {
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
        let next = g.get().wrapping_add(1);
        g.set(next);
        next
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
        loading_related: Vec::new(),
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
    spawn(generation, Job::LoadAll);
}

/// OnChange of any column the rules read.
pub fn on_change(event: Event) {
    let source = event.source_attribute();
    let mut deferred = Vec::new();
    with(None, &mut |c| {
        if let Some(column) = source.as_deref().filter(|s| LOOKUP_COLUMNS.contains(s)) {
            c.reload_related(column);
        }
        let check = c.check();
        // Only the seller's own choice of help or visibility is acted on: a record opened or
        // edited elsewhere is never changed behind the seller's back.
        if matches!(source.as_deref(), Some(opp::HELP | opp::VISIBILITY)) {
            c.auto_fix(&check.findings, source.as_deref() == Some(opp::VISIBILITY), &mut deferred);
        }
    });
    run(deferred);
}

/// OnSave: cancel synchronously when a deal that syncs has errors; wait for data still loading.
pub fn on_save(event: Event) {
    let Some(args) = event.save_args() else { return };
    let mode = args.mode();
    let mut cancel = false;
    with(None, &mut |c| {
        cancel = match c.phase {
            Phase::Failed => false,
            Phase::Ready if c.loading_related.is_empty() => c.check().blocks_save,
            // Still loading (the first load, or a row a lookup now points to): decide once it arrives.
            Phase::Ready | Phase::Loading => {
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
        }
    });
    if cancel {
        args.prevent_default();
    }
}

/// A save that the loader cancelled before the module had started: save again once checked.
pub fn resume_save(mode: u32) {
    if mode == SAVE_MODE_AUTO {
        return;
    }
    let mut deferred = Vec::new();
    with(None, &mut |c| {
        if c.phase == Phase::Loading {
            c.pending_save = Some(mode);
        } else if c.phase == Phase::Failed || !c.check().blocks_save {
            deferred.push(Deferred::Save(mode));
        }
    });
    run(deferred);
}

/// The solutions subgrid reloaded: a row may have been added or removed.
pub fn on_grid_load() {
    let mut job = None;
    with(None, &mut |c| job = c.record_id.clone().map(|id| (c.generation, Job::Solutions(id))));
    if let Some((generation, job)) = job {
        spawn(generation, job);
    }
}

/// OnPostSave: what was saved is the new original.
pub fn on_post_save(event: Event) {
    if !event.save_args().is_some_and(|a| a.is_save_success()) {
        return;
    }
    with(None, &mut |c| {
        if c.record_id.is_none() {
            c.record_id = c.form.record_id();
        }
        c.original = Some(record::form_columns(&c.form, &c.config.deal_value_column));
        c.check();
    });
}

/// Asynchronous work: every Web API load and the readiness push. One future type keeps the bundle small.
enum Job {
    LoadAll,
    Solutions(String),
    /// A lookup column and the row ID it now points to.
    Related(String, String),
    /// The readiness page's window (a promise) and the snapshot to show.
    Readiness(Promise, String),
}

/// A finished load, applied to the controller.
enum Outcome {
    All(Result<Loaded, LoadError>),
    Solutions(Result<Vec<Value>, LoadError>),
    Related(String, Result<Value, LoadError>),
}

fn spawn(generation: u32, job: Job) {
    wasm_bindgen_futures::spawn_local(run_job(generation, job));
}

async fn run_job(generation: u32, job: Job) {
    let mut context = None;
    with(Some(generation), &mut |c| context = Some((c.api.clone(), c.record_id.clone(), c.config.clone())));
    let Some((api, record_id, config)) = context else { return };
    let outcome = match job {
        Job::LoadAll => Outcome::All(load(&api, record_id.as_deref(), generation).await),
        Job::Solutions(id) => Outcome::Solutions(api.solutions(&id).await),
        Job::Related(column, id) => {
            let row = fetch_related(&api, &column, &id, &config).await;
            Outcome::Related(column, row)
        }
        Job::Readiness(window, json) => return readiness::show_in(window, &json).await,
    };
    let mut outcome = Some(outcome);
    let mut deferred = Vec::new();
    with(Some(generation), &mut |c| {
        if let Some(outcome) = outcome.take() {
            deferred = c.apply(outcome);
        }
    });
    run(deferred);
}

/// Loads the environment variables, then the solutions and the related rows.
async fn load(api: &WebApi, record_id: Option<&str>, generation: u32) -> Result<Loaded, LoadError> {
    let environment = api.environment().await?;
    let config = Config::from_environment(&environment, "$.environment").unwrap_or_default();
    let mut lookups = Vec::new();
    with(Some(generation), &mut |c| {
        c.config = config.clone();
        c.register_handlers();
        lookups = LOOKUP_COLUMNS.iter().filter_map(|col| record::lookup(&c.form, col).map(|l| (*col, l.id))).collect();
    });
    let solutions = match record_id {
        Some(id) => api.solutions(id).await?,
        None => Vec::new(),
    };
    let mut related = Map::new();
    for (column, id) in lookups {
        related.insert(column.to_owned(), fetch_related(api, column, &id, &config).await?);
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
            self.form.add_on_post_save_once(&self.handlers.on_post_save);
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
        if self.loaded.related.get(column).and_then(|row| record::row_id(row, column)) != Some(lookup.id.as_str()) {
            if !self.loading_related.iter().any(|c| c == column) {
                self.loading_related.push(column.to_owned());
            }
            spawn(self.generation, Job::Related(column.to_owned(), lookup.id));
        }
    }

    /// Takes in what a load brought, then checks again.
    ///
    /// Answers can arrive out of order: a row is kept only while its lookup still points to it,
    /// and a lookup whose row is missing or stale is loaded again.
    fn apply(&mut self, outcome: Outcome) -> Vec<Deferred> {
        match outcome {
            Outcome::All(Ok(loaded)) => {
                self.loaded = loaded;
                self.phase = Phase::Ready;
                for column in LOOKUP_COLUMNS {
                    self.reload_related(column);
                }
            }
            Outcome::Solutions(Ok(rows)) => self.loaded.solutions = rows,
            Outcome::Related(column, Ok(row)) => {
                self.loading_related.retain(|c| *c != column);
                let current = record::lookup(&self.form, &column).map(|l| l.id);
                if current.as_deref() == record::row_id(&row, &column) {
                    self.loaded.related.insert(column, row);
                } else {
                    self.reload_related(&column);
                }
            }
            Outcome::Related(column, Err(e)) => {
                self.loading_related.retain(|c| *c != column);
                self.fail(&e);
            }
            Outcome::All(Err(e)) | Outcome::Solutions(Err(e)) => self.fail(&e),
        }
        let settled = self.phase == Phase::Failed || (self.phase == Phase::Ready && self.loading_related.is_empty());
        if settled {
            self.form.clear_form_notification(SAVING_NOTE_ID);
        }
        let check = self.check();
        let mut deferred = Vec::new();
        if settled {
            if let Some(mode) = self.pending_save.take().filter(|_| !check.blocks_save) {
                deferred.push(Deferred::Save(mode));
            }
        }
        deferred
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
        if let Some(window) = self.form.control(READINESS_CONTROL).and_then(|c| c.content_window()) {
            spawn(self.generation, Job::Readiness(window, document.to_string()));
        }
        Check { findings, syncs, blocks_save }
    }

    /// Help chosen → visibility visible; an attempt to hide a visible referral → reverted, explained.
    fn auto_fix(&mut self, findings: &[Finding], user_changed_visibility: bool, deferred: &mut Vec<Deferred>) {
        if FIXING.with(Cell::get) {
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
