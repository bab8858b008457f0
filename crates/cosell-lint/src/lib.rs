//! `cosell-lint`: Microsoft's connector validation, offline.
//!
//! `paconn validate` needs a Microsoft login and a network. This crate applies the published
//! Swagger Validator rules, the certification content rules and the structure of Microsoft's
//! JSON schema (written here as Rust tables, [`structure`]) to any connector folder, with no
//! file outside the folder. Microsoft's vendored JSON schemas are an optional extra pass
//! ([`VendoredSchemas`]) whose findings are warnings and never repeat a built-in finding.
//!
//! Every rule, with its one severity and its source, is a row of [`catalog`]; `cosell lint
//! --rules` prints it and `docs/lint.md` explains it.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::unreachable)
)]

pub mod catalog;
mod finding;
mod load;
mod pointer;
mod rules;
pub mod schemas;
pub mod structure;
mod walk;

pub use catalog::{Rule, Source};
pub use finding::{Finding, Report, Severity};
pub use load::{Connector, InputError, API_DEFINITION, API_PROPERTIES};
pub use schemas::VendoredSchemas;

use std::path::Path;

/// What a lint run includes beyond the built-in rules.
#[derive(Default, Clone, Copy)]
pub struct Options<'a> {
    /// Microsoft's JSON schemas as an extra pass (their findings are warnings, deduplicated).
    pub schemas: Option<&'a VendoredSchemas>,
    /// Report info-severity advice too (off by default).
    pub info: bool,
}

/// Lints the connector folder `dir`: every rule, plus the vendored schemas when given.
pub fn lint_dir(dir: &Path, schemas: Option<&VendoredSchemas>) -> Result<Report, InputError> {
    lint_dir_with(dir, &Options { schemas, info: false })
}

/// Lints the connector folder `dir` with `options`.
pub fn lint_dir_with(dir: &Path, options: &Options<'_>) -> Result<Report, InputError> {
    let connector = Connector::load(dir)?;
    Ok(lint_with(&connector, options))
}

/// Lints an already loaded connector (no info findings).
pub fn lint(connector: &Connector, schemas: Option<&VendoredSchemas>) -> Report {
    lint_with(connector, &Options { schemas, info: false })
}

/// Lints an already loaded connector with `options`.
pub fn lint_with(connector: &Connector, options: &Options<'_>) -> Report {
    let mut findings = rules::run(connector);
    if let Some(schemas) = options.schemas {
        let raw = schemas.validate(connector);
        findings.extend(schemas::not_explained_by(raw, &findings));
    }
    if !options.info {
        findings.retain(|f| f.severity != Severity::Info);
    }
    findings.sort_by(|a, b| (b.severity, &a.file, &a.pointer, a.rule).cmp(&(a.severity, &b.file, &b.pointer, b.rule)));
    Report { findings }
}
