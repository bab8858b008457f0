//! Dataverse names: every table, column and choice value this project reads or adds, in one place.
//!
//! Publisher prefix: `cosell_`. Standard columns use their real logical names. Choice values use
//! the conventional publisher option-value prefix 10000 (values 100000000, 100000001, …); the
//! generated Dataverse solution (later issue) must use these same numbers.

/// The publisher prefix of every table, column and environment variable this project adds.
pub const PREFIX: &str = "cosell_";

/// The `opportunity` table.
pub mod opportunity {
    pub const TABLE: &str = "opportunity";
    pub const ENTITY_SET: &str = "opportunities";
    pub const ID: &str = "opportunityid";
    pub const NAME: &str = "name";
    /// Default deal value column (the `cosell_DealValueColumn` environment variable may name another).
    pub const ESTIMATED_VALUE: &str = "estimatedvalue";
    pub const ESTIMATED_CLOSE_DATE: &str = "estimatedclosedate";
    pub const DESCRIPTION: &str = "description";
    pub const PARENT_ACCOUNT: &str = "parentaccountid";
    pub const PARENT_CONTACT: &str = "parentcontactid";
    pub const CURRENCY: &str = "transactioncurrencyid";
    pub const STATE: &str = "statecode";
    pub const STATUS: &str = "statuscode";

    /// Sync with Partner Center (Yes/No, default No).
    pub const SYNC: &str = "cosell_syncwithpartnercenter";
    /// Referral Identifier (read-only): the Partner Center referral ID.
    pub const REFERRAL_ID: &str = "cosell_referralidentifier";
    /// Referral Link (read-only): the referral in Partner Center.
    pub const REFERRAL_LINK: &str = "cosell_referrallink";
    /// How can Microsoft help? (choice, see [`super::HelpNeeded`]).
    pub const HELP: &str = "cosell_howcanmicrosofthelp";
    /// Referral Visibility (choice, see [`super::Visibility`]); one-way from hidden to visible.
    pub const VISIBILITY: &str = "cosell_referralvisibility";
    /// Microsoft CRM Identifier (read-only): Microsoft's own ID once Microsoft accepts a co-sell.
    pub const MICROSOFT_CRM_ID: &str = "cosell_microsoftcrmidentifier";
    /// Products (obsolete): kept for backward compatibility; solutions replace it.
    pub const PRODUCTS: &str = "cosell_products";
    /// Audit (read-only): the sync's trail of successes and failures.
    pub const AUDIT: &str = "cosell_audit";
    /// Hidden sync state: the base of the last sync (see `docs/sync.md`); at most
    /// [`super::SYNC_STATE_MAX_LENGTH`] characters.
    pub const SYNC_STATE: &str = "cosell_syncstate";

    /// Columns only the sync may write; a user edit of one is an error.
    pub const READ_ONLY: [&str; 4] = [REFERRAL_ID, REFERRAL_LINK, MICROSOFT_CRM_ID, AUDIT];
}

/// The size of the hidden sync-state column (`cosell_syncstate`, multiple lines of text), in
/// characters as Dataverse counts them (UTF-16 code units). The solution generator defines the
/// column with this `MaxLength` on opportunity and lead; the sync's base (`sync::Base`) is kept
/// below it, with room to spare (a test builds the largest realistic base and checks it fits).
/// UNCERTAIN: our choice; Dataverse allows up to 1,048,576 for a multiline text column, and
/// 100,000 is what the Audit column uses too.
pub const SYNC_STATE_MAX_LENGTH: usize = 100_000;

/// A choice column's value: one of our options, or a value this version does not know (an
/// option the customer's admin added, or a custom status reason). Unknown values are kept so a
/// snapshot with one is still read; the rules and the mapping ignore them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Choice<T> {
    Known(T),
    Other(i64),
}

impl<T: Copy> Choice<T> {
    /// The known option, `None` for a value this version does not know.
    pub fn known(self) -> Option<T> {
        match self {
            Choice::Known(t) => Some(t),
            Choice::Other(_) => None,
        }
    }

    /// Reads an option value: known options by `from_value`, anything else kept as `Other`.
    pub fn from_value(v: i64, from_value: fn(i64) -> Option<T>) -> Choice<T> {
        from_value(v).map_or(Choice::Other(v), Choice::Known)
    }
}

/// The `account` table.
pub mod account {
    pub const TABLE: &str = "account";
    pub const ENTITY_SET: &str = "accounts";
    pub const ID: &str = "accountid";
    pub const NAME: &str = "name";
    pub const LINE1: &str = "address1_line1";
    pub const LINE2: &str = "address1_line2";
    pub const CITY: &str = "address1_city";
    pub const STATE_OR_PROVINCE: &str = "address1_stateorprovince";
    pub const POSTAL_CODE: &str = "address1_postalcode";
    /// Default country column (the `cosell_CountryCodeColumn` environment variable may name another).
    pub const COUNTRY: &str = "address1_country";
    pub const NUMBER_OF_EMPLOYEES: &str = "numberofemployees";
}

/// The `contact` table.
pub mod contact {
    pub const TABLE: &str = "contact";
    pub const ENTITY_SET: &str = "contacts";
    pub const ID: &str = "contactid";
    pub const FIRST_NAME: &str = "firstname";
    pub const LAST_NAME: &str = "lastname";
    pub const EMAIL: &str = "emailaddress1";
    pub const PHONE: &str = "telephone1";
    pub const JOB_TITLE: &str = "jobtitle";
    /// The contact's company (lookup to account), set when the sync creates the contact.
    pub const PARENT_CUSTOMER: &str = "parentcustomerid";
}

/// The `lead` table (a referral that is not accepted yet stays a lead).
pub mod lead {
    pub const TABLE: &str = "lead";
    pub const ENTITY_SET: &str = "leads";
    pub const ID: &str = "leadid";
    pub const SUBJECT: &str = "subject";
    pub const COMPANY_NAME: &str = "companyname";
    pub const FIRST_NAME: &str = "firstname";
    pub const LAST_NAME: &str = "lastname";
    pub const EMAIL: &str = "emailaddress1";
    pub const PHONE: &str = "telephone1";
    pub const ESTIMATED_AMOUNT: &str = "estimatedamount";
    pub const ESTIMATED_CLOSE_DATE: &str = "estimatedclosedate";
    pub const DESCRIPTION: &str = "description";
    pub const LINE1: &str = "address1_line1";
    pub const LINE2: &str = "address1_line2";
    pub const CITY: &str = "address1_city";
    pub const STATE_OR_PROVINCE: &str = "address1_stateorprovince";
    pub const POSTAL_CODE: &str = "address1_postalcode";
    pub const COUNTRY: &str = "address1_country";
    /// The solution adds Referral Identifier, Referral Link and the sync state to lead too, so a
    /// referral that is not accepted yet is found again by its ID.
    pub const REFERRAL_ID: &str = super::opportunity::REFERRAL_ID;
    pub const REFERRAL_LINK: &str = super::opportunity::REFERRAL_LINK;
    pub const SYNC_STATE: &str = super::opportunity::SYNC_STATE;
    pub const SYNC: &str = super::opportunity::SYNC;
}

/// The `transactioncurrency` table.
pub mod currency {
    pub const ENTITY_SET: &str = "transactioncurrencies";
    pub const ID: &str = "transactioncurrencyid";
    pub const ISO_CODE: &str = "isocurrencycode";
}

/// Partner Center Solution: a co-sell solution attached to an opportunity (child of opportunity).
pub mod solution {
    pub const TABLE: &str = "cosell_partnercentersolution";
    pub const ENTITY_SET: &str = "cosell_partnercentersolutions";
    pub const ID: &str = "cosell_partnercentersolutionid";
    pub const NAME: &str = "cosell_name";
    /// The Partner Center solution ID, such as SOL-34104-EBB.
    pub const SOLUTION_ID: &str = "cosell_solutionid";
    /// Lookup to the opportunity (`_cosell_opportunityid_value` in Web API results).
    pub const OPPORTUNITY: &str = "cosell_opportunityid";
    /// Lookup to the Solution Details catalogue row.
    pub const SOLUTION_DETAIL: &str = "cosell_solutiondetailid";
}

/// Solution Details: the catalogue of co-sell ready and Microsoft solutions users pick from.
pub mod solution_detail {
    pub const TABLE: &str = "cosell_solutiondetail";
    pub const ENTITY_SET: &str = "cosell_solutiondetails";
    pub const ID: &str = "cosell_solutiondetailid";
    pub const NAME: &str = "cosell_name";
    pub const SOLUTION_ID: &str = "cosell_solutionid";
    pub const PUBLISHER_NAME: &str = "cosell_publishername";
    /// Free text such as 1P or 3P, as Partner Center reports it.
    pub const SOLUTION_TYPE: &str = "cosell_solutiontype";
}

/// Declares a Dataverse choice whose options map one-to-one to wire values.
macro_rules! choice {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal => $label:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
        }

        impl $name {
            /// Every option: (variant, option value, label).
            pub const OPTIONS: &'static [($name, i64, &'static str)] = &[$(($name::$variant, $value, $label)),*];

            /// The option value stored in Dataverse.
            pub fn value(self) -> i64 {
                match self { $($name::$variant => $value,)* }
            }

            /// The option's label.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)* }
            }

            /// The option with this Dataverse value.
            pub fn from_value(v: i64) -> Option<Self> {
                match v { $($value => Some($name::$variant),)* _ => None }
            }
        }
    };
}

choice! {
    /// "How can Microsoft help?": one option per `inviteContext.assistanceRequestCode` value
    /// (`Unknown` is "no option chosen", i.e. an empty column).
    pub enum HelpNeeded {
        WorkloadSpecificValueProposition = 100000000 => "Workload specific value proposition",
        CustomerTechnicalArchitecture = 100000001 => "Customer technical architecture",
        ProofOfConceptOrDemo = 100000002 => "Proof of concept or demo",
        QuotesOrLicensing = 100000003 => "Quotes or licensing",
        PostSalesCustomerSuccess = 100000004 => "Post sales customer success",
        GeneralOrOther = 100000005 => "General or other",
    }
}

choice! {
    /// "Referral Visibility": whether Microsoft sellers see the referral. One-way: once visible, always visible.
    pub enum Visibility {
        NotVisible = 100000000 => "Not visible to Microsoft sellers",
        Visible = 100000001 => "Visible to Microsoft sellers",
    }
}

choice! {
    /// Opportunity `statecode`.
    pub enum OpportunityState {
        Open = 0 => "Open",
        Won = 1 => "Won",
        Lost = 2 => "Lost",
    }
}

choice! {
    /// Opportunity `statuscode` (status reason).
    pub enum OpportunityStatus {
        InProgress = 1 => "In Progress",
        OnHold = 2 => "On Hold",
        Won = 3 => "Won",
        Canceled = 4 => "Canceled",
        OutSold = 5 => "Out-Sold",
    }
}

choice! {
    /// Lead `statecode`.
    pub enum LeadState {
        Open = 0 => "Open",
        Qualified = 1 => "Qualified",
        Disqualified = 2 => "Disqualified",
    }
}

impl HelpNeeded {
    /// The assistance request code this option stands for.
    pub fn code(self) -> crate::referral::AssistanceRequestCode {
        use crate::referral::AssistanceRequestCode as C;
        match self {
            HelpNeeded::WorkloadSpecificValueProposition => C::WorkloadSpecificValueProposition,
            HelpNeeded::CustomerTechnicalArchitecture => C::CustomerTechnicalArchitecture,
            HelpNeeded::ProofOfConceptOrDemo => C::ProofOfConceptOrDemo,
            HelpNeeded::QuotesOrLicensing => C::QuotesOrLicensing,
            HelpNeeded::PostSalesCustomerSuccess => C::PostSalesCustomerSuccess,
            HelpNeeded::GeneralOrOther => C::GeneralOrOther,
        }
    }

    /// The option for an assistance request code; `None` for Unknown (no help) and unknown codes.
    pub fn from_code(code: &crate::referral::AssistanceRequestCode) -> Option<Self> {
        HelpNeeded::OPTIONS.iter().map(|(h, _, _)| *h).find(|h| h.code() == *code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::referral::AssistanceRequestCode;

    #[test]
    fn help_options_map_one_to_one_to_assistance_codes() {
        for (help, value, _) in HelpNeeded::OPTIONS {
            assert_eq!(HelpNeeded::from_code(&help.code()), Some(*help));
            assert_eq!(HelpNeeded::from_value(*value), Some(*help));
        }
        let known: Vec<_> = AssistanceRequestCode::VALUES.iter().map(|(w, _)| *w).collect();
        assert_eq!(known.len(), HelpNeeded::OPTIONS.len() + 1, "every code but Unknown has an option");
        assert_eq!(HelpNeeded::from_code(&AssistanceRequestCode::Unknown), None);
    }

    #[test]
    fn unknown_choice_values_are_kept() {
        assert_eq!(
            Choice::from_value(100000002, HelpNeeded::from_value),
            Choice::Known(HelpNeeded::ProofOfConceptOrDemo)
        );
        let other = Choice::from_value(100000099, HelpNeeded::from_value);
        assert_eq!(other, Choice::Other(100000099));
        assert_eq!(other.known(), None);
        assert_eq!(Choice::from_value(2, OpportunityStatus::from_value).known(), Some(OpportunityStatus::OnHold));
    }

    #[test]
    fn choice_values_round_trip() {
        for (v, value, _) in Visibility::OPTIONS {
            assert_eq!(Visibility::from_value(*value), Some(*v));
        }
        assert_eq!(OpportunityState::from_value(7), None);
        assert_eq!(OpportunityStatus::from_value(5), Some(OpportunityStatus::OutSold));
    }

    #[test]
    fn every_added_name_has_the_prefix() {
        for name in opportunity::READ_ONLY
            .iter()
            .chain([opportunity::SYNC, opportunity::HELP, opportunity::VISIBILITY, opportunity::PRODUCTS].iter())
            .chain([solution::TABLE, solution_detail::TABLE, opportunity::SYNC_STATE].iter())
        {
            assert!(name.starts_with(PREFIX), "{name}");
        }
    }
}
