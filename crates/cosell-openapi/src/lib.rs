//! `cosell-openapi`: the OpenAPI 3 documents and Power Platform connector packages of the two
//! Partner Center APIs, generated from the `cosell-core` model.
//!
//! Data flow: core types → schemars → connector-shaped schemas ([`model_schemas`]) → OpenAPI 3
//! documents ([`referrals`], [`events`], typed by `openapiv3`) → Swagger 2.0 ([`swagger2`]) →
//! connector packages ([`package`]). Output is deterministic: sorted keys, 4-space indentation,
//! trailing newline.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::unreachable)
)]

mod common;
pub mod events;
pub mod model_schemas;
pub mod package;
pub mod referrals;
pub mod swagger2;
pub mod text;

use serde::Serialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The client id written when none is given: obviously not a real app.
pub const PLACEHOLDER_CLIENT_ID: &str = "00000000-0000-0000-0000-000000000000";

/// Generation options.
#[derive(Debug, Clone)]
pub struct Options {
    /// The AAD app (client) id of the connection. Never a secret.
    pub client_id: String,
}

impl Default for Options {
    fn default() -> Self {
        Options { client_id: PLACEHOLDER_CLIENT_ID.into() }
    }
}

/// One generated file, relative to the project root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: String,
}

/// Every generated file: `openapi/*.json` and both `connector/*/` packages.
pub fn generate(options: &Options) -> Result<Vec<GeneratedFile>, String> {
    let mut files = Vec::new();
    let apis = [
        (package::REFERRALS, referrals::document()?, package::REFERRALS_NOTES),
        (package::EVENTS, events::document()?, package::EVENTS_NOTES),
    ];
    for (spec, openapi, notes) in apis {
        let openapi = serde_json::to_value(&openapi).map_err(|e| e.to_string())?;
        let swagger = swagger2::convert(&openapi)?;
        let dir = PathBuf::from("connector").join(spec.folder);
        files.push(file(PathBuf::from("openapi").join(format!("{}.openapi.json", spec.folder)), &openapi)?);
        files.push(file(dir.join("apiDefinition.swagger.json"), &swagger)?);
        files.push(file(dir.join("apiProperties.json"), &package::api_properties(&spec, &options.client_id))?);
        files.push(file(dir.join("settings.json"), &package::settings())?);
        files.push(GeneratedFile { path: dir.join("README.md"), contents: package::readme(&spec, &swagger, notes) });
    }
    Ok(files)
}

/// Pretty JSON with 4-space indentation and a trailing newline.
pub fn to_json(value: &Value) -> Result<String, String> {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    value.serialize(&mut serializer).map_err(|e| e.to_string())?;
    let mut text = String::from_utf8(out).map_err(|e| e.to_string())?;
    text.push('\n');
    Ok(text)
}

fn file(path: PathBuf, value: &Value) -> Result<GeneratedFile, String> {
    Ok(GeneratedFile { path, contents: to_json(value)? })
}

/// The generated files whose copy under `root` is missing or different.
pub fn stale(root: &Path, files: &[GeneratedFile]) -> Vec<PathBuf> {
    files
        .iter()
        .filter(|f| std::fs::read_to_string(root.join(&f.path)).ok().as_deref() != Some(f.contents.as_str()))
        .map(|f| f.path.clone())
        .collect()
}

/// Writes the files under `root`, creating folders.
pub fn write(root: &Path, files: &[GeneratedFile]) -> Result<(), String> {
    for f in files {
        let path = root.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, &f.contents).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}
