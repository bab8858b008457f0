//! A fake Dataverse behind the Dataverse connector (`shared_commondataserviceforapps`): the
//! tables of [`tables`], the connector's row operations (CreateRecord, UpdateRecord = upsert,
//! UpdateOnlyRecord, DeleteRecord, GetItem, ListRecords), `$filter`/`$select`/`$orderby`/`$top`,
//! alternate keys, lookups bound with `column@odata.bind`, the unbound actions WinOpportunity and
//! LoseOpportunity (PerformUnboundAction), and the row trigger (SubscribeWebhookTrigger: message,
//! filtering attributes, filter expression, the row as body).

mod actions;
mod filter_types;
mod ops;
mod tables;
mod trigger;

pub use tables::ColumnKind;

use super::faults::{FakeService, FakeState, Recorder, Shared};
use crate::run::{format_instant, Answer, ConnectorRequest, Reply, Service};
use serde_json::{json, Map, Value};
use tables::Table;

/// The SDK message of a row change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message {
    Create,
    Update,
    Delete,
}

impl Message {
    pub fn as_str(self) -> &'static str {
        match self {
            Message::Create => "Create",
            Message::Update => "Update",
            Message::Delete => "Delete",
        }
    }
}

/// A row that was created, updated or deleted (by a flow or by the test as a user).
#[derive(Debug, Clone, PartialEq)]
pub struct RowChange {
    pub message: Message,
    /// The table's logical name.
    pub table: String,
    pub id: String,
    /// The row after the change (for Delete, the row as it was).
    pub row: Value,
    /// The columns the change set.
    pub changed: Vec<String>,
    /// Whether a flow made the change (its own writes fire triggers too: that is how echoes happen).
    pub by_flow: bool,
}

impl RowChange {
    /// The event to offer a row trigger (`TriggerInput::Event`).
    pub fn to_event(&self) -> Value {
        json!({"message": self.message.as_str(), "table": self.table, "id": self.id, "row": self.row, "changed": self.changed})
    }
}

/// A write a flow made, as sent: the columns (with `@odata.bind` lookups) by name. An action's
/// writes are the rows it creates and changes (a close: the Opportunity Close activity with the
/// columns the action stored, then the opportunity's `statecode` and `statuscode`).
#[derive(Debug, Clone, PartialEq)]
pub struct Write {
    /// `Create`, `Update` or `Delete` (an upsert that created is a `Create`).
    pub message: Message,
    pub table: String,
    pub id: String,
    pub columns: Map<String, Value>,
}

/// The lead columns Dynamics 365 copies to the opportunity on qualify (its lead-to-opportunity
/// column mappings, plus the solution's own columns on both tables).
/// UNCERTAIN: the solution must map the cosell_ columns for this to hold in a real environment.
const LEAD_TO_OPPORTUNITY: &[(&str, &str)] = &[
    ("subject", "name"),
    ("estimatedamount", "estimatedvalue"),
    ("estimatedclosedate", "estimatedclosedate"),
    ("description", "description"),
    ("cosell_referralidentifier", "cosell_referralidentifier"),
    ("cosell_referrallink", "cosell_referrallink"),
    ("cosell_syncstate", "cosell_syncstate"),
    ("cosell_syncwithpartnercenter", "cosell_syncwithpartnercenter"),
];

/// A handle to the fake; clones share the same state.
#[derive(Clone)]
pub struct Dataverse(Shared<State>);

pub(crate) struct State {
    tables: Vec<Table>,
    rows: Vec<(String, Map<String, Value>)>,
    changes: Vec<RowChange>,
    writes: Vec<Write>,
    recorder: Recorder,
    counter: u64,
    now: i64,
    /// The user the row trigger reports as `RunAsSystemUserId`.
    run_as_user: String,
}

/// The user a row-trigger body names by default ([`Dataverse::set_run_as_user`] changes it).
pub const DEFAULT_RUN_AS_USER: &str = "00000000-0000-4000-a000-0000000005e1";

impl Default for Dataverse {
    fn default() -> Self {
        Dataverse::new()
    }
}

impl Dataverse {
    pub fn new() -> Dataverse {
        Dataverse(Shared::new(State {
            tables: tables::standard(),
            rows: Vec::new(),
            changes: Vec::new(),
            writes: Vec::new(),
            recorder: Recorder::default(),
            counter: 0,
            now: 0,
            run_as_user: DEFAULT_RUN_AS_USER.to_owned(),
        }))
    }

    /// The `systemuserid` the row trigger reports as `RunAsSystemUserId`.
    pub fn set_run_as_user(&self, systemuserid: &str) {
        self.0.with((), |s| s.run_as_user = systemuserid.to_ascii_lowercase());
    }

    /// Adds a column to a table (an admin's own column, such as the deal value column an
    /// environment variable names).
    pub fn add_column(&self, table: &str, column: &str, kind: ColumnKind) -> Result<(), String> {
        self.0.with(Err("busy".into()), |s| {
            let t = s.tables.iter_mut().find(|t| t.logical == table).ok_or_else(|| format!("no table {table}"))?;
            if t.column(column).is_none() {
                t.columns.push((column.to_owned(), kind));
            }
            Ok(())
        })
    }

    /// Creates a row as a user would (in the app): `row` holds columns by logical name and
    /// lookups as `column@odata.bind`. Returns the new id.
    pub fn insert(&self, table: &str, row: Value) -> Result<String, String> {
        self.0.with(Err("busy".into()), |s| {
            let t = s.table_by_logical(table)?;
            let columns = row.as_object().cloned().ok_or("a row must be an object")?;
            s.create(&t, &columns, None, false).map_err(|r| error_text(&r))
        })
    }

    /// Updates a row as a user would.
    pub fn update(&self, table: &str, id: &str, changes: Value) -> Result<(), String> {
        self.0.with(Err("busy".into()), |s| {
            let t = s.table_by_logical(table)?;
            let columns = changes.as_object().cloned().ok_or("changes must be an object")?;
            let index = s.index(&t, id).ok_or_else(|| format!("{table} {id} does not exist"))?;
            s.update_at(&t, index, &columns, false).map(|_| ()).map_err(|r| error_text(&r))
        })
    }

    /// Deletes a row as a user would.
    pub fn delete(&self, table: &str, id: &str) -> Result<(), String> {
        self.0.with(Err("busy".into()), |s| {
            let t = s.table_by_logical(table)?;
            let index = s.index(&t, id).ok_or_else(|| format!("{table} {id} does not exist"))?;
            s.delete_at(&t, index, false);
            Ok(())
        })
    }

    /// Qualifies a lead as a user does in Dynamics 365 (QualifyLead with an opportunity): creates
    /// the opportunity from the lead's mapped columns, with `originatingleadid`, and closes the
    /// lead as Qualified with `qualifyingopportunityid`. Returns the opportunity's id. Both
    /// changes appear in [`Dataverse::changes`].
    pub fn qualify_lead(&self, lead_id: &str) -> Result<String, String> {
        self.0.with(Err("busy".into()), |s| {
            let (lead_table, opp_table) = (s.table_by_logical("lead")?, s.table_by_logical("opportunity")?);
            let index = s.index(&lead_table, lead_id).ok_or_else(|| format!("lead {lead_id} does not exist"))?;
            let lead = s.rows.get(index).map(|(_, r)| r.clone()).unwrap_or_default();
            if lead.get("statecode").and_then(Value::as_i64).unwrap_or(0) != 0 {
                return Err(format!("lead {lead_id} is not open"));
            }
            let mut columns = Map::new();
            for (from, to) in LEAD_TO_OPPORTUNITY {
                if let Some(v) = lead.get(*from).filter(|v| !v.is_null()) {
                    columns.insert((*to).to_owned(), v.clone());
                }
            }
            for (lookup, set) in [("parentaccountid", "accounts"), ("parentcontactid", "contacts"), ("transactioncurrencyid", "transactioncurrencies")] {
                if let Some(id) = lead.get(&format!("_{lookup}_value")).and_then(Value::as_str) {
                    columns.insert(format!("{lookup}@odata.bind"), json!(format!("{set}({id})")));
                }
            }
            columns.insert("originatingleadid@odata.bind".into(), json!(format!("leads({lead_id})")));
            let opportunity = s.create(&opp_table, &columns, None, false).map_err(|r| error_text(&r))?;
            let close = json!({"statecode": 1, "statuscode": 3, "qualifyingopportunityid@odata.bind": format!("opportunities({opportunity})")});
            let close = close.as_object().cloned().unwrap_or_default();
            let index = s.index(&lead_table, lead_id).ok_or("the lead is gone")?;
            s.update_at(&lead_table, index, &close, false).map_err(|r| error_text(&r))?;
            Ok(opportunity)
        })
    }

    /// Disqualifies a lead as a user does: state Disqualified with a status reason (4 Lost,
    /// 5 Cannot Contact, 6 No Longer Interested, 7 Canceled).
    pub fn disqualify_lead(&self, lead_id: &str, status_reason: i64) -> Result<(), String> {
        if !(4..=7).contains(&status_reason) {
            return Err(format!("{status_reason} is not a disqualified status reason (4–7)"));
        }
        self.update("lead", lead_id, json!({"statecode": 2, "statuscode": status_reason}))
    }

    /// Closes an open opportunity as a user does (Close as Won, Close as Lost): `status_reason`
    /// 3 Won closes it as Won, 4 Canceled or 5 Out-Sold as Lost, with a completed Opportunity
    /// Close activity named `subject`, as WinOpportunity/LoseOpportunity do. Both changes appear
    /// in [`Dataverse::changes`].
    pub fn close_opportunity(&self, id: &str, status_reason: i64, subject: &str) -> Result<(), String> {
        self.0.with(Err("busy".into()), |s| s.close_as_user(id, status_reason, subject))
    }

    /// A row as the Web API returns it (lookups as `_column_value`).
    pub fn row(&self, table: &str, id: &str) -> Option<Value> {
        self.0.with(None, |s| {
            let t = s.table_by_logical(table).ok()?;
            s.index(&t, id).and_then(|i| s.rows.get(i)).map(|(_, r)| Value::Object(r.clone()))
        })
    }

    /// Every row of a table, in creation order.
    pub fn rows(&self, table: &str) -> Vec<Value> {
        self.0.with(Vec::new(), |s| {
            s.rows.iter().filter(|(t, _)| t == table).map(|(_, r)| Value::Object(r.clone())).collect()
        })
    }

    /// Every change so far, in order (a flow's writes and the test's own).
    pub fn changes(&self) -> Vec<RowChange> {
        self.0.with(Vec::new(), |s| s.changes.clone())
    }

    /// The writes flows made, in order.
    pub fn writes(&self) -> Vec<Write> {
        self.0.with(Vec::new(), |s| s.writes.clone())
    }

    /// Sets the instant stamped on rows the test changes (flows' writes use the run's clock).
    pub fn set_now(&self, unix_millis: i64) {
        self.0.with((), |s| s.now = unix_millis);
    }

    /// `{"<table>": [rows]}` (for `cosell flow run --state`).
    pub fn state(&self) -> Value {
        self.0.with(Value::Null, |s| {
            let mut out = Map::new();
            for t in &s.tables {
                let rows: Vec<Value> =
                    s.rows.iter().filter(|(n, _)| *n == t.logical).map(|(_, r)| Value::Object(r.clone())).collect();
                if !rows.is_empty() {
                    out.insert(t.logical.clone(), Value::Array(rows));
                }
            }
            Value::Object(out)
        })
    }

    /// Replaces every row with a saved state, kept as stored (lookups as `_column_value`).
    pub fn load_state(&self, state: &Value) -> Result<(), String> {
        let tables = state.as_object().ok_or("the Dataverse state must be an object of tables")?;
        self.0.with(Err("busy".into()), |s| {
            let mut rows = Vec::new();
            for (name, list) in tables {
                let t = s.table_by_logical(name)?;
                for (i, row) in
                    list.as_array().ok_or_else(|| format!("{name} must be an array of rows"))?.iter().enumerate()
                {
                    let row = row.as_object().ok_or_else(|| format!("{name}[{i}] must be an object"))?;
                    if !row.get(&t.id).is_some_and(Value::is_string) {
                        return Err(format!("{name}[{i}] has no {}", t.id));
                    }
                    let mut row = row.clone();
                    with_state_defaults(&mut row);
                    rows.push((t.logical.clone(), row));
                }
            }
            s.counter = rows.len() as u64;
            s.rows = rows;
            Ok(())
        })
    }
}

impl FakeService for Dataverse {
    fn with_recorder<R>(&self, fallback: R, f: impl FnOnce(&mut Recorder) -> R) -> R {
        self.0.with_recorder(fallback, f)
    }
}

impl Service for Dataverse {
    fn call(&mut self, request: &ConnectorRequest) -> Answer {
        self.0.respond(request)
    }

    fn trigger(
        &mut self,
        operation_id: &str,
        parameters: &Map<String, Value>,
        event: &Value,
    ) -> Result<Option<Value>, String> {
        self.0.with(Err("busy".into()), |s| s.fire(operation_id, parameters, event))
    }
}

impl FakeState for State {
    fn recorder(&mut self) -> &mut Recorder {
        &mut self.recorder
    }

    fn answer(&mut self, request: &ConnectorRequest) -> Reply {
        self.now = request.unix_millis;
        self.operation(request)
    }
}

impl State {
    fn table_by_logical(&self, logical: &str) -> Result<Table, String> {
        self.tables
            .iter()
            .find(|t| t.logical == logical)
            .cloned()
            .ok_or_else(|| format!("the fake Dataverse has no table {logical}"))
    }

    fn index(&self, t: &Table, id: &str) -> Option<usize> {
        let id = id.trim_matches(|c| c == '{' || c == '}');
        self.rows.iter().position(|(name, r)| {
            *name == t.logical && r.get(&t.id).and_then(Value::as_str).is_some_and(|v| v.eq_ignore_ascii_case(id))
        })
    }

    fn next_id(&mut self) -> String {
        self.counter += 1;
        format!("{:08x}-0000-4000-b000-{:012x}", 0xda7a_0000u32, self.counter)
    }

    fn stamp(&self) -> Value {
        json!(format_instant(self.now).replace(".0000000Z", "Z"))
    }
}

/// A new row's state when neither is given: Active (0) with its default status reason (1), for
/// rows the flow creates and rows a test seeds alike.
/// UNCERTAIN: statuscode 1 is the default Active reason of the standard tables the sync uses.
pub(super) fn with_state_defaults(row: &mut Map<String, Value>) {
    row.entry("statecode").or_insert(json!(0));
    row.entry("statuscode").or_insert(json!(1));
}

/// The message of a reply's `{"error": {"message"}}`.
fn error_text(reply: &Reply) -> String {
    reply
        .body
        .get("error")
        .and_then(|e| e.get("message"))
        .and_then(Value::as_str)
        .unwrap_or("the request failed")
        .to_owned()
}
