//! The three-way merge: each side against the base, both directions, driven by the field map.
//!
//! - [`outbound`] (CRM → Partner Center): only the fields the CRM changed since the base that
//!   the CRM may write on update, as a JSON Patch with If-Match = the base's (stored) eTag.
//! - [`inbound`] (Partner Center → CRM): only the fields Partner Center changed since the base
//!   that it may write on update; never a rename, re-parent or re-link.
//! - Both changed the same field: the row's `conflict` side wins, and the other value is
//!   returned as a [`Conflict`] for the audit trail — never silently lost.
//! - [`after_precondition_failed`]: a 412 means the referral changed since the base: re-read
//!   it, merge inbound first, then patch with the fresh eTag.

use super::base::{base_outcome, settle};
use super::fields::{Field, Side, Transform, FIELDS};
use super::values::{crm_values, referral_values, Read};
use crate::dataverse::{currency, opportunity as opp, OpportunityState, OpportunityStatus};
use crate::mapping::{AuditDirection, AuditEntry, AuditOutcome, PatchOp, PatchOperation, StepAction, UpsertStep};
use crate::referral::{Referral, ReferralStatus, ReferralSubstatus, SolutionTag};
use crate::snapshot::{Snapshot, SyncState};
use crate::status;
use serde::Serialize;
use serde_json::{Map, Value};

/// The audit messages' fixed words around a field's name and values (`{field}{CONFLICT}{kept:?},
/// {side}{CONFLICT_LOST}{lost:?}`, …): the generated flows, which cannot call these functions,
/// write the same messages from the same words.
pub mod audit_text {
    pub const CONFLICT: &str = " changed on both sides; kept ";
    pub const CONFLICT_LOST: &str = "'s value was ";
    pub const UNREAD: &str = ": Partner Center's value is absent or unreadable; kept ";
    pub const NOT_SENT: &str = " changed to ";
    pub const NOT_SENT_END: &str = " in Dynamics 365 only: Partner Center takes no update of it";
}

/// Both sides changed a field since the base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    pub field: &'static str,
    /// Whose value is kept (the row's policy).
    pub winner: Side,
    /// The CRM's value (canonical), `None` for empty.
    pub crm: Option<String>,
    /// Partner Center's value (canonical), `None` for empty.
    pub partner_center: Option<String>,
}

impl Conflict {
    /// The losing value.
    pub fn lost(&self) -> Option<&str> {
        match self.winner {
            Side::Crm => self.partner_center.as_deref(),
            Side::PartnerCenter => self.crm.as_deref(),
        }
    }

    /// The audit entry that records the losing value.
    pub fn audit_entry(&self, timestamp: &str) -> AuditEntry {
        let (kept, lost_side, direction) = match self.winner {
            Side::Crm => (self.crm.as_deref(), "Partner Center", AuditDirection::ToPartnerCenter),
            Side::PartnerCenter => (self.partner_center.as_deref(), "Dynamics 365", AuditDirection::FromPartnerCenter),
        };
        AuditEntry {
            timestamp: timestamp.to_owned(),
            direction,
            outcome: AuditOutcome::Success,
            code: Some("conflict".to_owned()),
            message: format!(
                "{}{}{:?}, {lost_side}{}{:?}",
                self.field,
                audit_text::CONFLICT,
                kept.unwrap_or(""),
                audit_text::CONFLICT_LOST,
                self.lost().unwrap_or("")
            ),
        }
    }
}

/// A field Partner Center's document holds no readable value for (absent, `null`, or a value
/// with no canonical form, such as a deal value beyond ±9·10^13): the CRM's value is kept, never
/// written as empty, and the entry goes to the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unread {
    pub field: &'static str,
    /// The CRM's value, kept (canonical).
    pub crm: Option<String>,
}

impl Unread {
    /// The audit entry that says the field was not written.
    pub fn audit_entry(&self, timestamp: &str) -> AuditEntry {
        let message = format!("{}{}{:?}", self.field, audit_text::UNREAD, self.crm.as_deref().unwrap_or(""));
        skipped(timestamp, AuditDirection::FromPartnerCenter, "unread", message)
    }
}

/// An audit entry for a value deliberately left where it is.
fn skipped(timestamp: &str, direction: AuditDirection, code: &str, message: String) -> AuditEntry {
    AuditEntry {
        timestamp: timestamp.to_owned(),
        direction,
        outcome: AuditOutcome::Skipped,
        code: Some(code.to_owned()),
        message,
    }
}

/// A field the CRM changed since the base that no update can carry to Partner Center (the
/// closing date, which Partner Center owns on update; the name, which has no PATCH path): it
/// stays in Dynamics 365, and the audit says so instead of letting it vanish without a word.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotSent {
    pub field: &'static str,
    /// The CRM's value (canonical).
    pub crm: Option<String>,
}

impl NotSent {
    /// The audit entry that says the change is not sent.
    pub fn audit_entry(&self, timestamp: &str) -> AuditEntry {
        let message = format!(
            "{}{}{:?}{}",
            self.field,
            audit_text::NOT_SENT,
            self.crm.as_deref().unwrap_or(""),
            audit_text::NOT_SENT_END
        );
        skipped(timestamp, AuditDirection::ToPartnerCenter, "not-sent", message)
    }
}

/// Why a merge cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncError {
    /// The referral given is not the base's: merging would re-link the record to another referral.
    OtherReferral { given: Option<String>, stored: String },
    /// The base has no eTag, so a PATCH would go without If-Match and overwrite whatever changed.
    NoETag,
}

impl SyncError {
    /// Whether the problem is in the referral document (else in the snapshot's sync state).
    pub fn in_referral(&self) -> bool {
        matches!(self, SyncError::OtherReferral { .. })
    }

    /// The error at its JSON path, in the document [`SyncError::in_referral`] names.
    pub fn input_error(&self) -> crate::InputError {
        match self {
            SyncError::OtherReferral { given, stored } => crate::InputError::new(
                "$.id",
                format!(
                    "referral {} is not the one in the sync state ({stored})",
                    given.as_deref().unwrap_or("without an id")
                ),
            ),
            SyncError::NoETag => crate::InputError::new(
                "$.opportunity.cosell_syncstate",
                "the base has no eTag: a PATCH without If-Match would overwrite Partner Center's changes; give the referral read now with --current",
            ),
        }
    }
}

/// The referral must be the base's (IDs compared ignoring case and surrounding spaces); a base
/// without a referral ID accepts any.
pub fn check_referral(base: &SyncState, r: &Referral) -> Result<(), SyncError> {
    let Some(stored) = base.referral_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(());
    };
    match r.id.as_deref().map(str::trim) {
        Some(id) if id.eq_ignore_ascii_case(stored) => Ok(()),
        given => Err(SyncError::OtherReferral { given: given.map(str::to_owned), stored: stored.to_owned() }),
    }
}

/// What to send to Partner Center.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboundPlan {
    /// The If-Match header: the eTag of the base (empty operations: send nothing).
    pub if_match: Option<String>,
    pub operations: Vec<PatchOperation>,
    pub conflicts: Vec<Conflict>,
    /// CRM changes since the base that no update can carry (see [`NotSent`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_sent: Vec<NotSent>,
    /// The sync state to store once the PATCH succeeded; take its `eTag` from the PATCH
    /// response (`Prefer: return=representation`).
    pub base: SyncState,
}

/// What to write to Dataverse.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InboundPlan {
    /// The fields Partner Center changed since the base (written or not).
    pub changed: Vec<&'static str>,
    /// The writes in order (empty: nothing differs from the base — an echo).
    pub steps: Vec<UpsertStep>,
    pub conflicts: Vec<Conflict>,
    /// Fields Partner Center has no readable value for: not written (see [`Unread`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<Unread>,
    /// The new base (also written in the update step's sync-state column).
    pub base: SyncState,
}

/// The 412 path: the inbound merge of the fresh referral, then the PATCH that is left.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Retry {
    pub inbound: InboundPlan,
    pub outbound: OutboundPlan,
}

/// CRM → Partner Center. `current`, when the executor has read the referral, adds conflict
/// detection; without it, a referral changed since the base answers 412 (see
/// [`after_precondition_failed`]).
pub fn outbound(s: &Snapshot, base: &SyncState, current: Option<&Referral>) -> OutboundPlan {
    let crm = crm_values(s, base_outcome(Some(base)));
    outbound_from(s, &crm, base, current)
}

fn outbound_from(s: &Snapshot, crm: &Read, base: &SyncState, current: Option<&Referral>) -> OutboundPlan {
    let pc = current.map(referral_values);
    let doc = current.and_then(|r| serde_json::to_value(r).ok());
    let mut ops = Vec::new();
    let mut conflicts = Vec::new();
    let terminal = base.status == Some(ReferralStatus::Closed);
    for f in FIELDS.iter().filter(|f| f.sends_on_update() && !terminal) {
        let Some(c) = crm.get(f.key) else { continue };
        let b = base.field(f.key);
        if c.as_deref() == b {
            continue;
        }
        if let Some(p) = pc.as_ref().and_then(|pc| pc.get(f.key)) {
            if p == c {
                continue;
            }
            if p.as_deref() != b {
                conflicts.push(Conflict {
                    field: f.key,
                    winner: f.conflict,
                    crm: c.clone(),
                    partner_center: p.clone(),
                });
                if f.conflict == Side::PartnerCenter {
                    continue;
                }
            }
        }
        let exists = |path: &str| match &doc {
            Some(d) => d.pointer(path).is_some(),
            None => b.is_some(),
        };
        field_ops(f, c.as_deref(), s, base, current, &exists, &mut ops);
    }
    // After the PATCH, Partner Center holds what was sent.
    let mut pc_after = pc.unwrap_or_else(|| base_read(base));
    for f in FIELDS.iter().filter(|f| f.in_base()) {
        if ops.iter().any(|o| Some(o.path.as_str()) == f.patch) {
            if let Some(c) = crm.get(f.key) {
                pc_after.insert(f.key, c.clone());
            }
        }
    }
    let mut meta = current.cloned().unwrap_or_default();
    meta.id = meta.id.or_else(|| base.referral_id.clone());
    meta.e_tag = meta.e_tag.or_else(|| base.e_tag.clone());
    meta.status = meta.status.or_else(|| base.status.clone());
    meta.substatus = meta.substatus.or_else(|| base.substatus.clone());
    let mut crm_after = crm.clone();
    if let Some((st, sub)) = sent_status(&ops) {
        // Both sides now hold the outcome Partner Center took: a lost opportunity whose referral
        // was never accepted is Declined there, and the CRM's Lost reads as Declined against a
        // base that says so (`crm_outcome`), so the next read is no change and no conflict.
        let outcome = super::fields::referral_outcome(Some(st.as_str()), Some(sub.as_str()));
        pc_after.insert(super::fields::keys::STATUS, outcome.clone());
        crm_after.insert(super::fields::keys::STATUS, outcome);
        meta.status = Some(st);
        meta.substatus = Some(sub);
    }
    // Always the eTag of the base: whatever changed since then answers 412, never overwritten.
    let if_match = base.e_tag.clone();
    let settled = settle(Some(base), &crm_after, &pc_after, &meta);
    let not_sent = if terminal { Vec::new() } else { not_sendable(crm, base) };
    OutboundPlan { if_match, operations: ops, conflicts, not_sent, base: settled }
}

/// The CRM's changes since the base that no update carries. Help is left out: choosing it later
/// is the co-sell conversion (a create), not an update.
fn not_sendable(crm: &Read, base: &SyncState) -> Vec<NotSent> {
    FIELDS
        .iter()
        .filter(|f| f.in_base() && !f.sends_on_update() && f.key != super::fields::keys::HELP)
        .filter_map(|f| {
            let c = crm.get(f.key)?;
            (c.as_deref() != base.field(f.key)).then(|| NotSent { field: f.key, crm: c.clone() })
        })
        .collect()
}

/// The base as the values Partner Center held at the last sync.
fn base_read(base: &SyncState) -> Read {
    FIELDS.iter().filter(|f| f.in_base()).map(|f| (f.key, base.field(f.key).map(str::to_owned))).collect()
}

fn sent_status(ops: &[PatchOperation]) -> Option<(ReferralStatus, ReferralSubstatus)> {
    let get = |p: &str| ops.iter().find(|o| o.path == p).and_then(|o| o.value.as_str());
    Some((ReferralStatus::parse(get("/status")?), ReferralSubstatus::parse(get("/substatus")?)))
}

fn op(exists: bool, path: &str, value: Value) -> PatchOperation {
    PatchOperation { op: if exists { PatchOp::Replace } else { PatchOp::Add }, path: path.to_owned(), value }
}

fn field_ops(
    f: &Field,
    c: Option<&str>,
    s: &Snapshot,
    base: &SyncState,
    current: Option<&Referral>,
    exists: &dyn Fn(&str) -> bool,
    ops: &mut Vec<PatchOperation>,
) {
    let Some(path) = f.patch else { return };
    match (f.transform, c) {
        (Transform::Status, Some(outcome)) => status_ops(outcome, base, exists, ops),
        // Visibility is one way: granted, never withdrawn.
        (Transform::Flag { .. }, Some("true")) => ops.push(op(exists(path), path, Value::Bool(true))),
        (Transform::Flag { .. }, _) => {}
        (Transform::SolutionList, Some(_)) => {
            let have = current.map(Referral::solutions).unwrap_or(&[]);
            let tags = solution_tags(s, have);
            ops.push(op(exists(path), path, serde_json::to_value(tags).unwrap_or(Value::Null)));
        }
        // Removing every solution is not something a sync should do (the rules flag it).
        (Transform::SolutionList, None) => {}
        // Cleared text is sent as empty text; a cleared amount, date or code cannot be sent.
        (Transform::Text { .. }, None) => ops.push(op(exists(path), path, Value::from(""))),
        (_, None) => {}
        (t, Some(v)) => ops.push(op(exists(path), path, t.to_referral(v))),
    }
}

/// The opportunity's outcome as a status change, when the status machine allows it.
fn status_ops(outcome: &str, base: &SyncState, exists: &dyn Fn(&str) -> bool, ops: &mut Vec<PatchOperation>) {
    let from = (
        base.status.clone().unwrap_or(ReferralStatus::None),
        base.substatus.clone().unwrap_or(ReferralSubstatus::None),
    );
    let state = match outcome {
        "Won" => OpportunityState::Won,
        "Lost" | "Declined" | "Expired" => OpportunityState::Lost,
        _ => return,
    };
    let to = crate::rules::referral_status_for(state, Some((&from.0, &from.1)));
    if status::check_transition((&from.0, &from.1), (&to.0, &to.1)).is_err() {
        return;
    }
    ops.push(op(exists("/status"), "/status", Value::from(to.0.as_str())));
    ops.push(op(exists("/substatus"), "/substatus", Value::from(to.1.as_str())));
    if to.1 == ReferralSubstatus::Lost {
        ops.push(op(exists("/statusReason"), "/statusReason", Value::from(crate::mapping::LOST_REASON)));
    }
}

/// The opportunity's solutions as referral tags, each solution ID once (first row wins), in
/// one pass: O(n log n). The set is a `serde_json::Map` (a B-tree keyed by the solution key):
/// the WebAssembly form calls this through the create payload, and its bundle already holds
/// that map's code, where a new set type would cost kilobytes of its 100 KB budget.
pub fn unique_solution_tags(s: &Snapshot) -> Vec<SolutionTag> {
    let mut seen = Map::new();
    s.solutions
        .iter()
        .filter_map(crate::mapping::solution_tag)
        .filter(|tag| seen.insert(crate::mapping::solution_key(tag.id.as_deref().unwrap_or("")), Value::Null).is_none())
        .collect()
}

/// [`unique_solution_tags`], where a solution still attached keeps the object Partner Center
/// has (with every property it added).
pub fn solution_tags(s: &Snapshot, have: &[SolutionTag]) -> Vec<SolutionTag> {
    let mut existing = Map::new();
    for (i, t) in have.iter().enumerate() {
        if let Some(id) = t.id.as_deref() {
            existing.entry(crate::mapping::solution_key(id)).or_insert(Value::from(i));
        }
    }
    unique_solution_tags(s)
        .into_iter()
        .map(|tag| {
            let key = crate::mapping::solution_key(tag.id.as_deref().unwrap_or(""));
            let kept = existing.get(&key).and_then(Value::as_u64).and_then(|i| have.get(usize::try_from(i).ok()?));
            kept.cloned().unwrap_or(tag)
        })
        .collect()
}

/// Partner Center → CRM; refused when `r` is another referral than the base's.
pub fn inbound(r: &Referral, s: &Snapshot, base: &SyncState) -> Result<InboundPlan, SyncError> {
    check_referral(base, r)?;
    let crm = crm_values(s, base_outcome(Some(base)));
    Ok(inbound_from(r, &Target::opportunity(s, r), &crm, base).0)
}

/// The record an inbound merge writes: the opportunity, or a referral's lead (not accepted yet).
pub(crate) struct Target<'a> {
    /// `true` for a lead: the rows' lead columns, and no close step (the lead's lifecycle is
    /// qualify/disqualify, planned by `mapping::to_crm`).
    pub lead: bool,
    pub entity_set: &'static str,
    pub filter: Option<String>,
    pub config: &'a crate::config::Config,
}

impl Target<'_> {
    fn opportunity<'a>(s: &'a Snapshot, r: &Referral) -> Target<'a> {
        Target { lead: false, entity_set: opp::ENTITY_SET, filter: record_filter(s, r), config: &s.config }
    }

    /// The column a row writes on this record, `None` when it has none here.
    fn column(&self, f: &Field) -> Option<String> {
        if self.lead {
            f.lead.map(str::to_owned)
        } else {
            Some(f.crm.column.resolve(self.config).to_owned())
        }
    }
}

/// Whether the referral clears the field on purpose: only a text given as empty text is a
/// clear; an absent or unreadable value is never taken for one.
fn clears(f: &Field, doc: &Value) -> bool {
    matches!(f.transform, Transform::Text { .. }) && doc.pointer(f.referral).is_some_and(Value::is_string)
}

/// A closed CRM record cannot take another outcome (Dataverse rejects closing it again).
fn is_closed_outcome(f: &Field, c: Option<&str>) -> bool {
    f.transform == Transform::Status && c.is_some_and(|o| o != "Open")
}

pub(crate) fn inbound_from(r: &Referral, target: &Target, crm: &Read, base: &SyncState) -> (InboundPlan, Read) {
    let pc = referral_values(r);
    let doc = serde_json::to_value(r).unwrap_or(Value::Null);
    let mut unread = Vec::new();
    let mut crm_after = crm.clone();
    let mut body = Map::new();
    let mut steps = Vec::new();
    let mut conflicts = Vec::new();
    let mut changed = Vec::new();
    let mut close = None;
    for f in FIELDS.iter().filter(|f| f.in_base()) {
        let Some(p) = pc.get(f.key) else { continue };
        let b = base.field(f.key);
        if p.as_deref() == b {
            continue;
        }
        if !f.update.to_crm || target.column(f).is_none() {
            changed.push(f.key);
            continue;
        }
        // Not loaded on the CRM side: taken as unchanged since the base.
        let c = crm.get(f.key).cloned().unwrap_or_else(|| b.map(str::to_owned));
        if &c == p {
            changed.push(f.key);
            continue;
        }
        if p.is_none() && !clears(f, &doc) {
            unread.push(Unread { field: f.key, crm: c });
            continue;
        }
        changed.push(f.key);
        let closed = is_closed_outcome(f, c.as_deref());
        if c.as_deref() != b || closed {
            // A closed CRM record keeps its outcome whatever the policy: the other is audited.
            let winner = if closed { Side::Crm } else { f.conflict };
            conflicts.push(Conflict { field: f.key, winner, crm: c.clone(), partner_center: p.clone() });
            if winner == Side::Crm {
                continue;
            }
        }
        crm_after.insert(f.key, p.clone());
        match f.transform {
            Transform::Status => close = close_step(p.as_deref(), r),
            Transform::IsoCurrency => {
                if let Some(code) = p {
                    steps.push(currency_step(code));
                    body.insert(
                        format!("{}@odata.bind", opp::CURRENCY),
                        Value::from("/transactioncurrencies({currency})"),
                    );
                }
            }
            t => {
                if let Some(column) = target.column(f) {
                    body.insert(column, p.as_deref().map_or(Value::Null, |v| t.to_crm(v)));
                }
            }
        }
    }
    let settled = settle(Some(base), &crm_after, &pc, r);
    if !body.is_empty() || close.is_some() || settled != *base {
        body.insert(opp::SYNC_STATE.to_owned(), Value::from(settled.to_json()));
        let name = if target.lead { "lead" } else { "opportunity" };
        steps.push(crate::mapping::step(name, StepAction::Update, target.entity_set, target.filter.clone(), body));
    }
    steps.extend(close);
    (InboundPlan { changed, steps, conflicts, unread, base: settled }, crm_after)
}

/// A 412 from Partner Center: `fresh` is the referral re-read. The inbound merge runs first
/// (Microsoft's changes reach the CRM, conflicts by policy), then the CRM's remaining changes
/// are patched with the fresh eTag. A conflict is reported once (in `inbound`), not again by
/// the outbound half; refused when `fresh` is another referral than the base's.
pub fn after_precondition_failed(s: &Snapshot, base: &SyncState, fresh: &Referral) -> Result<Retry, SyncError> {
    check_referral(base, fresh)?;
    let crm = crm_values(s, base_outcome(Some(base)));
    let (inbound, crm_after) = inbound_from(fresh, &Target::opportunity(s, fresh), &crm, base);
    let mut outbound = outbound_from(s, &crm_after, &inbound.base, Some(fresh));
    outbound.conflicts.retain(|c| !inbound.conflicts.iter().any(|i| i.field == c.field));
    Ok(Retry { inbound, outbound })
}

/// What `sync outbound` plans: the PATCH, or the 412 path at once when the referral read now
/// has another eTag than the base (its If-Match would be a certain 412) or the base has none;
/// and the co-sell conversion when help was chosen since the base.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboundStep {
    /// The Dataverse writes to make first (the referral changed since the base).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inbound: Option<InboundPlan>,
    #[serde(flatten)]
    pub outbound: OutboundPlan,
    /// POSTed after the PATCH; its `base` (the outbound base with help recorded) is the one to
    /// store once both succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversion: Option<super::lifecycle::Conversion>,
}

/// CRM → Partner Center as an executor runs it: refused for another referral, or for a base
/// without an eTag when the referral now is not known.
pub fn plan_outbound(s: &Snapshot, base: &SyncState, current: Option<&Referral>) -> Result<OutboundStep, SyncError> {
    let (inbound, outbound) = match current {
        Some(r) => {
            check_referral(base, r)?;
            match (&base.e_tag, &r.e_tag) {
                (None, None) => return Err(SyncError::NoETag),
                // A referral read with another eTag (or with one where the base has none): the
                // 412 path at once, with the fresh eTag.
                (_, Some(fresh)) if base.e_tag.as_ref() != Some(fresh) => {
                    let retry = after_precondition_failed(s, base, r)?;
                    (Some(retry.inbound), retry.outbound)
                }
                // The same eTag, or a read that carries none (nothing to compare): the PATCH
                // with the base's If-Match; a change since the base still answers 412.
                _ => (None, outbound(s, base, Some(r))),
            }
        }
        None if base.e_tag.is_none() => return Err(SyncError::NoETag),
        None => (None, outbound(s, base, None)),
    };
    // Help chosen since the base (not since the outbound's new base, which may already agree);
    // the conversion's base is the outbound's with help and visibility recorded.
    let conversion = current.and_then(|r| super::lifecycle::convert_to_co_sell(s, base, r)).map(|mut c| {
        let mut after = outbound.base.clone();
        let fields = after.fields.get_or_insert_with(Default::default);
        for key in [super::fields::keys::HELP, super::fields::keys::VISIBILITY] {
            if let Some(v) = c.base.field(key) {
                fields.insert(key.to_owned(), Value::from(v));
            }
        }
        c.base = after;
        c
    });
    Ok(OutboundStep { inbound, outbound, conversion })
}

/// The opportunity of the referral: by its row ID when the snapshot has it, else by referral ID.
fn record_filter(s: &Snapshot, r: &Referral) -> Option<String> {
    match (&s.opportunity.id, &r.id) {
        (Some(id), _) => Some(format!("{} eq {id}", opp::ID)),
        (None, Some(rid)) => Some(format!("{} eq '{}'", opp::REFERRAL_ID, rid.replace('\'', "''"))),
        (None, None) => None,
    }
}

fn currency_step(code: &str) -> UpsertStep {
    crate::mapping::step(
        "currency",
        StepAction::Find,
        currency::ENTITY_SET,
        Some(format!("{} eq '{}'", currency::ISO_CODE, code.replace('\'', "''"))),
        Map::new(),
    )
}

/// Closed in Partner Center closes the opportunity: won, lost (Out-Sold), declined or expired
/// (Canceled). An open outcome never reopens anything.
pub fn close_step(outcome: Option<&str>, r: &Referral) -> Option<UpsertStep> {
    let (action, status) = match outcome? {
        "Won" => (StepAction::WinOpportunity, OpportunityStatus::Won),
        "Lost" => (StepAction::LoseOpportunity, OpportunityStatus::OutSold),
        "Declined" | "Expired" => (StepAction::LoseOpportunity, OpportunityStatus::Canceled),
        _ => return None,
    };
    let mut body = Map::new();
    body.insert(opp::STATUS.to_owned(), Value::from(status.value()));
    if let Some(reason) = r.status_reason.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        body.insert("subject".to_owned(), Value::from(reason));
    }
    Some(UpsertStep {
        name: "close".to_owned(),
        action,
        entity_set: opp::ENTITY_SET.to_owned(),
        filter: None,
        match_key: None,
        body,
        update: None,
        create_only: false,
    })
}
