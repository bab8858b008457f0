//! `solution.xml`: the solution, its publisher and its root components.

use crate::connectors::{Connector, ConnectorInfo};
use crate::env_vars::ENV_VARS;
use crate::flows::Flow;
use crate::tables::TABLES;
use crate::web_resources::WEB_RESOURCES;
use crate::xml::{el, leaf, El};
use crate::{OPTION_VALUE_PREFIX, PREFIX, PUBLISHER, SOLUTION};

/// Root component types (the `componenttype` choice).
pub mod component {
    pub const ENTITY: u32 = 1;
    pub const OPTION_SET: u32 = 9;
    pub const WORKFLOW: u32 = 29;
    pub const SYSTEM_FORM: u32 = 60;
    pub const WEB_RESOURCE: u32 = 61;
    pub const CONNECTOR: u32 = 372;
    pub const ENVIRONMENT_VARIABLE: u32 = 380;
}

/// The `<ImportExportXml>` of solution.xml. `Managed` is 0: the package is unmanaged (a managed
/// one can only be made by importing and exporting; see docs/solution.md).
pub fn solution_xml(
    version: &str,
    connectors: &[(Connector, ConnectorInfo)],
    flows: &[Flow],
    global_sets: &[String],
) -> El {
    let mut roots: Vec<El> = Vec::new();
    for table in &TABLES {
        // A standard table is only extended: shell only (behavior 2), its new columns inside.
        let behavior = if table.new.is_some() { "0" } else { "2" };
        roots.push(root(component::ENTITY).attr("schemaName", table.name).attr("behavior", behavior));
    }
    for set in global_sets {
        roots.push(root(component::OPTION_SET).attr("schemaName", set.as_str()).attr("behavior", "0"));
    }
    for flow in flows {
        roots.push(root(component::WORKFLOW).attr("id", flow.id().braced()).attr("behavior", "0"));
    }
    // UNCERTAIN: a real export lists an added form under its entity only; listing it as a root
    // component as well (type 60) is what a maker portal "Add existing → form" gives.
    roots.push(root(component::SYSTEM_FORM).attr("id", crate::form::form_id().braced()).attr("behavior", "0"));
    for w in &WEB_RESOURCES {
        roots.push(root(component::WEB_RESOURCE).attr("schemaName", w.name).attr("behavior", "0"));
    }
    for (c, info) in connectors {
        roots.push(
            root(component::CONNECTOR)
                .attr("id", c.id().braced())
                .attr("schemaName", c.name(&info.title))
                .attr("behavior", "0"),
        );
    }
    // UNCERTAIN: Microsoft's CoE export lists no type 380; third-party guides say a definition
    // needs one to travel. Emitting them is harmless.
    for v in &ENV_VARS {
        roots.push(root(component::ENVIRONMENT_VARIABLE).attr("schemaName", v.schema).attr("behavior", "0"));
    }
    let manifest = el("SolutionManifest")
        .child(leaf("UniqueName", SOLUTION.0))
        .labelled("LocalizedNames", "LocalizedName", SOLUTION.1)
        .labelled("Descriptions", "Description", SOLUTION.2)
        .child(leaf("Version", version))
        .child(leaf("Managed", "0"))
        .child(
            el("Publisher")
                .child(leaf("UniqueName", PUBLISHER.0))
                .labelled("LocalizedNames", "LocalizedName", PUBLISHER.1)
                .labelled("Descriptions", "Description", PUBLISHER.2)
                .child(el("EMailAddress").attr("xsi:nil", "true"))
                .child(leaf("SupportingWebsiteUrl", PUBLISHER.3))
                .child(leaf("CustomizationPrefix", PREFIX))
                .child(leaf("CustomizationOptionValuePrefix", OPTION_VALUE_PREFIX.to_string()))
                .child(el("Addresses")),
        )
        .child(el("RootComponents").children(roots))
        .child(el("MissingDependencies"));
    el("ImportExportXml")
        // UNCERTAIN: the platform version an export would write; any 9.2 build imports.
        .attr("version", "9.2.0.0")
        .attr("SolutionPackageVersion", "9.2")
        .attr("languagecode", crate::LANGUAGE)
        .attr("generatedBy", "CrmLive")
        .attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
        .child(manifest)
}

fn root(kind: u32) -> El {
    el("RootComponent").attr("type", kind.to_string())
}

/// `[Content_Types].xml`: one default per extension in the package.
pub fn content_types(extensions: &[String]) -> El {
    el("Types").attr("xmlns", "http://schemas.openxmlformats.org/package/2006/content-types").children(
        extensions
            .iter()
            .map(|ext| el("Default").attr("Extension", ext.as_str()).attr("ContentType", "application/octet-stream")),
    )
}
