//! Microsoft's certified connectors passed the hosted validator: the linter must find no error
//! in any of them, with and without the vendored schemas.

mod support;

use cosell_lint::{lint_dir, Severity, VendoredSchemas};

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
    for dir in &folders {
        let report = lint_dir(dir, schemas.as_ref()).unwrap();
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
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn the_schemas_still_catch_what_they_should() {
    let Some(dir) = support::vendor("powerplatform-schemas") else { return };
    let schemas = VendoredSchemas::load(&dir).unwrap();
    let clean = support::fixture("clean");
    let report = lint_dir(&clean, Some(&schemas)).unwrap();
    assert!(report.findings.is_empty(), "{}", report.to_text());
    // An x-ms extension the schema does not list at that position is still an error...
    let bad = support::patched_connector(
        "schema-unknown-extension",
        &serde_json::json!({"info": {"x-ms-made-up": true}, "paths": {"/tasks": {"get": {"x-ms-keywords": ["a"]}}}}),
        &serde_json::json!({}),
    );
    let report = lint_dir(&bad, Some(&schemas)).unwrap();
    let hits = report.of_rule("SchemaViolation");
    assert_eq!(hits.len(), 1, "{}", report.to_text());
    assert_eq!(hits[0].pointer, "/info");
    // ...and a stale apiProperties enum no longer rejects GlobalPerConnector (the clean fixture uses it).
}
