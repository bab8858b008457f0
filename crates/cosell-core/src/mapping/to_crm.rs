//! Referral → Dataverse upsert plan: the writes that bring a Partner Center referral into
//! Dynamics 365, as data a flow (or any client) executes in order.
//!
//! - A referral that was accepted (Active, or closed as Won/Lost) becomes an opportunity; one that
//!   was not accepted stays a lead (Partner Center's connector behaves the same way). A referral
//!   that came from Dynamics 365 (outgoing, or carrying an opportunity ID) is always its opportunity.
//! - The customer account is found by normalized customer name + postal code, or created: the
//!   step's filter fetches candidates (same first word of the name) and the executor keeps the
//!   candidate whose [`account_match_key`] equals the step's `matchKey`.
//! - The referral's solutions become Partner Center Solution rows of the opportunity.
//! - Customer contacts come from the referral's customer team, found by email or created.
//! - Written records get Sync with Partner Center = Yes and the sync state (eTag, fingerprint,
//!   status), so the change the sync itself makes is recognised as an echo.
//!
//! Bind values reference rows of earlier steps as `{step}`: `"/accounts({account})"`.

use crate::config::Config;
use crate::dataverse::{account, contact, currency, lead, opportunity as opp, solution, HelpNeeded, Visibility};
use crate::name_mark;
use crate::referral::{Direction, Member, Referral, ReferralStatus, ReferralSubstatus, ReferralType};
use crate::wire::Amount;
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
    /// Columns to write (logical names; `…@odata.bind` for lookups).
    pub body: Map<String, Value>,
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
    let mut steps = Vec::new();
    let currency_step = currency_step(r);
    let has_currency = currency_step.is_some();
    steps.extend(currency_step);
    match record {
        RecordKind::Opportunity => {
            let account = account_step(r, config);
            let has_account = account.is_some();
            steps.extend(account);
            let contacts = contact_steps(r, has_account);
            let has_contact = !contacts.is_empty();
            steps.extend(contacts);
            steps.push(opportunity_step(r, config, has_account, has_contact, has_currency));
            steps.extend(solution_steps(r));
            steps.extend(close_opportunity_step(r));
        }
        RecordKind::Lead => {
            steps.push(lead_step(r, config, has_currency));
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

/// A co-sell referral: a Shared referral, or help requested from Microsoft.
pub fn is_co_sell(r: &Referral) -> bool {
    r.referral_type == Some(ReferralType::Shared) || r.assistance().is_some()
}

/// A customer name reduced for matching: case, punctuation, spacing and a trailing legal form
/// (Inc, Ltd, GmbH, …) do not count.
pub fn normalize_name(name: &str) -> String {
    const LEGAL_FORMS: [&str; 16] = [
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
    let lowered = name.to_lowercase();
    let mut words: Vec<&str> = lowered.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    while words.len() > 1 && words.last().is_some_and(|w| LEGAL_FORMS.contains(w)) {
        words.pop();
    }
    words.join(" ")
}

/// A postal code reduced for matching: capitals, no spaces or dashes.
pub fn normalize_postal_code(code: &str) -> String {
    code.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect()
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

fn currency_step(r: &Referral) -> Option<UpsertStep> {
    let code = text(r.details.as_ref()?.currency.as_ref())?.to_ascii_uppercase();
    Some(UpsertStep {
        name: "currency".to_owned(),
        action: StepAction::Find,
        entity_set: currency::ENTITY_SET.to_owned(),
        filter: Some(format!("{} eq {}", currency::ISO_CODE, odata_string(&code))),
        match_key: None,
        body: Map::new(),
    })
}

fn account_step(r: &Referral, config: &Config) -> Option<UpsertStep> {
    let profile = r.customer_profile.as_ref()?;
    let name = text(profile.name.as_ref())?;
    let address = profile.address.as_ref();
    let postal = address.and_then(|a| text(a.postal_code.as_ref())).unwrap_or_default();
    let mut body = Map::new();
    body.insert(account::NAME.to_owned(), Value::from(name.clone()));
    if let Some(a) = address {
        put(&mut body, account::LINE1, text(a.address_line1.as_ref()));
        put(&mut body, account::LINE2, text(a.address_line2.as_ref()));
        put(&mut body, account::CITY, text(a.city.as_ref()));
        put(&mut body, account::STATE_OR_PROVINCE, text(a.state.as_ref()));
        put(&mut body, account::POSTAL_CODE, text(a.postal_code.as_ref()));
        put(&mut body, &config.country_code_column, text(a.country.as_ref()));
    }
    // Candidates share the name's first word (Dataverse compares without case); the match key,
    // which ignores case, punctuation, legal form and postal-code spacing, decides.
    let first_word = name
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .find(|w| !w.is_empty())
        .unwrap_or(&name);
    let filter = format!("startswith({},{})", account::NAME, odata_string(first_word));
    Some(UpsertStep {
        name: "account".to_owned(),
        action: StepAction::Upsert,
        entity_set: account::ENTITY_SET.to_owned(),
        filter: Some(filter),
        match_key: Some(account_match_key(&name, &postal)),
        body,
    })
}

fn contact_steps(r: &Referral, has_account: bool) -> Vec<UpsertStep> {
    r.customer_contacts()
        .iter()
        .filter_map(|m| Some((m, text(m.email.as_ref())?)))
        .enumerate()
        .map(|(i, (m, email))| {
            let mut body = member_columns(m, contact::FIRST_NAME, contact::LAST_NAME, contact::PHONE);
            body.insert(contact::EMAIL.to_owned(), Value::from(email.clone()));
            put(&mut body, contact::JOB_TITLE, text(m.title.as_ref()));
            if has_account {
                body.insert(
                    format!("{}_account@odata.bind", contact::PARENT_CUSTOMER),
                    Value::from("/accounts({account})"),
                );
            }
            UpsertStep {
                name: if i == 0 { "contact".to_owned() } else { format!("contact{}", i + 1) },
                action: StepAction::Upsert,
                entity_set: contact::ENTITY_SET.to_owned(),
                filter: Some(format!("{} eq {}", contact::EMAIL, odata_string(&email))),
                match_key: None,
                body,
            }
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

/// The columns both record kinds share: deal value, close date, notes, sync state.
fn deal_columns(
    r: &Referral,
    body: &mut Map<String, Value>,
    value_column: &str,
    close_column: &str,
    notes_column: &str,
) {
    let details = r.details.as_ref();
    let value = details.and_then(|d| d.deal_value.as_ref()).and_then(Amount::value);
    put(body, value_column, value);
    let close = details
        .and_then(|d| d.closing_date_time.as_deref())
        .and_then(|t| t.get(..10))
        .filter(|d| crate::snapshot::is_date(d))
        .map(str::to_owned);
    put(body, close_column, close);
    put(body, notes_column, details.and_then(|d| d.notes.clone()));
    // The same logical names on opportunity and lead (see `dataverse::lead`).
    put(body, opp::REFERRAL_ID, text(r.id.as_ref()));
    put(body, opp::SYNC_STATE, Some(crate::sync::base_of_referral(r).to_json()));
    body.insert(opp::SYNC.to_owned(), Value::Bool(true));
}

fn opportunity_step(
    r: &Referral,
    config: &Config,
    has_account: bool,
    has_contact: bool,
    has_currency: bool,
) -> UpsertStep {
    let mut body = Map::new();
    body.insert(
        opp::NAME.to_owned(),
        Value::from(name_mark::decorate(&record_name(r), true, config.display_check_mark)),
    );
    deal_columns(r, &mut body, &config.deal_value_column, opp::ESTIMATED_CLOSE_DATE, opp::DESCRIPTION);
    put(&mut body, opp::REFERRAL_LINK, text(r.id.as_ref()).map(|id| config.referral_link(&id)));
    // Help and visibility are only ever set, never cleared: visibility is one-way, and a help
    // choice the seller made is not erased by a referral that does not carry it.
    put(&mut body, opp::HELP, r.assistance().and_then(HelpNeeded::from_code).map(HelpNeeded::value));
    if super::referral_is_shared(r) {
        body.insert(opp::VISIBILITY.to_owned(), Value::from(Visibility::Visible.value()));
    }
    put(&mut body, opp::MICROSOFT_CRM_ID, r.tracking_info.as_ref().and_then(|t| text(t.microsoft_msx_id.as_ref())));
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
    UpsertStep {
        name: "opportunity".to_owned(),
        action: StepAction::Upsert,
        entity_set: opp::ENTITY_SET.to_owned(),
        filter: record_filter(r, opp::ID),
        match_key: None,
        body,
    }
}

/// The referral's name without marks; a nameless referral is named after its ID.
fn record_name(r: &Referral) -> String {
    match r.name.as_deref().map(name_mark::strip).filter(|n| !n.is_empty()) {
        Some(name) => name.to_owned(),
        None => format!("Partner Center referral {}", r.id.as_deref().unwrap_or("")).trim_end().to_owned(),
    }
}

/// One Partner Center Solution row per referral solution, found by solution ID under the opportunity.
fn solution_steps(r: &Referral) -> Vec<UpsertStep> {
    let mut seen = Vec::new();
    r.solutions()
        .iter()
        .filter_map(|t| Some((t, text(t.id.as_ref())?)))
        .filter(|(_, id)| {
            let key = super::solution_key(id);
            let new = !seen.contains(&key);
            seen.push(key);
            new
        })
        .enumerate()
        .map(|(i, (t, id))| {
            let mut body = Map::new();
            body.insert(solution::SOLUTION_ID.to_owned(), Value::from(id.clone()));
            put(&mut body, solution::NAME, text(t.name.as_ref()).or(Some(id.clone())));
            body.insert(format!("{}@odata.bind", solution::OPPORTUNITY), Value::from("/opportunities({opportunity})"));
            UpsertStep {
                name: format!("solution{}", i + 1),
                action: StepAction::Upsert,
                entity_set: solution::ENTITY_SET.to_owned(),
                filter: Some(format!(
                    "{} eq {} and _{}_value eq {{opportunity}}",
                    solution::SOLUTION_ID,
                    odata_string(&id),
                    solution::OPPORTUNITY
                )),
                match_key: None,
                body,
            }
        })
        .collect()
}

fn close_opportunity_step(r: &Referral) -> Option<UpsertStep> {
    use crate::dataverse::OpportunityStatus as St;
    if r.status != Some(ReferralStatus::Closed) {
        return None;
    }
    let (action, status) = match r.substatus.as_ref() {
        Some(ReferralSubstatus::Won) => (StepAction::WinOpportunity, St::Won),
        Some(ReferralSubstatus::Lost) => (StepAction::LoseOpportunity, St::OutSold),
        _ => (StepAction::LoseOpportunity, St::Canceled),
    };
    let mut body = Map::new();
    body.insert(opp::STATUS.to_owned(), Value::from(status.value()));
    put(&mut body, "subject", text(r.status_reason.as_ref()));
    Some(UpsertStep {
        name: "close".to_owned(),
        action,
        entity_set: opp::ENTITY_SET.to_owned(),
        filter: None,
        match_key: None,
        body,
    })
}

fn lead_step(r: &Referral, config: &Config, has_currency: bool) -> UpsertStep {
    let first =
        r.customer_contacts().iter().find(|m| text(m.email.as_ref()).is_some()).or(r.customer_contacts().first());
    let mut body = first.map(|m| member_columns(m, lead::FIRST_NAME, lead::LAST_NAME, lead::PHONE)).unwrap_or_default();
    put(&mut body, lead::EMAIL, first.and_then(|m| text(m.email.as_ref())));
    put(
        &mut body,
        lead::SUBJECT,
        Some(name_mark::strip(r.name.as_deref().unwrap_or("Partner Center referral")).to_owned()),
    );
    let profile = r.customer_profile.as_ref();
    put(&mut body, lead::COMPANY_NAME, profile.and_then(|p| text(p.name.as_ref())));
    if let Some(a) = profile.and_then(|p| p.address.as_ref()) {
        put(&mut body, lead::LINE1, text(a.address_line1.as_ref()));
        put(&mut body, lead::CITY, text(a.city.as_ref()));
        put(&mut body, lead::STATE_OR_PROVINCE, text(a.state.as_ref()));
        put(&mut body, lead::POSTAL_CODE, text(a.postal_code.as_ref()));
        // The lead has no configurable country column: address1_country holds the ISO code.
        put(&mut body, lead::COUNTRY, text(a.country.as_ref()));
    }
    deal_columns(r, &mut body, lead::ESTIMATED_AMOUNT, lead::ESTIMATED_CLOSE_DATE, lead::DESCRIPTION);
    put(&mut body, lead::REFERRAL_LINK, text(r.id.as_ref()).map(|id| config.referral_link(&id)));
    if has_currency {
        body.insert(format!("{}@odata.bind", opp::CURRENCY), Value::from("/transactioncurrencies({currency})"));
    }
    UpsertStep {
        name: "lead".to_owned(),
        action: StepAction::Upsert,
        entity_set: lead::ENTITY_SET.to_owned(),
        filter: record_filter(r, lead::ID),
        match_key: None,
        body,
    }
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
    Some(UpsertStep {
        name: "disqualify".to_owned(),
        action: StepAction::DisqualifyLead,
        entity_set: lead::ENTITY_SET.to_owned(),
        filter: None,
        match_key: None,
        body,
    })
}
