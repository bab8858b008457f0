//! The solution package: every file, in order, built from the inputs; written as a zip with fixed
//! timestamps, or as the golden `solution/` folder with built bytes replaced by placeholders.

use crate::connectors::{
    self, Connector, ConnectorFiles, ConnectorInfo, CONNECTORS, DATAVERSE_API, DATAVERSE_REFERENCE,
};
use crate::entities;
use crate::env_vars::ENV_VARS;
use crate::flows::Flow;
use crate::manifest;
use crate::tables::TABLES;
use crate::web_resources::WEB_RESOURCES;
use crate::xml::{el, leaf, El};
use crate::Error;
use std::io::Write;

/// What the generator needs besides cosell-core: the built bytes of the web resources and
/// connectors, and the flows.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// The workspace version (`0.1.0`); the solution's is `0.1.0.0`.
    pub version: String,
    /// Built web resources by unique name (`cosell_/opportunity.js`).
    pub web_resources: Vec<ExternalFile>,
    /// The connector packages, one per entry of [`CONNECTORS`].
    pub connectors: Vec<ConnectorFiles>,
    /// Cloud flows (issue 11).
    pub flows: Vec<Flow>,
}

/// A file built elsewhere: its name in the solution, where it came from, its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalFile {
    pub name: String,
    /// Where the bytes came from (`dist/webresources/cosell_/opportunity.js`): the placeholder text.
    pub source: String,
    pub bytes: Vec<u8>,
}

/// One file of the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageFile {
    pub path: String,
    pub bytes: Vec<u8>,
    /// `Some(source)` for bytes built elsewhere: the golden files hold a placeholder instead.
    pub external: Option<String>,
}

/// The whole package, files in zip order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub version: String,
    pub files: Vec<PackageFile>,
}

/// The solution's four-part version from the workspace's three-part one.
pub fn solution_version(workspace: &str) -> String {
    let mut parts: Vec<&str> = workspace.split(['.', '-', '+']).take(3).collect();
    while parts.len() < 4 {
        parts.push("0");
    }
    parts.join(".")
}

/// Builds the package. Errors name the input that is missing or malformed.
pub fn build(inputs: &Inputs) -> Result<Package, Error> {
    let version = solution_version(&inputs.version);
    let mut connectors: Vec<(Connector, ConnectorInfo, &ConnectorFiles)> = Vec::new();
    for c in CONNECTORS {
        let files = ConnectorFiles::of(&inputs.connectors, &c)?;
        connectors.push((c, ConnectorInfo::read(files)?, files));
    }
    let global_sets: Vec<El> = entities::global_option_sets(&version);
    let set_names: Vec<String> =
        global_sets.iter().filter_map(|s| s.attrs.iter().find(|(n, _)| n == "Name").map(|(_, v)| v.clone())).collect();

    let mut files: Vec<PackageFile> = Vec::new();
    let mut web_files = Vec::new();
    for w in &WEB_RESOURCES {
        let input = inputs
            .web_resources
            .iter()
            .find(|f| f.name == w.name)
            .ok_or_else(|| Error::new(w.name, "the built web resource is missing (run `cargo xtask dist`)"))?;
        web_files.push(PackageFile {
            path: w.file_name(),
            bytes: input.bytes.clone(),
            external: Some(input.source.clone()),
        });
    }
    let mut connector_files = Vec::new();
    for (c, info, input) in &connectors {
        let source = format!("connector/{}/apiDefinition.swagger.json", c.folder);
        connector_files.push(PackageFile {
            path: c.openapi_file(&info.title),
            bytes: input.swagger.clone(),
            external: Some(source),
        });
        connector_files.push(generated(c.parameters_file(&info.title), info.connection_parameters.clone()));
    }
    let mut flow_files = Vec::new();
    for flow in &inputs.flows {
        flow_files.push(generated(flow.file_name(), flow.json()?));
    }
    let mut env_files = Vec::new();
    let defaults = cosell_core::config::Config::default();
    for v in &ENV_VARS {
        let definition = el("environmentvariabledefinition")
            .attr("schemaname", v.schema)
            .child(leaf("defaultvalue", (v.default)(&defaults)))
            .child(el("description").attr("default", v.description).child(label(v.description)))
            .child(el("displayname").attr("default", v.display).child(label(v.display)))
            .child(leaf("introducedversion", version.as_str()))
            .child(leaf("iscustomizable", "1"))
            .child(leaf("isrequired", "0"))
            .child(leaf("secretstore", "0"))
            .child(leaf("type", v.kind.code().to_string()));
        env_files.push(generated(
            format!("environmentvariabledefinitions/{}/environmentvariabledefinition.xml", v.schema),
            definition.to_fragment(),
        ));
    }

    let infos: Vec<(Connector, ConnectorInfo)> = connectors.iter().map(|(c, i, _)| (*c, i.clone())).collect();
    let customizations = customizations(&version, &infos, &inputs.flows, global_sets);
    let solution = manifest::solution_xml(&version, &infos, &inputs.flows, &set_names);

    let mut rest: Vec<PackageFile> = Vec::new();
    rest.push(generated("solution.xml".to_owned(), solution.to_document()));
    rest.push(generated("customizations.xml".to_owned(), customizations.to_document()));
    rest.extend(web_files);
    rest.extend(connector_files);
    rest.extend(env_files);
    rest.extend(flow_files);
    let mut extensions: Vec<String> = rest
        .iter()
        .filter_map(|f| f.path.rsplit_once('.').map(|(_, e)| e.to_owned()))
        .filter(|e| !e.contains('/'))
        .collect();
    extensions.sort();
    extensions.dedup();
    files.push(generated("[Content_Types].xml".to_owned(), manifest::content_types(&extensions).to_document()));
    files.extend(rest);
    Ok(Package { version, files })
}

fn label(text: &str) -> El {
    el("label").attr("description", text).attr("languagecode", crate::LANGUAGE)
}

fn generated(path: String, text: String) -> PackageFile {
    PackageFile { path, bytes: text.into_bytes(), external: None }
}

fn customizations(
    version: &str,
    connectors: &[(Connector, ConnectorInfo)],
    flows: &[Flow],
    global_sets: Vec<El>,
) -> El {
    let mut references: Vec<El> = connectors.iter().map(|(c, info)| c.reference_node(info)).collect();
    references.push(connectors::reference_node(
        DATAVERSE_REFERENCE,
        "Dataverse",
        &format!("/providers/Microsoft.PowerApps/apis/{DATAVERSE_API}"),
    ));
    el("ImportExportXml")
        .attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
        .child(el("Entities").children(TABLES.iter().map(|t| entities::entity(t, version))))
        .child(el("Roles"))
        .child(el("Workflows").children(flows.iter().map(|f| f.node(version))))
        .child(el("FieldSecurityProfiles"))
        .child(el("Templates"))
        .child(el("EntityMaps"))
        .child(el("EntityRelationships").children(entities::relationships(version)))
        .child(el("OrganizationSettings"))
        .child(el("optionsets").children(global_sets))
        .child(el("WebResources").children(WEB_RESOURCES.iter().map(|w| w.node(version))))
        .child(el("CustomControls"))
        .child(el("EntityDataProviders"))
        .child(el("connectionreferences").children(references))
        .child(el("Connectors").children(connectors.iter().map(|(c, info)| c.node(info))))
        .child(entities::languages())
}

impl Package {
    /// The zip: entries in package order, deflated, every timestamp 1980-01-01 00:00, no extra
    /// fields, so the same package always gives the same bytes.
    pub fn zip(&self) -> Result<Vec<u8>, Error> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(0o644);
        for file in &self.files {
            writer.start_file(file.path.as_str(), options).map_err(|e| Error::new(&file.path, e.to_string()))?;
            writer.write_all(&file.bytes).map_err(|e| Error::new(&file.path, e.to_string()))?;
        }
        let cursor = writer.finish().map_err(|e| Error::new("zip", e.to_string()))?;
        Ok(cursor.into_inner())
    }

    /// The golden files: every path with its bytes, placeholders for bytes built elsewhere.
    pub fn golden(&self) -> Vec<(String, Vec<u8>)> {
        self.files
            .iter()
            .map(|f| {
                let bytes = match &f.external {
                    Some(source) => placeholder(&f.path, source).into_bytes(),
                    None => f.bytes.clone(),
                };
                (f.path.clone(), bytes)
            })
            .collect()
    }

    /// The zip's file name: `cosell_<version with underscores>.zip`, as Microsoft names exports.
    pub fn zip_name(&self) -> String {
        format!("{}_{}.zip", crate::SOLUTION.0, self.version.replace('.', "_"))
    }
}

/// What a golden file holds in place of built bytes (JSON stays JSON, so the checker can read it).
pub fn placeholder(path: &str, source: &str) -> String {
    if path.ends_with(".json") {
        format!("{{\"cosellPlaceholder\": \"{source}\"}}\n")
    } else {
        format!("cosell placeholder: the zip in dist/solution/ holds {source} here.\n")
    }
}
