//! Referral → Dataverse upsert plan: the writes that bring a Partner Center referral into
//! Dynamics 365, as data a flow (or any client) executes in order. The columns come from the
//! field map (`sync::fields::FIELDS`): `body` holds the rows Partner Center writes on create,
//! `update` the rows it writes on update (never a rename, re-parent or re-link).
//!
//! - A referral that was accepted (Active, or closed as Won/Lost) becomes an opportunity; one that
//!   was not accepted stays a lead (Partner Center's connector behaves the same way). A referral
//!   that came from Dynamics 365 (outgoing, or carrying an opportunity ID) is always its opportunity.
//!   An accepted referral's open lead is closed as qualified, so it is never two open records.
//! - The customer account is found by normalized customer name + postal code, or created: the
//!   step's filter fetches candidates (containing the name's first word) and the executor keeps
//!   the candidate whose [`account_match_key`] equals the step's `matchKey`.
//! - The referral's solutions become Partner Center Solution rows of the opportunity.
//! - Customer contacts come from the referral's customer team, found by email (or, without one,
//!   by first and last name under the account) or created.
//! - Steps marked `createOnly` (account, contacts, solutions) run only when the record step's
//!   filter finds no row: an existing record is never re-linked.
//! - Written records get Sync with Partner Center = Yes and the sync state (the base), so the
//!   change the sync itself makes is recognised as an echo.
//!
//! Bind values reference rows of earlier steps as `{step}`: `"/accounts({account})"`.

use crate::config::Config;
use crate::dataverse::{account, contact, currency, lead, opportunity as opp, solution};
use crate::name_mark;
use crate::referral::{Direction, Member, Referral, ReferralStatus, ReferralSubstatus};
use crate::sync::fields::{Field, Transform, FIELDS};
use crate::sync::lifecycle::{classify, ReferralCategory};
use crate::sync::values::referral_value;
use serde::Serialize;
use serde_json::{Map, Value};

/// What a step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepAction {
    /// Find a row with the filter; never create it (a missing row leaves the binding out).
    Find,
    /// Find a row with the filter (and match key); update it, or create it when none matches.
    Upsert,
    /// Update the row the filter finds; never create it.
    Update,
    /// Close the opportunity as won (`WinOpportunity`).
    WinOpportunity,
    /// Close the opportunity as lost (`LoseOpportunity`).
    LoseOpportunity,
    /// Disqualify the lead (statecode 2).
    DisqualifyLead,
    /// Close the lead the filter finds as qualified (statecode 1, statuscode 3); nothing when
    /// no open lead is found.
    QualifyLead,
}

/// One Dataverse write (or look-up).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpsertStep {
    /// The name later steps use to refer to this step's row, as `{name}`.
    pub name: String,
    pub action: StepAction,
    pub entity_set: String,
    /// OData `$filter` that finds the existing row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// For accounts: the normalized `name|postal code` a found row must also match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub match_key: Option<String>,
    /// Columns to write (logical names; `…@odata.bind` for lookups) when the row is created.
    pub body: Map<String, Value>,
    /// Columns to write instead of `body` when the filter finds the row; `None`: `body`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update: Option<Map<String, Value>>,
    /// Run only when the plan's record is created (the record step's filter finds no row).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub create_only: bool,
}

/// Which table the referral lands in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordKind {
    Opportunity,
    Lead,
}

/// Every write, in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpsertPlan {
    pub record: RecordKind,
    /// Why nothing is written, when the configuration excludes the referral.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    pub steps: Vec<UpsertStep>,
}

/// The writes that bring a referral into Dynamics 365.
pub fn to_crm(r: &Referral, config: &Config) -> UpsertPlan {
    let record = if is_accepted(r) || came_from_dynamics(r) { RecordKind::Opportunity } else { RecordKind::Lead };
    if config.sync_cosell_only && !is_co_sell(r) {
        return UpsertPlan {
            record,
            skipped: Some("only co-sell referrals are synced (environment variable cosell_SyncCoSellOnly)".to_owned()),
            steps: Vec::new(),
        };
    }
    let doc = serde_json::to_value(r).unwrap_or(Value::Null);
    let mut steps = Vec::new();
    let currency_step = currency_step(r);
    let has_currency = currency_step.is_some();
    steps.extend(currency_step);
    match record {
        RecordKind::Opportunity => {
            let account = account_step(r, &doc, config);
            let has_account = account.is_some();
            steps.extend(account);
            let contacts = contact_steps(r, has_account);
            let has_contact = !contacts.is_empty();
            steps.extend(contacts);
            let open_lead = open_lead_step(r);
            let has_lead = open_lead.is_some();
            steps.extend(open_lead);
            steps.push(opportunity_step(r, &doc, config, has_account, has_contact, has_currency, has_lead));
            if has_lead {
                steps.push(qualify_lead_step());
            }
            steps.extend(solution_steps(r));
            steps.extend(crate::sync::merge::close_step(
                crate::sync::fields::referral_outcome(
                    r.status.as_ref().map(ReferralStatus::as_str),
                    r.substatus.as_ref().map(ReferralSubstatus::as_str),
                )
                .as_deref()
                .filter(|_| r.status == Some(ReferralStatus::Closed)),
                r,
            ));
        }
        RecordKind::Lead => {
            steps.push(lead_step(r, &doc, config, has_currency));
            steps.extend(disqualify_lead_step(r));
        }
    }
    UpsertPlan { record, skipped: None, steps }
}

/// Accepted in Partner Center: active, or closed after acceptance (won or lost).
pub fn is_accepted(r: &Referral) -> bool {
    matches!(
        (r.status.as_ref(), r.substatus.as_ref()),
        (Some(ReferralStatus::Active), _)
            | (Some(ReferralStatus::Closed), Some(ReferralSubstatus::Won | ReferralSubstatus::Lost))
    )
}

/// A referral the sync created from an opportunity: outgoing, or carrying the opportunity's ID.
fn came_from_dynamics(r: &Referral) -> bool {
    r.direction == Some(Direction::Outgoing) || r.external_reference_id.as_deref().is_some_and(is_guid)
}

/// A co-sell referral: Microsoft's "Co-sell Opportunity" category (a Shared referral, help
/// requested, or Independent + SalesQualified/None + invited by a partner's organization).
pub fn is_co_sell(r: &Referral) -> bool {
    classify(r) == ReferralCategory::CoSellOpportunity
}

/// The legal forms a customer name may end with that the account match ignores (lower case,
/// as [`normalize_name`] compares words); the flows generate their match from this list.
pub const LEGAL_FORMS: [&str; 16] = [
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "gmbh",
    "corp",
    "corporation",
    "co",
    "company",
    "plc",
    "sa",
    "ag",
    "bv",
    "nv",
    "pty",
];

/// A customer name reduced for matching: case, punctuation, spacing and a trailing legal form
/// (Inc, Ltd, GmbH, …) do not count.
pub fn normalize_name(name: &str) -> String {
    let lowered = name.to_lowercase();
    let mut words: Vec<&str> = lowered.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    while words.len() > 1 && words.last().is_some_and(|w| LEGAL_FORMS.contains(w)) {
        words.pop();
    }
    words.join(" ")
}

/// A postal code reduced for matching: capitals, no spaces or dashes; a US ZIP+4 (nine digits,
/// `98052-6399`) is its five-digit ZIP, so it matches the account that holds `98052`.
/// UNCERTAIN: recognised by shape (nine digits) rather than by country, so the same rule works on
/// a found account row that has no country; no other country uses nine-digit postal codes.
pub fn normalize_postal_code(code: &str) -> String {
    let code: String = code.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect();
    match code.get(..5) {
        Some(zip) if code.len() == 9 && code.bytes().all(|b| b.is_ascii_digit()) => zip.to_owned(),
        _ => code,
    }
}

/// The account match key: normalized name and postal code.
pub fn account_match_key(name: &str, postal_code: &str) -> String {
    format!("{}|{}", normalize_name(name), normalize_postal_code(postal_code))
}

/// An OData string literal (single quotes doubled).
fn odata_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn put(body: &mut Map<String, Value>, column: &str, value: Option<impl Into<Value>>) {
    if let Some(v) = value {
        body.insert(column.to_owned(), v.into());
    }
}

fn text(v: Option<&String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// A step that writes `body` (no match key, no update columns, not create-only).
pub(crate) fn step(
    name: &str,
    action: StepAction,
    entity_set: &str,
    filter: Option<String>,
    body: Map<String, Value>,
) -> UpsertStep {
    UpsertStep {
        name: name.to_owned(),
        action,
        entity_set: entity_set.to_owned(),
        filter,
        match_key: None,
        body,
        update: None,
        create_only: false,
    }
}

/// The Dataverse value of a field row, from the referral document.
fn column_value(f: &Field, doc: &Value) -> Option<Value> {
    referral_value(f, doc).map(|c| f.transform.to_crm(&c))
}

/// The rows Partner Center writes into a table, as `column → value`. `lead`: the lead's
/// columns instead of the CRM column; `update`: the update ownership instead of create.
fn table_columns(doc: &Value, config: &Config, table: &str, lead: bool, update: bool) -> Map<String, Value> {
    let mut body = Map::new();
    for f in FIELDS {
        let owner = if update { f.update } else { f.create };
        if !owner.to_crm
            || matches!(f.transform, Transform::Status | Transform::LookupByKey { .. } | Transform::IsoCurrency)
        {
            continue;
        }
        let column = match (lead, f.lead) {
            (true, Some(c)) => c,
            (true, None) => continue,
            (false, _) if f.crm.table == table => f.crm.column.resolve(config),
            (false, _) => continue,
        };
        if let Some(v) = column_value(f, doc) {
            body.insert(column.to_owned(), v);
        }
    }
    body
}

fn currency_step(r: &Referral) -> Option<UpsertStep> {
    let code = text(r.details.as_ref()?.currency.as_ref())?.to_ascii_uppercase();
    Some(step(
        "currency",
        StepAction::Find,
        currency::ENTITY_SET,
        Some(format!("{} eq {}", currency::ISO_CODE, odata_string(&code))),
        Map::new(),
    ))
}

fn account_step(r: &Referral, doc: &Value, config: &Config) -> Option<UpsertStep> {
    let profile = r.customer_profile.as_ref()?;
    let name = text(profile.name.as_ref())?;
    let postal = profile.address.as_ref().and_then(|a| text(a.postal_code.as_ref())).unwrap_or_default();
    let body = table_columns(doc, config, account::TABLE, false, false);
    // Candidates contain the name's first alphanumeric word (Dataverse compares without case;
    // `contains`, because a name may start with punctuation); the match key, which ignores
    // case, punctuation, legal form and postal-code spacing, decides.
    let first_word = name
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .find(|w| !w.is_empty())
        .unwrap_or(&name);
    let filter = format!("contains({},{})", account::NAME, odata_string(first_word));
    let mut s = step("account", StepAction::Upsert, account::ENTITY_SET, Some(filter), body);
    s.match_key = Some(account_match_key(&name, &postal));
    s.create_only = true;
    Some(s)
}

/// One step per customer contact: found by email, or without one by first and last name under
/// the account (a contact with an empty email is kept, not dropped).
fn contact_steps(r: &Referral, has_account: bool) -> Vec<UpsertStep> {
    r.customer_contacts()
        .iter()
        .filter(|m| text(m.email.as_ref()).is_some() || text(m.last_name.as_ref()).is_some())
        .enumerate()
        .map(|(i, m)| {
            let mut body = member_columns(m, contact::FIRST_NAME, contact::LAST_NAME, contact::PHONE);
            put(&mut body, contact::EMAIL, text(m.email.as_ref()));
            put(&mut body, contact::JOB_TITLE, text(m.title.as_ref()));
            if has_account {
                body.insert(
                    format!("{}_account@odata.bind", contact::PARENT_CUSTOMER),
                    Value::from("/accounts({account})"),
                );
            }
            let filter = match text(m.email.as_ref()) {
                Some(email) => format!("{} eq {}", contact::EMAIL, odata_string(&email)),
                None => {
                    let mut f = format!(
                        "{} eq {} and {} eq {}",
                        contact::FIRST_NAME,
                        odata_string(&text(m.first_name.as_ref()).unwrap_or_default()),
                        contact::LAST_NAME,
                        odata_string(&text(m.last_name.as_ref()).unwrap_or_default())
                    );
                    if has_account {
                        f.push_str(&format!(" and _{}_value eq {{account}}", contact::PARENT_CUSTOMER));
                    }
                    f
                }
            };
            let name = if i == 0 { "contact".to_owned() } else { format!("contact{}", i + 1) };
            let mut s = step(&name, StepAction::Upsert, contact::ENTITY_SET, Some(filter), body);
            s.create_only = true;
            s
        })
        .collect()
}

fn member_columns(m: &Member, first: &str, last: &str, phone: &str) -> Map<String, Value> {
    let mut body = Map::new();
    put(&mut body, first, text(m.first_name.as_ref()));
    put(&mut body, last, text(m.last_name.as_ref()));
    put(&mut body, phone, text(m.phone_number.as_ref()));
    body
}

/// The filter that finds the record of a referral: by Referral Identifier, or by the record ID
/// the referral carries as its external reference (a referral created from Dynamics 365).
fn record_filter(r: &Referral, id_column: &str) -> Option<String> {
    let by_referral = text(r.id.as_ref()).map(|id| format!("{} eq {}", opp::REFERRAL_ID, odata_string(&id)));
    let by_external =
        text(r.external_reference_id.as_ref()).filter(|x| is_guid(x)).map(|x| format!("{id_column} eq {x}"));
    match (by_referral, by_external) {
        (Some(a), Some(b)) => Some(format!("{a} or {b}")),
        (a, b) => a.or(b),
    }
}

fn is_guid(s: &str) -> bool {
    let parts: Vec<_> = s.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12]) && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Columns every written record gets: Referral Identifier, Link, Sync = Yes, the base.
fn sync_columns(r: &Referral, config: &Config, body: &mut Map<String, Value>) {
    // The same logical names on opportunity and lead (see `dataverse::lead`).
    put(body, opp::REFERRAL_ID, text(r.id.as_ref()));
    put(body, opp::REFERRAL_LINK, text(r.id.as_ref()).map(|id| config.referral_link(&id)));
    body.insert(opp::SYNC_STATE.to_owned(), Value::from(crate::sync::base_of_referral(r).to_json()));
    body.insert(opp::SYNC.to_owned(), Value::Bool(true));
}

/// The update columns: what Partner Center may write on update, and the base.
fn update_columns(
    r: &Referral,
    doc: &Value,
    config: &Config,
    table: &str,
    lead: bool,
    has_currency: bool,
) -> Map<String, Value> {
    let mut update = table_columns(doc, config, table, lead, true);
    if has_currency {
        update.insert(format!("{}@odata.bind", opp::CURRENCY), Value::from("/transactioncurrencies({currency})"));
    }
    update.insert(opp::SYNC_STATE.to_owned(), Value::from(crate::sync::base_of_referral(r).to_json()));
    update
}

fn opportunity_step(
    r: &Referral,
    doc: &Value,
    config: &Config,
    has_account: bool,
    has_contact: bool,
    has_currency: bool,
    has_lead: bool,
) -> UpsertStep {
    let mut body = table_columns(doc, config, opp::TABLE, false, false);
    body.insert(
        opp::NAME.to_owned(),
        Value::from(name_mark::decorate(&record_name(r), true, config.display_check_mark)),
    );
    // Visibility is one way: a shared referral makes the opportunity visible, never hidden.
    if !super::referral_is_shared(r) {
        body.remove(opp::VISIBILITY);
    } else {
        body.insert(opp::VISIBILITY.to_owned(), Value::from(crate::dataverse::Visibility::Visible.value()));
    }
    sync_columns(r, config, &mut body);
    if has_account {
        body.insert(format!("{}@odata.bind", opp::PARENT_ACCOUNT), Value::from("/accounts({account})"));
        body.insert("customerid_account@odata.bind".to_owned(), Value::from("/accounts({account})"));
    }
    if has_contact {
        body.insert(format!("{}@odata.bind", opp::PARENT_CONTACT), Value::from("/contacts({contact})"));
    }
    if has_currency {
        body.insert(format!("{}@odata.bind", opp::CURRENCY), Value::from("/transactioncurrencies({currency})"));
    }
    if has_lead {
        body.insert("originatingleadid@odata.bind".to_owned(), Value::from("/leads({lead})"));
    }
    let mut s = step("opportunity", StepAction::Upsert, opp::ENTITY_SET, record_filter(r, opp::ID), body);
    s.update = Some(update_columns(r, doc, config, opp::TABLE, false, has_currency));
    s
}

/// The referral's name without marks; a nameless referral is named after its ID.
fn record_name(r: &Referral) -> String {
    match r.name.as_deref().map(name_mark::strip).filter(|n| !n.is_empty()) {
        Some(name) => name.to_owned(),
        None => format!("Partner Center referral {}", r.id.as_deref().unwrap_or("")).trim_end().to_owned(),
    }
}

/// The open lead an accepted referral first landed as (found by Referral Identifier).
fn open_lead_step(r: &Referral) -> Option<UpsertStep> {
    let id = text(r.id.as_ref())?;
    let filter = format!("{} eq {} and statecode eq 0", lead::REFERRAL_ID, odata_string(&id));
    Some(step("lead", StepAction::Find, lead::ENTITY_SET, Some(filter), Map::new()))
}

fn qualify_lead_step() -> UpsertStep {
    let mut body = Map::new();
    body.insert("statecode".to_owned(), Value::from(crate::dataverse::LeadState::Qualified.value()));
    body.insert("statuscode".to_owned(), Value::from(3));
    step("qualifyLead", StepAction::QualifyLead, lead::ENTITY_SET, Some(format!("{} eq {{lead}}", lead::ID)), body)
}

/// One Partner Center Solution row per referral solution, found by solution ID under the
/// opportunity; duplicates (by [`super::solution_key`]) are left out in one pass.
fn solution_steps(r: &Referral) -> Vec<UpsertStep> {
    let mut seen = std::collections::HashSet::new();
    r.solutions()
        .iter()
        .filter_map(|t| Some((t, text(t.id.as_ref())?)))
        .filter(|(_, id)| seen.insert(super::solution_key(id)))
        .enumerate()
        .map(|(i, (t, id))| {
            let mut body = Map::new();
            body.insert(solution::SOLUTION_ID.to_owned(), Value::from(id.clone()));
            put(&mut body, solution::NAME, text(t.name.as_ref()).or(Some(id.clone())));
            body.insert(format!("{}@odata.bind", solution::OPPORTUNITY), Value::from("/opportunities({opportunity})"));
            let filter = format!(
                "{} eq {} and _{}_value eq {{opportunity}}",
                solution::SOLUTION_ID,
                odata_string(&id),
                solution::OPPORTUNITY
            );
            let mut s =
                step(&format!("solution{}", i + 1), StepAction::Upsert, solution::ENTITY_SET, Some(filter), body);
            s.create_only = true;
            s
        })
        .collect()
}

fn lead_step(r: &Referral, doc: &Value, config: &Config, has_currency: bool) -> UpsertStep {
    let mut body = table_columns(doc, config, lead::TABLE, true, false);
    // The lead's contact: the first customer contact with an email, else the first one.
    let first = r.customer_contacts().iter().find(|m| text(m.email.as_ref()).is_some());
    if let Some(m) = first {
        body.extend(member_columns(m, lead::FIRST_NAME, lead::LAST_NAME, lead::PHONE));
        put(&mut body, lead::EMAIL, text(m.email.as_ref()));
    }
    body.insert(
        lead::SUBJECT.to_owned(),
        Value::from(name_mark::strip(r.name.as_deref().unwrap_or("Partner Center referral")).to_owned()),
    );
    sync_columns(r, config, &mut body);
    if has_currency {
        body.insert(format!("{}@odata.bind", opp::CURRENCY), Value::from("/transactioncurrencies({currency})"));
    }
    let mut s = step("lead", StepAction::Upsert, lead::ENTITY_SET, record_filter(r, lead::ID), body);
    s.update = Some(update_columns(r, doc, config, lead::TABLE, true, has_currency));
    s
}

/// A declined or expired referral disqualifies its lead (6 No Longer Interested, 7 Canceled).
fn disqualify_lead_step(r: &Referral) -> Option<UpsertStep> {
    let status = match (r.status.as_ref(), r.substatus.as_ref()) {
        (Some(ReferralStatus::Closed), Some(ReferralSubstatus::Declined)) => 6,
        (Some(ReferralStatus::Closed), _) => 7,
        _ => return None,
    };
    let mut body = Map::new();
    body.insert("statecode".to_owned(), Value::from(crate::dataverse::LeadState::Disqualified.value()));
    body.insert("statuscode".to_owned(), Value::from(status));
    Some(step("disqualify", StepAction::DisqualifyLead, lead::ENTITY_SET, None, body))
}
