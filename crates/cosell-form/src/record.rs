//! The form's opportunity as snapshot JSON (shape at the top of `cosell_core::snapshot`): the
//! columns the form holds, plus the rows the Web API loaded.

use crate::xrm::{FieldValue, Form, Lookup};
use cosell_core::dataverse::{account, contact, currency, opportunity as opp};
use serde_json::{Map, Number, Value};

/// Opportunity columns read straight from form attributes (the deal value column comes from the configuration).
pub const FORM_COLUMNS: [&str; 13] = [
    opp::NAME,
    opp::ESTIMATED_CLOSE_DATE,
    opp::DESCRIPTION,
    opp::STATE,
    opp::STATUS,
    opp::SYNC,
    opp::HELP,
    opp::VISIBILITY,
    opp::REFERRAL_ID,
    opp::REFERRAL_LINK,
    opp::MICROSOFT_CRM_ID,
    opp::AUDIT,
    opp::PRODUCTS,
];

/// Lookup columns: the related row is loaded through the Web API.
pub const LOOKUP_COLUMNS: [&str; 3] = [opp::PARENT_ACCOUNT, opp::PARENT_CONTACT, opp::CURRENCY];

/// Rows loaded through the Web API.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loaded {
    pub environment: Map<String, Value>,
    pub solutions: Vec<Value>,
    /// Loaded related rows by lookup column (account, contact, currency).
    pub related: Map<String, Value>,
}

/// The opportunity columns on the form now, lookups as `_<column>_value` IDs (the stored shape).
/// `deal_value_column` names the configured deal value column.
pub fn form_columns(form: &Form, deal_value_column: &str) -> Map<String, Value> {
    let mut out = scalar_columns(form, deal_value_column);
    for column in LOOKUP_COLUMNS {
        if let Some(lookup) = lookup(form, column) {
            out.insert(format!("_{column}_value"), Value::String(lookup.id));
        }
    }
    out
}

fn scalar_columns(form: &Form, deal_value_column: &str) -> Map<String, Value> {
    let mut out = Map::new();
    let columns = FORM_COLUMNS.iter().copied().chain([opp::SYNC_STATE, deal_value_column]);
    for column in columns {
        if let Some(value) = form.attribute(column).and_then(|a| scalar(a.value())) {
            out.insert(column.to_owned(), value);
        }
    }
    out
}

/// The lookup on the form for a lookup column.
pub fn lookup(form: &Form, column: &str) -> Option<Lookup> {
    match form.attribute(column)?.value() {
        FieldValue::Lookup(l) => Some(l),
        _ => None,
    }
}

/// The whole snapshot document. `original` is the opportunity as loaded (absent for a new record).
pub fn snapshot(
    form: &Form,
    record_id: Option<&str>,
    original: Option<&Map<String, Value>>,
    loaded: &Loaded,
    deal_value_column: &str,
) -> Value {
    let mut opportunity = scalar_columns(form, deal_value_column);
    if let Some(id) = record_id {
        opportunity.insert(opp::ID.to_owned(), Value::String(id.to_owned()));
    }
    for column in LOOKUP_COLUMNS {
        let Some(lookup) = lookup(form, column) else { continue };
        let loaded_row = loaded.related.get(column).filter(|row| row_id(row, column) == Some(lookup.id.as_str()));
        if let Some(row) = loaded_row {
            opportunity.insert(column.to_owned(), row.clone());
        } else {
            // Until its row arrives only the lookup is known: the rules that read the row wait.
            opportunity.insert(format!("_{column}_value"), Value::String(lookup.id));
        }
    }
    let mut root = Map::new();
    root.insert("opportunity".to_owned(), Value::Object(opportunity));
    if let Some(original) = original {
        root.insert("original".to_owned(), Value::Object(original.clone()));
    }
    root.insert("solutions".to_owned(), Value::Array(loaded.solutions.clone()));
    root.insert("environment".to_owned(), Value::Object(loaded.environment.clone()));
    Value::Object(root)
}

/// The primary key of a loaded related row.
pub fn row_id<'a>(row: &'a Value, lookup_column: &str) -> Option<&'a str> {
    let key = match lookup_column {
        opp::PARENT_ACCOUNT => account::ID,
        opp::PARENT_CONTACT => contact::ID,
        _ => currency::ID,
    };
    row.get(key).and_then(Value::as_str)
}

/// A scalar attribute value as JSON; whole numbers stay integers (choice columns must be).
fn scalar(value: FieldValue) -> Option<Value> {
    match value {
        FieldValue::Text(s) => Some(Value::String(s)),
        FieldValue::Date(d) => Some(Value::String(d)),
        FieldValue::Bool(b) => Some(Value::Bool(b)),
        FieldValue::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Some(Value::Number(Number::from(n as i64))),
        FieldValue::Number(n) => Number::from_f64(n).map(Value::Number),
        FieldValue::Empty | FieldValue::Lookup(_) | FieldValue::Other => None,
    }
}
