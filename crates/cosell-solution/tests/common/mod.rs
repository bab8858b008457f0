//! Shared by the integration tests: the repository's own inputs, and readers of its sources.

#![allow(dead_code)]

use cosell_solution::connectors::{ConnectorFiles, CONNECTORS};
use cosell_solution::package::{build, ExternalFile, Inputs, Package};
use cosell_solution::web_resources::WEB_RESOURCES;
use std::path::{Path, PathBuf};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The generator's inputs from connector/ and stand-in web resource bytes.
pub fn inputs() -> Inputs {
    let connectors = CONNECTORS
        .iter()
        .map(|c| ConnectorFiles {
            folder: c.folder.to_owned(),
            swagger: read(&format!("connector/{}/apiDefinition.swagger.json", c.folder)).into_bytes(),
            api_properties: read(&format!("connector/{}/apiProperties.json", c.folder)).into_bytes(),
        })
        .collect();
    let web_resources = WEB_RESOURCES
        .iter()
        .map(|w| ExternalFile {
            name: w.name.to_owned(),
            source: format!("dist/webresources/{}", w.name),
            bytes: format!("/* built {} */\n", w.name).into_bytes(),
        })
        .collect();
    Inputs { version: env!("CARGO_PKG_VERSION").to_owned(), web_resources, connectors, flows: Vec::new() }
}

pub fn package() -> Package {
    build(&inputs()).unwrap()
}

pub fn file(package: &Package, path: &str) -> String {
    let f = package.files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("{path} not in the package"));
    String::from_utf8(f.bytes.clone()).unwrap()
}

/// `pub const NAME: &str = "value";` of every `pub mod` in a Rust source, as (module, NAME, value);
/// a constant that aliases another (`= super::opportunity::X;`) is resolved.
pub fn string_constants(source: &str) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = Vec::new();
    let mut module = String::new();
    for line in source.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("pub mod ") {
            module = rest.trim_end_matches(" {").to_owned();
        }
        let Some(rest) = line.strip_prefix("pub const ") else { continue };
        let Some((name, value)) = rest.split_once(": &str = ") else { continue };
        let value = value.trim_end_matches(';');
        let value = if let Some(quoted) = value.strip_prefix('"') {
            quoted.trim_end_matches('"').to_owned()
        } else {
            let target: Vec<&str> = value.trim_start_matches("super::").split("::").collect();
            out.iter()
                .find(|(m, n, _)| [m.as_str(), n.as_str()] == target[..])
                .map(|(_, _, v)| v.clone())
                .unwrap_or_else(|| panic!("cannot resolve {value}"))
        };
        out.push((module.clone(), name.to_owned(), value));
    }
    out
}

/// The doc comment just above `pub const NAME` in a source.
pub fn doc_comment_of(source: &str, name: &str) -> String {
    let lines: Vec<&str> = source.lines().collect();
    let at = lines.iter().position(|l| l.trim().starts_with(&format!("pub const {name}:"))).unwrap();
    let mut doc = Vec::new();
    for line in lines[..at].iter().rev() {
        match line.trim().strip_prefix("///") {
            Some(text) => doc.push(text.trim()),
            None => break,
        }
    }
    doc.reverse();
    doc.join(" ")
}
