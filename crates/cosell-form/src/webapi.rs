//! Reads from the Dataverse Web API (same origin, `/api/data/v9.2/`) what the form does not hold.
//!
//! Only GETs: the plugin never writes through the Web API. The session cookie authenticates the
//! requests, as for any form script.

use cosell_core::config::vars;
use cosell_core::dataverse::{account, contact, currency, solution, solution_detail};
use gloo_net::http::Request;
use serde_json::{Map, Value};

/// Why a load failed, in words for a form notification.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError(pub String);

/// The Web API root, such as `https://org.crm.dynamics.com/api/data/v9.2/`.
#[derive(Debug, Clone, PartialEq)]
pub struct WebApi {
    base: String,
}

/// How long a Web API read may take before the checks give up on it (and the form stays usable).
const REQUEST_TIMEOUT_MS: u32 = 15_000;

/// A signal that aborts a request after `ms`, where the browser has `AbortSignal.timeout`.
fn timeout_signal(ms: u32) -> Option<web_sys::AbortSignal> {
    use wasm_bindgen::JsCast;
    let class = js_sys::Reflect::get(&js_sys::global(), &"AbortSignal".into()).ok()?;
    let timeout = js_sys::Reflect::get(&class, &"timeout".into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
    timeout.call1(&class, &ms.into()).ok()?.dyn_into::<web_sys::AbortSignal>().ok()
}

impl WebApi {
    /// `client_url` is `getClientUrl()`; empty means the page's own origin.
    pub fn new(client_url: &str) -> WebApi {
        WebApi { base: format!("{}/api/data/v9.2/", client_url.trim_end_matches('/')) }
    }

    /// GET one resource path (with its query), parsed as JSON.
    async fn get(&self, path_and_query: &str) -> Result<Value, LoadError> {
        let url = format!("{}{}", self.base, path_and_query);
        let response = Request::get(&url)
            .header("Accept", "application/json")
            .header("OData-MaxVersion", "4.0")
            .header("OData-Version", "4.0")
            .header("If-None-Match", "null")
            .abort_signal(timeout_signal(REQUEST_TIMEOUT_MS).as_ref())
            .send()
            .await
            .map_err(|_| LoadError("no Web API answer in 15 s, or offline".to_owned()))?;
        let status = response.status();
        let text = response.text().await.map_err(|_| LoadError("the Web API answer broke off".to_owned()))?;
        if !(200..300).contains(&status) {
            return Err(LoadError(format!("HTTP {status} from the Web API")));
        }
        serde_json::from_str(&text).map_err(|_| LoadError("invalid JSON from the Web API".to_owned()))
    }

    /// The solution's environment variables: schema name → current value (or default value).
    pub async fn environment(&self) -> Result<Map<String, Value>, LoadError> {
        let filter = vars::ALL.iter().map(|v| format!("schemaname eq '{v}'")).collect::<Vec<_>>().join(" or ");
        let query = format!(
            "environmentvariabledefinitions?$select=schemaname,defaultvalue&$filter={}\
             &$expand=environmentvariabledefinition_environmentvariablevalue($select=value)",
            encode(&filter)
        );
        let rows = self.get(&query).await?;
        Ok(environment_values(&rows))
    }

    /// The opportunity's Partner Center Solution rows, with their catalogue rows expanded.
    pub async fn solutions(&self, opportunity_id: &str) -> Result<Vec<Value>, LoadError> {
        let query = format!(
            "{}?$select={},{},{}&$filter={}&$expand={}($select={},{},{},{})",
            solution::ENTITY_SET,
            solution::ID,
            solution::SOLUTION_ID,
            solution::NAME,
            encode(&format!("_{}_value eq {}", solution::OPPORTUNITY, opportunity_id)),
            solution::SOLUTION_DETAIL,
            solution_detail::SOLUTION_ID,
            solution_detail::NAME,
            solution_detail::PUBLISHER_NAME,
            solution_detail::SOLUTION_TYPE,
        );
        Ok(rows(self.get(&query).await?))
    }

    /// The customer account's name, postal code and country column (named by its environment variable).
    pub async fn account(&self, id: &str, country_column: &str) -> Result<Value, LoadError> {
        let columns = [
            account::ID,
            account::NAME,
            account::LINE1,
            account::LINE2,
            account::CITY,
            account::STATE_OR_PROVINCE,
            account::POSTAL_CODE,
            account::NUMBER_OF_EMPLOYEES,
            country_column,
        ];
        self.get(&format!("{}({id})?$select={}", account::ENTITY_SET, dedup(&columns).join(","))).await
    }

    /// The customer contact's name, email and phone.
    pub async fn contact(&self, id: &str) -> Result<Value, LoadError> {
        let columns =
            [contact::ID, contact::FIRST_NAME, contact::LAST_NAME, contact::EMAIL, contact::PHONE, contact::JOB_TITLE];
        self.get(&format!("{}({id})?$select={}", contact::ENTITY_SET, columns.join(","))).await
    }

    /// The transaction currency's ISO code.
    pub async fn currency(&self, id: &str) -> Result<Value, LoadError> {
        self.get(&format!("{}({id})?$select={},{}", currency::ENTITY_SET, currency::ID, currency::ISO_CODE)).await
    }
}

/// `{"value": [...]}` → the rows.
fn rows(collection: Value) -> Vec<Value> {
    let Value::Object(map) = collection else { return Vec::new() };
    match map.into_iter().find(|(key, _)| key == "value") {
        Some((_, Value::Array(items))) => items,
        _ => Vec::new(),
    }
}

/// Environment variable definitions → schema name → value; the current value wins over the default.
pub fn environment_values(collection: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    let Some(Value::Array(items)) = collection.get("value") else {
        return out;
    };
    for row in items {
        let Some(name) = row.get("schemaname").and_then(Value::as_str) else { continue };
        let current = row
            .get("environmentvariabledefinition_environmentvariablevalue")
            .and_then(Value::as_array)
            .and_then(|values| values.iter().find_map(|v| v.get("value").filter(|v| v.is_string())));
        if let Some(value) = current.or_else(|| row.get("defaultvalue").filter(|v| v.is_string())) {
            out.insert(name.to_owned(), value.clone());
        }
    }
    out
}

/// Percent-encodes an OData expression for a query string (the Web API wants encoded OData).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~'(),".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn dedup<'a>(columns: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::with_capacity(columns.len());
    for c in columns {
        if !out.contains(c) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn current_value_wins_over_default() {
        let rows = json!({"value": [
            {"schemaname": "cosell_DealValueColumn", "defaultvalue": "estimatedvalue",
             "environmentvariabledefinition_environmentvariablevalue": [{"value": "new_dealvalue"}]},
            {"schemaname": "cosell_DisplayCheckMark", "defaultvalue": "yes",
             "environmentvariabledefinition_environmentvariablevalue": []},
            {"schemaname": "cosell_SyncCoSellOnly", "defaultvalue": null}
        ]});
        let env = environment_values(&rows);
        assert_eq!(env.get("cosell_DealValueColumn"), Some(&json!("new_dealvalue")));
        assert_eq!(env.get("cosell_DisplayCheckMark"), Some(&json!("yes")));
        assert!(!env.contains_key("cosell_SyncCoSellOnly"));
    }

    #[test]
    fn odata_is_encoded() {
        assert_eq!(encode("_x_value eq 1 or a eq 'b'"), "_x_value%20eq%201%20or%20a%20eq%20'b'");
    }
}
