//! "[Customize] Create or Get Details from Dynamics 365": the one flow an admin edits.

use super::names;
use crate::expr::{call, path, whole};
use crate::wdl::{object_schema, Action, Definition, Steps, Trigger};
use cosell_solution::flows::Flow;
use serde_json::{json, Value};

/// What the sync creates, each with the columns the admin adds: the Dataverse tables, and the
/// referral it creates in Partner Center.
pub const TABLES: [&str; 5] = ["account", "contact", "lead", "opportunity", "referral"];

/// Called before every create with the table and the row the sync is about to create; answers
/// the row with the organisation's mandatory columns added. The admin edits the Compose
/// "Organisation_columns" (by table); the generated flows only call this one.
pub fn customize() -> Flow {
    let columns: serde_json::Map<String, Value> = TABLES.iter().map(|t| ((*t).to_owned(), json!({}))).collect();
    let own = crate::expr::outputs("Organisation_columns");
    let added = call("coalesce", &[&format!("{own}?[triggerBody()?['table']]"), "json('{}')"]);
    let item = call("union", &[&call("coalesce", &[&path("triggerBody()", &["item"]), "json('{}')"]), &added]);
    let actions = Steps::new()
        .then("Organisation_columns", Action::Compose(Value::Object(columns)))
        .then("Answer_the_row", Action::Response { status: 200, body: json!({"item": whole(&item)}) });
    let schema = object_schema(
        &[
            ("table", "string", "What is created: account, contact, lead, opportunity, or referral."),
            ("item", "object", "The columns the sync is about to create the row with."),
        ],
        &["table", "item"],
    );
    Flow {
        name: names::CUSTOMIZE.to_owned(),
        description:
            "Edit this flow to fill your organisation's mandatory columns on create; upgrades keep your edits."
                .to_owned(),
        definition: Definition { trigger: Trigger::Button { schema }, actions }.to_value(),
        connections: Vec::new(),
        environment_variables: Vec::new(),
    }
}
