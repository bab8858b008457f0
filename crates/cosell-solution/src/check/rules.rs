//! The consistency rules, one row per rule in [`RULES`]: what the package says must exist does,
//! and what it ships is referenced. A name that does not carry the package's own publisher
//! prefix belongs to the platform or to another solution: it cannot be checked offline and is
//! accepted (so a real export of Microsoft's tools gives no false error).

use super::load::Files;
use super::xmltree::{parse, Node};
use super::{Finding, Severity};
use crate::form::classid;
use crate::guid::Guid;
use serde_json::Value;
use std::collections::BTreeSet;

/// A rule: id, severity, what it checks, and the function that checks it.
pub type Rule = (&'static str, Severity, &'static str, fn(&Ctx, &mut Vec<Finding>));

/// Every rule, in the order they run.
pub const RULES: [Rule; 18] = [
    ("root-entries", Severity::Error, "[Content_Types].xml, solution.xml and customizations.xml are at the zip root", root_entries),
    ("xml-well-formed", Severity::Error, "every .xml entry parses", xml_well_formed),
    ("json-well-formed", Severity::Error, "every .json entry parses", json_well_formed),
    ("content-types", Severity::Warning, "[Content_Types].xml covers every file extension", content_types),
    ("solution-manifest", Severity::Error, "solution.xml names the solution, a 2-4 part version, Managed 0/1/2 and the publisher's prefixes", manifest),
    ("root-component", Severity::Error, "every root component of solution.xml is in the package (or is only extended)", root_components),
    ("file-reference", Severity::Error, "every file a node names (FileName, JsonFileName, openapidefinition, …) exists", file_references),
    ("unreferenced-entry", Severity::Error, "every entry under WebResources/, Workflows/, Connector/ is named by a node", unreferenced_entries),
    ("guid-format", Severity::Error, "every id is a well-formed GUID", guid_format),
    ("control-column", Severity::Error, "every form control's column is a column of the table", control_columns),
    ("subgrid-relationship", Severity::Error, "every subgrid's relationship exists and leads to its target table", subgrids),
    ("web-resource-reference", Severity::Error, "every web resource control, form library and dependency is a web resource of the package", web_resource_references),
    ("handler-library", Severity::Error, "every event handler's library is one of the form's libraries", handler_libraries),
    ("environment-variable", Severity::Error, "every environment variable definition file names its own folder and a known type", environment_variables),
    ("flow-connection", Severity::Error, "every flow connection is a connection reference of the package, and every action's connection is declared", flow_connections),
    ("flow-parameter", Severity::Error, "every @parameters('…') is a definition parameter; environment-variable parameters name a definition of the package", flow_parameters),
    ("flow-child-flow", Severity::Error, "every child flow a flow calls (workflowReferenceName) is a flow of the package", flow_children),
    ("option-value-prefix", Severity::Warning, "custom choice values use the publisher's option-value prefix", option_values),
];

/// What the rules share: the parsed documents and the package's tables.
pub struct Ctx<'a> {
    pub files: &'a Files,
    pub solution: Option<&'a Node>,
    pub customizations: Option<&'a Node>,
    /// The publisher's prefix with its underscore (`cosell_`), lower case; empty when unknown.
    pub prefix: String,
    /// Each table: its name (lower case), its columns (lower case), its `<Entity>` node.
    pub entities: Vec<(String, BTreeSet<String>, &'a Node)>,
}

const SOLUTION: &str = "solution.xml";
const CUSTOMIZATIONS: &str = "customizations.xml";
const CONTENT_TYPES: &str = "[Content_Types].xml";

/// Runs every rule.
pub fn run(files: &Files) -> Vec<Finding> {
    let solution = files.text(SOLUTION).and_then(|t| parse(&t).ok());
    let customizations = files.text(CUSTOMIZATIONS).and_then(|t| parse(&t).ok());
    let ctx = Ctx::new(files, solution.as_ref(), customizations.as_ref());
    let mut out = Vec::new();
    for (_, _, _, rule) in RULES {
        rule(&ctx, &mut out);
    }
    out
}

impl<'a> Ctx<'a> {
    fn new(files: &'a Files, solution: Option<&'a Node>, customizations: Option<&'a Node>) -> Ctx<'a> {
        let prefix = solution
            .and_then(|s| s.find_all("CustomizationPrefix").first().map(|p| p.text.trim().to_ascii_lowercase()))
            .filter(|p| !p.is_empty())
            .map(|p| format!("{p}_"))
            .unwrap_or_default();
        let mut entities = Vec::new();
        for entity in customizations.map(|c| c.find_all("Entity")).unwrap_or_default() {
            let name = entity.child_text("Name").unwrap_or_default().to_ascii_lowercase();
            let columns = entity
                .find_all("attribute")
                .iter()
                .filter_map(|a| a.child_text("LogicalName").or(a.attr("PhysicalName")).map(str::to_ascii_lowercase))
                .collect();
            entities.push((name, columns, entity));
        }
        Ctx { files, solution, customizations, prefix, entities }
    }
}

impl Ctx<'_> {
    /// Whether `name` belongs to this package's publisher (and so must be defined in it).
    fn ours(&self, name: &str) -> bool {
        !self.prefix.is_empty() && name.to_ascii_lowercase().starts_with(&self.prefix)
    }

    fn entity(&self, name: &str) -> Option<&(String, BTreeSet<String>, &Node)> {
        let name = name.to_ascii_lowercase();
        self.entities.iter().find(|(n, _, _)| *n == name)
    }

    fn all(&self, name: &str) -> Vec<&Node> {
        self.customizations.map(|c| c.find_all(name)).unwrap_or_default()
    }

    fn web_resources(&self) -> BTreeSet<String> {
        self.all("WebResource").iter().filter_map(|w| w.child_text("Name")).map(str::to_ascii_lowercase).collect()
    }

    fn connection_references(&self) -> BTreeSet<String> {
        self.all("connectionreference")
            .iter()
            .filter_map(|r| r.attr("connectionreferencelogicalname"))
            .map(str::to_ascii_lowercase)
            .collect()
    }

    /// Environment variable schema names: definition files, and nodes in customizations.xml.
    fn environment_variables(&self) -> BTreeSet<String> {
        let mut out: BTreeSet<String> = self
            .files
            .entries
            .iter()
            .filter_map(|(p, _)| p.strip_prefix("environmentvariabledefinitions/"))
            .filter_map(|rest| rest.split('/').next())
            .map(str::to_ascii_lowercase)
            .collect();
        out.extend(
            self.all("environmentvariabledefinition")
                .iter()
                .filter_map(|d| d.attr("schemaname"))
                .map(str::to_ascii_lowercase),
        );
        out
    }

    /// Each workflow's JSON file and parsed content.
    fn flows(&self) -> Vec<(String, Value)> {
        self.all("Workflow")
            .iter()
            .filter_map(|w| w.child_text("JsonFileName"))
            .filter_map(|path| {
                let text = self.files.text(path)?;
                Some((path.trim_start_matches('/').to_owned(), serde_json::from_str(&text).ok()?))
            })
            .collect()
    }
}

fn finding(rule: &'static str, file: &str, path: &str, message: String) -> Finding {
    let severity = RULES.iter().find(|r| r.0 == rule).map_or(Severity::Error, |r| r.1);
    Finding { rule, severity, file: file.to_owned(), path: path.to_owned(), message }
}

fn root_entries(ctx: &Ctx, out: &mut Vec<Finding>) {
    for entry in [CONTENT_TYPES, SOLUTION, CUSTOMIZATIONS] {
        if ctx.files.get(entry).is_none() {
            out.push(finding("root-entries", entry, "", format!("{entry} is missing from the package root")));
        }
    }
}

fn xml_well_formed(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (path, bytes) in &ctx.files.entries {
        if !path.to_ascii_lowercase().ends_with(".xml") {
            continue;
        }
        if let Err((line, message)) = parse(&String::from_utf8_lossy(bytes)) {
            out.push(finding("xml-well-formed", path, &format!("line {line}"), message));
        }
    }
}

fn json_well_formed(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (path, bytes) in &ctx.files.entries {
        if path.to_ascii_lowercase().ends_with(".json") {
            let text = String::from_utf8_lossy(bytes);
            if let Err(e) = serde_json::from_str::<Value>(text.trim_start_matches('\u{feff}')) {
                out.push(finding("json-well-formed", path, "", e.to_string()));
            }
        }
    }
}

fn content_types(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(types) = ctx.files.text(CONTENT_TYPES).and_then(|t| parse(&t).ok()) else { return };
    let covered: BTreeSet<String> =
        types.children_named("Default").filter_map(|d| d.attr("Extension")).map(str::to_ascii_lowercase).collect();
    let overrides: BTreeSet<String> = types
        .children_named("Override")
        .filter_map(|d| d.attr("PartName"))
        .map(|p| p.trim_start_matches('/').to_ascii_lowercase())
        .collect();
    let mut missing = BTreeSet::new();
    for (path, _) in &ctx.files.entries {
        let file = path.rsplit('/').next().unwrap_or(path);
        let Some((_, ext)) = file.rsplit_once('.') else { continue };
        let ext = ext.to_ascii_lowercase();
        if !covered.contains(&ext) && !overrides.contains(&path.to_ascii_lowercase()) {
            missing.insert(ext);
        }
    }
    for ext in missing {
        out.push(finding(
            "content-types",
            CONTENT_TYPES,
            "/Types",
            format!("no <Default Extension=\"{ext}\"> for the .{ext} entries"),
        ));
    }
}

fn manifest(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(solution) = ctx.solution else { return };
    let Some(m) = solution.child("SolutionManifest") else {
        out.push(finding("solution-manifest", SOLUTION, &solution.path, "no <SolutionManifest>".to_owned()));
        return;
    };
    let mut need = |path: &str, ok: bool, message: &str| {
        if !ok {
            out.push(finding("solution-manifest", SOLUTION, &format!("{}/{path}", m.path), message.to_owned()));
        }
    };
    need("UniqueName", m.child_text("UniqueName").is_some_and(|n| !n.is_empty()), "the solution has no unique name");
    let version = m.child_text("Version").unwrap_or_default();
    let parts: Vec<&str> = version.split('.').collect();
    need(
        "Version",
        (2..=4).contains(&parts.len()) && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())),
        &format!("version {version:?} is not 2 to 4 numbers separated by dots"),
    );
    need("Managed", matches!(m.child_text("Managed"), Some("0" | "1" | "2")), "Managed must be 0, 1 or 2");
    let publisher = m.child("Publisher");
    need("Publisher", publisher.is_some(), "no <Publisher>");
    if let Some(p) = publisher {
        need(
            "Publisher/CustomizationPrefix",
            p.child_text("CustomizationPrefix").is_some_and(|x| !x.is_empty()),
            "no customization prefix",
        );
        let ovp = p.child_text("CustomizationOptionValuePrefix").and_then(|v| v.parse::<u32>().ok());
        need(
            "Publisher/CustomizationOptionValuePrefix",
            ovp.is_some_and(|v| (10000..=99999).contains(&v)),
            "the option-value prefix must be a number from 10000 to 99999",
        );
    }
}

fn root_components(ctx: &Ctx, out: &mut Vec<Finding>) {
    let (Some(solution), Some(_)) = (ctx.solution, ctx.customizations) else { return };
    let forms: BTreeSet<String> =
        ctx.all("formid").iter().filter_map(|f| Guid::parse(f.text.trim())).map(|g| g.to_string()).collect();
    let workflows: BTreeSet<String> = ctx
        .all("Workflow")
        .iter()
        .filter_map(|w| w.attr("WorkflowId").and_then(Guid::parse))
        .map(|g| g.to_string())
        .collect();
    let connectors: BTreeSet<String> = ctx
        .all("Connector")
        .iter()
        .filter_map(|c| c.child_text("connectorid").and_then(Guid::parse))
        .map(|g| g.to_string())
        .collect();
    let option_sets: BTreeSet<String> = ctx
        .customizations
        .and_then(|c| c.child("optionsets"))
        .map(|s| s.children_named("optionset").filter_map(|o| o.attr("Name")).map(str::to_ascii_lowercase).collect())
        .unwrap_or_default();
    let web = ctx.web_resources();
    let vars = ctx.environment_variables();
    for root in solution.find_all("RootComponent") {
        let name = root.attr("schemaName").unwrap_or_default().to_ascii_lowercase();
        let id = root.attr("id").and_then(Guid::parse).map(|g| g.to_string()).unwrap_or_default();
        let (kind, present) = match root.attr("type").unwrap_or_default() {
            "1" => ("table", ctx.entity(&name).is_some()),
            "9" => ("choice", option_sets.contains(&name)),
            "29" => ("workflow", workflows.contains(&id)),
            "60" => ("form", forms.contains(&id)),
            "61" => ("web resource", web.contains(&name)),
            "372" => ("connector", connectors.contains(&id)),
            "380" => ("environment variable", vars.contains(&name)),
            _ => continue,
        };
        if !present {
            let what = if name.is_empty() { id } else { name };
            out.push(finding(
                "root-component",
                SOLUTION,
                &root.path,
                format!("root {kind} {what} is not in customizations.xml or the package"),
            ));
        }
    }
}

/// Elements whose text is a path inside the package.
const FILE_ELEMENTS: [&str; 7] = [
    "FileName",
    "JsonFileName",
    "XamlFileName",
    "openapidefinition",
    "connectionparameters",
    "policytemplateinstances",
    "iconblob",
];

fn file_references(ctx: &Ctx, out: &mut Vec<Finding>) {
    for name in FILE_ELEMENTS {
        for node in ctx.all(name) {
            let path = node.text.trim();
            if !path.is_empty() && ctx.files.get(path).is_none() {
                out.push(finding(
                    "file-reference",
                    CUSTOMIZATIONS,
                    &node.path,
                    format!("{path} is not in the package"),
                ));
            }
        }
    }
}

fn unreferenced_entries(ctx: &Ctx, out: &mut Vec<Finding>) {
    let named: BTreeSet<String> = FILE_ELEMENTS
        .iter()
        .flat_map(|n| ctx.all(n))
        .map(|n| n.text.trim().trim_start_matches('/').to_ascii_lowercase())
        .collect();
    for (path, _) in &ctx.files.entries {
        let lower = path.to_ascii_lowercase();
        let component = ["webresources/", "workflows/", "connector/"].iter().any(|f| lower.starts_with(f));
        // pac writes a .data.xml beside each file of an unpacked folder.
        if component && !named.contains(&lower) && !lower.ends_with(".data.xml") {
            out.push(finding(
                "unreferenced-entry",
                path,
                "",
                "no node of customizations.xml names this file".to_owned(),
            ));
        }
    }
}

/// Elements and attributes whose value is a GUID.
const GUID_ELEMENTS: [&str; 6] = ["formid", "WebResourceId", "savedqueryid", "ViewId", "DefaultViewId", "WorkflowId"];
const GUID_ATTRIBUTES: [&str; 4] = ["WorkflowId", "libraryUniqueId", "handlerUniqueId", "uniqueid"];
const GUID_ID_HOLDERS: [&str; 5] = ["tab", "section", "cell", "header", "RootComponent"];

fn guid_format(ctx: &Ctx, out: &mut Vec<Finding>) {
    let docs = [(CUSTOMIZATIONS, ctx.customizations), (SOLUTION, ctx.solution)];
    for (file, doc) in docs {
        let Some(doc) = doc else { continue };
        for node in doc.descendants() {
            let mut values: Vec<(String, &str)> = Vec::new();
            if GUID_ELEMENTS.contains(&node.name.as_str()) && !node.text.trim().is_empty() {
                values.push((node.path.clone(), node.text.trim()));
            }
            if node.name == "connectorid" && !node.text.trim().starts_with('/') {
                values.push((node.path.clone(), node.text.trim()));
            }
            for (attr, value) in &node.attrs {
                let holds = GUID_ATTRIBUTES.contains(&attr.as_str())
                    || (attr == "id" && GUID_ID_HOLDERS.contains(&node.name.as_str()));
                if holds {
                    values.push((format!("{}/@{attr}", node.path), value.as_str()));
                }
            }
            for (path, value) in values {
                if Guid::parse(value).is_none() {
                    out.push(finding("guid-format", file, &path, format!("{value:?} is not a GUID")));
                }
            }
        }
    }
}

/// Each form of each table: (table name, the table's columns, the form node).
fn forms<'a>(ctx: &'a Ctx) -> Vec<(&'a str, &'a BTreeSet<String>, &'a Node)> {
    let mut out = Vec::new();
    for (name, columns, entity) in &ctx.entities {
        for form in entity.find_all("systemform") {
            out.push((name.as_str(), columns, form));
        }
    }
    out
}

fn parameter<'a>(control: &'a Node, name: &str) -> Option<&'a str> {
    control.child("parameters").and_then(|p| p.child_text(name)).filter(|v| !v.is_empty())
}

fn control_columns(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (table, columns, form) in forms(ctx) {
        for control in form.find_all("control") {
            let Some(column) = control.attr("datafieldname") else { continue };
            let column = column.to_ascii_lowercase();
            if ctx.ours(&column) && !columns.contains(&column) {
                out.push(finding(
                    "control-column",
                    CUSTOMIZATIONS,
                    &control.path,
                    format!("{table} has no column {column} in this package"),
                ));
            }
        }
    }
}

fn subgrids(ctx: &Ctx, out: &mut Vec<Finding>) {
    let relationships: Vec<&Node> = ctx.all("EntityRelationship");
    for (_, _, form) in forms(ctx) {
        for control in form.find_all("control") {
            if !control.attr("classid").is_some_and(|c| c.eq_ignore_ascii_case(classid::SUBGRID)) {
                continue;
            }
            let target = parameter(control, "TargetEntityType").unwrap_or_default().to_ascii_lowercase();
            if ctx.ours(&target) && ctx.entity(&target).is_none() {
                out.push(finding(
                    "subgrid-relationship",
                    CUSTOMIZATIONS,
                    &control.path,
                    format!("target table {target} is not in the package"),
                ));
            }
            let Some(name) = parameter(control, "RelationshipName") else { continue };
            let found = relationships.iter().find(|r| r.attr("Name").is_some_and(|n| n.eq_ignore_ascii_case(name)));
            match found {
                Some(r) => {
                    let referencing = r.child_text("ReferencingEntityName").unwrap_or_default().to_ascii_lowercase();
                    if !target.is_empty() && referencing != target {
                        out.push(finding(
                            "subgrid-relationship",
                            CUSTOMIZATIONS,
                            &control.path,
                            format!("relationship {name} leads to {referencing}, not to the subgrid's table {target}"),
                        ));
                    }
                }
                // The platform makes some relationships itself (documents, notes): only a
                // relationship to one of the package's own tables must be in the package.
                None if ctx.ours(&target) && ctx.entity(&target).is_some() => out.push(finding(
                    "subgrid-relationship",
                    CUSTOMIZATIONS,
                    &control.path,
                    format!("relationship {name} is not in the package"),
                )),
                None => {}
            }
            if let (Some(view), Some((_, _, entity))) = (parameter(control, "ViewId"), ctx.entity(&target)) {
                let views: BTreeSet<String> = entity
                    .find_all("savedqueryid")
                    .iter()
                    .filter_map(|v| Guid::parse(v.text.trim()))
                    .map(|g| g.to_string())
                    .collect();
                if ctx.ours(&target) && !Guid::parse(view).is_some_and(|g| views.contains(&g.to_string())) {
                    out.push(finding(
                        "subgrid-relationship",
                        CUSTOMIZATIONS,
                        &control.path,
                        format!("view {view} is not a view of {target}"),
                    ));
                }
            }
        }
    }
}

fn web_resource_references(ctx: &Ctx, out: &mut Vec<Finding>) {
    let web = ctx.web_resources();
    let mut check = |name: &str, path: &str, what: &str| {
        let name = name.trim_start_matches('/').trim_start_matches("WebResources/").to_ascii_lowercase();
        if ctx.ours(&name) && !web.contains(&name) {
            out.push(finding(
                "web-resource-reference",
                CUSTOMIZATIONS,
                path,
                format!("{what} {name} is not a web resource of the package"),
            ));
        }
    };
    for (_, _, form) in forms(ctx) {
        for control in form.find_all("control") {
            if control.attr("classid").is_some_and(|c| c.eq_ignore_ascii_case(classid::WEB_RESOURCE)) {
                if let Some(url) = parameter(control, "Url") {
                    check(url, &control.path, "web resource control");
                }
            }
        }
        for library in form.find_all("Library") {
            if let Some(name) = library.attr("name") {
                check(name, &library.path, "form library");
            }
        }
    }
    for w in ctx.all("WebResource") {
        let Some(deps) = w.child("DependencyXml") else { continue };
        let Ok(tree) = parse(&deps.text) else { continue };
        for library in tree.find_all("Library") {
            if let Some(name) = library.attr("name") {
                check(name, &deps.path, "dependency");
            }
        }
    }
}

fn handler_libraries(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (_, _, form) in forms(ctx) {
        let libraries: BTreeSet<String> =
            form.find_all("Library").iter().filter_map(|l| l.attr("name")).map(str::to_ascii_lowercase).collect();
        for handlers in form.find_all("Handlers") {
            for handler in handlers.children_named("Handler") {
                let library = handler.attr("libraryName").unwrap_or_default().to_ascii_lowercase();
                if !libraries.contains(&library) {
                    out.push(finding(
                        "handler-library",
                        CUSTOMIZATIONS,
                        &handler.path,
                        format!(
                            "handler {} names library {library:?}, which is not in <formLibraries>",
                            handler.attr("functionName").unwrap_or_default()
                        ),
                    ));
                }
            }
        }
    }
}

/// Known `environmentvariabledefinition.type` codes: String, Number, Boolean, JSON, data source, secret.
const VARIABLE_TYPES: [&str; 6] = ["100000000", "100000001", "100000002", "100000003", "100000004", "100000005"];

fn environment_variables(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (path, bytes) in &ctx.files.entries {
        let Some(rest) = path.strip_prefix("environmentvariabledefinitions/") else { continue };
        let Some((folder, "environmentvariabledefinition.xml")) = rest.split_once('/') else { continue };
        let Ok(doc) = parse(&String::from_utf8_lossy(bytes)) else { continue };
        let schema = doc.attr("schemaname").unwrap_or_default();
        if !schema.eq_ignore_ascii_case(folder) {
            out.push(finding(
                "environment-variable",
                path,
                &doc.path,
                format!("schemaname {schema:?} is not the folder's name {folder:?}"),
            ));
        }
        let kind = doc.child_text("type").unwrap_or_default();
        if !VARIABLE_TYPES.contains(&kind) {
            out.push(finding(
                "environment-variable",
                path,
                &format!("{}/type", doc.path),
                format!("type {kind:?} is not a known type code"),
            ));
        }
    }
}

fn flow_connections(ctx: &Ctx, out: &mut Vec<Finding>) {
    let references = ctx.connection_references();
    for (file, flow) in ctx.flows() {
        let declared =
            flow.pointer("/properties/connectionReferences").and_then(Value::as_object).cloned().unwrap_or_default();
        for (key, entry) in &declared {
            let logical = entry.pointer("/connection/connectionReferenceLogicalName").and_then(Value::as_str);
            if let Some(logical) = logical {
                if !references.contains(&logical.to_ascii_lowercase()) {
                    out.push(finding(
                        "flow-connection",
                        &file,
                        &format!("/properties/connectionReferences/{key}"),
                        format!("connection reference {logical} is not in customizations.xml"),
                    ));
                }
            }
        }
        walk_json(&flow, "", &mut |pointer, value| {
            if let Some(name) = value.pointer("/host/connectionName").and_then(Value::as_str) {
                if !declared.contains_key(name) {
                    out.push(finding(
                        "flow-connection",
                        &file,
                        pointer,
                        format!("connection {name} is not in properties.connectionReferences"),
                    ));
                }
            }
        });
    }
}

fn flow_parameters(ctx: &Ctx, out: &mut Vec<Finding>) {
    let vars = ctx.environment_variables();
    for (file, flow) in ctx.flows() {
        let parameters =
            flow.pointer("/properties/definition/parameters").and_then(Value::as_object).cloned().unwrap_or_default();
        for (name, parameter) in &parameters {
            if let Some(schema) = parameter.pointer("/metadata/schemaName").and_then(Value::as_str) {
                if ctx.ours(schema) && !vars.contains(&schema.to_ascii_lowercase()) {
                    out.push(finding(
                        "flow-parameter",
                        &file,
                        &format!("/properties/definition/parameters/{name}"),
                        format!("environment variable {schema} is not defined in the package"),
                    ));
                }
            }
        }
        walk_json(&flow, "", &mut |pointer, value| {
            let Some(text) = value.as_str() else { return };
            for used in parameter_uses(text) {
                if !parameters.contains_key(&used) {
                    out.push(finding(
                        "flow-parameter",
                        &file,
                        pointer,
                        format!("parameter {used:?} is not declared in the definition"),
                    ));
                }
            }
        });
    }
}

fn flow_children(ctx: &Ctx, out: &mut Vec<Finding>) {
    let workflows: BTreeSet<String> = ctx
        .all("Workflow")
        .iter()
        .filter_map(|w| w.attr("WorkflowId").and_then(Guid::parse))
        .map(|g| g.to_string())
        .collect();
    for (file, flow) in ctx.flows() {
        walk_json(&flow, "", &mut |pointer, value| {
            let Some(child) = value.pointer("/host/workflowReferenceName").and_then(Value::as_str) else { return };
            if !Guid::parse(child).is_some_and(|g| workflows.contains(&g.to_string())) {
                out.push(finding(
                    "flow-child-flow",
                    &file,
                    pointer,
                    format!("child flow {child} is not a flow of the package"),
                ));
            }
        });
    }
}

/// The names in `parameters('…')` calls of an expression string.
fn parameter_uses(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("parameters('") {
        let after = rest.get(at + "parameters('".len()..).unwrap_or_default();
        match after.find("')") {
            Some(end) => {
                out.push(after.get(..end).unwrap_or_default().replace("''", "'"));
                rest = after.get(end..).unwrap_or_default();
            }
            None => break,
        }
    }
    out
}

fn walk_json(value: &Value, pointer: &str, visit: &mut dyn FnMut(&str, &Value)) {
    visit(pointer, value);
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                walk_json(v, &format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1")), visit);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk_json(v, &format!("{pointer}/{i}"), visit);
            }
        }
        _ => {}
    }
}

fn option_values(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(prefix) = ctx.solution.and_then(|s| {
        s.find_all("CustomizationOptionValuePrefix").first().and_then(|p| p.text.trim().parse::<i64>().ok())
    }) else {
        return;
    };
    let range = prefix * 10000..=prefix * 10000 + 9999;
    for set in ctx.all("optionset") {
        let name = set.attr("Name").unwrap_or_default();
        if !ctx.ours(name) || set.child_text("OptionSetType") != Some("picklist") {
            continue;
        }
        for option in set.find_all("option") {
            let value = option.attr("value").and_then(|v| v.parse::<i64>().ok()).unwrap_or_default();
            if !range.contains(&value) {
                out.push(finding(
                    "option-value-prefix",
                    CUSTOMIZATIONS,
                    &option.path,
                    format!("option value {value} of {name} is outside {}..{}", range.start(), range.end()),
                ));
            }
        }
    }
}
