//! `cosell-lint`: Microsoft's connector validation, offline.
//!
//! `paconn validate` needs a Microsoft login and a network. This crate applies the published
//! Swagger Validator rules and certification content rules (research `connector.md` §2.2–2.3)
//! to any connector folder, and validates against Microsoft's JSON schemas when they are given.
//!
//! Severity policy: a rule is an **error** only when Microsoft's validator rejects the same thing
//! and every certified connector we test against passes it; style and certification-checklist
//! rules are **warnings** (they fail certification review, not the upload).

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::unreachable)
)]

mod finding;
mod load;
mod pointer;
mod rules;
pub mod schemas;
mod walk;

pub use finding::{Finding, Report, Severity};
pub use load::{Connector, InputError, API_DEFINITION, API_PROPERTIES};
pub use schemas::VendoredSchemas;

use std::path::Path;

/// Lints the connector folder `dir`: every rule, plus the vendored schemas when given.
pub fn lint_dir(dir: &Path, schemas: Option<&VendoredSchemas>) -> Result<Report, InputError> {
    let connector = Connector::load(dir)?;
    Ok(lint(&connector, schemas))
}

/// Lints an already loaded connector.
pub fn lint(connector: &Connector, schemas: Option<&VendoredSchemas>) -> Report {
    let mut findings = rules::run(connector);
    if let Some(schemas) = schemas {
        findings.extend(schemas.validate(connector));
    }
    findings.sort_by(|a, b| (b.severity, &a.file, &a.pointer, a.rule).cmp(&(a.severity, &b.file, &b.pointer, b.rule)));
    Report { findings }
}
