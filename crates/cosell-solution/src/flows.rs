//! Cloud flows as inputs of the solution (issue 11 adds the flows themselves). Each flow becomes
//! `Workflows/<Name>-<GUID>.json` plus a `<Workflow>` node, with a GUID derived from its name.

use crate::connectors::pretty;
use crate::env_vars::{VarType, ENV_VARS};
use crate::guid::Guid;
use crate::xml::{el, leaf, El};
use serde_json::{json, Map, Value};

/// A cloud flow to ship in the solution.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    /// The display name (also the source of its GUID: renaming a flow makes a new one).
    pub name: String,
    pub description: String,
    /// The workflow definition (`properties.definition`): triggers, actions, parameters.
    pub definition: Value,
    /// Connections its actions use: `host.connectionName` key → connection reference.
    pub connections: Vec<FlowConnection>,
    /// Schema names of the environment variables it reads as `@parameters('<Display> (<schema>)')`.
    pub environment_variables: Vec<String>,
}

/// One entry of a flow's `connectionReferences`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowConnection {
    /// The key actions name in `host.connectionName`, e.g. `shared_commondataserviceforapps`.
    pub key: String,
    /// The connection reference's logical name, e.g. `cosell_Dataverse`.
    pub reference: String,
    /// The connector's API name, e.g. `shared_commondataserviceforapps`.
    pub api: String,
}

impl Flow {
    pub fn id(&self) -> Guid {
        Guid::named(&format!("workflow:{}", self.name))
    }

    /// `Workflows/<Name without non-alphanumerics>-<GUID upper case>.json`, as exports name it.
    pub fn file_name(&self) -> String {
        let stem: String = self.name.chars().filter(char::is_ascii_alphanumeric).collect();
        format!("Workflows/{stem}-{}.json", self.id().upper())
    }

    /// The flow's JSON file (the `clientdata` column): connection references, then the definition
    /// with `$connections`, `$authentication` and one parameter per environment variable added.
    pub fn json(&self) -> Result<String, crate::Error> {
        let mut definition = self.definition.clone();
        let Some(object) = definition.as_object_mut() else {
            return Err(crate::Error::new(self.file_name(), "$.properties.definition: expected an object"));
        };
        let parameters = object.entry("parameters").or_insert_with(|| Value::Object(Map::new()));
        let Some(parameters) = parameters.as_object_mut() else {
            return Err(crate::Error::new(self.file_name(), "$.properties.definition.parameters: expected an object"));
        };
        parameters.entry("$connections").or_insert_with(|| json!({"defaultValue": {}, "type": "Object"}));
        parameters.entry("$authentication").or_insert_with(|| json!({"defaultValue": {}, "type": "SecureObject"}));
        let defaults = cosell_core::config::Config::default();
        for schema in &self.environment_variables {
            let var = ENV_VARS.iter().find(|v| v.schema == schema).ok_or_else(|| {
                crate::Error::new(self.file_name(), format!("environment variable {schema} is not in the solution"))
            })?;
            let kind = match var.kind {
                VarType::String => "String",
                VarType::Number => "Float",
                VarType::Boolean => "Bool",
                VarType::Json => "Object",
            };
            let default = match var.kind {
                VarType::Boolean => Value::Bool((var.default)(&defaults) == "yes"),
                _ => Value::String((var.default)(&defaults)),
            };
            parameters.entry(parameter_name(schema)).or_insert_with(|| {
                json!({"defaultValue": default, "type": kind, "metadata": {"schemaName": schema, "description": var.description}})
            });
        }
        let references: Map<String, Value> = self
            .connections
            .iter()
            .map(|c| {
                let entry = json!({
                    "runtimeSource": "embedded",
                    "connection": {"connectionReferenceLogicalName": c.reference},
                    "api": {"name": c.api}
                });
                (c.key.clone(), entry)
            })
            .collect();
        let document = json!({
            "properties": {"connectionReferences": references, "definition": definition, "templateName": ""},
            "schemaVersion": "1.0.0.0"
        });
        Ok(pretty(&document))
    }

    /// The `<Workflow>` node: a modern flow (category 5), shipped off (the connections must be
    /// bound first; UNCERTAIN whether import turns on a flow shipped on).
    pub fn node(&self, version: &str) -> El {
        el("Workflow")
            .attr("WorkflowId", self.id().braced())
            .attr("Name", self.name.as_str())
            .attr("Description", self.description.as_str())
            .child(leaf("JsonFileName", format!("/{}", self.file_name())))
            .children(
                [
                    ("Type", "1"),
                    ("Subprocess", "0"),
                    ("Category", "5"),
                    ("Mode", "0"),
                    ("Scope", "4"),
                    ("OnDemand", "0"),
                    ("TriggerOnCreate", "0"),
                    ("TriggerOnDelete", "0"),
                    ("AsyncAutodelete", "0"),
                    ("SyncWorkflowLogOnFailure", "0"),
                    ("StateCode", "0"),
                    ("StatusCode", "1"),
                    ("RunAs", "1"),
                    ("IsTransacted", "1"),
                ]
                .map(|(name, value)| leaf(name, value)),
            )
            .child(leaf("IntroducedVersion", version))
            .child(leaf("IsCustomizable", "1"))
            .child(leaf("PrimaryEntity", "none"))
            .labelled("LocalizedNames", "LocalizedName", &self.name)
            .labelled("Descriptions", "Description", &self.description)
    }
}

/// The definition parameter of an environment variable: `"<Display> (<schema>)"`.
pub fn parameter_name(schema: &str) -> String {
    let display = ENV_VARS.iter().find(|v| v.schema == schema).map_or(schema, |v| v.display);
    format!("{display} ({schema})")
}
