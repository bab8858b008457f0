//! The rules, grouped by what they look at. Each rule id is Microsoft's (connector.md §2.2–2.3).

mod api_properties;
mod document;
mod operations;
mod schema_rules;
mod strings;
mod webhooks;

use crate::finding::{Finding, Severity};
use crate::load::{Connector, API_DEFINITION, API_PROPERTIES};

/// Collects findings for one file.
pub struct Sink {
    file: &'static str,
    findings: Vec<Finding>,
}

impl Sink {
    fn new(file: &'static str) -> Self {
        Sink { file, findings: Vec::new() }
    }

    pub fn error(&mut self, rule: &'static str, pointer: &str, message: impl Into<String>) {
        self.push(rule, Severity::Error, pointer, message.into());
    }

    pub fn warning(&mut self, rule: &'static str, pointer: &str, message: impl Into<String>) {
        self.push(rule, Severity::Warning, pointer, message.into());
    }

    fn push(&mut self, rule: &'static str, severity: Severity, pointer: &str, message: String) {
        self.findings.push(Finding { rule, severity, file: self.file, pointer: pointer.to_owned(), message });
    }
}

/// Runs every rule on the connector.
pub fn run(connector: &Connector) -> Vec<Finding> {
    let doc = &connector.api_definition;
    let mut swagger = Sink::new(API_DEFINITION);
    document::check(doc, &mut swagger);
    operations::check(doc, &mut swagger);
    schema_rules::check(doc, &mut swagger);
    webhooks::check(doc, &mut swagger);
    strings::check(doc, &mut swagger);
    let mut properties = Sink::new(API_PROPERTIES);
    if let Some(props) = &connector.api_properties {
        api_properties::check(props, doc, &mut properties);
    }
    let mut findings = swagger.findings;
    findings.extend(properties.findings);
    findings
}
