//! The package: golden files, determinism, the zip's layout, flows as inputs.

mod common;

use common::{file, inputs, package, root};
use cosell_solution::check::load::from_zip;
use cosell_solution::flows::{Flow, FlowConnection};
use cosell_solution::package::{build, placeholder};
use serde_json::json;

#[test]
fn the_golden_folder_is_current() {
    let golden = package().golden();
    let dir = root().join("solution");
    for (path, bytes) in &golden {
        let on_disk =
            std::fs::read(dir.join(path)).unwrap_or_else(|e| panic!("solution/{path}: {e} (run `cargo xtask bless`)"));
        assert!(on_disk == *bytes, "solution/{path} is stale (run `cargo xtask bless`)");
    }
    let on_disk = cosell_solution::check::load(&dir).unwrap();
    for (path, _) in &on_disk.entries {
        assert!(golden.iter().any(|(g, _)| g == path), "solution/{path} is not generated any more");
    }
}

#[test]
fn the_contents_list_in_docs_is_current() {
    let doc = std::fs::read_to_string(root().join("docs/solution.md")).unwrap();
    let list = cosell_solution::contents::markdown(&inputs()).unwrap();
    assert_eq!(cosell_solution::contents::splice(&doc, &list).unwrap(), doc, "run `cargo xtask bless`");
    for name in [
        cosell_core::dataverse::opportunity::SYNC,
        cosell_core::config::vars::DEAL_VALUE_COLUMN,
        "cosell_/readiness.html",
    ] {
        assert!(list.contains(name), "{name}");
    }
}

#[test]
fn two_builds_give_the_same_bytes() {
    let a = package().zip().unwrap();
    let b = build(&inputs()).unwrap().zip().unwrap();
    assert_eq!(a, b);
}

#[test]
fn built_bytes_go_in_the_zip_and_placeholders_in_the_golden_files() {
    let package = package();
    let zip = from_zip(&package.zip().unwrap()).unwrap();
    let paths: Vec<&str> = zip.entries.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(&paths[..3], ["[Content_Types].xml", "solution.xml", "customizations.xml"]);
    let script = package.files.iter().find(|f| f.path.starts_with("WebResources/cosell_opportunityjs")).unwrap();
    assert_eq!(zip.get(&script.path).unwrap(), b"/* built cosell_/opportunity.js */\n");
    let golden = package.golden();
    let in_golden = &golden.iter().find(|(p, _)| *p == script.path).unwrap().1;
    assert_eq!(*in_golden, placeholder(&script.path, "dist/webresources/cosell_/opportunity.js").into_bytes());

    // Other web resource bytes change the zip, never the golden files.
    let mut other = inputs();
    other.web_resources[0].bytes = b"changed".to_vec();
    let changed = build(&other).unwrap();
    assert_ne!(changed.zip().unwrap(), package.zip().unwrap());
    assert_eq!(changed.golden(), golden);
}

#[test]
fn the_zip_has_fixed_timestamps() {
    let bytes = package().zip().unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    for i in 0..archive.len() {
        let entry = archive.by_index(i).unwrap();
        let t = entry.last_modified().unwrap();
        assert_eq!((t.year(), t.month(), t.day(), t.hour(), t.minute()), (1980, 1, 1, 0, 0), "{}", entry.name());
    }
    assert_eq!(package().zip_name(), format!("cosell_{}.zip", env!("CARGO_PKG_VERSION").replace('.', "_") + "_0"));
}

#[test]
fn missing_inputs_are_errors_naming_them() {
    let mut no_web = inputs();
    no_web.web_resources.remove(1);
    let e = build(&no_web).unwrap_err();
    assert_eq!(e.source, "cosell_/readiness.html");
    let mut no_connector = inputs();
    no_connector.connectors.remove(0);
    assert_eq!(build(&no_connector).unwrap_err().source, "connector/partner-center-referrals");
    let mut bad_swagger = inputs();
    bad_swagger.connectors[1].swagger = b"{".to_vec();
    assert_eq!(build(&bad_swagger).unwrap_err().source, "connector/partner-center-events/apiDefinition.swagger.json");
    let mut untitled = inputs();
    untitled.connectors[1].swagger = b"{}".to_vec();
    assert!(build(&untitled).unwrap_err().message.contains("/info/title"));
}

fn sample_flow() -> Flow {
    Flow {
        name: "Partner Center referral to Dynamics 365".to_owned(),
        description: "Creates or updates the opportunity of a referral.".to_owned(),
        definition: json!({
            "$schema": "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
            "contentVersion": "1.0.0.0",
            "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {"method": "POST"}}},
            "actions": {
                "Upsert": {
                    "type": "OpenApiConnection",
                    "inputs": {
                        "host": {"connectionName": "shared_commondataserviceforapps", "operationId": "UpdateRecord",
                                 "apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps"},
                        "parameters": {"entityName": "opportunities",
                                       "item/name": "@{parameters('Display check mark (cosell_DisplayCheckMark)')}"}
                    }
                }
            }
        }),
        connections: vec![FlowConnection {
            key: "shared_commondataserviceforapps".to_owned(),
            reference: "cosell_Dataverse".to_owned(),
            api: "shared_commondataserviceforapps".to_owned(),
        }],
        environment_variables: vec!["cosell_DisplayCheckMark".to_owned()],
    }
}

#[test]
fn a_flow_becomes_a_workflow_file_and_node_with_a_name_based_id() {
    let mut with_flow = inputs();
    with_flow.flows.push(sample_flow());
    let package = build(&with_flow).unwrap();
    let flow = sample_flow();
    assert!(flow.file_name().starts_with("Workflows/PartnerCenterreferraltoDynamics365-"));
    assert_eq!(flow.id(), sample_flow().id());
    let json: serde_json::Value = serde_json::from_str(&file(&package, &flow.file_name())).unwrap();
    assert_eq!(
        json["properties"]["connectionReferences"]["shared_commondataserviceforapps"]["connection"]
            ["connectionReferenceLogicalName"],
        "cosell_Dataverse"
    );
    let parameter = &json["properties"]["definition"]["parameters"]["Display check mark (cosell_DisplayCheckMark)"];
    assert_eq!(parameter["metadata"]["schemaName"], "cosell_DisplayCheckMark");
    assert_eq!(parameter["defaultValue"], true);
    assert_eq!(parameter["type"], "Bool");
    let customizations = file(&package, "customizations.xml");
    assert!(customizations.contains(&format!("<JsonFileName>/{}</JsonFileName>", flow.file_name())));
    assert!(
        file(&package, "solution.xml").contains(&format!("<RootComponent type=\"29\" id=\"{}\"", flow.id().braced()))
    );
    let report = cosell_solution::check::check(&from_zip(&package.zip().unwrap()).unwrap(), &Default::default());
    assert!(!report.has_errors(), "{}", report.to_text());

    let mut unknown = sample_flow();
    unknown.environment_variables.push("cosell_Nope".to_owned());
    assert!(unknown.json().unwrap_err().message.contains("cosell_Nope"));
    let mut not_object = sample_flow();
    not_object.definition = json!([]);
    assert!(not_object.json().is_err());
}
