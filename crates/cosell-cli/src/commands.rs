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
pub fn to_referral(file: Option<&Path>, plan: bool) -> Result<Outcome, Failure> {
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
    match cosell_core::sync::lifecycle::create_plan(&snapshot) {
        Ok(create) if plan => print_json(&create)?,
        // A co-sell deal is two linked creates: one payload alone would reach Microsoft
        // without the engagement that ties it to the partner's referral.
        Ok(create) if create.for_microsoft.is_some() => {
            return Err(input.error(cosell_core::InputError::new(
                format!("$.opportunity.{}", cosell_core::dataverse::opportunity::HELP),
                "a co-sell deal is created with two linked referrals: use --plan for the create plan",
            )))
        }
        _ => print_json(&mapping::to_referral(&snapshot))?,
    }
    Ok(Outcome::Ok)
}

/// `cosell map to-patch SNAPSHOT REFERRAL`: the JSON Patch and If-Match that bring the referral in line.
pub fn to_patch(snapshot: &Path, referral: &Path) -> Result<Outcome, Failure> {
    let snapshot = Input::read(Some(snapshot))?.snapshot()?;
    let referral_input = Input::read(Some(referral))?;
    let referral = referral_input.referral()?;
    if let Some(state) = &snapshot.opportunity.sync_state {
        cosell_core::sync::check_referral(state, &referral).map_err(|e| referral_input.error(e.input_error()))?;
    }
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

/// A snapshot document with the base its sync state holds; no base is bad input (a first sync
/// has none: use `map to-patch`).
struct WithBase {
    input: Input,
    snapshot: cosell_core::Snapshot,
    base: cosell_core::sync::Base,
}

fn with_base(path: &Path) -> Result<WithBase, Failure> {
    let input = Input::read(Some(path))?;
    let snapshot = input.snapshot()?;
    match cosell_core::sync::stored_base(&snapshot).cloned() {
        Some(base) => Ok(WithBase { input, snapshot, base }),
        None => Err(input.error(cosell_core::InputError::new(
            "$.opportunity.cosell_syncstate",
            "no base: the sync state holds no version 1 base (a first sync compares the sides with `map to-patch`)",
        ))),
    }
}

/// A referral document and its parsed referral.
fn referral_at(path: &Path) -> Result<(Input, cosell_core::Referral), Failure> {
    let input = Input::read(Some(path))?;
    let referral = input.referral()?;
    Ok((input, referral))
}

/// A merge refusal as bad input in the document it is about.
fn refusal(e: &cosell_core::sync::SyncError, snapshot: &Input, referral: Option<&Input>) -> Failure {
    match referral {
        Some(r) if e.in_referral() => r.error(e.input_error()),
        _ => snapshot.error(e.input_error()),
    }
}

/// `cosell sync outbound SNAPSHOT [--current REFERRAL]`.
pub fn sync_outbound(snapshot: &Path, current: Option<&Path>) -> Result<Outcome, Failure> {
    let s = with_base(snapshot)?;
    let current = current.map(referral_at).transpose()?;
    let plan = cosell_core::sync::plan_outbound(&s.snapshot, &s.base, current.as_ref().map(|(_, r)| r))
        .map_err(|e| refusal(&e, &s.input, current.as_ref().map(|(i, _)| i)))?;
    print_json(&plan)?;
    Ok(Outcome::Ok)
}

/// `cosell sync inbound REFERRAL SNAPSHOT`.
pub fn sync_inbound(referral: &Path, snapshot: &Path) -> Result<Outcome, Failure> {
    let (r_input, referral) = referral_at(referral)?;
    let s = with_base(snapshot)?;
    let plan = cosell_core::sync::inbound(&referral, &s.snapshot, &s.base)
        .map_err(|e| refusal(&e, &s.input, Some(&r_input)))?;
    print_json(&plan)?;
    Ok(Outcome::Ok)
}

/// `cosell sync retry SNAPSHOT REFERRAL`: after a 412.
pub fn sync_retry(snapshot: &Path, referral: &Path) -> Result<Outcome, Failure> {
    let s = with_base(snapshot)?;
    let (r_input, referral) = referral_at(referral)?;
    let plan = cosell_core::sync::after_precondition_failed(&s.snapshot, &s.base, &referral)
        .map_err(|e| refusal(&e, &s.input, Some(&r_input)))?;
    print_json(&plan)?;
    Ok(Outcome::Ok)
}

/// `cosell sync inbound-lead REFERRAL LEAD`: the inbound merge on a lead, against its own base.
pub fn sync_inbound_lead(referral: &Path, lead: &Path) -> Result<Outcome, Failure> {
    use cosell_core::dataverse::lead as l;
    let (r_input, referral) = referral_at(referral)?;
    let input = Input::read(Some(lead))?;
    let value: serde_json::Value = cosell_core::json::from_str(&input.text).map_err(|e| input.error(e))?;
    let Some(row) = value.as_object() else {
        return Err(input.error(cosell_core::InputError::new(
            "$",
            format!("expected the lead row (an object), found {}", cosell_core::wire::kind(&value)),
        )));
    };
    let at = format!("$.{}", l::SYNC_STATE);
    let base = match row.get(l::SYNC_STATE).and_then(serde_json::Value::as_str) {
        Some(text) => cosell_core::snapshot::SyncState::parse(text, &at).map_err(|e| input.error(e))?,
        None => cosell_core::snapshot::SyncState::default(),
    };
    if base.fields.is_none() {
        return Err(input.error(cosell_core::InputError::new(
            at,
            "no base: the lead's sync state holds no version 1 base (a lead not landed yet is created by `map to-crm`)",
        )));
    }
    let plan = cosell_core::sync::lead::inbound_lead(&referral, row, &base)
        .map_err(|e| refusal(&e, &input, Some(&r_input)))?;
    print_json(&plan)?;
    Ok(Outcome::Ok)
}
