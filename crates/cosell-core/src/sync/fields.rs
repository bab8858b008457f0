//! The field map: one row per synced field, as plain data.
//!
//! Every mapping reads this table: the create payload ([`crate::mapping::to_referral`]), the
//! Dataverse create columns ([`crate::mapping::to_crm`]), the base ([`super::Base`]) and the
//! three-way merge ([`super::merge`]). The flow generator iterates over [`FIELDS`] and builds its
//! Power Automate expressions from each row's [`Transform`]; [`Transform::canonical_expression`]
//! says, per transform, how a flow computes the canonical string the base stores.
//!
//! The default write ownership is Microsoft's documented split (connectors-troubleshoot):
//! Partner Center → CRM updates Currency, Deal Value, Closing Date, Notes, Status/substatus;
//! CRM → Partner Center updates Currency, Name, Deal Value, Description, state, help and
//! visibility (one way), solutions.

use crate::config::{vars, Config};
use crate::dataverse::{account, contact, currency, lead, opportunity as opp, solution, OpportunityState};
use serde::Serialize;
use serde_json::Value;

/// Which side of the sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Side {
    /// Dynamics 365 (Dataverse).
    Crm,
    /// Partner Center.
    PartnerCenter,
}

/// Who may write a field: `to_partner_center` = the CRM's value is sent to Partner Center,
/// `to_crm` = Partner Center's value is written to Dataverse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ownership {
    pub to_partner_center: bool,
    pub to_crm: bool,
}

impl Ownership {
    /// Whether the sync writes the field in this direction (towards `target`).
    pub fn writes(self, target: Side) -> bool {
        match target {
            Side::PartnerCenter => self.to_partner_center,
            Side::Crm => self.to_crm,
        }
    }
}

const BOTH: Ownership = Ownership { to_partner_center: true, to_crm: true };
const TO_PC: Ownership = Ownership { to_partner_center: true, to_crm: false };
const TO_CRM: Ownership = Ownership { to_partner_center: false, to_crm: true };
const NONE: Ownership = Ownership { to_partner_center: false, to_crm: false };

/// A Dataverse column's logical name: fixed, or named by an environment variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum ColumnName {
    Fixed {
        name: &'static str,
    },
    /// The environment variable's current value names the column; `default` when unset.
    Environment {
        variable: &'static str,
        default: &'static str,
    },
}

impl ColumnName {
    /// The logical name under a configuration.
    pub fn resolve(self, config: &Config) -> &str {
        match self {
            ColumnName::Fixed { name } => name,
            ColumnName::Environment { variable, default } => config.column(variable).unwrap_or(default),
        }
    }
}

/// Where a field lives in Dataverse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CrmColumn {
    /// The table holding the column (`opportunity`, `account`, `contact`, `transactioncurrency`,
    /// `cosell_partnercentersolution`).
    pub table: &'static str,
    /// The opportunity lookup (or child relationship) that reaches the table; `None` for the
    /// opportunity's own columns.
    pub via: Option<&'static str>,
    pub column: ColumnName,
}

/// The closed set of transforms. Each has one canonical string form, computed identically from
/// both sides; the base stores it and the merge compares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Transform {
    /// Text, trimmed, CR LF as LF, cut to `max_length` UTF-16 units; `strip_marks` removes the
    /// ✔/✖ sync marks at either end first.
    #[serde(rename_all = "camelCase")]
    Text { max_length: usize, strip_marks: bool },
    /// An amount, canonical with exactly two decimals (`50000.00`): the double product `v × 100`
    /// rounded half away from zero to whole cents (see [`canonical_money`]).
    Money,
    /// A date without time: `YYYY-MM-DD` (the referral's `…T00:00:00Z` date part).
    DateOnly,
    /// An ISO 3166-1 alpha-2 code, trimmed, in capitals.
    IsoCountry,
    /// An ISO 4217 code, trimmed, in capitals; in Dataverse the `transactioncurrency` row found
    /// by `isocurrencycode`.
    IsoCurrency,
    /// A choice column ⇄ a referral enum: `options` pairs each Dataverse option value with the
    /// wire value; anything else (Unknown, a custom option) has no canonical form.
    Choice { options: &'static [(i64, &'static str)] },
    /// A two-option choice column ⇄ a referral boolean, never empty: `true` exactly for
    /// `true_value` (Dataverse) or JSON `true` (Partner Center); anything else is `false`: the
    /// false option, an empty column or absent property, another option. Each side's create
    /// sends just that: `to_referral` sends `false` unless the column holds the true option, and
    /// `to_crm` leaves the column empty for a referral that is not shared.
    #[serde(rename_all = "camelCase")]
    Flag { true_value: i64, false_value: i64 },
    /// Opportunity `statecode` ⇄ referral `status`/`substatus`, canonical as the outcome:
    /// `Open`, `Won`, `Lost`, `Declined` or `Expired`.
    Status,
    /// A related row found by a key (`key` names it); synced on create only, never re-linked.
    LookupByKey { key: &'static str },
    /// The solution rows ⇄ `details.requirements.solutions`: IDs trimmed, in capitals,
    /// de-duplicated, sorted (ordinal), joined by `,`.
    SolutionList,
    /// `numberofemployees` → the Partner Center size band (`51to250employees`).
    EmployeeBand,
}

impl Transform {
    /// How a flow computes the canonical string with Power Automate expression functions, `v`
    /// being the raw value (Dataverse column or referral property). An absent or empty result
    /// means "no value" and is left out of the base.
    pub fn canonical_expression(self) -> &'static str {
        match self {
            Transform::Text { strip_marks: false, .. } => {
                "substring(trim(replace(string(v), decodeUriComponent('%0D%0A'), decodeUriComponent('%0A'))), 0, min(length(...), maxLength))"
            }
            Transform::Text { strip_marks: true, .. } => {
                "as Text, after trim(replace(replace(string(v), '✔', ''), '✖', '')) (also ✓ ✗ ❌ ✅, at either end only)"
            }
            Transform::Money => {
                "formatNumber(mul(float(v), 100), '000;-000;000', 'en-US'), then a '.' before the last two digits (the product rounded, not v)"
            }
            Transform::DateOnly => "substring(string(v), 0, 10), or formatDateTime(v, 'yyyy-MM-dd')",
            Transform::IsoCountry | Transform::IsoCurrency => "toUpper(trim(string(v)))",
            Transform::Choice { .. } => {
                "the wire value paired with the option value (Dataverse), or the referral's string if it is one of them"
            }
            Transform::Flag { .. } => "if(equals(v, trueValue), 'true', 'false') (Dataverse), if(equals(v, true), 'true', 'false') (referral)",
            Transform::Status => {
                "Dataverse statecode 0 → Open, 1 → Won, 2 → Lost (Declined/Expired when the base says so); referral New/Active → Open, Closed/<substatus> → <substatus>"
            }
            Transform::LookupByKey { .. } => "not in the base (create only)",
            Transform::SolutionList => "join(sort(union(toUpper(trim(id)) of each row)), ',')",
            Transform::EmployeeBand => "the band of numberofemployees (1-9, 10-50, 51-250, 251-1000, 1001-5000, 5001-10000, 10001-20000, more)",
        }
    }

    /// A short human name for the table.
    pub fn name(self) -> &'static str {
        match self {
            Transform::Text { .. } => "text",
            Transform::Money => "money",
            Transform::DateOnly => "date-only",
            Transform::IsoCountry => "ISO country",
            Transform::IsoCurrency => "ISO currency",
            Transform::Choice { .. } => "choice",
            Transform::Flag { .. } => "boolean",
            Transform::Status => "status",
            Transform::LookupByKey { .. } => "lookup by key",
            Transform::SolutionList => "solution list",
            Transform::EmployeeBand => "size band",
        }
    }
}

/// One synced field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    /// Stable key: the field's name in the base (`docs/sync.md`).
    pub key: &'static str,
    /// The label a seller knows.
    pub label: &'static str,
    /// JSON pointer into the referral (`/details/dealValue`).
    pub referral: &'static str,
    /// Where it lives in Dataverse (on the opportunity and the tables it reaches).
    pub crm: CrmColumn,
    /// The lead column, when the field also lands on a lead (a referral not accepted yet).
    pub lead: Option<&'static str>,
    pub transform: Transform,
    /// Who writes it when the other side's record is created.
    pub create: Ownership,
    /// Who writes it when both records exist.
    pub update: Ownership,
    /// The JSON Patch path Partner Center accepts for it; `None`: no update can be sent.
    pub patch: Option<&'static str>,
    /// Who wins when both sides changed it since the base (the other value goes to the audit).
    pub conflict: Side,
}

impl Field {
    /// Whether the base keeps this field: it is synced on update in some direction.
    pub fn in_base(&self) -> bool {
        self.update.to_crm || self.update.to_partner_center
    }

    /// Whether the CRM's change of this field can be sent to Partner Center on update.
    pub fn sends_on_update(&self) -> bool {
        self.update.to_partner_center && self.patch.is_some()
    }
}

const fn fixed(table: &'static str, via: Option<&'static str>, name: &'static str) -> CrmColumn {
    CrmColumn { table, via, column: ColumnName::Fixed { name } }
}

const fn on_opportunity(name: &'static str) -> CrmColumn {
    fixed(opp::TABLE, None, name)
}

const fn on_account(name: &'static str) -> CrmColumn {
    fixed(account::TABLE, Some(opp::PARENT_ACCOUNT), name)
}

const fn on_contact(name: &'static str) -> CrmColumn {
    fixed(contact::TABLE, Some(opp::PARENT_CONTACT), name)
}

/// A field both sides write on create only (customer, address and contact details).
const fn on_create(
    key: &'static str,
    label: &'static str,
    referral: &'static str,
    crm: CrmColumn,
    lead: Option<&'static str>,
    transform: Transform,
) -> Field {
    Field { key, label, referral, crm, lead, transform, create: BOTH, update: NONE, patch: None, conflict: Side::Crm }
}

const fn text(max_length: usize) -> Transform {
    Transform::Text { max_length, strip_marks: false }
}

/// "How can Microsoft help?" option values ⇄ `inviteContext.assistanceRequestCode`.
pub const HELP_OPTIONS: &[(i64, &str)] = &[
    (100000000, "WorkloadSpecificValueProposition"),
    (100000001, "CustomerTechnicalArchitecture"),
    (100000002, "ProofOfConceptOrDemo"),
    (100000003, "QuotesOrLicensing"),
    (100000004, "PostSalesCustomerSuccess"),
    (100000005, "GeneralOrOther"),
];

/// Field keys, for code that needs one row by name.
pub mod keys {
    pub const NAME: &str = "name";
    pub const DEAL_VALUE: &str = "dealValue";
    pub const CURRENCY: &str = "currency";
    pub const CLOSING_DATE: &str = "closingDate";
    pub const NOTES: &str = "notes";
    pub const STATUS: &str = "status";
    pub const HELP: &str = "help";
    pub const VISIBILITY: &str = "visibility";
    pub const SOLUTIONS: &str = "solutions";
    pub const EXTERNAL_REFERENCE: &str = "externalReference";
    pub const MICROSOFT_CRM_ID: &str = "microsoftCrmId";
}

/// The field map. Lengths are the Dataverse column sizes (opportunity name 300, description
/// 2,000, account name 160, address lines 250, city 80, state 50, postal code 20).
/// UNCERTAIN: who wins a conflict on the fields both sides update (deal value, currency,
/// notes): we choose the CRM, the partner's system of record; the Microsoft seller's value goes
/// to the audit trail. Change the `conflict` column here.
pub const FIELDS: &[Field] = &[
    Field {
        key: keys::NAME,
        label: "Name",
        referral: "/name",
        crm: on_opportunity(opp::NAME),
        lead: Some(lead::SUBJECT),
        transform: Transform::Text { max_length: 300, strip_marks: true },
        create: BOTH,
        update: TO_PC,
        // UNCERTAIN: the PATCH accepts no /name (the connector's UpdateReferralDetails enum), so
        // a rename stays in Dynamics 365; inbound never renames.
        patch: None,
        conflict: Side::Crm,
    },
    Field {
        key: keys::DEAL_VALUE,
        label: "Deal value",
        referral: "/details/dealValue",
        crm: CrmColumn {
            table: opp::TABLE,
            via: None,
            column: ColumnName::Environment { variable: vars::DEAL_VALUE_COLUMN, default: opp::ESTIMATED_VALUE },
        },
        lead: Some(lead::ESTIMATED_AMOUNT),
        transform: Transform::Money,
        create: BOTH,
        update: BOTH,
        patch: Some("/details/dealValue"),
        conflict: Side::Crm,
    },
    Field {
        key: keys::CURRENCY,
        label: "Currency",
        referral: "/details/currency",
        crm: fixed("transactioncurrency", Some(opp::CURRENCY), currency::ISO_CODE),
        lead: Some(opp::CURRENCY),
        transform: Transform::IsoCurrency,
        create: BOTH,
        update: BOTH,
        patch: Some("/details/currency"),
        conflict: Side::Crm,
    },
    Field {
        key: keys::CLOSING_DATE,
        label: "Closing date",
        referral: "/details/closingDateTime",
        crm: on_opportunity(opp::ESTIMATED_CLOSE_DATE),
        lead: Some(lead::ESTIMATED_CLOSE_DATE),
        transform: Transform::DateOnly,
        create: BOTH,
        update: TO_CRM,
        patch: Some("/details/closingDateTime"),
        conflict: Side::PartnerCenter,
    },
    Field {
        key: keys::NOTES,
        label: "Notes / description",
        referral: "/details/notes",
        crm: on_opportunity(opp::DESCRIPTION),
        lead: Some(lead::DESCRIPTION),
        transform: text(2000),
        create: BOTH,
        update: BOTH,
        patch: Some("/details/notes"),
        conflict: Side::Crm,
    },
    Field {
        key: keys::STATUS,
        label: "Status and substatus",
        referral: "/status",
        crm: on_opportunity(opp::STATE),
        lead: None,
        transform: Transform::Status,
        create: BOTH,
        update: BOTH,
        patch: Some("/status"),
        // A referral closed in Partner Center is terminal there: its outcome wins.
        conflict: Side::PartnerCenter,
    },
    Field {
        key: keys::HELP,
        label: "How can Microsoft help?",
        referral: "/inviteContext/assistanceRequestCode",
        crm: on_opportunity(opp::HELP),
        lead: None,
        transform: Transform::Choice { options: HELP_OPTIONS },
        create: BOTH,
        // Help chosen later converts the referral to co-sell: a second, linked create
        // (`lifecycle::convert_to_co_sell`), not a PATCH.
        update: TO_PC,
        patch: None,
        conflict: Side::Crm,
    },
    Field {
        key: keys::VISIBILITY,
        label: "Referral visibility (one way)",
        referral: "/consent/consentToShareReferralWithMicrosoftSellers",
        crm: on_opportunity(opp::VISIBILITY),
        lead: None,
        transform: Transform::Flag { true_value: 100000001, false_value: 100000000 },
        create: BOTH,
        update: TO_PC,
        patch: Some("/consent/consentToShareReferralWithMicrosoftSellers"),
        conflict: Side::Crm,
    },
    Field {
        key: keys::SOLUTIONS,
        label: "Solutions",
        referral: "/details/requirements/solutions",
        crm: fixed(solution::TABLE, Some(solution::OPPORTUNITY), solution::SOLUTION_ID),
        lead: None,
        transform: Transform::SolutionList,
        create: BOTH,
        update: TO_PC,
        patch: Some("/details/requirements/solutions"),
        conflict: Side::Crm,
    },
    Field {
        key: keys::EXTERNAL_REFERENCE,
        label: "External reference (opportunity ID)",
        referral: "/externalReferenceId",
        crm: on_opportunity(opp::ID),
        lead: None,
        transform: text(100),
        create: TO_PC,
        update: TO_PC,
        patch: Some("/externalReferenceId"),
        conflict: Side::Crm,
    },
    Field {
        key: keys::MICROSOFT_CRM_ID,
        label: "Microsoft CRM Identifier",
        referral: "/trackingInfo/microsoftMsxId",
        crm: on_opportunity(opp::MICROSOFT_CRM_ID),
        lead: None,
        transform: text(100),
        create: TO_CRM,
        update: TO_CRM,
        patch: None,
        conflict: Side::PartnerCenter,
    },
    Field {
        key: "referralId",
        label: "Referral Identifier",
        referral: "/id",
        crm: on_opportunity(opp::REFERRAL_ID),
        lead: Some(lead::REFERRAL_ID),
        transform: text(100),
        create: TO_CRM,
        update: NONE,
        patch: None,
        conflict: Side::PartnerCenter,
    },
    Field {
        key: "customer",
        label: "Customer account",
        referral: "/customerProfile",
        crm: on_opportunity(opp::PARENT_ACCOUNT),
        lead: None,
        transform: Transform::LookupByKey { key: "normalized name|postal code (mapping::account_match_key)" },
        create: TO_CRM,
        // Never re-linked on update: an edited postal code must not create another account.
        update: NONE,
        patch: None,
        conflict: Side::Crm,
    },
    Field {
        key: "customerContact",
        label: "Customer contact",
        referral: "/customerProfile/team",
        crm: on_opportunity(opp::PARENT_CONTACT),
        lead: None,
        transform: Transform::LookupByKey { key: "email, else first and last name" },
        create: TO_CRM,
        update: NONE,
        patch: None,
        conflict: Side::Crm,
    },
    on_create(
        "customerName",
        "Customer name",
        "/customerProfile/name",
        on_account(account::NAME),
        Some(lead::COMPANY_NAME),
        text(160),
    ),
    on_create(
        "addressLine1",
        "Street 1",
        "/customerProfile/address/addressLine1",
        on_account(account::LINE1),
        Some(lead::LINE1),
        text(250),
    ),
    on_create(
        "addressLine2",
        "Street 2",
        "/customerProfile/address/addressLine2",
        on_account(account::LINE2),
        Some(lead::LINE2),
        text(250),
    ),
    on_create("city", "City", "/customerProfile/address/city", on_account(account::CITY), Some(lead::CITY), text(80)),
    on_create(
        "state",
        "State or province",
        "/customerProfile/address/state",
        on_account(account::STATE_OR_PROVINCE),
        Some(lead::STATE_OR_PROVINCE),
        text(50),
    ),
    on_create(
        "postalCode",
        "Postal code",
        "/customerProfile/address/postalCode",
        on_account(account::POSTAL_CODE),
        Some(lead::POSTAL_CODE),
        text(20),
    ),
    Field {
        key: "country",
        label: "Country/region (ISO code)",
        referral: "/customerProfile/address/country",
        crm: CrmColumn {
            table: account::TABLE,
            via: Some(opp::PARENT_ACCOUNT),
            column: ColumnName::Environment { variable: vars::COUNTRY_CODE_COLUMN, default: account::COUNTRY },
        },
        lead: Some(lead::COUNTRY),
        transform: Transform::IsoCountry,
        create: BOTH,
        update: NONE,
        patch: None,
        conflict: Side::Crm,
    },
    Field {
        key: "customerSize",
        label: "Customer size",
        referral: "/customerProfile/size",
        crm: on_account(account::NUMBER_OF_EMPLOYEES),
        lead: None,
        transform: Transform::EmployeeBand,
        create: TO_PC,
        update: NONE,
        patch: None,
        conflict: Side::Crm,
    },
    on_create(
        "contactFirstName",
        "Contact first name",
        "/customerProfile/team/0/firstName",
        on_contact(contact::FIRST_NAME),
        Some(lead::FIRST_NAME),
        text(50),
    ),
    on_create(
        "contactLastName",
        "Contact last name",
        "/customerProfile/team/0/lastName",
        on_contact(contact::LAST_NAME),
        Some(lead::LAST_NAME),
        text(50),
    ),
    on_create(
        "contactEmail",
        "Contact email",
        "/customerProfile/team/0/email",
        on_contact(contact::EMAIL),
        Some(lead::EMAIL),
        text(100),
    ),
    on_create(
        "contactPhone",
        "Contact phone",
        "/customerProfile/team/0/phoneNumber",
        on_contact(contact::PHONE),
        Some(lead::PHONE),
        text(50),
    ),
    on_create(
        "contactTitle",
        "Contact job title",
        "/customerProfile/team/0/title",
        on_contact(contact::JOB_TITLE),
        None,
        text(100),
    ),
];

/// The row with this key.
pub fn field(key: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.key == key)
}

// ---- canonical values ----

/// Text as compared: CR LF as LF, trimmed, cut to `max` UTF-16 units (as Dataverse counts).
pub fn canonical_text(s: &str, max: usize, strip_marks: bool) -> Option<String> {
    let s = s.replace("\r\n", "\n");
    let s = if strip_marks { crate::name_mark::strip(&s) } else { s.trim() };
    let mut out = String::new();
    let mut len = 0;
    for c in s.chars() {
        len += c.len_utf16();
        if len > max {
            break;
        }
        out.push(c);
    }
    let out = out.trim_end().to_owned();
    (!out.is_empty()).then_some(out)
}

/// An amount with exactly two decimals: the double product `v × 100` rounded half away from zero
/// to whole cents, then the point before the last two digits. This is the rule a flow computes
/// exactly (`formatNumber(mul(float(v), 100), '000;-000;000', 'en-US')`: the same IEEE product,
/// then a whole number); `formatNumber(v, '0.00')` rounds `v` itself and can differ (`2.675` is
/// 2.67499999… as a double, but `2.675 × 100` is `267.5`, so this gives `2.68`). No negative
/// zero. `None` beyond ±9·10^13, where an f64 no longer holds every cent.
pub fn canonical_money(v: f64) -> Option<String> {
    let cents = crate::mapping::cents(v)?;
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    Some(format!("{sign}{}.{:02}", abs / 100, abs % 100))
}

fn money_of(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

fn date_of(v: &Value) -> Option<String> {
    let d = v.as_str()?.trim().get(..10)?;
    crate::snapshot::is_date(d).then(|| d.to_owned())
}

fn code_of(v: &Value) -> Option<String> {
    let c = v.as_str()?.trim().to_ascii_uppercase();
    (!c.is_empty()).then_some(c)
}

/// Solution IDs as the canonical list: trimmed, capitals, de-duplicated, sorted, joined by `,`.
pub fn canonical_solutions<'a>(ids: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut ids: Vec<String> = ids.map(crate::mapping::solution_key).filter(|i| !i.is_empty()).collect();
    ids.sort_unstable();
    ids.dedup();
    (!ids.is_empty()).then(|| ids.join(","))
}

/// The canonical outcome of a referral status pair.
pub fn referral_outcome(status: Option<&str>, substatus: Option<&str>) -> Option<String> {
    match status? {
        "New" | "Active" => Some("Open".to_owned()),
        "Closed" => Some(substatus.filter(|s| !s.is_empty()).unwrap_or("Lost").to_owned()),
        _ => None,
    }
}

/// The canonical outcome of an opportunity state; a lost opportunity whose base outcome is
/// Declined or Expired keeps that outcome (Dynamics 365 has one "lost" for all three).
pub fn crm_outcome(state: OpportunityState, base: Option<&str>) -> String {
    match state {
        OpportunityState::Open => "Open",
        OpportunityState::Won => "Won",
        OpportunityState::Lost => match base {
            Some("Declined") => "Declined",
            Some("Expired") => "Expired",
            _ => "Lost",
        },
    }
    .to_owned()
}

impl Transform {
    /// The canonical form of a Partner Center value (`value` at the row's pointer; an absent
    /// property is read as `null`, see [`super::values`]).
    pub fn from_referral(self, value: &Value) -> Option<String> {
        match self {
            Transform::Text { max_length, strip_marks } => canonical_text(value.as_str()?, max_length, strip_marks),
            Transform::Money => money_of(value).and_then(canonical_money),
            Transform::DateOnly => date_of(value),
            Transform::IsoCountry | Transform::IsoCurrency => code_of(value),
            Transform::Choice { options } => {
                let s = value.as_str()?;
                options.iter().find(|(_, w)| *w == s).map(|(_, w)| (*w).to_owned())
            }
            Transform::Flag { .. } => Some((*value == Value::Bool(true)).to_string()),
            Transform::SolutionList => {
                canonical_solutions(value.as_array()?.iter().filter_map(|t| t.get("id").and_then(Value::as_str)))
            }
            Transform::EmployeeBand => value.as_str().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned),
            // Read from the whole referral (see `referral_values`), or not compared.
            Transform::Status | Transform::LookupByKey { .. } => None,
        }
    }

    /// The canonical form of a Dataverse column value (an absent column is read as `null`).
    pub fn from_crm(self, value: &Value) -> Option<String> {
        match self {
            Transform::Choice { options } => {
                let v = value.as_i64()?;
                options.iter().find(|(o, _)| *o == v).map(|(_, w)| (*w).to_owned())
            }
            Transform::Flag { true_value, .. } => Some((value.as_i64() == Some(true_value)).to_string()),
            Transform::EmployeeBand => crate::mapping::customer_size(value.as_i64()?).map(|b| b.as_str().to_owned()),
            Transform::Money => value.as_f64().and_then(canonical_money),
            other => other.from_referral(value),
        }
    }

    /// The referral JSON value for a canonical form (what a create or a PATCH carries).
    pub fn to_referral(self, canonical: &str) -> Value {
        match self {
            Transform::Money => money_json(canonical),
            Transform::DateOnly => Value::from(crate::mapping::closing_date_time(canonical)),
            Transform::Flag { .. } => Value::Bool(canonical == "true"),
            _ => Value::from(canonical),
        }
    }

    /// The Dataverse column value for a canonical form.
    pub fn to_crm(self, canonical: &str) -> Value {
        match self {
            Transform::Money => canonical.parse::<f64>().ok().map_or(Value::Null, Value::from),
            Transform::Choice { options } => {
                options.iter().find(|(_, w)| *w == canonical).map_or(Value::Null, |(o, _)| Value::from(*o))
            }
            Transform::Flag { true_value, false_value } => {
                Value::from(if canonical == "true" { true_value } else { false_value })
            }
            _ => Value::from(canonical),
        }
    }
}

/// A canonical amount as a JSON number: an integer when it has no cents (`50000`), else the
/// decimal (`12.5`).
fn money_json(canonical: &str) -> Value {
    if let Some(whole) = canonical.strip_suffix(".00") {
        if let Ok(i) = whole.parse::<i64>() {
            return Value::from(i);
        }
    }
    canonical.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number)
}

// ---- the printed table ----

fn direction(o: Ownership) -> &'static str {
    match (o.to_partner_center, o.to_crm) {
        (true, true) => "both ways",
        (true, false) => "D365 → PC",
        (false, true) => "PC → D365",
        (false, false) => "—",
    }
}

fn crm_cell(c: &CrmColumn) -> String {
    let column = match c.column {
        ColumnName::Fixed { name } => format!("`{name}`"),
        ColumnName::Environment { variable, default } => format!("`{default}` (or the column `{variable}` names)"),
    };
    match c.via {
        Some(via) if c.table != opp::TABLE => format!("{} {column} via `{via}`", c.table),
        _ => format!("{} {column}", c.table),
    }
}

fn transform_cell(t: Transform) -> String {
    match t {
        Transform::Text { max_length, strip_marks: true } => format!("text ≤ {max_length}, ✔/✖ marks stripped"),
        Transform::Text { max_length, .. } => format!("text ≤ {max_length}"),
        Transform::LookupByKey { key } => format!("lookup by key ({key})"),
        other => other.name().to_owned(),
    }
}

/// The field map as a Markdown table (README's mapping section is generated from it).
pub fn markdown() -> String {
    let mut out = String::from(
        "| Field | Partner Center referral | Dynamics 365 | Transform | On create | On update | PATCH path | Both changed: kept |\n|---|---|---|---|---|---|---|---|\n",
    );
    for f in FIELDS {
        let winner = if !f.in_base() {
            "—"
        } else if f.conflict == Side::Crm {
            "Dynamics 365"
        } else {
            "Partner Center"
        };
        let lead = f.lead.map(|l| format!("; lead `{l}`")).unwrap_or_default();
        out.push_str(&format!(
            "| {} | `{}` | {}{lead} | {} | {} | {} | {} | {winner} |\n",
            f.label,
            f.referral,
            crm_cell(&f.crm),
            transform_cell(f.transform),
            direction(f.create),
            direction(f.update),
            f.patch.map(|p| format!("`{p}`")).unwrap_or_else(|| "—".to_owned()),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataverse::{HelpNeeded, Visibility};
    use serde_json::json;

    #[test]
    fn help_options_are_the_dataverse_choice() {
        let from_choice: Vec<(i64, String)> =
            HelpNeeded::OPTIONS.iter().map(|(h, v, _)| (*v, h.code().as_str().to_owned())).collect();
        let table: Vec<(i64, String)> = HELP_OPTIONS.iter().map(|(v, w)| (*v, (*w).to_owned())).collect();
        assert_eq!(table, from_choice);
        let Some(Field { transform: Transform::Flag { true_value, false_value }, .. }) = field(keys::VISIBILITY) else {
            panic!("visibility is a flag")
        };
        assert_eq!((*true_value, *false_value), (Visibility::Visible.value(), Visibility::NotVisible.value()));
    }

    #[test]
    fn keys_are_unique_and_paths_are_pointers() {
        let mut keys: Vec<_> = FIELDS.iter().map(|f| f.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), FIELDS.len());
        for f in FIELDS {
            assert!(f.referral.starts_with('/'), "{}", f.key);
            if let Some(p) = f.patch {
                assert!(
                    crate::mapping::PATCHABLE_PATHS.contains(&p),
                    "{} PATCH path {p} is one the service accepts",
                    f.key
                );
            }
        }
    }

    #[test]
    fn microsoft_s_update_split_is_the_default() {
        let to_crm: Vec<_> = FIELDS.iter().filter(|f| f.update.to_crm).map(|f| f.key).collect();
        assert_eq!(to_crm, ["dealValue", "currency", "closingDate", "notes", "status", "microsoftCrmId"]);
        let to_pc: Vec<_> = FIELDS.iter().filter(|f| f.update.to_partner_center).map(|f| f.key).collect();
        assert_eq!(
            to_pc,
            [
                "name",
                "dealValue",
                "currency",
                "notes",
                "status",
                "help",
                "visibility",
                "solutions",
                "externalReference"
            ]
        );
    }

    #[test]
    fn canonical_forms() {
        let t = Transform::Text { max_length: 5, strip_marks: true };
        assert_eq!(t.from_crm(&json!("✔ ab\r\ncd ")), Some("ab\ncd".into()));
        assert_eq!(t.from_crm(&json!("abcdefgh")), Some("abcde".into()));
        assert_eq!(t.from_crm(&json!("  ")), None);
        assert_eq!(Transform::Money.from_crm(&json!(50000)), Some("50000.00".into()));
        assert_eq!(Transform::Money.from_referral(&json!("10000")), Some("10000.00".into()));
        assert_eq!(Transform::Money.from_referral(&json!(0.125)), Some("0.13".into()), "half away from zero");
        assert_eq!(Transform::Money.from_referral(&json!(-2.5)), Some("-2.50".into()));
        // The product decides, as the flow computes it: 2.675 × 100 is 267.5 as a double.
        assert_eq!(canonical_money(2.675), Some("2.68".into()));
        assert_eq!(canonical_money(1.005), Some("1.00".into()), "1.005 × 100 is 100.49999…");
        assert_eq!(canonical_money(-0.001), Some("0.00".into()), "no negative zero");
        assert_eq!(canonical_money(9.0e13), None);
        assert_eq!(Transform::DateOnly.from_referral(&json!("2025-06-30T00:00:00Z")), Some("2025-06-30".into()));
        assert_eq!(Transform::DateOnly.from_referral(&json!("2025-02-30")), None);
        assert_eq!(Transform::IsoCurrency.from_referral(&json!(" usd ")), Some("USD".into()));
        let help = Transform::Choice { options: HELP_OPTIONS };
        assert_eq!(help.from_crm(&json!(100000002)), Some("ProofOfConceptOrDemo".into()));
        assert_eq!(help.from_crm(&json!(100000099)), None, "an unknown option has no canonical form");
        assert_eq!(help.from_referral(&json!("Unknown")), None);
        let flag = Transform::Flag { true_value: 1, false_value: 0 };
        assert_eq!(
            (flag.from_crm(&json!(1)), flag.from_referral(&json!(false))),
            (Some("true".into()), Some("false".into()))
        );
        assert_eq!(
            Transform::SolutionList.from_referral(&json!([{ "id": "sol-2" }, { "id": "SOL-1 " }, { "id": "SOL-2" }])),
            Some("SOL-1,SOL-2".into())
        );
        assert_eq!(Transform::EmployeeBand.from_crm(&json!(120)), Some("51to250employees".into()));
    }

    #[test]
    fn canonical_values_go_back_to_each_side() {
        assert_eq!(Transform::Money.to_referral("50000.00"), json!(50000));
        assert_eq!(Transform::Money.to_referral("12.50"), json!(12.5));
        assert_eq!(Transform::Money.to_crm("12.50"), json!(12.5));
        assert_eq!(Transform::DateOnly.to_referral("2025-06-30"), json!("2025-06-30T00:00:00Z"));
        assert_eq!(Transform::Choice { options: HELP_OPTIONS }.to_crm("GeneralOrOther"), json!(100000005));
        assert_eq!(Transform::Flag { true_value: 7, false_value: 6 }.to_crm("true"), json!(7));
    }

    #[test]
    fn the_markdown_table_has_one_row_per_field() {
        let md = markdown();
        assert_eq!(md.lines().count(), FIELDS.len() + 2);
        assert!(md.contains("| Deal value | `/details/dealValue` | opportunity `estimatedvalue` (or the column `cosell_DealValueColumn` names)"));
    }
}
