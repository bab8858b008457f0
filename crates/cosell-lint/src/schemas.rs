//! Microsoft's published connector JSON schemas as an optional extra pass.
//!
//! The schemas are dated 2020 and stricter than the live validator (vendor README): every
//! connector Microsoft accepted fails them somewhere. So their findings are warnings
//! (`SchemaViolation`), never errors; a failure a built-in rule already reports at the same spot
//! is dropped ([`not_explained_by`]); a failed `oneOf` is explained by its closest branch, not by
//! dumping the object. [`overlay`] relaxes the documented stale parts (newer `x-ms-*`
//! extensions, `GlobalPerConnector`, `enableOnbehalfOfLogin`, `connectionParameterSets`,
//! `scriptOperations`, settings `script`).

use crate::catalog::Rule;
use crate::finding::Finding;
use crate::load::{parse_json, Connector, InputError, API_DEFINITION, API_PROPERTIES};
use jsonschema::error::ValidationErrorKind;
use jsonschema::ValidationError;
use serde_json::{json, Value};
use std::path::Path;

/// The settings file paconn and `pac connector` read.
pub const SETTINGS: &str = "settings.json";

/// The three compiled schemas.
pub struct VendoredSchemas {
    swagger: jsonschema::Validator,
    api_properties: jsonschema::Validator,
    settings: jsonschema::Validator,
}

impl VendoredSchemas {
    /// Loads and compiles the schemas from `dir` (`shared/vendor/powerplatform-schemas`).
    pub fn load(dir: &Path) -> Result<Self, InputError> {
        let read = |name: &str| -> Result<Value, InputError> {
            let path = dir.join(name);
            let text = std::fs::read_to_string(&path).map_err(|e| InputError {
                file: path.clone(),
                location: None,
                message: format!("cannot read: {e}"),
            })?;
            parse_json(&path, &strip_line_comments(&text))
        };
        let compile = |name: &str, draft: jsonschema::Draft, mut schema: Value| {
            overlay(name, &mut schema);
            jsonschema::options().with_draft(draft).build(&schema).map_err(|e| InputError {
                file: dir.join(name),
                location: None,
                message: format!("cannot compile the schema: {e}"),
            })
        };
        let swagger_name = "apiDefinition.swagger.schema.json";
        let properties_name = "paconn-apiProperties.schema.json";
        let settings_name = "paconn-settings.schema.json";
        Ok(VendoredSchemas {
            swagger: compile(swagger_name, jsonschema::Draft::Draft4, read(swagger_name)?)?,
            api_properties: compile(properties_name, jsonschema::Draft::Draft7, read(properties_name)?)?,
            settings: compile(settings_name, jsonschema::Draft::Draft7, read(settings_name)?)?,
        })
    }

    /// Schema findings for the connector's files (settings.json only when present).
    pub fn validate(&self, connector: &Connector) -> Vec<Finding> {
        let mut out = findings(&self.swagger, &connector.api_definition, API_DEFINITION);
        if let Some(props) = &connector.api_properties {
            out.extend(findings(&self.api_properties, props, API_PROPERTIES));
        }
        let settings_path = connector.dir.join(SETTINGS);
        if let Ok(settings) = crate::load::read_json(&settings_path) {
            out.extend(findings(&self.settings, &settings, SETTINGS));
        }
        out
    }

    /// Validates one document against the swagger schema (for generator tests).
    pub fn swagger_errors(&self, doc: &Value) -> Vec<Finding> {
        findings(&self.swagger, doc, API_DEFINITION)
    }
}

fn findings(validator: &jsonschema::Validator, doc: &Value, file: &'static str) -> Vec<Finding> {
    let mut out = Vec::new();
    for error in validator.iter_errors(doc) {
        explain(&error, file, &mut out);
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|f| seen.insert((f.pointer.clone(), f.message.clone())));
    out
}

/// One finding per cause: additional properties one per key, a failed `oneOf`/`anyOf` by the
/// errors of its closest branch.
fn explain(error: &ValidationError<'_>, file: &'static str, out: &mut Vec<Finding>) {
    let pointer = error.instance_path().to_string();
    match error.kind() {
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            match context.iter().min_by_key(|branch| branch.iter().map(cost).sum::<usize>()) {
                Some(branch) if !branch.is_empty() => branch.iter().for_each(|e| explain(e, file, out)),
                _ => out.push(schema_finding(file, &pointer, "matches none of the alternatives".into())),
            }
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            for key in unexpected {
                let at = crate::pointer::join(&pointer, key);
                out.push(schema_finding(file, &at, format!("'{key}' is not allowed here")));
            }
        }
        ValidationErrorKind::Not { .. } => {
            out.push(schema_finding(file, &pointer, "has a form the schema explicitly forbids here".into()))
        }
        _ => {
            let text = if error.instance().is_object() || error.instance().is_array() {
                error.masked_with("the value").to_string()
            } else {
                error.to_string()
            };
            out.push(schema_finding(file, &pointer, text));
        }
    }
}

/// Keys whose value picks the alternative (parameter `in`, schema `type`, OAuth `flow`, …): a
/// branch that rejects one of them is the wrong alternative, not a near fit.
const DISCRIMINATORS: [&str; 4] = ["in", "type", "flow", "identityProvider"];

/// How far an error is from a fit: the number of leaf errors under its best alternative, with a
/// rejected discriminator counting as far away.
fn cost(error: &ValidationError<'_>) -> usize {
    match error.kind() {
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            context.iter().map(|branch| branch.iter().map(cost).sum::<usize>()).min().unwrap_or(1)
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => unexpected.len(),
        ValidationErrorKind::Enum { .. } | ValidationErrorKind::Constant { .. } => {
            let path = error.instance_path().to_string();
            let last = path.rsplit('/').next().unwrap_or("");
            if DISCRIMINATORS.contains(&last) {
                100
            } else {
                1
            }
        }
        _ => 1,
    }
}

fn schema_finding(file: &'static str, pointer: &str, text: String) -> Finding {
    Finding::new(Rule::SchemaViolation, file, pointer, format!("{text} (Microsoft's 2020 JSON schema)"))
}

/// The schema findings no built-in finding already reports at the same file and pointer.
pub fn not_explained_by(raw: Vec<Finding>, built_in: &[Finding]) -> Vec<Finding> {
    let spots: std::collections::HashSet<(&str, &str)> =
        built_in.iter().map(|b| (b.file, b.pointer.as_str())).collect();
    raw.into_iter().filter(|s| !spots.contains(&(s.file, s.pointer.as_str()))).collect()
}

/// Removes `//` comments outside strings (two of the files are JSONC).
pub fn strip_line_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let (mut in_string, mut escaped) = (false, false);
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if c == '/' && chars.peek() == Some(&'/') {
            for rest in chars.by_ref() {
                if rest == '\n' {
                    out.push('\n');
                    break;
                }
            }
        } else {
            if c == '"' {
                in_string = true;
            }
            out.push(c);
        }
    }
    out
}

/// Relaxes the documented stale parts of the schemas (see the module docs).
pub fn overlay(name: &str, schema: &mut Value) {
    encode_refs(schema);
    match name {
        "apiDefinition.swagger.schema.json" => allow_newer_extensions(schema),
        "paconn-apiProperties.schema.json" => {
            if let Some(Value::Array(modes)) =
                schema.pointer_mut("/definitions/oAuthSettings/properties/redirectMode/enum")
            {
                modes.push(json!("GlobalPerConnector"));
            }
            if let Some(Value::Array(variants)) = schema.pointer_mut("/definitions/oAuthSettings/oneOf") {
                for variant in variants {
                    let provider = variant.pointer("/properties/identityProvider/enum/0").cloned();
                    let extra = match provider.as_ref().and_then(Value::as_str) {
                        Some("aad") => "enableOnbehalfOfLogin",
                        // Certified first-party connectors (ACS SMS Events) send a tenant and no `properties`.
                        Some("aadcertificate") => {
                            if let Some(Value::Array(required)) = variant.pointer_mut("/required") {
                                required.retain(|r| r != "properties");
                            }
                            "tenantId"
                        }
                        _ => continue,
                    };
                    if let Some(Value::Object(custom)) = variant.pointer_mut("/properties/customParameters/properties")
                    {
                        custom.insert(extra.into(), json!({}));
                    }
                }
            }
            if let Some(Value::Object(props)) = schema.pointer_mut("/properties/properties/properties") {
                props.insert("connectionParameterSets".into(), json!({ "type": "object" }));
                props.insert("scriptOperations".into(), json!({ "type": "array", "items": { "type": "string" } }));
            }
        }
        "paconn-settings.schema.json" => {
            if let Some(Value::Object(props)) = schema.pointer_mut("/properties") {
                props.insert("script".into(), json!({ "type": "string" }));
            }
        }
        _ => {}
    }
}

/// Definition names such as `x-ms-api-annotation<info>` are not valid URI fragments:
/// percent-encode them in every `$ref` (the validator decodes fragments when resolving).
fn encode_refs(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref") {
                *r = r.replace('<', "%3C").replace('>', "%3E");
            }
            map.values_mut().for_each(encode_refs);
        }
        Value::Array(items) => items.iter_mut().for_each(encode_refs),
        _ => {}
    }
}

/// Every `"^x-(?!ms-)"` pattern also admits the newer extensions.
fn allow_newer_extensions(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(patterns)) = map.get_mut("patternProperties") {
                if let Some(open) = patterns.remove("^x-(?!ms-)") {
                    let newer: Vec<&str> =
                        crate::structure::NEWER_EXTENSIONS.iter().filter_map(|e| e.strip_prefix("x-ms-")).collect();
                    patterns.insert(format!("^x-(?!ms-)|^x-ms-({})$", newer.join("|")), open);
                }
            }
            map.values_mut().for_each(allow_newer_extensions);
        }
        Value::Array(items) => items.iter_mut().for_each(allow_newer_extensions),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn strips_comments_but_not_urls_in_strings() {
        let text = "{\"a\": \"http://x\", // note\n\"b\": 1}";
        let parsed: serde_json::Value = serde_json::from_str(&super::strip_line_comments(text)).unwrap();
        assert_eq!(parsed["a"], "http://x");
        assert_eq!(parsed["b"], 1);
    }
}
