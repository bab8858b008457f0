//! The tables and columns the fake Dataverse knows: every name `cosell_core::dataverse` defines,
//! plus the standard columns the sync touches (keys, lookups the sync sets, state, timestamps).
//! One row per column, so a column added to the core is one line here.

use cosell_core::dataverse::{
    account, contact, currency, lead, opportunity, solution, solution_detail, HelpNeeded, LeadState, OpportunityState,
    OpportunityStatus, Visibility,
};

/// What a column holds, and so what a write to it must be.
#[derive(Debug, Clone, Copy)]
pub enum ColumnKind {
    /// The primary key.
    Id,
    Text,
    Memo,
    Integer,
    /// Decimal and money columns.
    Decimal,
    Boolean,
    DateTime,
    /// A choice: the allowed option values.
    Choice(fn() -> Vec<i64>),
    /// A lookup, set with `column@odata.bind`; the entity sets it may point to.
    Lookup(&'static [&'static str]),
    /// Set by Dataverse only (`createdon`, `modifiedon`, `versionnumber`).
    System,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub logical: String,
    pub entity_set: String,
    pub id: String,
    pub columns: Vec<(String, ColumnKind)>,
    /// Alternate keys: each a list of columns.
    pub keys: Vec<Vec<String>>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<ColumnKind> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, k)| *k)
    }

    /// Whether `name` is readable in `$select`/`$filter`: a column, or a lookup's `_x_value`.
    pub fn readable(&self, name: &str) -> bool {
        match name.strip_prefix('_').and_then(|n| n.strip_suffix("_value")) {
            Some(lookup) => matches!(self.column(lookup), Some(ColumnKind::Lookup(_))),
            None => self.column(name).is_some(),
        }
    }
}

fn options<T: Copy>(list: &'static [(T, i64, &'static str)]) -> Vec<i64> {
    list.iter().map(|(_, v, _)| *v).collect()
}

const STATE_COLUMNS: [(&str, ColumnKind); 2] =
    [("statecode", ColumnKind::Integer), ("statuscode", ColumnKind::Integer)];
const SYSTEM_COLUMNS: [(&str, ColumnKind); 3] =
    [("createdon", ColumnKind::System), ("modifiedon", ColumnKind::System), ("versionnumber", ColumnKind::System)];

fn table(logical: &str, entity_set: &str, id: &str, columns: &[(&str, ColumnKind)], keys: &[&[&str]]) -> Table {
    let mut all: Vec<(String, ColumnKind)> = vec![(id.to_owned(), ColumnKind::Id)];
    for (name, kind) in columns.iter().chain(SYSTEM_COLUMNS.iter()) {
        all.push(((*name).to_owned(), *kind));
    }
    for (name, kind) in STATE_COLUMNS {
        if !all.iter().any(|(n, _)| n == name) {
            all.push((name.to_owned(), kind));
        }
    }
    Table {
        logical: logical.to_owned(),
        entity_set: entity_set.to_owned(),
        id: id.to_owned(),
        columns: all,
        keys: keys.iter().map(|k| k.iter().map(|c| (*c).to_owned()).collect()).collect(),
    }
}

/// Names of the Opportunity Close activity (`opportunityclose`), which WinOpportunity and
/// LoseOpportunity create; cosell-core never writes it, so its names live here.
pub mod opportunity_close {
    pub const TABLE: &str = "opportunityclose";
    pub const ENTITY_SET: &str = "opportunitycloses";
    pub const ID: &str = "activityid";
    pub const SUBJECT: &str = "subject";
    /// The lookup to the opportunity the activity closes.
    pub const OPPORTUNITY: &str = "opportunityid";
    pub const ACTUAL_END: &str = "actualend";
}

/// The tables, with their columns. UNCERTAIN: the alternate keys (referral identifier on
/// opportunity and lead, solution id on the catalogue, ISO code on currency) are the ones the
/// solution issue plans; Dataverse has no key until the solution defines it.
pub fn standard() -> Vec<Table> {
    use ColumnKind::*;
    vec![
        table(
            opportunity::TABLE,
            opportunity::ENTITY_SET,
            opportunity::ID,
            &[
                (opportunity::NAME, Text),
                (opportunity::ESTIMATED_VALUE, Decimal),
                (opportunity::ESTIMATED_CLOSE_DATE, DateTime),
                (opportunity::DESCRIPTION, Memo),
                (opportunity::PARENT_ACCOUNT, Lookup(&[account::ENTITY_SET])),
                (opportunity::PARENT_CONTACT, Lookup(&[contact::ENTITY_SET])),
                ("customerid", Lookup(&[account::ENTITY_SET, contact::ENTITY_SET])),
                ("originatingleadid", Lookup(&[lead::ENTITY_SET])),
                (opportunity::CURRENCY, Lookup(&[currency::ENTITY_SET])),
                (opportunity::STATE, Choice(|| options(OpportunityState::OPTIONS))),
                (opportunity::STATUS, Choice(|| options(OpportunityStatus::OPTIONS))),
                (opportunity::SYNC, Boolean),
                (opportunity::REFERRAL_ID, Text),
                (opportunity::REFERRAL_LINK, Text),
                (opportunity::HELP, Choice(|| options(HelpNeeded::OPTIONS))),
                (opportunity::VISIBILITY, Choice(|| options(Visibility::OPTIONS))),
                (opportunity::MICROSOFT_CRM_ID, Text),
                (opportunity::PRODUCTS, Memo),
                (opportunity::AUDIT, Memo),
                (opportunity::SYNC_STATE, Memo),
            ],
            &[&[opportunity::REFERRAL_ID]],
        ),
        table(
            account::TABLE,
            account::ENTITY_SET,
            account::ID,
            &[
                (account::NAME, Text),
                (account::LINE1, Text),
                (account::LINE2, Text),
                (account::CITY, Text),
                (account::STATE_OR_PROVINCE, Text),
                (account::POSTAL_CODE, Text),
                (account::COUNTRY, Text),
                (account::NUMBER_OF_EMPLOYEES, Integer),
                ("telephone1", Text),
                ("websiteurl", Text),
            ],
            &[],
        ),
        table(
            contact::TABLE,
            contact::ENTITY_SET,
            contact::ID,
            &[
                (contact::FIRST_NAME, Text),
                (contact::LAST_NAME, Text),
                ("fullname", System),
                (contact::EMAIL, Text),
                (contact::PHONE, Text),
                (contact::JOB_TITLE, Text),
                (contact::PARENT_CUSTOMER, Lookup(&[account::ENTITY_SET, contact::ENTITY_SET])),
            ],
            &[],
        ),
        table(
            lead::TABLE,
            lead::ENTITY_SET,
            lead::ID,
            &[
                (lead::SUBJECT, Text),
                (lead::COMPANY_NAME, Text),
                (lead::FIRST_NAME, Text),
                (lead::LAST_NAME, Text),
                (lead::EMAIL, Text),
                (lead::PHONE, Text),
                (lead::ESTIMATED_AMOUNT, Decimal),
                (lead::ESTIMATED_CLOSE_DATE, DateTime),
                (lead::DESCRIPTION, Memo),
                (lead::LINE1, Text),
                ("address1_line2", Text),
                (lead::CITY, Text),
                (lead::STATE_OR_PROVINCE, Text),
                (lead::POSTAL_CODE, Text),
                (lead::COUNTRY, Text),
                (lead::REFERRAL_ID, Text),
                (lead::REFERRAL_LINK, Text),
                (lead::SYNC_STATE, Memo),
                (lead::SYNC, Boolean),
                ("parentaccountid", Lookup(&[account::ENTITY_SET])),
                ("parentcontactid", Lookup(&[contact::ENTITY_SET])),
                ("qualifyingopportunityid", Lookup(&[opportunity::ENTITY_SET])),
                (opportunity::CURRENCY, Lookup(&[currency::ENTITY_SET])),
                ("statecode", Choice(|| options(LeadState::OPTIONS))),
            ],
            &[&[lead::REFERRAL_ID]],
        ),
        table(
            "transactioncurrency",
            currency::ENTITY_SET,
            currency::ID,
            &[(currency::ISO_CODE, Text), ("currencyname", Text), ("currencysymbol", Text), ("exchangerate", Decimal)],
            &[&[currency::ISO_CODE]],
        ),
        table(
            solution::TABLE,
            solution::ENTITY_SET,
            solution::ID,
            &[
                (solution::NAME, Text),
                (solution::SOLUTION_ID, Text),
                (solution::OPPORTUNITY, Lookup(&[opportunity::ENTITY_SET])),
                (solution::SOLUTION_DETAIL, Lookup(&[solution_detail::ENTITY_SET])),
            ],
            &[],
        ),
        table(
            solution_detail::TABLE,
            solution_detail::ENTITY_SET,
            solution_detail::ID,
            &[
                (solution_detail::NAME, Text),
                (solution_detail::SOLUTION_ID, Text),
                (solution_detail::PUBLISHER_NAME, Text),
                (solution_detail::SOLUTION_TYPE, Text),
            ],
            &[&[solution_detail::SOLUTION_ID]],
        ),
        table(
            opportunity_close::TABLE,
            opportunity_close::ENTITY_SET,
            opportunity_close::ID,
            &[
                (opportunity_close::SUBJECT, Text),
                ("description", Memo),
                (opportunity_close::OPPORTUNITY, Lookup(&[opportunity::ENTITY_SET])),
                (opportunity_close::ACTUAL_END, DateTime),
                ("actualrevenue", Decimal),
                // An activity's state: 0 Open, 1 Completed, 2 Canceled; its status reasons 1–3.
                ("statecode", Choice(|| vec![0, 1, 2])),
                ("statuscode", Choice(|| vec![1, 2, 3])),
            ],
            &[],
        ),
    ]
}
