//! The XSD pass: customizations.xml against Microsoft's 2018 schema, with the nodes that schema
//! lacks cut out and checked against the project's own overlay (`schema/modern-nodes.xsd`).
//!
//! The validator is libxml2's `xmllint` (Debian `libxml2-utils`), run as a program: the `cosell`
//! binary links no C library, and the pass is skipped with a notice where xmllint is absent.

use super::load::Files;
use super::xmltree::{parse, Node};
use super::{Finding, Severity};
use quick_xml::escape::{escape, partial_escape};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The overlay schema, compiled in so the check needs no file of the project at run time.
pub const OVERLAY: &str = include_str!("../../schema/modern-nodes.xsd");

/// Nodes the 2018 schema does not know, by (parent element, element): cut out of
/// customizations.xml and validated against the overlay. A `Workflow` is cut only when it is a
/// modern flow (it has a `JsonFileName`), `AppModules` only when empty (exports write
/// `<AppModules />`, which the 2018 schema rejects).
pub const MODERN_NODES: [(&str, &str); 11] = [
    ("ImportExportXml", "connectionreferences"),
    ("ImportExportXml", "Connectors"),
    ("ImportExportXml", "CanvasApps"),
    ("ImportExportXml", "msdyn_dataflows"),
    ("ImportExportXml", "EntityImageConfigs"),
    ("ImportExportXml", "AttributeImageConfigs"),
    ("Workflows", "Workflow"),
    ("ImportExportXml", "AppModules"),
    ("attribute", "AutoNumberFormat"),
    ("entity", "IsRetrieveAuditEnabled"),
    ("entity", "IsRetrieveMultipleAuditEnabled"),
];

/// Attributes the 2018 schema does not know, by (element, attribute): dropped before validation
/// and not validated (a documented gap).
pub const MODERN_ATTRIBUTES: [(&str, &str); 1] = [("form", "headerdensity")];

/// The rule id of XSD findings.
pub const RULE: &str = "xsd";

/// Validates; `Err` is a notice saying why the pass was skipped.
pub fn validate(files: &Files, schemas: &Path) -> Result<Vec<Finding>, String> {
    let xsd = schemas.join("CustomizationsSolution.xsd");
    if !xsd.is_file() {
        return Err(format!("XSD validation skipped: {} not found", xsd.display()));
    }
    if Command::new("xmllint").arg("--version").output().is_err() {
        return Err("XSD validation skipped: xmllint not found (apt-get install libxml2-utils)".to_owned());
    }
    let dir = TempDir::new().map_err(|e| format!("XSD validation skipped: cannot create a temporary folder: {e}"))?;
    let overlay = dir.path.join("modern-nodes.xsd");
    std::fs::write(&overlay, OVERLAY).map_err(|e| format!("XSD validation skipped: {e}"))?;

    let mut main_docs: Vec<Written> = Vec::new();
    let mut overlay_docs: Vec<Written> = Vec::new();
    if let Some(root) = files.text("customizations.xml").and_then(|t| parse(&t).ok()) {
        let mut cut = Vec::new();
        let mut doc = Serialized::default();
        doc.write(&root, 0, &mut cut);
        main_docs.push(dir.write("customizations.xml", doc)?);
        for (i, node) in cut.iter().enumerate() {
            let mut piece = Serialized::default();
            piece.write(node, 0, &mut Vec::new());
            overlay_docs.push(dir.write_named(&format!("modern-{i}.xml"), "customizations.xml", piece)?);
        }
    }
    for (path, bytes) in &files.entries {
        if path.starts_with("environmentvariabledefinitions/") && path.ends_with("/environmentvariabledefinition.xml") {
            if let Ok(root) = parse(&String::from_utf8_lossy(bytes)) {
                let mut doc = Serialized::default();
                doc.write(&root, 0, &mut Vec::new());
                overlay_docs.push(dir.write_named(&format!("env-{}.xml", overlay_docs.len()), path, doc)?);
            }
        }
    }
    let mut findings = xmllint(&xsd, &main_docs)?;
    findings.extend(xmllint(&overlay, &overlay_docs)?);
    Ok(findings)
}

/// A document written for xmllint: its temporary file, the package file it stands for, and the
/// XML path of each of its lines.
struct Written {
    file: PathBuf,
    source: String,
    lines: Vec<String>,
}

/// A document re-serialized one start tag per line, remembering each line's XML path.
#[derive(Default)]
struct Serialized {
    text: String,
    lines: Vec<String>,
}

impl Serialized {
    fn write(&mut self, node: &Node, depth: usize, cut: &mut Vec<Node>) {
        let indent = "  ".repeat(depth);
        self.text.push_str(&indent);
        self.text.push('<');
        self.text.push_str(&node.name);
        let mut attrs: Vec<(String, String)> = node
            .attrs
            .iter()
            .filter(|(a, _)| !MODERN_ATTRIBUTES.contains(&(node.name.as_str(), a.as_str())))
            .cloned()
            .collect();
        if depth == 0 && !attrs.iter().any(|(a, _)| a == "xmlns:xsi") {
            attrs.push(("xmlns:xsi".to_owned(), "http://www.w3.org/2001/XMLSchema-instance".to_owned()));
        }
        for (name, value) in &attrs {
            self.text.push_str(&format!(" {name}=\"{}\"", escape(value.as_str())));
        }
        let kept: Vec<&Node> = node
            .children
            .iter()
            .filter(|child| {
                let modern = is_modern(node, child);
                if modern {
                    cut.push((*child).clone());
                }
                !modern
            })
            .collect();
        if kept.is_empty() {
            let text = node.text.trim();
            if text.is_empty() && node.children.is_empty() {
                self.text.push_str(" />\n");
            } else {
                self.text.push('>');
                self.text.push_str(&partial_escape(text));
                self.text.push_str(&format!("</{}>\n", node.name));
            }
            for _ in 0..=text.matches('\n').count() {
                self.lines.push(node.path.clone());
            }
            return;
        }
        self.text.push_str(">\n");
        self.lines.push(node.path.clone());
        for child in kept {
            self.write(child, depth + 1, cut);
        }
        self.text.push_str(&format!("{indent}</{}>\n", node.name));
        self.lines.push(node.path.clone());
    }
}

fn is_modern(parent: &Node, child: &Node) -> bool {
    MODERN_NODES.contains(&(parent.name.as_str(), child.name.as_str()))
        && (child.name != "Workflow" || child.child("JsonFileName").is_some())
        && (child.name != "AppModules" || child.children.is_empty())
}

/// Runs xmllint on `docs` against `schema`; its errors become findings.
fn xmllint(schema: &Path, docs: &[Written]) -> Result<Vec<Finding>, String> {
    if docs.is_empty() {
        return Ok(Vec::new());
    }
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema)
        .args(docs.iter().map(|d| &d.file))
        .output()
        .map_err(|e| format!("XSD validation skipped: cannot run xmllint: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut findings = Vec::new();
    for line in stderr.lines() {
        let Some(doc) = docs.iter().find(|d| line.starts_with(&format!("{}:", d.file.display()))) else {
            if line.contains("failed to compile") || line.contains("Schemas parser error") {
                return Err(format!("XSD validation skipped: {} does not compile: {line}", schema.display()));
            }
            continue;
        };
        let rest = line.get(doc.file.display().to_string().len() + 1..).unwrap_or_default();
        let (number, message) = rest.split_once(':').unwrap_or(("0", rest));
        let number: usize = number.trim().parse().unwrap_or(0);
        let path = doc.lines.get(number.saturating_sub(1)).cloned().unwrap_or_default();
        let message = message.split_once("Schemas validity error : ").map_or(message, |(_, m)| m).trim();
        findings.push(Finding {
            rule: RULE,
            severity: Severity::Error,
            file: doc.source.clone(),
            path,
            message: message.to_owned(),
        });
    }
    Ok(findings)
}

/// A temporary folder, removed when dropped.
struct TempDir {
    path: PathBuf,
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

impl TempDir {
    fn new() -> std::io::Result<TempDir> {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("cosell-solution-xsd-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&path)?;
        Ok(TempDir { path })
    }

    fn write(&self, source: &str, doc: Serialized) -> Result<Written, String> {
        self.write_named(source.rsplit('/').next().unwrap_or(source), source, doc)
    }

    fn write_named(&self, name: &str, source: &str, doc: Serialized) -> Result<Written, String> {
        let file = self.path.join(name);
        std::fs::write(&file, doc.text).map_err(|e| format!("XSD validation skipped: {}: {e}", file.display()))?;
        Ok(Written { file, source: source.to_owned(), lines: doc.lines })
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
