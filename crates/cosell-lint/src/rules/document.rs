//! Root-level rules: version, host, metadata, security, MIME types, tags, title and description.

use super::Sink;
use crate::catalog::Rule;
use crate::pointer::join;
use serde_json::Value;
use std::collections::HashSet;

/// MIME types the validator accepts in `consumes`/`produces` (rule `MimeTypeNotValid`).
const MIME_TYPES: [&str; 4] =
    ["application/json", "text/plain", "multipart/form-data", "application/x-www-form-urlencoded"];

/// The categories certification accepts in `x-ms-connector-metadata` (§2.3).
const CATEGORIES: [&str; 19] = [
    "AI",
    "Business Management",
    "Business Intelligence",
    "Collaboration",
    "Commerce",
    "Communication",
    "Content and Files",
    "Finance",
    "Data",
    "Human Resources",
    "Internet of Things",
    "IT Operations",
    "Lifestyle and Entertainment",
    "Marketing",
    "Productivity",
    "Sales and CRM",
    "Security",
    "Social Media",
    "Website",
];

/// Words a connector title must not contain (certification §2.3), compared case-insensitively.
const TITLE_RESTRICTED: [&str; 10] = [
    "api",
    "connector",
    "power automate",
    "power apps",
    "powerapps",
    "logic apps",
    "microsoft flow",
    "power platform",
    "power bi",
    "copilot studio",
];

pub fn check(doc: &Value, properties: Option<&Value>, sink: &mut Sink) {
    version(doc, sink);
    host_and_base_path(doc, has_dynamic_host(properties), sink);
    mime_types(doc, "", sink);
    tags(doc, sink);
    security(doc, sink);
    info(doc, sink);
    connector_metadata(doc, sink);
}

fn version(doc: &Value, sink: &mut Sink) {
    if doc.get("swagger").and_then(Value::as_str) != Some("2.0") {
        sink.report(
            Rule::SpecificationVersionIncorrect,
            "/swagger",
            "The 'swagger' property must have the string value \"2.0\".",
        );
    }
}

/// apiProperties.json replaces the host per connection (`dynamichosturl`), so a placeholder
/// host in the swagger is never called.
fn has_dynamic_host(properties: Option<&Value>) -> bool {
    let policies = properties.and_then(|p| p.pointer("/properties/policyTemplateInstances")).and_then(Value::as_array);
    policies.into_iter().flatten().any(|p| p.get("templateId").and_then(Value::as_str) == Some("dynamichosturl"))
}

fn host_and_base_path(doc: &Value, dynamic_host: bool, sink: &mut Sink) {
    match doc.get("host").and_then(Value::as_str) {
        Some(host) if valid_host(host) || dynamic_host => {}
        Some(host) => {
            sink.report(Rule::HostNameNotValid, "/host", format!("The host '{host}' is not a valid host name."))
        }
        None => sink.report(Rule::HostNameNotValid, "/host", "The 'host' property is required."),
    }
    if let Some(base) = doc.get("basePath").and_then(Value::as_str) {
        if !base.starts_with('/') || base.contains(['?', '#', '{', '}']) {
            sink.report(Rule::BasePathNotValid, "/basePath", format!("The base path '{base}' must start with '/'."));
        }
    }
    if let Some(schemes) = doc.get("schemes").and_then(Value::as_array) {
        if schemes.is_empty() {
            sink.report(Rule::SchemesArrayEmpty, "/schemes", "The 'schemes' array must not be empty.");
        }
    }
}

/// `^[^{}/ :\\]+(?::\d+)?$`, the schema's host pattern.
fn valid_host(host: &str) -> bool {
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    };
    !name.is_empty()
        && !name.contains(['{', '}', '/', ' ', ':', '\\'])
        && port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// `MimeTypeNotValid`: a `consumes` list of the object at `base` (root or an operation) with no
/// type the designer can send. `produces` is what the API returns and is not judged.
pub fn mime_types(doc: &Value, base: &str, sink: &mut Sink) {
    let Some(obj) = (if base.is_empty() { Some(doc) } else { doc.pointer(base) }) else { return };
    let Some(list) = obj.get("consumes").and_then(Value::as_array).filter(|l| !l.is_empty()) else { return };
    let supported = |mime: &Value| {
        let essence = mime.as_str().unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        MIME_TYPES.contains(&essence.as_str())
    };
    if !list.iter().any(supported) {
        let listed: Vec<String> = list.iter().map(Value::to_string).collect();
        sink.report(
            Rule::MimeTypeNotValid,
            &join(base, "consumes"),
            format!("None of {} can be sent by the designer; add one of {}.", listed.join(", "), MIME_TYPES.join(", ")),
        );
    }
}

fn tags(doc: &Value, sink: &mut Sink) {
    let mut seen = HashSet::new();
    for (i, tag) in doc.get("tags").and_then(Value::as_array).into_iter().flatten().enumerate() {
        if let Some(name) = tag.get("name").and_then(Value::as_str) {
            if !seen.insert(name) {
                sink.report(
                    Rule::TagRedefined,
                    &format!("/tags/{i}"),
                    format!("The tag '{name}' is defined more than once."),
                );
            }
        }
    }
}

fn security(doc: &Value, sink: &mut Sink) {
    let definitions = doc.get("securityDefinitions").and_then(Value::as_object);
    let mut requirements: Vec<(String, &Value)> = Vec::new();
    if let Some(list) = doc.get("security") {
        requirements.push(("/security".into(), list));
    }
    for op in crate::walk::operations(doc) {
        if let Some(list) = op.op.get("security") {
            requirements.push((join(&op.pointer, "security"), list));
        }
    }
    for (base, list) in requirements {
        for (i, requirement) in list.as_array().into_iter().flatten().enumerate() {
            let Some(requirement) = requirement.as_object() else { continue };
            for (name, scopes) in requirement {
                let pointer = join(&join(&base, &i.to_string()), name);
                let Some(definition) = definitions.and_then(|d| d.get(name)) else {
                    sink.report(
                        Rule::SecurityRequirementMustBeDefined,
                        &pointer,
                        format!("The security requirement '{name}' is not defined in 'securityDefinitions'."),
                    );
                    continue;
                };
                let Some(scopes) = scopes.as_array() else {
                    sink.report(
                        Rule::SecurityRequirementMustHaveValue,
                        &pointer,
                        "A security requirement must be an array; provide an empty array if no OAuth scopes are required.",
                    );
                    continue;
                };
                let is_oauth = definition.get("type").and_then(Value::as_str) == Some("oauth2");
                if !is_oauth && !scopes.is_empty() {
                    sink.report(
                        Rule::SecurityRequirementMustHaveEmptyValue,
                        &pointer,
                        format!("The non-OAuth security requirement '{name}' must have an empty array."),
                    );
                }
                let declared = definition.get("scopes").and_then(Value::as_object);
                for scope in scopes.iter().filter(|_| is_oauth) {
                    let known = scope.as_str().is_some_and(|s| declared.is_some_and(|d| d.contains_key(s)));
                    // Teams-Spirit requests an `api://…` scope it does not declare: a warning.
                    if !known {
                        sink.report(
                            Rule::OAuthSecurityRequirementValueMustBeScopeName,
                            &pointer,
                            format!("The scope {scope} is not declared in the scopes of '{name}'."),
                        );
                    }
                }
            }
        }
    }
}

fn info(doc: &Value, sink: &mut Sink) {
    let Some(info) = doc.get("info") else { return };
    match info.get("title").and_then(Value::as_str) {
        Some(title) => {
            if title.chars().count() > 30 {
                sink.report(
                    Rule::FieldLengthExceeded,
                    "/info/title",
                    "The connector title must be 30 characters or shorter.",
                );
            }
            let lower = title.to_lowercase();
            let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).collect();
            for restricted in TITLE_RESTRICTED {
                let hit =
                    if restricted.contains(' ') { lower.contains(restricted) } else { words.contains(&restricted) };
                if hit {
                    sink.report(
                        Rule::ValueContainsRestrictedWords,
                        "/info/title",
                        format!("The connector title must not contain '{restricted}'."),
                    );
                }
            }
            if !title.chars().last().is_some_and(char::is_alphanumeric) {
                sink.report(
                    Rule::ValueMustEndWithAlphanumeric,
                    "/info/title",
                    "The 'title' value must end with an alphanumeric character.",
                );
            }
        }
        None => sink.report(Rule::RequiredValueEmpty, "/info/title", "The connector title is required."),
    }
    match info.get("description").and_then(Value::as_str) {
        Some(description) => {
            let length = description.chars().count();
            if !(30..=500).contains(&length) {
                sink.report(
                    Rule::FieldLengthNotInRange,
                    "/info/description",
                    format!("The connector description must be 30 to 500 characters long (it is {length})."),
                );
            }
        }
        None => sink.report(
            Rule::FieldLengthNotInRange,
            "/info/description",
            "The connector description is missing (paconn also fails without it); write 30 to 500 characters.",
        ),
    }
    if let Some(email) = info.pointer("/contact/email").and_then(Value::as_str) {
        if !valid_email(email) {
            sink.report(
                Rule::ContactEmailNotValid,
                "/info/contact/email",
                format!("'{email}' is not a valid email address."),
            );
        }
    }
}

fn valid_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !email.contains(char::is_whitespace) && !domain.contains('@')
        }
        None => false,
    }
}

fn connector_metadata(doc: &Value, sink: &mut Sink) {
    let entries = doc.get("x-ms-connector-metadata").and_then(Value::as_array);
    let value_of = |name: &str| {
        entries.into_iter().flatten().enumerate().find_map(|(i, e)| {
            (e.get("propertyName").and_then(Value::as_str) == Some(name))
                .then(|| (i, e.get("propertyValue").and_then(Value::as_str).unwrap_or("")))
        })
    };
    for name in ["Website", "Privacy policy", "Categories"] {
        match value_of(name) {
            None => sink.report(
                Rule::ConnectorMetadataPropertiesMissing,
                "/x-ms-connector-metadata",
                format!("The connector metadata property '{name}' is required."),
            ),
            Some((i, value))
                if name != "Categories" && !value.starts_with("https://") && !value.starts_with("http://") =>
            {
                sink.report(
                    Rule::UrlNotValid,
                    &format!("/x-ms-connector-metadata/{i}/propertyValue"),
                    format!("The '{name}' value '{value}' is not a valid URL."),
                );
            }
            Some(_) => {}
        }
    }
    if let Some((i, value)) = value_of("Categories") {
        let pointer = format!("/x-ms-connector-metadata/{i}/propertyValue");
        let categories: Vec<&str> = value.split(';').map(str::trim).filter(|c| !c.is_empty()).collect();
        if categories.len() > 2 {
            sink.report(Rule::TooManyConnectorCategories, &pointer, "A connector may have at most 2 categories.");
        }
        for category in categories {
            if !CATEGORIES.iter().any(|c| c.eq_ignore_ascii_case(category)) {
                sink.report(
                    Rule::InvalidConnectorCategory,
                    &pointer,
                    format!("'{category}' is not a valid connector category."),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn host_pattern() {
        assert!(super::valid_host("api.partner.microsoft.com"));
        assert!(super::valid_host("localhost:8080"));
        assert!(!super::valid_host("api.example.com/v1"));
        assert!(!super::valid_host("{tenant}.example.com"));
        assert!(!super::valid_host("host:"));
    }
}
