//! The document commands: one function each. They read, call cosell-core, and print.
//! The rules and the mapping live in cosell-core; nothing here decides anything about the data.

use crate::io::{print_json, Failure, Input};
use cosell_core::config::Config;
use cosell_core::{mapping, Severity};
use std::path::Path;

/// What a command that finished wants the process to report.
pub enum Outcome {
    /// Exit code 0.
    Ok,
    /// Exit code 1: the document has error-severity findings.
    Findings,
}

/// `cosell referral normalize [FILE]`: the referral written back in canonical form.
pub fn normalize(file: Option<&Path>) -> Result<Outcome, Failure> {
    let referral = Input::read(file)?.referral()?;
    print_json(&referral)?;
    Ok(Outcome::Ok)
}

/// `cosell validate [FILE]`: the findings for an opportunity snapshot.
pub fn validate(file: Option<&Path>) -> Result<Outcome, Failure> {
    let snapshot = Input::read(file)?.snapshot()?;
    let findings = cosell_core::validate(&snapshot);
    print_json(&findings)?;
    if findings.iter().any(|f| f.severity == Severity::Error) {
        Ok(Outcome::Findings)
    } else {
        Ok(Outcome::Ok)
    }
}

/// `cosell map to-referral [FILE]`: the referral create payload for an opportunity snapshot;
/// refused (bad input) when a lookup is only an ID, so a payload never has holes.
pub fn to_referral(file: Option<&Path>) -> Result<Outcome, Failure> {
    let input = Input::read(file)?;
    let snapshot = input.snapshot()?;
    let missing = cosell_core::sync::lifecycle::not_loaded(&snapshot);
    if let Some(first) = missing.first() {
        return Err(input.error(cosell_core::InputError::new(
            format!("$.opportunity._{first}_value"),
            format!(
                "not loaded: {} given only as IDs; expand the lookups so the payload has the customer's name, country and currency",
                missing.join(", ")
            ),
        )));
    }
    print_json(&mapping::to_referral(&snapshot))?;
    Ok(Outcome::Ok)
}

/// `cosell map to-patch SNAPSHOT REFERRAL`: the JSON Patch and If-Match that bring the referral in line.
pub fn to_patch(snapshot: &Path, referral: &Path) -> Result<Outcome, Failure> {
    let snapshot = Input::read(Some(snapshot))?.snapshot()?;
    let referral = Input::read(Some(referral))?.referral()?;
    print_json(&mapping::to_patch(&snapshot, &referral))?;
    Ok(Outcome::Ok)
}

/// `cosell map to-crm [FILE] [--environment FILE]`: the Dataverse upsert plan for a referral.
pub fn to_crm(file: Option<&Path>, environment: Option<&Path>) -> Result<Outcome, Failure> {
    let config = match environment {
        Some(env) => Input::read(Some(env))?.environment()?,
        None => Config::default(),
    };
    let referral = Input::read(file)?.referral()?;
    print_json(&mapping::to_crm(&referral, &config))?;
    Ok(Outcome::Ok)
}

/// The output form of `cosell map fields`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FieldsFormat {
    Json,
    Markdown,
}

/// `cosell map fields [--format json|markdown]`: the field map every mapping is driven by.
pub fn fields(format: FieldsFormat) -> Result<Outcome, Failure> {
    match format {
        FieldsFormat::Json => print_json(&cosell_core::sync::FIELDS)?,
        FieldsFormat::Markdown => crate::io::print_text(&cosell_core::sync::fields::markdown())?,
    }
    Ok(Outcome::Ok)
}
