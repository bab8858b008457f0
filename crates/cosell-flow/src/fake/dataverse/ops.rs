//! The Dataverse connector's row operations on the fake's state.

use super::tables::{ColumnKind, Table};
use super::{Message, RowChange, State, Write};
use crate::fake::odata;
use crate::run::{parse_instant, ConnectorRequest, Reply};
use serde_json::{json, Map, Value};

/// Each operation and the parameters it takes (besides `item/…` for the writes).
const OPERATIONS: &[(&str, &[&str])] = &[
    ("CreateRecord", &["entityName", "item"]),
    ("UpdateRecord", &["entityName", "recordId", "item"]),
    ("UpdateOnlyRecord", &["entityName", "recordId", "item"]),
    ("DeleteRecord", &["entityName", "recordId"]),
    ("GetItem", &["entityName", "recordId", "$select", "$expand"]),
    ("ListRecords", &["entityName", "$select", "$filter", "$orderby", "$top", "$skiptoken", "$expand", "fetchXml"]),
    ("PerformUnboundAction", &["actionName", "item"]),
];

/// Rows per ListRecords page (the connector's default page).
const PAGE_SIZE: usize = 5000;

pub(super) fn not_found(t: &Table, id: &str) -> Reply {
    Reply::error(404, "0x80040217", format!("{} With Id = {id} Does Not Exist", t.logical))
}

pub(super) fn bad(message: impl Into<String>) -> Reply {
    Reply::error(400, "0x80040203", message)
}

impl State {
    pub(super) fn operation(&mut self, request: &ConnectorRequest) -> Reply {
        let op = request.operation_id.as_str();
        let Some((_, allowed)) = OPERATIONS.iter().find(|(name, _)| *name == op) else {
            return self.recorder.violation(format!("the fake Dataverse does not model operation {op}"));
        };
        let p = &request.parameters;
        let known = |k: &str| allowed.contains(&k) || (allowed.contains(&"item") && k.starts_with("item/"));
        if let Some(unknown) = p.keys().find(|k| !known(k)) {
            return self.recorder.violation(format!("{op} has no parameter {unknown}"));
        }
        if op == "PerformUnboundAction" {
            return self.perform_unbound_action(p);
        }
        let set = p.get("entityName").and_then(Value::as_str).unwrap_or_default();
        let Some(t) = self.tables.iter().find(|t| t.entity_set == set).cloned() else {
            let hint = self
                .tables
                .iter()
                .find(|t| t.logical == set)
                .map(|t| format!(" (the entity set name is {})", t.entity_set))
                .unwrap_or_default();
            return self.recorder.violation(format!("{op}: no table with entity set name {set:?}{hint}"));
        };
        for unsupported in ["$expand", "fetchXml"] {
            if p.get(unsupported).is_some_and(|v| !v.is_null() && v != "") {
                return self.recorder.violation(format!("{op}: {unsupported} is not modelled by the fake"));
            }
        }
        let record_id = p.get("recordId").and_then(Value::as_str).unwrap_or_default();
        let item = match item(p) {
            Ok(i) => i,
            Err(message) => return self.recorder.violation(format!("{op}: {message}")),
        };
        match op {
            "CreateRecord" => match self.create(&t, &item, None, true) {
                Ok(id) => self.answer_row(&t, &id, 201),
                Err(r) => self.violation_or(r),
            },
            "UpdateRecord" | "UpdateOnlyRecord" => {
                let key = match self.locate(&t, record_id) {
                    Ok(k) => k,
                    Err(r) => return self.violation_or(r),
                };
                match (key, op) {
                    (Located::Row(index), _) => match self.update_at(&t, index, &item, true) {
                        Ok(id) => self.answer_row(&t, &id, 200),
                        Err(r) => self.violation_or(r),
                    },
                    (Located::Missing { .. }, "UpdateOnlyRecord") => not_found(&t, record_id),
                    (Located::Missing { id, key_columns }, _) => {
                        let mut columns = item.clone();
                        columns.extend(key_columns);
                        match self.create(&t, &columns, id, true) {
                            Ok(id) => self.answer_row(&t, &id, 201),
                            Err(r) => self.violation_or(r),
                        }
                    }
                }
            }
            "DeleteRecord" => match self.locate(&t, record_id) {
                Ok(Located::Row(index)) => {
                    self.delete_at(&t, index, true);
                    Reply::new(204, Value::Null)
                }
                Ok(Located::Missing { .. }) => not_found(&t, record_id),
                Err(r) => self.violation_or(r),
            },
            "GetItem" => match self.locate(&t, record_id) {
                Ok(Located::Row(index)) => {
                    let row = self.rows.get(index).map(|(_, r)| Value::Object(r.clone())).unwrap_or(Value::Null);
                    match select(&t, &row, p.get("$select")) {
                        Ok(v) => Reply::new(200, v),
                        Err(message) => self.recorder.violation(message),
                    }
                }
                Ok(Located::Missing { .. }) => not_found(&t, record_id),
                Err(r) => self.violation_or(r),
            },
            _ => self.list(&t, p),
        }
    }

    /// A 400 caused by the flow's request is also a contract violation; other errors are not.
    pub(super) fn violation_or(&mut self, reply: Reply) -> Reply {
        if reply.status == 400 {
            let message = reply
                .body
                .get("error")
                .and_then(|e| e.get("message"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            self.recorder.violations.push(message);
        }
        reply
    }

    fn answer_row(&self, t: &Table, id: &str, status: u16) -> Reply {
        let row = self
            .index(t, id)
            .and_then(|i| self.rows.get(i))
            .map(|(_, r)| Value::Object(r.clone()))
            .unwrap_or(Value::Null);
        Reply::new(status, row)
    }

    /// Finds the row a `recordId` names: a GUID, or alternate key values `col='v',col2='w'`.
    fn locate(&self, t: &Table, record_id: &str) -> Result<Located, Reply> {
        let trimmed = record_id.trim().trim_matches(|c| c == '{' || c == '}');
        if trimmed.is_empty() {
            return Err(bad("recordId is required"));
        }
        if !trimmed.contains('=') {
            if !is_guid(trimmed) {
                return Err(bad(format!("recordId {record_id:?} is neither a GUID nor alternate key values")));
            }
            return Ok(match self.index(t, trimmed) {
                Some(i) => Located::Row(i),
                None => Located::Missing { id: Some(trimmed.to_ascii_lowercase()), key_columns: Map::new() },
            });
        }
        let pairs = parse_key(trimmed)
            .ok_or_else(|| bad(format!("recordId {record_id:?} is not alternate key syntax (column='value')")))?;
        let columns: Vec<&str> = pairs.iter().map(|(c, _)| c.as_str()).collect();
        let is_key = t.keys.iter().any(|k| k.len() == columns.len() && k.iter().all(|c| columns.contains(&c.as_str())));
        if !is_key {
            return Err(bad(format!("{} has no alternate key on {}", t.logical, columns.join(", "))));
        }
        let found =
            self.rows.iter().position(|(name, r)| *name == t.logical && pairs.iter().all(|(c, v)| same(r.get(c), v)));
        Ok(match found {
            Some(i) => Located::Row(i),
            None => Located::Missing { id: None, key_columns: pairs.into_iter().collect() },
        })
    }

    /// Creates a row; `id` when the caller names it (an upsert by id). Returns the id.
    pub(super) fn create(
        &mut self,
        t: &Table,
        columns: &Map<String, Value>,
        id: Option<String>,
        by_flow: bool,
    ) -> Result<String, Reply> {
        let mut row = Map::new();
        let given_id = columns.get(&t.id).and_then(Value::as_str).map(str::to_ascii_lowercase);
        let id = match id.or(given_id) {
            Some(id) if self.index(t, &id).is_some() => {
                return Err(Reply::error(412, "0x80040237", format!("A {} with id {id} already exists.", t.logical)))
            }
            Some(id) => id,
            None => self.next_id(),
        };
        row.insert(t.id.clone(), json!(id));
        let changed = self.apply(t, &mut row, columns)?;
        self.check_keys(t, &row, None)?;
        row.insert("createdon".into(), self.stamp());
        row.insert("modifiedon".into(), self.stamp());
        super::with_state_defaults(&mut row);
        self.version(&mut row);
        if by_flow {
            self.writes.push(Write {
                message: Message::Create,
                table: t.logical.clone(),
                id: id.clone(),
                columns: columns.clone(),
            });
        }
        self.changes.push(RowChange {
            message: Message::Create,
            table: t.logical.clone(),
            id: id.clone(),
            row: Value::Object(row.clone()),
            changed,
            by_flow,
        });
        self.rows.push((t.logical.clone(), row));
        Ok(id)
    }

    pub(super) fn update_at(
        &mut self,
        t: &Table,
        index: usize,
        columns: &Map<String, Value>,
        by_flow: bool,
    ) -> Result<String, Reply> {
        let Some((_, current)) = self.rows.get(index) else { return Err(bad("the row is gone")) };
        let mut row = current.clone();
        let id = row.get(&t.id).and_then(Value::as_str).unwrap_or_default().to_owned();
        if columns.get(&t.id).and_then(Value::as_str).is_some_and(|given| !given.eq_ignore_ascii_case(&id)) {
            return Err(bad(format!("the {} in the body does not match the row", t.id)));
        }
        let changed = self.apply(t, &mut row, columns)?;
        self.check_keys(t, &row, Some(index))?;
        row.insert("modifiedon".into(), self.stamp());
        self.version(&mut row);
        if by_flow {
            self.writes.push(Write {
                message: Message::Update,
                table: t.logical.clone(),
                id: id.clone(),
                columns: columns.clone(),
            });
        }
        self.changes.push(RowChange {
            message: Message::Update,
            table: t.logical.clone(),
            id: id.clone(),
            row: Value::Object(row.clone()),
            changed,
            by_flow,
        });
        if let Some(slot) = self.rows.get_mut(index) {
            slot.1 = row;
        }
        Ok(id)
    }

    pub(super) fn delete_at(&mut self, t: &Table, index: usize, by_flow: bool) {
        if index >= self.rows.len() {
            return;
        }
        let (_, row) = self.rows.remove(index);
        let id = row.get(&t.id).and_then(Value::as_str).unwrap_or_default().to_owned();
        if by_flow {
            self.writes.push(Write {
                message: Message::Delete,
                table: t.logical.clone(),
                id: id.clone(),
                columns: Map::new(),
            });
        }
        self.changes.push(RowChange {
            message: Message::Delete,
            table: t.logical.clone(),
            id,
            row: Value::Object(row),
            changed: Vec::new(),
            by_flow,
        });
    }

    fn version(&mut self, row: &mut Map<String, Value>) {
        self.counter += 1;
        row.insert("versionnumber".into(), json!(self.counter));
        row.insert("@odata.etag".into(), json!(format!("W/\"{}\"", self.counter)));
    }

    /// Writes columns into a row, checking each against the table; returns the columns set.
    pub(super) fn apply(
        &self,
        t: &Table,
        row: &mut Map<String, Value>,
        columns: &Map<String, Value>,
    ) -> Result<Vec<String>, Reply> {
        let mut changed = Vec::new();
        for (key, value) in columns {
            if let Some(lookup) = key.strip_suffix("@odata.bind") {
                let column = self.bind(t, row, lookup, value)?;
                changed.push(column);
                continue;
            }
            let kind = t.column(key).ok_or_else(|| {
                bad(format!("Invalid property '{key}' was found in entity 'Microsoft.Dynamics.CRM.{}'.", t.logical))
            })?;
            check_value(t, key, kind, value)?;
            if matches!(kind, ColumnKind::Id) {
                continue;
            }
            row.insert(key.clone(), value.clone());
            if t.logical == "contact" && (key == "firstname" || key == "lastname") {
                let part = |k: &str| row.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
                let full = format!("{} {}", part("firstname"), part("lastname")).trim().to_owned();
                row.insert("fullname".into(), json!(full));
            }
            changed.push(key.clone());
        }
        Ok(changed)
    }

    /// `column@odata.bind` (or `column_<table>@odata.bind` for a polymorphic lookup) =
    /// `entityset(guid)`, `/entityset(guid)` or `entityset(key='value')`; null clears it.
    fn bind(&self, t: &Table, row: &mut Map<String, Value>, lookup: &str, value: &Value) -> Result<String, Reply> {
        let (column, targets) = match t.column(lookup) {
            Some(ColumnKind::Lookup(targets)) => (lookup.to_owned(), targets),
            _ => match lookup.rsplit_once('_').and_then(|(c, _)| match t.column(c) {
                Some(ColumnKind::Lookup(targets)) => Some((c.to_owned(), targets)),
                _ => None,
            }) {
                Some(found) => found,
                None => return Err(bad(format!("{lookup} is not a lookup column of {}", t.logical))),
            },
        };
        let field = format!("_{column}_value");
        if value.is_null() || value == "" {
            row.insert(field.clone(), Value::Null);
            row.remove(&format!("{field}@Microsoft.Dynamics.CRM.lookuplogicalname"));
            return Ok(column);
        }
        let text = value
            .as_str()
            .ok_or_else(|| bad(format!("{lookup}@odata.bind must be a string such as accounts(<id>)")))?;
        let text = text.trim_start_matches('/');
        let (set, inner) = text
            .strip_suffix(')')
            .and_then(|t| t.split_once('('))
            .ok_or_else(|| bad(format!("{lookup}@odata.bind {text:?} is not entityset(id)")))?;
        if !targets.contains(&set) {
            return Err(bad(format!("{lookup} cannot point to {set} (it points to {})", targets.join(", "))));
        }
        let target =
            self.tables.iter().find(|x| x.entity_set == set).cloned().ok_or_else(|| bad(format!("no table {set}")))?;
        let index = match self.locate(&target, inner)? {
            Located::Row(i) => i,
            Located::Missing { .. } => return Err(not_found(&target, inner)),
        };
        let id = self.rows.get(index).and_then(|(_, r)| r.get(&target.id)).cloned().unwrap_or(Value::Null);
        row.insert(field.clone(), id);
        row.insert(format!("{field}@Microsoft.Dynamics.CRM.lookuplogicalname"), json!(target.logical));
        Ok(column)
    }

    /// Alternate keys are unique: a duplicate answers 412, as Dataverse does.
    fn check_keys(&self, t: &Table, row: &Map<String, Value>, except: Option<usize>) -> Result<(), Reply> {
        for key in &t.keys {
            if key.iter().any(|c| row.get(c).is_none_or(Value::is_null)) {
                continue;
            }
            let clash = self.rows.iter().enumerate().any(|(i, (name, other))| {
                Some(i) != except
                    && *name == t.logical
                    && key.iter().all(|c| same(other.get(c), row.get(c).unwrap_or(&Value::Null)))
            });
            if clash {
                return Err(Reply::error(
                    412,
                    "0x80040237",
                    format!("A {} with the same {} already exists.", t.logical, key.join(", ")),
                ));
            }
        }
        Ok(())
    }

    fn list(&mut self, t: &Table, p: &Map<String, Value>) -> Reply {
        let filter = match p.get("$filter").and_then(Value::as_str).filter(|f| !f.trim().is_empty()) {
            Some(text) => {
                match odata::parse(text) {
                    Ok(f) => {
                        if let Some(unknown) = f.columns().into_iter().find(|c| !t.readable(c)) {
                            return self.recorder.violation(format!("$filter: Could not find a property named '{unknown}' on type 'Microsoft.Dynamics.CRM.{}'.", t.logical));
                        }
                        if let Err(message) = super::filter_types::check(&f, t) {
                            return self.recorder.violation(format!("$filter: {message}"));
                        }
                        Some(f)
                    }
                    Err(e) => return self.recorder.violation(format!("$filter {e}")),
                }
            }
            None => None,
        };
        let mut rows: Vec<Value> = self
            .rows
            .iter()
            .filter(|(name, _)| *name == t.logical)
            .map(|(_, r)| Value::Object(r.clone()))
            .filter(|r| filter.as_ref().is_none_or(|f| f.matches(r)))
            .collect();
        if let Some(order) = p.get("$orderby").and_then(Value::as_str).filter(|o| !o.trim().is_empty()) {
            let mut keys = Vec::new();
            for part in order.split(',') {
                let mut words = part.split_whitespace();
                let column = words.next().unwrap_or_default().to_owned();
                if !t.readable(&column) {
                    return self.recorder.violation(format!("$orderby: no column {column} in {}", t.logical));
                }
                keys.push((column, words.next().is_some_and(|d| d.eq_ignore_ascii_case("desc"))));
            }
            rows.sort_by(|a, b| {
                keys.iter()
                    .map(|(c, desc)| {
                        let o = order_values(a.get(c), b.get(c));
                        if *desc {
                            o.reverse()
                        } else {
                            o
                        }
                    })
                    .find(|o| o.is_ne())
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
        }
        let top = p.get("$top").and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())));
        let skip: usize = p.get("$skiptoken").and_then(Value::as_str).and_then(|s| s.parse().ok()).unwrap_or(0);
        let limit = top.and_then(|t| usize::try_from(t).ok()).unwrap_or(usize::MAX);
        let wanted = rows.len().min(limit).saturating_sub(skip);
        let mut page = Vec::new();
        for row in rows.into_iter().skip(skip).take(wanted.min(PAGE_SIZE)) {
            match select(t, &row, p.get("$select")) {
                Ok(v) => page.push(v),
                Err(message) => return self.recorder.violation(message),
            }
        }
        let mut out = Map::new();
        out.insert("@odata.context".into(), json!(format!("$metadata#{}", t.entity_set)));
        if page.len() < wanted {
            out.insert("@odata.nextLink".into(), json!(format!("{}?$skiptoken={}", t.entity_set, skip + page.len())));
        }
        out.insert("value".into(), Value::Array(page));
        Reply::new(200, Value::Object(out))
    }
}

enum Located {
    Row(usize),
    Missing { id: Option<String>, key_columns: Map<String, Value> },
}

/// The `item/…` parameters (and a whole `item` object): a row's columns, or an action's parameters.
pub(super) fn item(p: &Map<String, Value>) -> Result<Map<String, Value>, String> {
    let mut out = match p.get("item") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => return Err("item must be an object".into()),
    };
    for (k, v) in p {
        if let Some(column) = k.strip_prefix("item/") {
            if column.contains('/') {
                return Err(format!("{k}: a name after item/ has no '/'"));
            }
            out.insert(column.to_owned(), v.clone());
        }
    }
    Ok(out)
}

fn check_value(t: &Table, column: &str, kind: ColumnKind, value: &Value) -> Result<(), Reply> {
    let wrong = |expected: &str| {
        Err(bad(format!(
            "Cannot convert the literal '{value}' to the expected type '{expected}' of {}.{column}.",
            t.logical
        )))
    };
    if value.is_null() {
        return match kind {
            ColumnKind::Id => wrong("Edm.Guid"),
            _ => Ok(()),
        };
    }
    match kind {
        ColumnKind::Id if value.as_str().is_some_and(is_guid) => Ok(()),
        ColumnKind::Id => wrong("Edm.Guid"),
        ColumnKind::Text | ColumnKind::Memo if value.is_string() => Ok(()),
        ColumnKind::Text | ColumnKind::Memo => wrong("Edm.String"),
        ColumnKind::Integer if value.is_i64() || value.is_u64() => Ok(()),
        ColumnKind::Integer => wrong("Edm.Int32"),
        ColumnKind::Decimal if value.is_number() => Ok(()),
        ColumnKind::Decimal => wrong("Edm.Decimal"),
        ColumnKind::Boolean if value.is_boolean() => Ok(()),
        ColumnKind::Boolean => wrong("Edm.Boolean"),
        ColumnKind::DateTime if value.as_str().and_then(parse_instant).is_some() => Ok(()),
        ColumnKind::DateTime => wrong("Edm.DateTimeOffset"),
        ColumnKind::Choice(options) => match value.as_i64() {
            Some(v) if options().contains(&v) => Ok(()),
            Some(v) => Err(bad(format!("{v} is not a valid option for {}.{column}.", t.logical))),
            None => wrong("Edm.Int32"),
        },
        ColumnKind::Lookup(_) => Err(bad(format!("{column} is a lookup: set it with {column}@odata.bind"))),
        ColumnKind::System => Err(bad(format!("{column} is set by Dataverse and cannot be written"))),
    }
}

/// `$select=a,b`: those columns, the primary key and the row's etag.
fn select(t: &Table, row: &Value, fields: Option<&Value>) -> Result<Value, String> {
    let Some(list) = fields.and_then(Value::as_str).filter(|s| !s.trim().is_empty()) else { return Ok(row.clone()) };
    let mut out = Map::new();
    for column in list.split(',').map(str::trim) {
        if !t.readable(column) {
            return Err(format!(
                "$select: Could not find a property named '{column}' on type 'Microsoft.Dynamics.CRM.{}'.",
                t.logical
            ));
        }
        out.insert(column.to_owned(), row.get(column).cloned().unwrap_or(Value::Null));
    }
    for always in [t.id.as_str(), "@odata.etag"] {
        if let Some(v) = row.get(always) {
            out.insert(always.to_owned(), v.clone());
        }
    }
    Ok(Value::Object(out))
}

fn order_values(a: Option<&Value>, b: Option<&Value>) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => {
            x.as_f64().partial_cmp(&y.as_f64()).unwrap_or(Ordering::Equal)
        }
        (Some(Value::String(x)), Some(Value::String(y))) => x.to_lowercase().cmp(&y.to_lowercase()),
        (None | Some(Value::Null), Some(v)) if !v.is_null() => Ordering::Less,
        (Some(v), None | Some(Value::Null)) if !v.is_null() => Ordering::Greater,
        _ => Ordering::Equal,
    }
}

/// `col='v',col2=5` → pairs; quotes doubled inside values.
fn parse_key(text: &str) -> Option<Vec<(String, Value)>> {
    let mut out = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let (column, after) = rest.split_once('=')?;
        let after = after.trim_start();
        let (value, remaining) = if let Some(quoted) = after.strip_prefix('\'') {
            let mut value = String::new();
            let mut chars = quoted.char_indices().peekable();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                if c == '\'' {
                    if chars.peek().map(|(_, n)| *n) == Some('\'') {
                        value.push('\'');
                        chars.next();
                    } else {
                        end = Some(i + 1);
                        break;
                    }
                } else {
                    value.push(c);
                }
            }
            (Value::String(value), quoted.get(end?..)?)
        } else {
            let cut = after.find(',').unwrap_or(after.len());
            let literal = after.get(..cut)?.trim();
            (
                literal.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::String(literal.to_owned())),
                after.get(cut..)?,
            )
        };
        out.push((column.trim().to_owned(), value));
        rest = remaining.trim_start().strip_prefix(',').unwrap_or(remaining).trim_start();
        if !remaining.trim().is_empty() && !remaining.trim_start().starts_with(',') {
            return None;
        }
    }
    (!out.is_empty()).then_some(out)
}

fn same(stored: Option<&Value>, wanted: &Value) -> bool {
    match (stored, wanted) {
        (Some(Value::String(a)), Value::String(b)) => a.eq_ignore_ascii_case(b),
        (Some(a), b) => a == b,
        (None, _) => false,
    }
}

pub(super) fn is_guid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() })
}
