//! The Dataverse row trigger ("When a row is added, modified or deleted",
//! SubscribeWebhookTrigger): which change fires which subscription, and the row as the body.

use super::State;
use crate::fake::odata;
use serde_json::{json, Map, Value};

/// `subscriptionRequest/message` values and the SDK messages each fires on.
/// UNCERTAIN: 1 = Added is confirmed (COE), 3 = Modified and 4 = Added or Modified by several
/// third-party exports; 2 = Deleted is marked "?" there, 5–7 follow the same pattern.
const MESSAGES: &[(i64, &[&str])] = &[
    (1, &["Create"]),
    (2, &["Delete"]),
    (3, &["Update"]),
    (4, &["Create", "Update"]),
    (5, &["Create", "Delete"]),
    (6, &["Update", "Delete"]),
    (7, &["Create", "Update", "Delete"]),
];

const PARAMETERS: [&str; 7] = [
    "subscriptionRequest/message",
    "subscriptionRequest/entityname",
    "subscriptionRequest/scope",
    "subscriptionRequest/filteringattributes",
    "subscriptionRequest/filterexpression",
    "subscriptionRequest/runas",
    "subscriptionRequest/name",
];

impl State {
    pub(super) fn fire(
        &mut self,
        operation: &str,
        p: &Map<String, Value>,
        event: &Value,
    ) -> Result<Option<Value>, String> {
        if operation != "SubscribeWebhookTrigger" {
            return Err(format!("the fake Dataverse has no trigger {operation}"));
        }
        if let Some(unknown) = p.keys().find(|k| !PARAMETERS.contains(&k.as_str())) {
            return Err(format!("SubscribeWebhookTrigger has no parameter {unknown}"));
        }
        let number = |k: &str| p.get(k).and_then(|v| v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok())));
        let message = number("subscriptionRequest/message").ok_or("subscriptionRequest/message is required (1–7)")?;
        let fires_on = MESSAGES
            .iter()
            .find(|(m, _)| *m == message)
            .map(|(_, on)| *on)
            .ok_or_else(|| format!("subscriptionRequest/message {message} is not 1–7"))?;
        let entity = p
            .get("subscriptionRequest/entityname")
            .and_then(Value::as_str)
            .ok_or("subscriptionRequest/entityname is required")?;
        let table = self.table_by_logical(entity)?;
        let filtering: Vec<String> = p
            .get("subscriptionRequest/filteringattributes")
            .and_then(Value::as_str)
            .map(|s| s.split(',').map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).collect())
            .unwrap_or_default();
        if let Some(unknown) = filtering.iter().find(|c| table.column(c).is_none()) {
            return Err(format!("filtering attribute {unknown} is not a column of {entity}"));
        }
        let filter = match p
            .get("subscriptionRequest/filterexpression")
            .and_then(Value::as_str)
            .filter(|f| !f.trim().is_empty())
        {
            Some(text) => Some(odata::parse(text).map_err(|e| format!("subscriptionRequest/filterexpression {e}"))?),
            None => None,
        };
        let sdk_message = event.get("message").and_then(Value::as_str).unwrap_or_default();
        let changed: Vec<&str> =
            event.get("changed").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        let row = event.get("row").cloned().unwrap_or_else(|| json!({}));
        let fires = event.get("table").and_then(Value::as_str) == Some(entity)
            && fires_on.contains(&sdk_message)
            && (sdk_message != "Update"
                || filtering.is_empty()
                || changed.iter().any(|c| filtering.iter().any(|f| f == c)))
            && filter.as_ref().is_none_or(|f| f.matches(&row));
        if !fires {
            return Ok(None);
        }
        // UNCERTAIN: the body is the row as the Web API returns it plus SdkMessage (documented)
        // and the row's type and id; a Delete carries only the key.
        let mut body = match sdk_message {
            "Delete" => {
                let mut m = Map::new();
                m.insert(table.id.clone(), row.get(&table.id).cloned().unwrap_or(Value::Null));
                m
            }
            _ => row.as_object().cloned().unwrap_or_default(),
        };
        body.insert("SdkMessage".into(), json!(sdk_message));
        body.insert("@odata.type".into(), json!(format!("#Microsoft.Dynamics.CRM.{entity}")));
        body.insert("ItemInternalId".into(), event.get("id").cloned().unwrap_or(Value::Null));
        Ok(Some(json!({"headers": {}, "body": body})))
    }
}
