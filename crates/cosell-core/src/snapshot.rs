//! The opportunity snapshot: what the rules and the mapping know about one Dynamics 365 opportunity.
//!
//! On the wire it is the JSON the Dataverse Web API returns, with logical names as keys:
//!
//! ```json
//! {
//!   "opportunity": {
//!     "opportunityid": "…", "name": "…", "estimatedvalue": 50000, "estimatedclosedate": "2025-06-30",
//!     "description": "…", "statecode": 0, "statuscode": 1,
//!     "cosell_syncwithpartnercenter": true, "cosell_howcanmicrosofthelp": 100000001,
//!     "cosell_referralvisibility": 100000001, "cosell_referralidentifier": null, …,
//!     "transactioncurrencyid": { "isocurrencycode": "USD" },
//!     "parentaccountid": { "accountid": "…", "name": "…", "address1_postalcode": "98052", "address1_country": "US" },
//!     "parentcontactid": { "contactid": "…", "firstname": "…", "lastname": "…", "emailaddress1": "…" }
//!   },
//!   "original": { …the same opportunity columns as stored before this edit; absent for a new record… },
//!   "solutions": [ { "cosell_partnercentersolutionid": "…", "cosell_solutionid": "SOL-…", "cosell_name": "…" } ],
//!   "environment": { "cosell_DealValueColumn": "estimatedvalue", … }
//! }
//! ```
//!
//! Lookups may also arrive unexpanded as `_parentaccountid_value` (a GUID only). Reading is
//! strict about types and names the JSON path of any problem; it is lenient about absence.

use crate::config::Config;
use crate::dataverse::{account, contact, currency, opportunity as opp, solution, solution_detail};
use crate::dataverse::{Choice, HelpNeeded, OpportunityState, OpportunityStatus, Visibility};
use crate::json::{push_key, InputError};
use crate::referral::{ReferralStatus, ReferralSubstatus};
use crate::wire::kind;
use serde_json::{Map, Value};

/// One opportunity with everything the rules and mapping read.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// The opportunity as it is now (being edited, or as stored).
    pub opportunity: Opportunity,
    /// The opportunity as Dataverse holds it before this edit; `None` for a new record.
    pub original: Option<Opportunity>,
    /// The Partner Center Solution rows of the opportunity.
    pub solutions: Vec<Solution>,
    /// The environment variables.
    pub config: Config,
}

/// The opportunity columns the project reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Opportunity {
    pub id: Option<String>,
    pub name: Option<String>,
    /// From the column the configuration names (default `estimatedvalue`).
    pub deal_value: Option<f64>,
    /// Date only, `YYYY-MM-DD`.
    pub close_date: Option<String>,
    pub description: Option<String>,
    /// Choice columns keep values this version does not know (see [`Choice`]); the accessors of
    /// the same name give the known option only, which is all the rules and mapping read.
    pub state: Option<Choice<OpportunityState>>,
    pub status: Option<Choice<OpportunityStatus>>,
    /// ISO 4217 code of the transaction currency.
    pub currency: Option<String>,
    /// The transaction currency row ID, when only the lookup is known.
    pub currency_id: Option<String>,
    pub sync: bool,
    pub help: Option<Choice<HelpNeeded>>,
    pub visibility: Option<Choice<Visibility>>,
    pub referral_id: Option<String>,
    pub referral_link: Option<String>,
    pub microsoft_crm_id: Option<String>,
    pub audit: Option<String>,
    pub products: Option<String>,
    pub sync_state: Option<SyncState>,
    pub account: Option<Account>,
    pub contact: Option<Contact>,
    /// The opportunity object as read (every column, lookups as given): what the field map
    /// (`sync::fields`) reads a column from by its logical name.
    pub columns: Map<String, Value>,
}

/// The customer account.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Account {
    /// Whether the row's columns were loaded (false: only the lookup ID is known, so the rules
    /// that read the account's columns wait until it is loaded).
    pub loaded: bool,
    pub id: Option<String>,
    pub name: Option<String>,
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub city: Option<String>,
    pub state_or_province: Option<String>,
    pub postal_code: Option<String>,
    /// From the column the configuration names (default `address1_country`).
    pub country: Option<String>,
    pub number_of_employees: Option<i64>,
}

/// The customer contact.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contact {
    /// Whether the row's columns were loaded (false: only the lookup ID is known).
    pub loaded: bool,
    pub id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_title: Option<String>,
}

/// A Partner Center Solution row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Solution {
    pub row_id: Option<String>,
    /// The Partner Center solution ID, such as SOL-34104-EBB.
    pub solution_id: Option<String>,
    pub name: Option<String>,
    pub publisher_name: Option<String>,
    pub solution_type: Option<String>,
}

/// What the last sync left in the hidden sync-state column: the base (see `docs/sync.md`).
///
/// Version 1 (`{"v":1,…}`) carries the referral ID, the eTag, status/substatus and the
/// canonical value of every base field (`sync::fields`). The older form without `v` (eTag,
/// fingerprint, status) is still read; it has no field values (`fields` is `None`), so the
/// next sync treats every field as the first sync does.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncState {
    /// The referral's ID.
    pub referral_id: Option<String>,
    /// The referral's eTag after the last sync: the If-Match of the next PATCH.
    pub e_tag: Option<String>,
    /// Legacy (before version 1): a fingerprint of the synced fields.
    pub fingerprint: Option<String>,
    /// The referral's status after the last sync.
    pub status: Option<ReferralStatus>,
    /// The referral's substatus after the last sync.
    pub substatus: Option<ReferralSubstatus>,
    /// The canonical last-synced value of each base field by key, always a JSON string (see
    /// [`SyncState::field`]); a missing key is "empty". A `serde_json::Map`, not a map of its
    /// own: the WebAssembly form reads sync states, and its bundle already has this map's code.
    pub fields: Option<Map<String, Value>>,
}

impl serde::Serialize for SyncState {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

/// The current version of the sync state's JSON form.
pub const SYNC_STATE_VERSION: i64 = 1;

impl Snapshot {
    /// Reads a snapshot document (see the module docs).
    pub fn from_json(text: &str) -> Result<Snapshot, InputError> {
        let value: Value = crate::json::from_str(text)?;
        Snapshot::from_value(&value)
    }

    /// Reads a snapshot from a parsed JSON value.
    pub fn from_value(value: &Value) -> Result<Snapshot, InputError> {
        let root = Obj::new(value, "$".to_owned())?;
        root.only(&["opportunity", "original", "solutions", "environment"])?;
        let config = match root.child("environment")? {
            Some(env) => Config::from_environment(env.map, &env.path)?,
            None => Config::default(),
        };
        let opportunity = match root.child("opportunity")? {
            Some(o) => Opportunity::read(&o, &config)?,
            None => return Err(InputError::new("$.opportunity", "missing: the snapshot needs the opportunity")),
        };
        let original = root.child("original")?.map(|o| Opportunity::read(&o, &config)).transpose()?;
        let solutions =
            root.array("solutions")?.into_iter().map(|o| Solution::read(&o)).collect::<Result<Vec<_>, _>>()?;
        Ok(Snapshot { opportunity, original, solutions, config })
    }

    /// Whether the seller asked for the opportunity to be synced.
    pub fn syncs(&self) -> bool {
        self.opportunity.sync
    }
}

impl Opportunity {
    fn read(o: &Obj, config: &Config) -> Result<Opportunity, InputError> {
        let account = match o.child(opp::PARENT_ACCOUNT)? {
            Some(a) => Some(Account::read(&a, config)?),
            None => o
                .string(&format!("_{}_value", opp::PARENT_ACCOUNT))?
                .map(|id| Account { id: Some(id), ..Default::default() }),
        };
        let contact = match o.child(opp::PARENT_CONTACT)? {
            Some(c) => Some(Contact::read(&c)?),
            None => o
                .string(&format!("_{}_value", opp::PARENT_CONTACT))?
                .map(|id| Contact { id: Some(id), ..Default::default() }),
        };
        let currency_row = o.child(opp::CURRENCY)?;
        let currency = currency_row.as_ref().map(|c| c.string(currency::ISO_CODE)).transpose()?.flatten();
        let currency_id = match &currency_row {
            Some(c) => c.string(currency::ID)?,
            None => o.string(&format!("_{}_value", opp::CURRENCY))?,
        };
        Ok(Opportunity {
            id: o.string(opp::ID)?,
            name: o.string(opp::NAME)?,
            deal_value: o.number(&config.deal_value_column)?,
            close_date: o.date(opp::ESTIMATED_CLOSE_DATE)?,
            description: o.string(opp::DESCRIPTION)?,
            state: o.choice(opp::STATE, OpportunityState::from_value)?,
            status: o.choice(opp::STATUS, OpportunityStatus::from_value)?,
            currency,
            currency_id,
            sync: o.boolean(opp::SYNC)?.unwrap_or(false),
            help: o.choice(opp::HELP, HelpNeeded::from_value)?,
            visibility: o.choice(opp::VISIBILITY, Visibility::from_value)?,
            referral_id: o.string(opp::REFERRAL_ID)?,
            referral_link: o.string(opp::REFERRAL_LINK)?,
            microsoft_crm_id: o.string(opp::MICROSOFT_CRM_ID)?,
            audit: o.string(opp::AUDIT)?,
            products: o.string(opp::PRODUCTS)?,
            sync_state: o.string(opp::SYNC_STATE)?.map(|s| SyncState::parse(&s, &o.at(opp::SYNC_STATE))).transpose()?,
            account,
            contact,
            columns: o.map.clone(),
        })
    }

    /// The opportunity's state, when it is one this version knows.
    pub fn state(&self) -> Option<OpportunityState> {
        self.state.and_then(Choice::known)
    }

    /// The status reason, when it is one this version knows (a custom one reads as `None`).
    pub fn status(&self) -> Option<OpportunityStatus> {
        self.status.and_then(Choice::known)
    }

    /// The help requested, when it is an option this version knows.
    pub fn help(&self) -> Option<HelpNeeded> {
        self.help.and_then(Choice::known)
    }

    /// The visibility, when it is an option this version knows.
    pub fn visibility(&self) -> Option<Visibility> {
        self.visibility.and_then(Choice::known)
    }

    /// The value of a read-only column, by logical name.
    pub fn read_only_value(&self, column: &str) -> Option<&str> {
        match column {
            opp::REFERRAL_ID => self.referral_id.as_deref(),
            opp::REFERRAL_LINK => self.referral_link.as_deref(),
            opp::MICROSOFT_CRM_ID => self.microsoft_crm_id.as_deref(),
            opp::AUDIT => self.audit.as_deref(),
            _ => None,
        }
    }
}

impl Account {
    fn read(o: &Obj, config: &Config) -> Result<Account, InputError> {
        Ok(Account {
            loaded: true,
            id: o.string(account::ID)?,
            name: o.string(account::NAME)?,
            line1: o.string(account::LINE1)?,
            line2: o.string(account::LINE2)?,
            city: o.string(account::CITY)?,
            state_or_province: o.string(account::STATE_OR_PROVINCE)?,
            postal_code: o.string(account::POSTAL_CODE)?,
            country: o.string(&config.country_code_column)?,
            number_of_employees: o.integer(account::NUMBER_OF_EMPLOYEES)?,
        })
    }
}

impl Contact {
    fn read(o: &Obj) -> Result<Contact, InputError> {
        Ok(Contact {
            loaded: true,
            id: o.string(contact::ID)?,
            first_name: o.string(contact::FIRST_NAME)?,
            last_name: o.string(contact::LAST_NAME)?,
            email: o.string(contact::EMAIL)?,
            phone: o.string(contact::PHONE)?,
            job_title: o.string(contact::JOB_TITLE)?,
        })
    }
}

impl Solution {
    fn read(o: &Obj) -> Result<Solution, InputError> {
        // The catalogue row may be expanded; its values fill what the solution row lacks.
        let detail = o.child(solution::SOLUTION_DETAIL)?;
        let from_detail = |col: &str| -> Result<Option<String>, InputError> {
            detail.as_ref().map(|d| d.string(col)).transpose().map(Option::flatten)
        };
        Ok(Solution {
            row_id: o.string(solution::ID)?,
            solution_id: o.string(solution::SOLUTION_ID)?.or(from_detail(solution_detail::SOLUTION_ID)?),
            name: o.string(solution::NAME)?.or(from_detail(solution_detail::NAME)?),
            publisher_name: from_detail(solution_detail::PUBLISHER_NAME)?,
            solution_type: from_detail(solution_detail::SOLUTION_TYPE)?,
        })
    }
}

impl SyncState {
    /// Reads the sync-state column's JSON text.
    pub fn parse(text: &str, at: &str) -> Result<SyncState, InputError> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| InputError::new(at, format!("the sync state is not valid JSON: {e}")))?;
        let inside =
            |e: InputError| InputError::new(at, format!("in the sync state's JSON text at {}: {}", e.path, e.message));
        let o = Obj::new(&value, "$".to_owned()).map_err(inside)?;
        let text = |key: &str| o.string(key).map_err(inside);
        let version = o.integer("v").map_err(inside)?;
        if version.is_some_and(|v| v != SYNC_STATE_VERSION) {
            return Err(InputError::new(
                at,
                format!(
                    "sync state version {} is not known to this version (expected {SYNC_STATE_VERSION})",
                    version.unwrap_or(0)
                ),
            ));
        }
        let fields = match o.child("fields").map_err(inside)? {
            Some(f) => {
                if let Some((k, v)) = f.map.iter().find(|(_, v)| !v.is_string()) {
                    return Err(inside(InputError::new(f.at(k), format!("expected text, found {}", kind(v)))));
                }
                Some(f.map.clone())
            }
            None if version.is_some() => Some(Map::new()),
            None => None,
        };
        Ok(SyncState {
            referral_id: text("id")?,
            e_tag: text("eTag")?,
            fingerprint: text("fingerprint")?,
            status: text("status")?.map(|s| ReferralStatus::parse(&s)),
            substatus: text("substatus")?.map(|s| ReferralSubstatus::parse(&s)),
            fields,
        })
    }

    /// The column's JSON text: compact, keys in a fixed order (version 1 when it has fields).
    pub fn to_json(&self) -> String {
        self.to_value().to_string()
    }

    /// The sync state as a JSON object (what [`SyncState::to_json`] writes).
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        if self.fields.is_some() {
            m.insert("v".to_owned(), Value::from(SYNC_STATE_VERSION));
        }
        let mut put = |k: &str, v: Option<&str>| {
            if let Some(v) = v {
                m.insert(k.to_owned(), Value::String(v.to_owned()));
            }
        };
        put("id", self.referral_id.as_deref());
        put("eTag", self.e_tag.as_deref());
        put("fingerprint", self.fingerprint.as_deref());
        put("status", self.status.as_ref().map(ReferralStatus::as_str));
        put("substatus", self.substatus.as_ref().map(ReferralSubstatus::as_str));
        if let Some(fields) = &self.fields {
            m.insert("fields".to_owned(), Value::Object(fields.clone()));
        }
        Value::Object(m)
    }

    /// The base value of a field (`None`: empty, or no base).
    pub fn field(&self, key: &str) -> Option<&str> {
        self.fields.as_ref().and_then(|f| f.get(key)).and_then(Value::as_str)
    }
}

/// A JSON object being read, with its path for error messages.
struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

impl<'a> Obj<'a> {
    fn new(value: &'a Value, path: String) -> Result<Self, InputError> {
        match value {
            Value::Object(map) => Ok(Obj { map, path }),
            other => Err(InputError::new(path, format!("expected an object, found {}", kind(other)))),
        }
    }

    fn at(&self, key: &str) -> String {
        let mut p = self.path.clone();
        push_key(&mut p, key);
        p
    }

    /// A present, non-null value.
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn only(&self, keys: &[&str]) -> Result<(), InputError> {
        match self.map.keys().find(|k| !keys.contains(&k.as_str())) {
            Some(k) => {
                Err(InputError::new(self.at(k), format!("unknown property (expected one of: {})", keys.join(", "))))
            }
            None => Ok(()),
        }
    }

    fn child(&self, key: &str) -> Result<Option<Obj<'a>>, InputError> {
        self.get(key).map(|v| Obj::new(v, self.at(key))).transpose()
    }

    fn array(&self, key: &str) -> Result<Vec<Obj<'a>>, InputError> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => {
                let base = self.at(key);
                items.iter().enumerate().map(|(i, v)| Obj::new(v, format!("{base}[{i}]"))).collect()
            }
            Some(other) => Err(InputError::new(self.at(key), format!("expected an array, found {}", kind(other)))),
        }
    }

    /// A text column; empty or blank text counts as absent, as Dataverse treats it.
    fn string(&self, key: &str) -> Result<Option<String>, InputError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(InputError::new(self.at(key), format!("expected text, found {}", kind(other)))),
        }
    }

    fn number(&self, key: &str) -> Result<Option<f64>, InputError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_f64() {
                Some(f) if f.is_finite() => Ok(Some(f)),
                _ => Err(InputError::new(self.at(key), "the number is out of range")),
            },
            Some(other) => Err(InputError::new(self.at(key), format!("expected a number, found {}", kind(other)))),
        }
    }

    fn integer(&self, key: &str) -> Result<Option<i64>, InputError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(i) => Ok(Some(i)),
                None => Err(InputError::new(self.at(key), "expected a whole number")),
            },
            Some(other) => {
                Err(InputError::new(self.at(key), format!("expected a whole number, found {}", kind(other))))
            }
        }
    }

    fn boolean(&self, key: &str) -> Result<Option<bool>, InputError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(InputError::new(self.at(key), format!("expected true or false, found {}", kind(other)))),
        }
    }

    /// A choice column; a value that is not one of our options is kept as [`Choice::Other`].
    fn choice<T: Copy>(&self, key: &str, from_value: fn(i64) -> Option<T>) -> Result<Option<Choice<T>>, InputError> {
        Ok(self.integer(key)?.map(|v| Choice::from_value(v, from_value)))
    }

    /// A date-only column (`YYYY-MM-DD`); a date-time's date part is taken.
    fn date(&self, key: &str) -> Result<Option<String>, InputError> {
        let Some(text) = self.string(key)? else {
            return Ok(None);
        };
        let date = text.get(..10).unwrap_or("");
        let time = text.get(10..).unwrap_or("");
        let time_ok = time.is_empty()
            || (time.starts_with('T')
                && time.len() > 1
                && time.bytes().skip(1).all(|b| b.is_ascii_digit() || b":.Z+-".contains(&b)));
        if is_date(date) && time_ok {
            Ok(Some(date.to_owned()))
        } else {
            Err(InputError::new(self.at(key), format!("expected a date such as 2025-06-30, found {text:?}")))
        }
    }
}

/// Whether `s` is a real calendar date `YYYY-MM-DD`.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        s.get(r).filter(|t| t.bytes().all(|c| c.is_ascii_digit())).and_then(|t| t.parse::<u32>().ok())
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    y >= 1 && (1..=days).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn snap(v: Value) -> Result<Snapshot, InputError> {
        Snapshot::from_value(&v)
    }

    #[test]
    fn reads_expanded_lookups_and_configured_columns() {
        let s = snap(json!({
            "opportunity": {
                "opportunityid": "o1", "name": "Deal", "new_amount": 12.5, "estimatedvalue": 99,
                "estimatedclosedate": "2025-06-30T00:00:00Z", "statecode": 0, "statuscode": 2,
                "cosell_syncwithpartnercenter": true, "cosell_howcanmicrosofthelp": 100000002,
                "cosell_referralvisibility": 100000001,
                "transactioncurrencyid": { "isocurrencycode": "EUR", "transactioncurrencyid": "c1" },
                "parentaccountid": { "name": "Contoso", "new_iso": "DE", "address1_country": "Germany" },
                "parentcontactid": { "firstname": "Sue", "lastname": "Smith", "emailaddress1": "sue@contoso.com" },
                "cosell_syncstate": "{\"eTag\":\"\\\"e1\\\"\",\"status\":\"Active\",\"substatus\":\"Accepted\"}"
            },
            "solutions": [ { "cosell_solutionid": "SOL-1", "cosell_name": "One" } ],
            "environment": { "cosell_DealValueColumn": "new_amount", "cosell_CountryCodeColumn": "new_iso" }
        }))
        .unwrap();
        let o = &s.opportunity;
        assert_eq!(o.deal_value, Some(12.5));
        assert_eq!(o.close_date.as_deref(), Some("2025-06-30"));
        assert_eq!(o.currency.as_deref(), Some("EUR"));
        assert_eq!(o.currency_id.as_deref(), Some("c1"));
        assert_eq!(o.account.as_ref().and_then(|a| a.country.as_deref()), Some("DE"));
        assert_eq!(o.help(), Some(HelpNeeded::ProofOfConceptOrDemo));
        assert_eq!(o.visibility(), Some(Visibility::Visible));
        assert_eq!(o.status(), Some(OpportunityStatus::OnHold));
        let st = o.sync_state.as_ref().unwrap();
        assert_eq!(st.status, Some(ReferralStatus::Active));
        assert_eq!(st.e_tag.as_deref(), Some("\"e1\""));
        assert_eq!(s.solutions.len(), 1);
        assert!(s.original.is_none());
    }

    #[test]
    fn unexpanded_lookups_keep_the_id() {
        let s = snap(json!({ "opportunity": { "_parentaccountid_value": "a1", "_parentcontactid_value": "c1", "_transactioncurrencyid_value": "t1" } })).unwrap();
        let account = s.opportunity.account.unwrap();
        assert_eq!(account.id.as_deref(), Some("a1"));
        assert!(!account.loaded);
        assert_eq!(s.opportunity.contact.unwrap().id.as_deref(), Some("c1"));
        assert_eq!(s.opportunity.currency_id.as_deref(), Some("t1"));
        assert!(!s.opportunity.sync, "sync defaults to No");
    }

    #[test]
    fn unknown_choice_values_are_kept_not_rejected() {
        let s = snap(json!({ "opportunity": {
            "statuscode": 100000007, "cosell_howcanmicrosofthelp": 7, "cosell_referralvisibility": 100000042, "statecode": 0
        } }))
        .unwrap();
        let o = &s.opportunity;
        assert_eq!(o.status, Some(Choice::Other(100000007)));
        assert_eq!(o.help, Some(Choice::Other(7)));
        assert_eq!(o.visibility, Some(Choice::Other(100000042)));
        assert_eq!((o.status(), o.help(), o.visibility()), (None, None, None));
        assert_eq!(o.state(), Some(OpportunityState::Open));
    }

    #[test]
    fn errors_name_the_json_path() {
        let cases = [
            (json!([]), "$"),
            (json!({}), "$.opportunity"),
            (json!({ "opportunity": { "estimatedvalue": "12" } }), "$.opportunity.estimatedvalue"),
            (
                json!({ "opportunity": { "cosell_howcanmicrosofthelp": "7" } }),
                "$.opportunity.cosell_howcanmicrosofthelp",
            ),
            (
                json!({ "opportunity": { "cosell_syncwithpartnercenter": "yes" } }),
                "$.opportunity.cosell_syncwithpartnercenter",
            ),
            (json!({ "opportunity": { "estimatedclosedate": "2025-02-30" } }), "$.opportunity.estimatedclosedate"),
            (json!({ "opportunity": { "estimatedclosedate": "2025-06-30Tfoo" } }), "$.opportunity.estimatedclosedate"),
            (json!({ "opportunity": { "cosell_syncstate": "{\"eTag\": 5}" } }), "$.opportunity.cosell_syncstate"),
            (json!({ "opportunity": { "parentaccountid": "a1" } }), "$.opportunity.parentaccountid"),
            (json!({ "opportunity": {}, "solutions": [ { "cosell_name": 5 } ] }), "$.solutions[0].cosell_name"),
            (json!({ "opportunity": {}, "solutions": {} }), "$.solutions"),
            (json!({ "opportunity": {}, "extra": 1 }), "$.extra"),
            (json!({ "opportunity": { "cosell_syncstate": "{oops" } }), "$.opportunity.cosell_syncstate"),
            (json!({ "opportunity": { "statecode": 1.5 } }), "$.opportunity.statecode"),
        ];
        for (doc, path) in cases {
            let e = snap(doc.clone()).unwrap_err();
            assert_eq!(e.path, path, "{doc} -> {e}");
        }
    }

    #[test]
    fn dates_are_checked_against_the_calendar() {
        assert!(is_date("2024-02-29") && is_date("2025-12-31"));
        assert!(!is_date("2025-02-29") && !is_date("2025-13-01") && !is_date("2025-1-01") && !is_date("abcd-ef-gh"));
    }

    #[test]
    fn sync_state_round_trips() {
        let mut st = SyncState {
            e_tag: Some("\"x\"".into()),
            fingerprint: Some("f".into()),
            status: Some(ReferralStatus::New),
            substatus: Some(ReferralSubstatus::Pending),
            ..Default::default()
        };
        assert_eq!(SyncState::parse(&st.to_json(), "$").unwrap(), st, "legacy form");
        st.fingerprint = None;
        st.referral_id = Some("r1".into());
        let mut fields = Map::new();
        fields.insert("name".to_owned(), Value::from("Deal \"x\"\n"));
        st.fields = Some(fields);
        let text = st.to_json();
        assert!(text.contains(r#""v":1"#) && text.contains(r#""id":"r1""#), "{text}");
        assert_eq!(SyncState::parse(&text, "$").unwrap(), st);
        assert!(SyncState::parse(r#"{"v":2}"#, "$").unwrap_err().message.contains("version 2"));
        assert!(SyncState::parse(r#"{"v":1,"fields":{"name":5}}"#, "$").is_err());
    }
}
