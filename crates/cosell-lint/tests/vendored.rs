//! Microsoft's certified connectors passed the hosted validator: the linter must find no error
//! in any of them, with and without the vendored schemas.

mod support;

use cosell_lint::{lint_dir, lint_dir_with, Options, Severity, VendoredSchemas};
use serde_json::json;
use std::collections::BTreeMap;

#[test]
fn certified_connectors_have_no_errors() {
    let Some(connectors) = support::vendor("powerplatform-connectors") else { return };
    let schemas = support::vendor("powerplatform-schemas").map(|dir| VendoredSchemas::load(&dir).unwrap());
    let mut folders: Vec<_> = std::fs::read_dir(&connectors)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("apiDefinition.swagger.json").is_file())
        .collect();
    folders.sort();
    assert_eq!(folders.len(), 7, "expected the 7 vendored connectors");
    let mut errors = Vec::new();
    let mut per_rule: BTreeMap<(Severity, &str), usize> = BTreeMap::new();
    for dir in &folders {
        let report = lint_dir(dir, schemas.as_ref()).unwrap();
        for f in &report.findings {
            *per_rule.entry((f.severity, f.rule)).or_default() += 1;
        }
        println!(
            "{}: {} error(s), {} warning(s)",
            dir.file_name().unwrap().to_string_lossy(),
            report.count(Severity::Error),
            report.count(Severity::Warning)
        );
        errors.extend(
            report.findings.iter().filter(|f| f.severity == Severity::Error).map(|f| format!("{}: {f}", dir.display())),
        );
    }
    for ((severity, rule), n) in &per_rule {
        println!("  {severity} {rule}: {n}");
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn the_schemas_add_only_what_the_built_in_rules_do_not_explain() {
    let Some(dir) = support::vendor("powerplatform-schemas") else { return };
    let schemas = VendoredSchemas::load(&dir).unwrap();
    let with_schemas = Options { schemas: Some(&schemas), info: true };
    let clean = support::fixture("clean");
    let report = lint_dir_with(&clean, &with_schemas).unwrap();
    assert!(report.findings.is_empty(), "{}", report.to_text());
    // An x-ms extension the schema does not list: the built-in finding, not a second one from the schema.
    let bad = support::patched_connector(
        "schema-unknown-extension",
        &json!({"info": {"x-ms-made-up": true}, "paths": {"/tasks": {"get": {"x-ms-keywords": ["a"]}}}}),
        &json!({}),
    );
    let report = lint_dir_with(&bad, &with_schemas).unwrap();
    assert!(report.of_rule("SchemaViolation").is_empty(), "{}", report.to_text());
    let hits = report.of_rule("ExtensionNotRecognized");
    assert_eq!(hits.len(), 1, "{}", report.to_text());
    assert_eq!(hits[0].pointer, "/info/x-ms-made-up");
    // What only the schema knows is a warning, located at the cause, with a readable `oneOf` message.
    let only_schema = support::patched_connector(
        "schema-only",
        &json!({"paths": {"/tasks": {"get": {"parameters": [{"name": "q", "in": "query", "type": "string",
            "required": "yes", "x-ms-summary": "Query", "description": "A query."}]}}}}),
        &json!({}),
    );
    let report = lint_dir_with(&only_schema, &with_schemas).unwrap();
    let hits = report.of_rule("SchemaViolation");
    assert_eq!(hits.len(), 1, "{}", report.to_text());
    assert_eq!(hits[0].severity, Severity::Warning);
    assert_eq!(hits[0].pointer, "/paths/~1tasks/get/parameters/0/required");
    assert!(!hits[0].message.contains('{') && hits[0].message.contains("boolean"), "{}", hits[0].message);
    assert!(!report.has_errors());
}
