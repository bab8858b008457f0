//! The flows in the solution: the package built with them passes the solution checker (flow
//! connections, environment-variable parameters, child flows, referenced files), and the same
//! inputs give the same zip.

use cosell_solution::check::{check, load::from_zip, Options};
use cosell_solution::connectors::{ConnectorFiles, CONNECTORS};
use cosell_solution::package::{build, ExternalFile, Inputs};
use cosell_solution::web_resources::WEB_RESOURCES;

fn inputs() -> Inputs {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../connector/");
    let connectors = CONNECTORS
        .iter()
        .map(|c| ConnectorFiles {
            folder: c.folder.to_owned(),
            swagger: std::fs::read(format!("{root}{}/apiDefinition.swagger.json", c.folder)).unwrap(),
            api_properties: std::fs::read(format!("{root}{}/apiProperties.json", c.folder)).unwrap(),
        })
        .collect();
    // The web resources are built by `cargo xtask dist`; their bytes do not matter to the flows.
    let web_resources = WEB_RESOURCES
        .iter()
        .map(|w| ExternalFile {
            name: w.name.to_owned(),
            source: "test".to_owned(),
            bytes: b"// built elsewhere".to_vec(),
        })
        .collect();
    Inputs { version: "0.1.0".to_owned(), web_resources, connectors, flows: cosell_syncflows::flows() }
}

#[test]
fn the_solution_with_the_flows_passes_the_checker() {
    let package = build(&inputs()).unwrap();
    let zip = package.zip().unwrap();
    let files = from_zip(&zip).unwrap();
    let report = check(&files, &Options::default());
    assert!(!report.has_errors(), "{}", report.to_text());
    let workflows = package.files.iter().filter(|f| f.path.starts_with("Workflows/")).count();
    assert_eq!(workflows, cosell_syncflows::flows().len());
    assert_eq!(build(&inputs()).unwrap().zip().unwrap(), zip, "deterministic");
}
