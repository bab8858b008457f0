//! Echo suppression: a fingerprint of the fields both sides sync.
//!
//! When the sync writes one side, it stores the fingerprint of what it wrote in the hidden
//! sync-state column. A change event whose fingerprint equals the stored one is the sync's own
//! echo and is not sent back. Both sides are reduced to the same normalized [`SyncedFields`], so
//! the same deal has the same fingerprint whether read from Dynamics 365 or from Partner Center.

use super::cents;
use crate::dataverse::HelpNeeded;
use crate::name_mark;
use crate::referral::{Referral, ReferralStatus, ReferralSubstatus};
use crate::rules::shares_with_microsoft;
use crate::snapshot::Snapshot;
use crate::wire::Amount;

/// The synced fields, normalized so that equal deals compare equal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncedFields {
    /// The name without ✔/✖ marks, trimmed.
    pub name: String,
    /// The deal value in hundredths (cents).
    pub deal_value_cents: Option<i64>,
    /// The ISO 4217 code in capitals.
    pub currency: String,
    /// The closing date, `YYYY-MM-DD`.
    pub close_date: String,
    /// The notes/description, trimmed, with `\n` line ends.
    pub notes: String,
    /// Open, Won or Lost.
    pub outcome: &'static str,
    /// The help requested from Microsoft, if any.
    pub help: Option<HelpNeeded>,
    /// Whether Microsoft sellers see the referral.
    pub shared: bool,
    /// Solution IDs, sorted and de-duplicated.
    pub solutions: Vec<String>,
}

impl SyncedFields {
    /// The fields of an opportunity.
    pub fn of_snapshot(s: &Snapshot) -> SyncedFields {
        use crate::dataverse::OpportunityState as St;
        let o = &s.opportunity;
        SyncedFields {
            name: clean_name(o.name.as_deref()),
            deal_value_cents: o.deal_value.and_then(cents),
            currency: o.currency.as_deref().unwrap_or("").trim().to_ascii_uppercase(),
            close_date: o.close_date.clone().unwrap_or_default(),
            notes: clean_text(o.description.as_deref()),
            outcome: match o.state() {
                Some(St::Won) => "Won",
                Some(St::Lost) => "Lost",
                Some(St::Open) | None => "Open",
            },
            help: o.help(),
            shared: shares_with_microsoft(o),
            solutions: sorted(s.solutions.iter().filter_map(|r| r.solution_id.as_deref())),
        }
    }

    /// The fields of a referral.
    pub fn of_referral(r: &Referral) -> SyncedFields {
        let details = r.details.as_ref();
        let help = r.assistance().and_then(HelpNeeded::from_code);
        SyncedFields {
            name: clean_name(r.name.as_deref()),
            deal_value_cents: details.and_then(|d| d.deal_value.as_ref()).and_then(Amount::value).and_then(cents),
            currency: details.and_then(|d| d.currency.as_deref()).unwrap_or("").trim().to_ascii_uppercase(),
            close_date: details
                .and_then(|d| d.closing_date_time.as_deref())
                .and_then(|t| t.get(..10))
                .unwrap_or("")
                .to_owned(),
            notes: clean_text(details.and_then(|d| d.notes.as_deref())),
            outcome: match (r.status.as_ref(), r.substatus.as_ref()) {
                (Some(ReferralStatus::Closed), Some(ReferralSubstatus::Won)) => "Won",
                (Some(ReferralStatus::Closed), _) => "Lost",
                _ => "Open",
            },
            help,
            shared: super::referral_is_shared(r),
            solutions: sorted(r.solutions().iter().filter_map(|t| t.id.as_deref())),
        }
    }

    /// A canonical text of the fields (one `key=value` line each).
    pub fn canonical(&self) -> String {
        let cents = self.deal_value_cents.map(|c| c.to_string()).unwrap_or_default();
        let help = self.help.map(|h| h.code().to_string()).unwrap_or_default();
        format!(
            "name={:?}\nvalue={}\ncurrency={}\nclose={}\nnotes={:?}\noutcome={}\nhelp={}\nshared={}\nsolutions={}\n",
            self.name,
            cents,
            self.currency,
            self.close_date,
            self.notes,
            self.outcome,
            help,
            self.shared,
            self.solutions.join(",")
        )
    }

    /// The fingerprint: FNV-1a 64 of the canonical text, as 16 hex digits. Not cryptographic;
    /// it only has to tell "the same synced values" from "different ones".
    pub fn fingerprint(&self) -> String {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in self.canonical().bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        format!("{hash:016x}")
    }
}

/// Fingerprint of an opportunity's synced fields.
pub fn fingerprint_snapshot(s: &Snapshot) -> String {
    SyncedFields::of_snapshot(s).fingerprint()
}

/// Fingerprint of a referral's synced fields.
pub fn fingerprint_referral(r: &Referral) -> String {
    SyncedFields::of_referral(r).fingerprint()
}

fn clean_name(name: Option<&str>) -> String {
    name.map(name_mark::strip).unwrap_or("").to_owned()
}

fn clean_text(text: Option<&str>) -> String {
    text.unwrap_or("").replace("\r\n", "\n").trim().to_owned()
}

fn sorted<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut v: Vec<String> = ids.map(super::solution_key).filter(|i| !i.is_empty()).collect();
    v.sort();
    v.dedup();
    v
}
