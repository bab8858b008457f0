//! The checker: no error on our package or on a hand-made export in Microsoft's format; every
//! rule fires on a package broken in the way it checks.

mod common;

use common::{package, root};
use cosell_solution::check::load::{from_zip, Files};
use cosell_solution::check::rules::RULES;
use cosell_solution::check::{check, load, Options, Severity};
use std::path::PathBuf;

/// Our package, unzipped (built once: building is the slow part of these tests).
fn ours() -> Files {
    static OURS: std::sync::OnceLock<Files> = std::sync::OnceLock::new();
    OURS.get_or_init(|| from_zip(&package().zip().unwrap()).unwrap()).clone()
}

fn fixture() -> Files {
    load(&root().join("crates/cosell-solution/tests/fixtures/microsoft-export")).unwrap()
}

fn schemas() -> Option<PathBuf> {
    let dir = root().join("../shared/vendor/dataverse-schemas");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("notice: {} is absent; the XSD pass is not tested", dir.display());
        None
    }
}

fn xmllint() -> bool {
    let present = std::process::Command::new("xmllint").arg("--version").output().is_ok();
    if !present {
        println!("notice: xmllint is absent (apt-get install libxml2-utils); the XSD pass is not tested");
    }
    present
}

fn edit(files: &Files, path: &str, from: &str, to: &str) -> Files {
    let mut out = files.clone();
    let entry = out.entries.iter_mut().find(|(p, _)| p == path).unwrap_or_else(|| panic!("{path}"));
    let text = String::from_utf8(entry.1.clone()).unwrap();
    assert!(text.contains(from), "{from:?} not in {path}");
    entry.1 = text.replacen(from, to, 1).into_bytes();
    out
}

fn remove(files: &Files, prefix: &str) -> Files {
    let mut out = files.clone();
    out.entries.retain(|(p, _)| !p.starts_with(prefix));
    out
}

fn add(files: &Files, path: &str, bytes: &[u8]) -> Files {
    let mut out = files.clone();
    out.entries.push((path.to_owned(), bytes.to_vec()));
    out
}

fn path_of(files: &Files, prefix: &str) -> String {
    files.entries.iter().find(|(p, _)| p.starts_with(prefix)).unwrap().0.clone()
}

#[test]
fn our_package_and_a_microsoft_shaped_export_have_no_findings() {
    for (name, files) in [("ours", ours()), ("microsoft-export", fixture())] {
        let report = check(&files, &Options::default());
        assert!(report.findings.is_empty(), "{name}:\n{}", report.to_text());
        assert_eq!(report.notices, ["XSD validation skipped: no schema folder"]);
    }
}

#[test]
fn the_xsd_pass_finds_nothing_on_either_and_reports_a_broken_node() {
    let (Some(dir), true) = (schemas(), xmllint()) else { return };
    let options = Options { schemas: Some(dir) };
    for (name, files) in [("ours", ours()), ("microsoft-export", fixture())] {
        let report = check(&files, &options);
        assert!(
            report.findings.is_empty() && report.notices.is_empty(),
            "{name}:\n{}{:?}",
            report.to_text(),
            report.notices
        );
    }
    let broken = edit(
        &ours(),
        "customizations.xml",
        "<IsAuditEnabled>1</IsAuditEnabled>",
        "<IsAuditEnabled>yes</IsAuditEnabled>",
    );
    let report = check(&broken, &options);
    let xsd = report.of_rule("xsd");
    assert_eq!(xsd.len(), 1, "{}", report.to_text());
    assert_eq!(
        xsd[0].path,
        "/ImportExportXml/Entities[1]/Entity[1]/EntityInfo[1]/entity[1]/attributes[1]/attribute[1]/IsAuditEnabled[1]"
    );
    assert!(xsd[0].message.contains("'yes'"));
    // A modern node is checked against the overlay.
    let broken = edit(&ours(), "customizations.xml", "<statuscode>1</statuscode>", "<statuscode>one</statuscode>");
    let report = check(&broken, &options);
    assert_eq!(
        report.of_rule("xsd")[0].path,
        "/ImportExportXml/connectionreferences[1]/connectionreference[1]/statuscode[1]"
    );
    // As are environment variable definition files.
    let var = "environmentvariabledefinitions/cosell_DisplayCheckMark/environmentvariabledefinition.xml";
    let report = check(&edit(&ours(), var, "<type>100000002</type>", "<type>yes</type>"), &options);
    assert_eq!(report.of_rule("xsd")[0].file, var);
}

#[test]
fn a_missing_schema_folder_is_a_notice() {
    let report = check(&ours(), &Options { schemas: Some(PathBuf::from("/nonexistent")) });
    assert!(report.notices[0].contains("CustomizationsSolution.xsd not found"));
    assert!(!report.has_errors());
}

#[test]
fn overlay_declares_every_node_it_takes_over() {
    use cosell_solution::check::xsd::{MODERN_NODES, OVERLAY};
    for (_, element) in MODERN_NODES {
        assert!(
            OVERLAY.contains(&format!("<xs:element name=\"{element}\">"))
                || OVERLAY.contains(&format!("<xs:element name=\"{element}\" type=")),
            "{element}"
        );
    }
}

/// One broken package per rule: (rule, the package, a fragment of the message).
fn broken_packages() -> Vec<(&'static str, Files, &'static str)> {
    let ours = ours();
    let web = path_of(&ours, "WebResources/cosell_opportunityjs");
    let var = "environmentvariabledefinitions/cosell_DisplayCheckMark/environmentvariabledefinition.xml";
    let fx = fixture();
    let flow = path_of(&fx, "Workflows/");
    vec![
        ("root-entries", remove(&ours, "solution.xml"), "solution.xml is missing"),
        ("xml-well-formed", edit(&ours, "customizations.xml", "</ImportExportXml>", ""), "not closed"),
        ("json-well-formed", edit(&fx, &flow, "{", "{,"), "line 1"),
        ("content-types", edit(&ours, "[Content_Types].xml", "Extension=\"json\"", "Extension=\"txt\""), ".json"),
        ("solution-manifest", edit(&ours, "solution.xml", "<Managed>0</Managed>", "<Managed>3</Managed>"), "Managed"),
        ("solution-manifest", edit(&ours, "solution.xml", "<Version>", "<Version>v"), "version"),
        (
            "solution-manifest",
            edit(&ours, "solution.xml", "<CustomizationOptionValuePrefix>10000", "<CustomizationOptionValuePrefix>9"),
            "10000 to 99999",
        ),
        (
            "root-component",
            edit(&ours, "solution.xml", "schemaName=\"cosell_/readiness.html\"", "schemaName=\"cosell_/gone.html\""),
            "cosell_/gone.html",
        ),
        (
            "root-component",
            edit(&ours, "solution.xml", "schemaName=\"cosell_partnercentersolution\"", "schemaName=\"cosell_gone\""),
            "table cosell_gone",
        ),
        ("root-component", remove(&ours, var), "cosell_displaycheckmark"),
        ("file-reference", remove(&ours, &web), "is not in the package"),
        ("unreferenced-entry", add(&ours, "WebResources/stray.js", b"x"), "no node"),
        ("guid-format", edit(&ours, "customizations.xml", "<formid>{", "<formid>{x"), "is not a GUID"),
        (
            "control-column",
            edit(&ours, "customizations.xml", "datafieldname=\"cosell_audit\"", "datafieldname=\"cosell_auditt\""),
            "cosell_auditt",
        ),
        (
            "subgrid-relationship",
            edit(&ours, "customizations.xml", "<RelationshipName>cosell_opportunity_", "<RelationshipName>cosell_x_"),
            "not in the package",
        ),
        (
            "subgrid-relationship",
            edit(
                &ours,
                "customizations.xml",
                "<TargetEntityType>cosell_partnercentersolution",
                "<TargetEntityType>cosell_solutiondetail",
            ),
            "leads to",
        ),
        (
            "subgrid-relationship",
            edit(
                &ours,
                "customizations.xml",
                "<TargetEntityType>cosell_partnercentersolution",
                "<TargetEntityType>cosell_nothing",
            ),
            "not in the package",
        ),
        ("subgrid-relationship", edit(&ours, "customizations.xml", "<ViewId>{", "<ViewId>{0"), "not a view"),
        (
            "web-resource-reference",
            edit(&ours, "customizations.xml", "<Url>cosell_/readiness.html", "<Url>cosell_/other.html"),
            "web resource control",
        ),
        (
            "web-resource-reference",
            edit(
                &ours,
                "customizations.xml",
                "<Library name=\"cosell_/opportunity.js\"",
                "<Library name=\"cosell_/x.js\"",
            ),
            "form library",
        ),
        (
            "web-resource-reference",
            edit(
                &ours,
                "customizations.xml",
                "&lt;Library name=\"cosell_/opportunity.js\"",
                "&lt;Library name=\"cosell_/y.js\"",
            ),
            "dependency",
        ),
        (
            "handler-library",
            edit(&ours, "customizations.xml", "libraryName=\"cosell_/opportunity.js\"", "libraryName=\"cosell_/z.js\""),
            "formLibraries",
        ),
        (
            "environment-variable",
            edit(&ours, var, "schemaname=\"cosell_DisplayCheckMark\"", "schemaname=\"cosell_Other\""),
            "folder",
        ),
        ("environment-variable", edit(&ours, var, "<type>100000002</type>", "<type>7</type>"), "type"),
        (
            "flow-connection",
            edit(
                &fx,
                "customizations.xml",
                "connectionreferencelogicalname=\"contoso_Dataverse\"",
                "connectionreferencelogicalname=\"contoso_Other\"",
            ),
            "contoso_Dataverse",
        ),
        (
            "flow-connection",
            edit(
                &fx,
                &flow,
                "\"connectionName\": \"shared_commondataserviceforapps\"",
                "\"connectionName\": \"shared_nope\"",
            ),
            "shared_nope",
        ),
        (
            "flow-parameter",
            edit(&fx, &flow, "@parameters('API host (contoso_ApiHost)')", "@parameters('API host')"),
            "API host",
        ),
        ("flow-parameter", remove(&fx, "environmentvariabledefinitions/"), "contoso_ApiHost"),
        (
            "flow-child-flow",
            edit(
                &fx,
                &flow,
                "\"runAfter\": {},",
                "\"runAfter\": {}, \"host\": {\"workflowReferenceName\": \"9e1f0000-0000-4000-8000-000000000000\"},",
            ),
            "9e1f0000",
        ),
        (
            "option-value-prefix",
            edit(&ours, "customizations.xml", "<option value=\"100000000\"", "<option value=\"5\""),
            "outside",
        ),
    ]
}

#[test]
fn every_rule_fires_on_a_package_broken_its_way() {
    for (rule, files, fragment) in broken_packages() {
        let report = check(&files, &Options::default());
        let hits = report.of_rule(rule);
        assert!(!hits.is_empty(), "{rule} ({fragment}) did not fire:\n{}", report.to_text());
        assert!(
            hits.iter().any(|f| f.message.contains(fragment) || f.path.contains(fragment)),
            "{rule}: no {fragment:?} in\n{}",
            report.to_text()
        );
        let severity = RULES.iter().find(|r| r.0 == rule).unwrap().1;
        assert!(hits.iter().all(|f| f.severity == severity));
        if severity == Severity::Error {
            assert!(report.has_errors());
        }
    }
    let tested: Vec<&str> = broken_packages().iter().map(|b| b.0).collect();
    for (rule, ..) in RULES {
        assert!(tested.contains(&rule), "rule {rule} has no broken package in this test");
    }
}

#[test]
fn a_folder_and_its_zip_check_the_same() {
    let dir = root().join("crates/cosell-solution/tests/fixtures/microsoft-export");
    let folder = load(&dir).unwrap();
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (path, bytes) in &folder.entries {
        writer.start_file(path.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut writer, bytes).unwrap();
    }
    let zipped = from_zip(&writer.finish().unwrap().into_inner()).unwrap();
    assert_eq!(check(&zipped, &Options::default()), check(&folder, &Options::default()));
}

#[test]
fn unreadable_input_is_a_load_error_naming_the_file() {
    let e = load(&root().join("Cargo.toml")).unwrap_err();
    assert!(e.file.ends_with("Cargo.toml") && e.message.contains("not a zip"), "{e}");
    let e = load(&root().join("no-such.zip")).unwrap_err();
    assert!(e.message.contains("cannot read"), "{e}");
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Any bytes as a zip are a load error, never a panic.
        #[test]
        fn any_bytes_as_a_zip(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = from_zip(&bytes);
        }

        /// Any text in place of the package's documents gives findings, never a panic.
        #[test]
        fn any_text_as_the_documents(text in ".{0,300}", cut in 0usize..2000, which in 0usize..3) {
            let path = ["customizations.xml", "solution.xml", "[Content_Types].xml"][which];
            let mut broken = ours();
            let entry = broken.entries.iter_mut().find(|(p, _)| p == path).unwrap();
            let original = String::from_utf8(entry.1.clone()).unwrap();
            let at = original.char_indices().map(|(i, _)| i).nth(cut).unwrap_or(original.len());
            entry.1 = format!("{}{text}", &original[..at]).into_bytes();
            let _ = check(&broken, &Options::default());
        }
    }
}
