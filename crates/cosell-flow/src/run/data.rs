//! Data operations: ParseJson, Query (Filter array), Select, Join, Table (Create CSV/HTML table).

use super::definition::{Action, Kind};
use super::engine::{Outcome, Run};
use super::schema;
use serde_json::{json, Map, Value};

/// What Query and Select do with one item of `from`.
type PerItem<R> = fn(&mut R, &Value, Value, usize, &mut Vec<Value>) -> Result<(), crate::expr::ExprError>;

impl Run<'_> {
    pub(super) fn data_action(&mut self, action: &Action) -> Outcome {
        match &action.kind {
            Kind::ParseJson => self.parse_json(action),
            Kind::Join => self.join(action),
            Kind::Query => self.per_item(action, "where", Self::query),
            Kind::Select => self.per_item(action, "select", Self::select),
            Kind::Table => self.table(action),
            _ => Outcome::failed("InvalidTemplate", "not a data operation"),
        }
    }

    fn parse_json(&mut self, action: &Action) -> Outcome {
        let inputs = match self.eval(&action.inputs) {
            Ok(v) => v,
            Err(e) => return Outcome::template(&action.name, &e),
        };
        let content = match inputs.get("content") {
            Some(Value::String(text)) => match serde_json::from_str::<Value>(text) {
                Ok(v) => v,
                Err(e) => {
                    return Outcome::failed("InvalidJSON", format!("The content is not valid JSON: {e}"))
                        .with_inputs(inputs)
                }
            },
            Some(v) => v.clone(),
            None => Value::Null,
        };
        let schema = inputs.get("schema").cloned().unwrap_or_else(|| json!({}));
        let errors = schema::check(&content, &schema, &schema, false, "$");
        if !errors.is_empty() {
            let mut outcome =
                Outcome::failed("ValidationFailed", format!("The schema validation failed: {}", errors.join("; ")));
            outcome.inputs = Some(inputs);
            outcome.outputs = Some(json!({"body": content}));
            return outcome;
        }
        Outcome::succeeded(Some(inputs), Some(json!({"body": content})))
    }

    fn join(&mut self, action: &Action) -> Outcome {
        let inputs = match self.eval(&action.inputs) {
            Ok(v) => v,
            Err(e) => return Outcome::template(&action.name, &e),
        };
        let Some(Value::Array(items)) = inputs.get("from") else {
            return Outcome::failed("InvalidTemplate", "Join needs inputs.from to be an array").with_inputs(inputs);
        };
        let separator = match inputs.get("joinWith") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => text(other),
            None => String::new(),
        };
        let joined = items.iter().map(text).collect::<Vec<_>>().join(&separator);
        Outcome::succeeded(Some(inputs.clone()), Some(json!({"body": joined})))
    }

    /// Query and Select: `from` evaluated once, `key` evaluated per item with `item()` bound.
    fn per_item(&mut self, action: &Action, key: &str, each: PerItem<Self>) -> Outcome {
        let from = match action.inputs.get("from").map(|f| self.eval(f)).transpose() {
            Ok(Some(Value::Array(items))) => items,
            Ok(_) => {
                return Outcome::failed(
                    "InvalidTemplate",
                    format!("{} needs inputs.from to be an array", action.type_name),
                )
            }
            Err(e) => return Outcome::template(&action.name, &e),
        };
        let Some(template) = action.inputs.get(key) else {
            return Outcome::failed("InvalidTemplate", format!("{} needs inputs.{key}", action.type_name));
        };
        let recorded = json!({"from": from, key: template});
        let mut out = Vec::new();
        for (index, item) in from.into_iter().enumerate() {
            if let Err(e) = each(self, template, item, index, &mut out) {
                return Outcome::template(&action.name, &e).with_inputs(recorded);
            }
        }
        Outcome::succeeded(Some(recorded), Some(json!({"body": out})))
    }

    fn query(
        &mut self,
        condition: &Value,
        item: Value,
        index: usize,
        out: &mut Vec<Value>,
    ) -> Result<(), crate::expr::ExprError> {
        self.frames.push(super::engine::Frame { name: String::new(), item: Some(item.clone()), index });
        let keep = self.condition(condition);
        self.frames.pop();
        if keep? {
            out.push(item);
        }
        Ok(())
    }

    fn select(
        &mut self,
        template: &Value,
        item: Value,
        index: usize,
        out: &mut Vec<Value>,
    ) -> Result<(), crate::expr::ExprError> {
        out.push(self.eval_with_item(template, item, index)?);
        Ok(())
    }

    /// Create CSV table / Create HTML table: columns from `columns` (`header`, `value` per item)
    /// or, automatically, the keys of the items in first-seen order.
    fn table(&mut self, action: &Action) -> Outcome {
        let from = match action.inputs.get("from").map(|f| self.eval(f)).transpose() {
            Ok(Some(Value::Array(items))) => items,
            Ok(_) => return Outcome::failed("InvalidTemplate", "Table needs inputs.from to be an array"),
            Err(e) => return Outcome::template(&action.name, &e),
        };
        let format = action.inputs.get("format").and_then(Value::as_str).unwrap_or("CSV").to_ascii_uppercase();
        let mut headers = Vec::new();
        let mut rows: Vec<Vec<String>> = Vec::new();
        match action.inputs.get("columns") {
            Some(Value::Array(columns)) => {
                for c in columns {
                    headers.push(c.get("header").map(text).unwrap_or_default());
                }
                for (index, item) in from.iter().enumerate() {
                    let mut row = Vec::new();
                    for c in columns {
                        let value = c.get("value").cloned().unwrap_or(Value::Null);
                        match self.eval_with_item(&value, item.clone(), index) {
                            Ok(v) => row.push(text(&v)),
                            Err(e) => return Outcome::template(&action.name, &e),
                        }
                    }
                    rows.push(row);
                }
            }
            _ => {
                for item in &from {
                    for key in item.as_object().into_iter().flat_map(Map::keys) {
                        if !headers.contains(key) {
                            headers.push(key.clone());
                        }
                    }
                }
                for item in &from {
                    rows.push(headers.iter().map(|h| item.get(h).map(text).unwrap_or_default()).collect());
                }
            }
        }
        let body = match format.as_str() {
            "CSV" => csv(&headers, &rows),
            "HTML" => html(&headers, &rows),
            other => return Outcome::failed("InvalidTemplate", format!("Table format {other} is not CSV or HTML")),
        };
        let recorded = json!({"from": from, "format": format});
        Outcome::succeeded(Some(recorded), Some(json!({"body": body})))
    }
}

/// A value as text: strings as they are, null as empty, anything else as JSON.
pub(super) fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn csv(headers: &[String], rows: &[Vec<String>]) -> String {
    let cell = |s: &String| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.clone()
        }
    };
    std::iter::once(headers)
        .chain(rows.iter().map(Vec::as_slice))
        .map(|r| r.iter().map(cell).collect::<Vec<_>>().join(","))
        .collect::<Vec<_>>()
        .join("\r\n")
}

fn html(headers: &[String], rows: &[Vec<String>]) -> String {
    let escape = |s: &String| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let mut out = String::from("<table><thead><tr>");
    for h in headers {
        out.push_str(&format!("<th>{}</th>", escape(h)));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for c in row {
            out.push_str(&format!("<td>{}</td>", escape(c)));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}
