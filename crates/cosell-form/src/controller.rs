//! The opportunity form's co-sell behaviour: load, check on every change, notify, guard saves.
//!
//! One controller per form context (a window can hold two, such as a Quick Create pane beside
//! the main form), kept in a thread-local list. Handlers borrow it briefly and never across a
//! call that can re-enter (`fireOnChange`, `save`): those are returned as [`Deferred`] actions and
//! run after the borrow ends. Checks are synchronous, so a change updates the form in the same
//! task; only Web API reads are asynchronous. They run in parallel, and a failed read is retried
//! with backoff: while one is failing the checks are advice only, and the guard returns with it.

use crate::notices::{self, Item, Kind, Notice, Shown};
use crate::readiness;
use crate::record::{self, Loaded, LOOKUP_COLUMNS};
use crate::texts::{self, NotNow};
use crate::webapi::{LoadError, WebApi};
use crate::xrm::{
    Attribute, Control, Event, Form, FormLevel, FORM_TYPE_CREATE, FORM_TYPE_DISABLED, FORM_TYPE_READ_ONLY,
    SAVE_MODE_AUTO,
};
use cosell_core::config::Config;
use cosell_core::dataverse::{opportunity as opp, solution, Visibility};
use cosell_core::rules::shares_with_microsoft;
use cosell_core::{validate, Finding, RuleId, Severity, Snapshot};
use js_sys::{Function, Promise};
use serde_json::{Map, Value};
use std::cell::{Cell, RefCell};
use wasm_bindgen_futures::JsFuture;

/// The subgrid of Partner Center Solution rows on the opportunity form.
pub const SOLUTIONS_GRID: &str = "cosell_partnercentersolutions";
/// The readiness web resource control (`cosell_/readiness.html`) on the form.
pub const READINESS_CONTROL: &str = "WebResource_cosell_readiness";

const LOAD_WARNING_ID: &str = "cosell-unavailable";
const VISIBILITY_NOTE_ID: &str = "cosell-visibility";
const SAVING_NOTE_ID: &str = "cosell-saving";
const UNREADABLE_ID: &str = "cosell-unreadable";
/// Every form-level notification a controller may own besides the summary.
const NOTE_IDS: [&str; 4] = [LOAD_WARNING_ID, VISIBILITY_NOTE_ID, SAVING_NOTE_ID, UNREADABLE_ID];

/// Delays before the 1st, 2nd, … retry of a failed read; the last repeats while the form is open.
/// UNCERTAIN: the issue asks for backoff without numbers; 1 s doubling to 30 s recovers quickly
/// from a blip and costs one request per 30 s against a server that stays down.
const RETRY_MS: [u32; 6] = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000];
/// Form contexts kept at once. UNCERTAIN: a main form plus a Quick Create pane is two; older
/// contexts (forms navigated away from) are dropped so memory stays bounded.
const MAX_FORMS: usize = 4;

/// The JavaScript functions the handlers register with the form (the loader wraps each in a guard).
pub struct Handlers {
    pub on_change: Function,
    pub on_grid_load: Function,
    pub on_post_save: Function,
}

/// One Web API read.
#[derive(Debug, Clone, PartialEq)]
enum Read {
    Environment,
    Solutions,
    /// The row a lookup column points to now (account, contact or currency).
    Related(String),
}

/// Side effects that can re-enter the handlers, run after the controller is released.
enum Deferred {
    FireOnChange(Attribute),
    Save(Form, u32),
}

struct Controller {
    /// Identifies this controller to its asynchronous reads (a later OnLoad gets a new one).
    id: u32,
    form: Form,
    api: WebApi,
    handlers: Handlers,
    config: Config,
    record_id: Option<String>,
    original: Option<Map<String, Value>>,
    loaded: Loaded,
    environment_loaded: bool,
    /// Reads in flight (a read can be in flight twice: a lookup changed while its row loaded).
    loading: Vec<Read>,
    /// Reads that failed and wait for their retry.
    failed: Vec<Read>,
    /// The reason shown while a read is failing.
    failure: Option<String>,
    attempt: usize,
    retry_scheduled: bool,
    /// Set once every first read has arrived: notifications are shown from then on.
    shown_once: bool,
    pending_save: Option<u32>,
    registered: Vec<String>,
    /// Controls per column, found once (controls do not change while the form is open).
    controls: Vec<(String, Vec<Control>)>,
    shown: Shown,
    /// The latest snapshot for the readiness page, and whether a push to it is waiting for its
    /// window: one string and one task at most, however often the form changes.
    readiness: Option<String>,
    readiness_waiting: bool,
    unreadable: bool,
}

/// The result of one check.
struct Check {
    findings: Vec<Finding>,
    /// Sync with Partner Center is Yes.
    syncs: bool,
    blocks_save: bool,
    /// The columns of the errors that block the save.
    blocking_columns: Vec<String>,
}

/// Which controller a call is for.
enum Target<'a> {
    Id(u32),
    Form(&'a Form),
}

thread_local! {
    static CONTROLLERS: RefCell<Vec<Controller>> = const { RefCell::new(Vec::new()) };
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
    /// Set while an automatic fix fires OnChange, so that fix does not start another.
    static FIXING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` on the controller of `target`; false when there is none or it is busy. Not generic,
/// so the bundle holds one copy.
fn with(target: Target, f: &mut dyn FnMut(&mut Controller)) -> bool {
    CONTROLLERS.with(|cell| {
        let Ok(mut list) = cell.try_borrow_mut() else { return false };
        let found = list.iter_mut().find(|c| match &target {
            Target::Id(id) => c.id == *id,
            Target::Form(form) => c.form.same(form),
        });
        match found {
            Some(c) => {
                f(c);
                true
            }
            None => false,
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
            Deferred::Save(form, mode) => form.save(mode),
        }
    }
}

/// OnLoad: lock the read-only columns, register handlers, start the Web API reads (in parallel).
pub fn on_load(event: Event, handlers: Handlers) {
    let Some(form) = event.form() else { return };
    let id = NEXT_ID.with(|n| {
        let next = n.get().wrapping_add(1);
        n.set(next);
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
        id,
        api: WebApi::new(&event.client_url().unwrap_or_default()),
        form,
        handlers,
        config,
        record_id,
        original,
        loaded: Loaded::default(),
        environment_loaded: false,
        loading: Vec::new(),
        failed: Vec::new(),
        failure: None,
        attempt: 0,
        retry_scheduled: false,
        shown_once: false,
        pending_save: None,
        registered: Vec::new(),
        controls: Vec::new(),
        shown: Shown::default(),
        readiness: None,
        readiness_waiting: false,
        unreadable: false,
    };
    CONTROLLERS.with(|cell| {
        let Ok(mut list) = cell.try_borrow_mut() else { return };
        // OnLoad again on the same form (after a new record's first save, or a refresh): what the
        // earlier load showed is taken over, so the next check clears what no longer applies.
        if let Some(at) = list.iter().position(|c| c.form.same(&controller.form)) {
            let earlier = list.remove(at);
            for note in NOTE_IDS {
                earlier.form.clear_form_notification(note);
            }
            controller.shown = earlier.shown;
        }
        controller.register_handlers();
        if list.len() >= MAX_FORMS {
            list.remove(0);
        }
        controller.start_reads();
        list.push(controller);
    });
}

/// OnChange of any column the rules read.
pub fn on_change(event: Event) {
    let Some(form) = event.form() else { return };
    let source = event.source_attribute();
    let mut deferred = Vec::new();
    with(Target::Form(&form), &mut |c| {
        if let Some(column) = source.as_deref().filter(|s| LOOKUP_COLUMNS.contains(s)) {
            c.reload_related(column, false);
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

/// OnSave: cancel synchronously when a deal that syncs has errors the seller can fix now; wait
/// for reads still in flight. A save blocked by a related row re-reads it: it may have been fixed
/// elsewhere, and then the record saves by itself.
pub fn on_save(event: Event) {
    let (Some(form), Some(args)) = (event.form(), event.save_args()) else { return };
    let mode = args.mode();
    let mut cancel = false;
    with(Target::Form(&form), &mut |c| {
        cancel = if c.degraded() {
            false
        } else if c.complete() {
            let check = c.check();
            if check.blocks_save && mode != SAVE_MODE_AUTO {
                c.reread_blocking(&check.blocking_columns, mode);
            }
            check.blocks_save
        } else {
            // Still reading (the first reads, or a row a lookup now points to): decide once they arrive.
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
    });
    if cancel {
        args.prevent_default();
    }
}

/// A save that the loader cancelled before the module had started: save again once checked.
pub fn resume_save(event: Event, mode: u32) {
    let Some(form) = event.form() else { return };
    if mode == SAVE_MODE_AUTO {
        return;
    }
    let mut deferred = Vec::new();
    with(Target::Form(&form), &mut |c| {
        if c.degraded() || (c.complete() && !c.check().blocks_save) {
            deferred.push(Deferred::Save(c.form.clone(), mode));
        } else if !c.complete() {
            c.pending_save = Some(mode);
        }
    });
    run(deferred);
}

/// The solutions subgrid reloaded: a row may have been added or removed.
pub fn on_grid_load(event: Event) {
    let Some(form) = event.form() else { return };
    with(Target::Form(&form), &mut |c| {
        if c.record_id.is_some() {
            c.start(Read::Solutions);
        }
    });
}

/// OnPostSave: what was saved is the new original; a new record can now have solutions.
pub fn on_post_save(event: Event) {
    let Some(form) = event.form() else { return };
    if !event.save_args().is_some_and(|a| a.is_save_success()) {
        return;
    }
    with(Target::Form(&form), &mut |c| {
        if c.record_id.is_none() {
            c.record_id = c.form.record_id();
            if c.record_id.is_some() {
                c.start(Read::Solutions);
            }
        }
        c.original = Some(record::form_columns(&c.form, &c.config.deal_value_column));
        c.check();
    });
}

/// Asynchronous work. One future type keeps the bundle small.
enum Job {
    Read(Read),
    /// Wait, then read again what failed.
    Retry(u32),
    /// The readiness page's window (a promise): push the latest snapshot once it is there.
    Readiness(Promise),
}

fn spawn(id: u32, job: Job) {
    wasm_bindgen_futures::spawn_local(run_job(id, job));
}

async fn run_job(id: u32, job: Job) {
    match job {
        Job::Read(read) => {
            let mut context = None;
            with(Target::Id(id), &mut |c| {
                context = Some((c.api.clone(), c.record_id.clone(), c.config.clone(), c.form.clone()))
            });
            let Some((api, record_id, config, form)) = context else { return };
            let mut result = Some(fetch(&api, &read, record_id.as_deref(), &config, &form).await);
            let mut deferred = Vec::new();
            with(Target::Id(id), &mut |c| {
                if let Some(result) = result.take() {
                    deferred = c.apply(&read, result);
                }
            });
            run(deferred);
        }
        Job::Retry(ms) => {
            sleep(ms).await;
            with(Target::Id(id), &mut |c| c.retry());
        }
        Job::Readiness(window) => {
            let window = JsFuture::from(window).await;
            let mut latest = None;
            with(Target::Id(id), &mut |c| {
                c.readiness_waiting = false;
                if window.is_ok() {
                    latest = c.readiness.take();
                }
            });
            if let (Ok(window), Some(json)) = (window, latest) {
                readiness::show_in(&window, &json);
            }
        }
    }
}

/// What one read brings: a value, or nothing to apply (a lookup cleared, a record not saved yet).
async fn fetch(
    api: &WebApi,
    read: &Read,
    record_id: Option<&str>,
    config: &Config,
    form: &Form,
) -> Result<Option<Value>, LoadError> {
    match read {
        Read::Environment => api.environment().await.map(|env| Some(Value::Object(env))),
        Read::Solutions => match record_id {
            Some(id) => api.solutions(id).await.map(|rows| Some(Value::Array(rows))),
            None => Ok(None),
        },
        Read::Related(column) => {
            let Some(lookup) = record::lookup(form, column) else { return Ok(None) };
            let row = match column.as_str() {
                opp::PARENT_ACCOUNT => api.account(&lookup.id, &config.country_code_column).await?,
                opp::PARENT_CONTACT => api.contact(&lookup.id).await?,
                _ => api.currency(&lookup.id).await?,
            };
            Ok(Some(row))
        }
    }
}

/// Resolves after `ms` (a `setTimeout` promise).
async fn sleep(ms: u32) {
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = JsFuture::from(promise).await;
}

impl Controller {
    /// Every first read at once: the environment, the solutions, each lookup's row.
    fn start_reads(&mut self) {
        self.start(Read::Environment);
        if self.record_id.is_some() {
            self.start(Read::Solutions);
        }
        for column in LOOKUP_COLUMNS {
            if record::lookup(&self.form, column).is_some() {
                self.start(Read::Related(column.to_owned()));
            }
        }
    }

    fn start(&mut self, read: Read) {
        self.loading.push(read.clone());
        spawn(self.id, Job::Read(read));
    }

    /// Every read has arrived and none is failing: the checks can block a save.
    fn complete(&self) -> bool {
        self.environment_loaded && self.loading.is_empty() && self.failed.is_empty()
    }

    /// A read is failing: the checks are advice only until its retry succeeds.
    fn degraded(&self) -> bool {
        !self.failed.is_empty()
    }

    /// Registers OnChange on every column the rules read, and OnLoad on the solutions subgrid.
    fn register_handlers(&mut self) {
        let columns = record::FORM_COLUMNS
            .iter()
            .chain(LOOKUP_COLUMNS.iter())
            .copied()
            .chain([self.config.deal_value_column.as_str()]);
        let first = self.registered.is_empty();
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
        if first || !fresh.is_empty() {
            if let Some(grid) = self.form.control(SOLUTIONS_GRID) {
                grid.add_on_load_once(&self.handlers.on_grid_load);
            }
            self.form.add_on_post_save_once(&self.handlers.on_post_save);
        }
        self.registered.extend(fresh);
    }

    /// A read failed: one warning (the reason, whole), then a retry after a growing delay.
    fn fail(&mut self, read: &Read, error: &LoadError) {
        if !self.failed.contains(read) {
            self.failed.push(read.clone());
        }
        if self.failure.is_none() {
            let text = format!("Co-sell checks paused ({}); retrying, saving is not blocked.", error.0);
            self.form.set_form_notification(&text, FormLevel::Warning, LOAD_WARNING_ID);
            self.failure = Some(error.0.clone());
        }
        if !self.retry_scheduled {
            self.retry_scheduled = true;
            let ms = RETRY_MS.get(self.attempt).or(RETRY_MS.last()).copied().unwrap_or(30_000);
            self.attempt += 1;
            spawn(self.id, Job::Retry(ms));
        }
    }

    /// The retry's time has come: read again everything that failed.
    fn retry(&mut self) {
        self.retry_scheduled = false;
        for read in std::mem::take(&mut self.failed) {
            if !self.loading.contains(&read) {
                self.start(read);
            }
        }
    }

    /// A lookup changed (or its row is stale): read its row, then check again.
    fn reload_related(&mut self, column: &str, force: bool) {
        let Some(lookup) = record::lookup(&self.form, column) else { return };
        let have = self.loaded.related.get(column).and_then(|row| record::row_id(row, column));
        if force || have != Some(lookup.id.as_str()) {
            self.start(Read::Related(column.to_owned()));
        }
    }

    /// A blocked save: the related rows and solutions it is blocked by are read again, and the
    /// record saves by itself if they now pass.
    fn reread_blocking(&mut self, columns: &[String], mode: u32) {
        let mut any = false;
        for column in LOOKUP_COLUMNS {
            if columns.iter().any(|c| c == column) {
                self.reload_related(column, true);
                any = true;
            }
        }
        if self.record_id.is_some() && columns.iter().any(|c| c == solution::TABLE) {
            self.start(Read::Solutions);
            any = true;
        }
        if any {
            self.pending_save = Some(mode);
        }
    }

    /// Takes in what a read brought, then checks again.
    ///
    /// Answers can arrive out of order: a row is kept only while its lookup still points to it,
    /// and a lookup whose row is missing or stale is read again.
    fn apply(&mut self, read: &Read, result: Result<Option<Value>, LoadError>) -> Vec<Deferred> {
        if let Some(at) = self.loading.iter().position(|r| r == read) {
            self.loading.remove(at);
        }
        match result {
            Err(e) => self.fail(read, &e),
            Ok(value) => {
                self.failed.retain(|r| r != read);
                if let Some(value) = value {
                    self.take(read, value);
                }
            }
        }
        if self.failed.is_empty() && self.failure.take().is_some() {
            self.form.clear_form_notification(LOAD_WARNING_ID);
            self.attempt = 0;
        }
        let settled = self.degraded() || self.complete();
        if settled {
            self.form.clear_form_notification(SAVING_NOTE_ID);
            self.shown_once |= self.complete();
        }
        let check = self.check();
        let mut deferred = Vec::new();
        if settled {
            if let Some(mode) = self.pending_save.take().filter(|_| !check.blocks_save) {
                deferred.push(Deferred::Save(self.form.clone(), mode));
            }
        }
        deferred
    }

    fn take(&mut self, read: &Read, value: Value) {
        match (read, value) {
            (Read::Environment, Value::Object(environment)) => {
                let config = Config::from_environment(&environment, "$.environment").unwrap_or_default();
                let country_changed = config.country_code_column != self.config.country_code_column;
                self.config = config;
                self.loaded.environment = environment;
                self.environment_loaded = true;
                self.register_handlers();
                if country_changed {
                    // The account was read for the default country column: read it for this one.
                    self.reload_related(opp::PARENT_ACCOUNT, true);
                }
            }
            (Read::Solutions, Value::Array(rows)) => self.loaded.solutions = rows,
            (Read::Related(column), row) => {
                let current = record::lookup(&self.form, column).map(|l| l.id);
                if current.as_deref() == record::row_id(&row, column) {
                    self.loaded.related.insert(column.clone(), row);
                } else {
                    self.reload_related(column, false);
                }
            }
            _ => {}
        }
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
        let (findings, syncs, co_sell) = match Snapshot::from_value(&document) {
            Ok(snapshot) => {
                if std::mem::take(&mut self.unreadable) {
                    self.form.clear_form_notification(UNREADABLE_ID);
                }
                let co_sell = snapshot.syncs() || shares_with_microsoft(&snapshot.opportunity);
                let mut findings = validate(&snapshot);
                // The form reads every lookup's row itself: one not loaded yet is on its way (or
                // failing, which the load warning says), so that finding is not the seller's to act on.
                findings.retain(|f| f.rule != RuleId::LookupNotLoaded);
                (findings, snapshot.syncs(), co_sell)
            }
            // A value the core cannot read switches nothing off: this check is skipped, the next
            // change checks again.
            Err(_) => {
                if !std::mem::replace(&mut self.unreadable, true) {
                    self.form.set_form_notification(
                        "Partner Center checks cannot read a value on this form; they resume when it changes.",
                        FormLevel::Warning,
                        UNREADABLE_ID,
                    );
                }
                (Vec::new(), false, false)
            }
        };
        let blocking = self.complete() && syncs;
        let items: Vec<Item> = findings.iter().map(|f| self.item(f, blocking)).collect();
        let blocking_columns: Vec<String> =
            items.iter().filter(|i| i.notice.kind == Kind::Error).map(|i| i.column.clone()).collect();
        if self.shown_once || self.degraded() {
            // Notifications belong to co-sell deals only: an ordinary opportunity shows none.
            let (wanted, summary) =
                if co_sell { (notices::wanted(&items), notices::summary(&items)) } else { (Vec::new(), None) };
            let (form, controls) = (&self.form, &mut self.controls);
            self.shown.apply(form, wanted, summary, |column| controls_of(form, controls, column));
        }
        self.push_readiness(document.to_string());
        Check { findings, syncs, blocks_save: !blocking_columns.is_empty(), blocking_columns }
    }

    /// A finding as the form shows it: an error only when the seller can fix it now.
    fn item(&mut self, f: &Finding, blocking: bool) -> Item {
        let not_now = self.not_now(&f.column);
        let title = texts::title(f.rule);
        let kind = if blocking && f.severity == Severity::Error && not_now.is_none() {
            Kind::Error
        } else {
            Kind::Recommendation
        };
        let body = match not_now {
            Some(reason) => texts::next_step(reason, texts::label(&f.column)),
            None => texts::step(&f.hint),
        };
        Item {
            column: f.column.clone(),
            id: format!("cosell-{}", f.rule.as_str()),
            notice: Notice { kind, title: title.to_owned(), body },
            info_only: f.severity == Severity::Info,
            not_now: not_now.is_some(),
        }
    }

    /// Why the seller cannot act on a column now, if so.
    fn not_now(&mut self, column: &str) -> Option<NotNow> {
        if matches!(self.form.form_type(), FORM_TYPE_READ_ONLY | FORM_TYPE_DISABLED) {
            return Some(NotNow::ReadOnlyForm);
        }
        if column == solution::TABLE && self.record_id.is_none() {
            return Some(NotNow::NotCreated);
        }
        let controls = controls_of(&self.form, &mut self.controls, column);
        (!controls.iter().any(Control::visible)).then_some(NotNow::NotOnForm)
    }

    /// Keeps the latest snapshot for the readiness page and starts one push when none is waiting.
    fn push_readiness(&mut self, json: String) {
        self.readiness = Some(json);
        if self.readiness_waiting {
            return;
        }
        // Asked for only when it will be awaited: a rejected promise is then always handled.
        if let Some(window) = self.form.control(READINESS_CONTROL).and_then(|c| c.content_window()) {
            self.readiness_waiting = true;
            spawn(self.id, Job::Readiness(window));
        }
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
                "Referral Visibility changed back to visible: a visible referral cannot be hidden again.",
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
    let name = if column == solution::TABLE { SOLUTIONS_GRID } else { column };
    let controls = match form.attribute(name) {
        Some(attribute) => attribute.controls(),
        None => form.control(name).into_iter().collect(),
    };
    cache.push((column.to_owned(), controls.clone()));
    controls
}
