//! The rules, grouped by what they look at. Rule ids, severities and sources live in
//! [`crate::catalog`]; a rule here only decides *where* something is wrong and says why.

mod api_properties;
mod document;
mod operations;
mod schema_rules;
mod strings;
mod webhooks;

use crate::catalog::Rule;
use crate::finding::Finding;
use crate::load::{Connector, API_DEFINITION, API_PROPERTIES};

/// Collects findings for one file.
pub struct Sink {
    file: &'static str,
    findings: Vec<Finding>,
}

impl Sink {
    pub(crate) fn new(file: &'static str) -> Self {
        Sink { file, findings: Vec::new() }
    }

    /// Records a finding of `rule` (its severity comes from the catalogue).
    pub fn report(&mut self, rule: Rule, pointer: &str, message: impl Into<String>) {
        self.findings.push(Finding::new(rule, self.file, pointer, message.into()));
    }
}

/// Runs every rule on the connector.
pub fn run(connector: &Connector) -> Vec<Finding> {
    let doc = &connector.api_definition;
    let mut swagger = Sink::new(API_DEFINITION);
    document::check(doc, connector.api_properties.as_ref(), &mut swagger);
    operations::check(doc, &mut swagger);
    schema_rules::check(doc, &mut swagger);
    webhooks::check(doc, &mut swagger);
    strings::check(doc, &mut swagger);
    crate::structure::check(doc, &mut swagger);
    let mut properties = Sink::new(API_PROPERTIES);
    if let Some(props) = &connector.api_properties {
        api_properties::check(props, doc, &mut properties);
    }
    let mut findings = swagger.findings;
    findings.extend(properties.findings);
    for (file, what) in &connector.not_strict {
        findings.push(Finding::new(Rule::JsonNotStrict, file, "", format!("Not strict JSON: {what}.")));
    }
    findings
}
