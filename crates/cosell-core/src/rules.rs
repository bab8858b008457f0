//! Validation of an opportunity before it is synced: one function, stable rule ids.
//!
//! Every rule reads the [`Snapshot`] only. When Sync with Partner Center is No the same rules
//! run, but every error is reported as a warning: the seller sees what would block a sync, and
//! nothing blocks saving.

use crate::dataverse::{opportunity as opp, solution, OpportunityState, Visibility};
use crate::iso;
use crate::name_mark;
use crate::referral::{ReferralStatus, ReferralSubstatus};
use crate::snapshot::{Opportunity, Snapshot};
use crate::status;
use serde::Serialize;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks a sync (and saving, in the form, when Sync with Partner Center is Yes).
    Error,
    /// Worth fixing; blocks nothing.
    Warning,
    /// Advice.
    Info,
}

macro_rules! rule_ids {
    ($($(#[$meta:meta])* $variant:ident = $id:literal / $title:literal,)*) => {
        /// A stable rule identifier (the kebab-case id is the contract).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum RuleId {
            $($(#[$meta])* $variant,)*
        }

        impl RuleId {
            /// Every rule, in the order findings are reported.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant),*];

            /// The stable id, such as `help-needs-contact`.
            pub fn as_str(self) -> &'static str {
                match self { $(RuleId::$variant => $id,)* }
            }

            /// What the rule asks for, in the seller's words (a checklist line).
            pub fn title(self) -> &'static str {
                match self { $(RuleId::$variant => $title,)* }
            }
        }
    };
}

rule_ids! {
    /// The opportunity needs a name (the referral's name).
    NameRequired = "name-required" / "The opportunity has a name",
    /// The opportunity needs a customer account with a name.
    CustomerNameRequired = "customer-name-required" / "A customer account with a name",
    /// The customer account's country is an ISO 3166-1 alpha-2 code.
    CountryIso = "country-iso" / "The customer's country is a two-letter ISO code",
    /// The currency is an ISO 4217 code.
    CurrencyIso = "currency-iso" / "The currency is an ISO 4217 code",
    /// The deal value is present and greater than zero.
    DealValuePositive = "deal-value-positive" / "The deal value is greater than 0",
    /// The closing date is present.
    ClosingDateRequired = "closing-date-required" / "The estimated close date is set",
    /// Help from Microsoft needs a customer contact.
    HelpNeedsContact = "help-needs-contact" / "Help from Microsoft has a customer contact",
    /// The customer contact has a first name, last name and a valid email.
    ContactNameEmail = "contact-name-email" / "The customer contact has a name and an email",
    /// Sharing with Microsoft needs at least one solution.
    SharingNeedsSolution = "sharing-needs-solution" / "Sharing with Microsoft has a co-sell solution",
    /// Help from Microsoft needs the referral visible to Microsoft sellers.
    HelpNeedsVisible = "help-needs-visible" / "Help from Microsoft is visible to Microsoft sellers",
    /// Once visible to Microsoft sellers, a referral cannot be hidden again.
    VisibilityOneWay = "visibility-one-way" / "Visibility to Microsoft sellers is not withdrawn",
    /// Columns only the sync writes are not edited by hand.
    ReadOnlyColumn = "read-only-column" / "Columns the sync writes are untouched",
    /// The obsolete Products column is not used.
    ProductsObsolete = "products-obsolete" / "The obsolete Products column is not used",
    /// A state change must be an allowed referral status transition.
    StateTransition = "state-transition" / "The status change is allowed in Partner Center",
    /// The account, contact and currency rows are loaded, not only their IDs.
    LookupNotLoaded = "lookup-not-loaded" / "The customer account, contact and currency are loaded",
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One problem found in an opportunity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule: RuleId,
    pub severity: Severity,
    /// The logical name of the column (or table, for solutions) the seller fixes.
    pub column: String,
    /// What is wrong, in the seller's words.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

/// Whether any finding blocks the sync.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

/// Runs every rule on the snapshot.
pub fn validate(s: &Snapshot) -> Vec<Finding> {
    let mut out = Findings(Vec::new());
    let o = &s.opportunity;
    name_required(o, &mut out);
    customer(o, &s.config.country_code_column, &mut out);
    currency(o, &mut out);
    deal_value(o, &s.config.deal_value_column, &mut out);
    closing_date(o, &mut out);
    contact(o, &mut out);
    solutions(s, &mut out);
    visibility(s, &mut out);
    read_only(s, &mut out);
    products(s, &mut out);
    state_transition(s, &mut out);
    lookups_loaded(s, &mut out);
    let mut findings = out.0;
    if !o.sync {
        for f in &mut findings {
            if f.severity == Severity::Error {
                f.severity = Severity::Warning;
            }
        }
    }
    findings
}

/// Whether the seller shares the opportunity with Microsoft (help requested or made visible).
pub fn shares_with_microsoft(o: &Opportunity) -> bool {
    o.help().is_some() || o.visibility() == Some(Visibility::Visible)
}

struct Findings(Vec<Finding>);

impl Findings {
    fn push(
        &mut self,
        rule: RuleId,
        severity: Severity,
        column: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.0.push(Finding { rule, severity, column: column.to_owned(), message: message.into(), hint: hint.into() });
    }

    fn error(&mut self, rule: RuleId, column: &str, message: impl Into<String>, hint: impl Into<String>) {
        self.push(rule, Severity::Error, column, message, hint);
    }
}

fn blank(v: &Option<String>) -> bool {
    v.as_deref().is_none_or(|s| s.trim().is_empty())
}

fn name_required(o: &Opportunity, out: &mut Findings) {
    if o.name.as_deref().is_none_or(|n| name_mark::strip(n).is_empty()) {
        out.error(
            RuleId::NameRequired,
            opp::NAME,
            "The opportunity has no name.",
            "Enter a topic; it becomes the referral name in Partner Center.",
        );
    }
}

fn customer(o: &Opportunity, country_column: &str, out: &mut Findings) {
    let Some(account) = &o.account else {
        out.error(
            RuleId::CustomerNameRequired,
            opp::PARENT_ACCOUNT,
            "The opportunity has no customer account.",
            "Choose the customer's account; Partner Center needs the customer's name and address.",
        );
        return;
    };
    if !account.loaded {
        // Only the lookup is known; the account's columns are checked once it is loaded.
        return;
    }
    if blank(&account.name) {
        out.error(
            RuleId::CustomerNameRequired,
            opp::PARENT_ACCOUNT,
            "The customer account has no name.",
            "Open the account and enter the customer's company name.",
        );
    }
    match account.country.as_deref().map(str::trim) {
        None | Some("") => out.error(
            RuleId::CountryIso,
            opp::PARENT_ACCOUNT,
            format!("The customer account has no country code (column {country_column})."),
            "Enter the two-letter ISO 3166 country code on the account, for example US.",
        ),
        Some(code) if iso::is_country(code) => {}
        Some(code) => {
            let upper = code.to_ascii_uppercase();
            let hint = if let Some(c) = iso::country_code_for_name(code) {
                format!("Use the two-letter code {c} instead of the country name.")
            } else if iso::is_country(&upper) {
                format!("Write the code in capitals: {upper}.")
            } else {
                "Use a two-letter ISO 3166 country code, for example US, GB or DE.".to_owned()
            };
            out.error(
                RuleId::CountryIso,
                opp::PARENT_ACCOUNT,
                format!("The customer account's country {code:?} is not an ISO 3166 two-letter code (column {country_column})."),
                hint,
            );
        }
    }
}

fn currency(o: &Opportunity, out: &mut Findings) {
    match o.currency.as_deref().map(str::trim) {
        Some(code) if iso::is_deal_currency(code) => {}
        Some(code) if iso::is_currency(code) => out.error(
            RuleId::CurrencyIso,
            opp::CURRENCY,
            format!("The currency code {code:?} is not money a deal can be valued in (a metal, fund or test code)."),
            "Pick the currency the customer pays in.",
        ),
        Some(code) => out.error(
            RuleId::CurrencyIso,
            opp::CURRENCY,
            format!("The currency code {code:?} is not an ISO 4217 code."),
            "Fix the currency's ISO code in Settings > Business Management > Currencies, or pick another currency.",
        ),
        // Only the lookup is known: the code is checked once the currency row is loaded.
        None if o.currency_id.is_some() => {}
        None => out.error(
            RuleId::CurrencyIso,
            opp::CURRENCY,
            "The opportunity has no currency.",
            "Choose the currency of the deal value.",
        ),
    }
}

fn deal_value(o: &Opportunity, column: &str, out: &mut Findings) {
    match o.deal_value {
        Some(v) if v > 0.0 => {}
        Some(_) => out.error(
            RuleId::DealValuePositive,
            column,
            format!("The deal value (column {column}) must be greater than 0."),
            "Enter the expected deal value. If the column is calculated, make sure it is not 0 before syncing.",
        ),
        None => out.error(
            RuleId::DealValuePositive,
            column,
            format!("The deal value (column {column}) is empty."),
            "Enter the expected deal value.",
        ),
    }
}

fn closing_date(o: &Opportunity, out: &mut Findings) {
    if o.close_date.is_none() {
        out.error(
            RuleId::ClosingDateRequired,
            opp::ESTIMATED_CLOSE_DATE,
            "The opportunity has no estimated close date.",
            "Enter the date the customer expects to close; it becomes the referral's closing date.",
        );
    }
}

fn contact(o: &Opportunity, out: &mut Findings) {
    let Some(c) = &o.contact else {
        if o.help().is_some() {
            out.error(
                RuleId::HelpNeedsContact,
                opp::PARENT_CONTACT,
                "Help from Microsoft is selected, but the opportunity has no customer contact.",
                "Choose the customer contact Microsoft should work with.",
            );
        }
        return;
    };
    if !c.loaded {
        return;
    }
    let mut missing = Vec::new();
    if blank(&c.first_name) {
        missing.push("first name");
    }
    if blank(&c.last_name) {
        missing.push("last name");
    }
    // An email is needed only when Microsoft is to contact the customer (co-sell); a private
    // or partner-led deal may name a contact without one (Microsoft's private sample does).
    if blank(&c.email) && o.help().is_some() {
        missing.push("email");
    }
    if !missing.is_empty() {
        out.error(
            RuleId::ContactNameEmail,
            opp::PARENT_CONTACT,
            format!("The customer contact has no {}.", missing.join(", ")),
            "Open the contact and fill in first name, last name and email.",
        );
    } else if let Some(email) = c.email.as_deref().filter(|e| !is_email(e)) {
        out.error(
            RuleId::ContactNameEmail,
            opp::PARENT_CONTACT,
            format!("The customer contact's email {email:?} is not a valid address."),
            "Open the contact and correct the email address.",
        );
    }
}

/// A plausible email address: one `@`, a local part, and a dotted domain without spaces.
pub fn is_email(e: &str) -> bool {
    let e = e.trim();
    let Some((local, domain)) = e.split_once('@') else { return false };
    !local.is_empty()
        && !domain.contains('@')
        && !e.chars().any(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|p| !p.is_empty())
}

fn solutions(s: &Snapshot, out: &mut Findings) {
    let o = &s.opportunity;
    for (i, row) in s.solutions.iter().enumerate() {
        if blank(&row.solution_id) {
            let name = row.name.as_deref().unwrap_or("(no name)");
            out.error(
                RuleId::SharingNeedsSolution,
                solution::TABLE,
                format!("Solution row {} ({name}) has no Partner Center solution ID.", i + 1),
                "Remove the row, or pick the solution from the Solution Details catalogue.",
            );
        }
    }
    let with_id = s.solutions.iter().filter(|r| !blank(&r.solution_id)).count();
    if shares_with_microsoft(o) && with_id == 0 {
        out.error(
            RuleId::SharingNeedsSolution,
            solution::TABLE,
            "Sharing with Microsoft needs at least one co-sell solution, and the opportunity has none.",
            "Add a co-sell ready or Microsoft solution in the Partner Center Solutions grid.",
        );
    }
}

fn visibility(s: &Snapshot, out: &mut Findings) {
    let o = &s.opportunity;
    if o.help().is_some() && o.visibility() != Some(Visibility::Visible) {
        out.error(
            RuleId::HelpNeedsVisible,
            opp::VISIBILITY,
            "Help from Microsoft is selected, so the referral must be visible to Microsoft sellers.",
            "Set Referral Visibility to visible, or clear How can Microsoft help?.",
        );
    }
    let was_visible = s.original.as_ref().is_some_and(|p| p.visibility() == Some(Visibility::Visible));
    if was_visible && o.visibility() != Some(Visibility::Visible) {
        out.error(
            RuleId::VisibilityOneWay,
            opp::VISIBILITY,
            "The referral is already visible to Microsoft sellers and cannot be hidden again.",
            "Set Referral Visibility back to visible.",
        );
    }
}

/// Edits are known only against the stored values (`original`); a new record (no ID yet) must
/// leave the columns empty. A stored record given without `original` cannot show an edit.
fn read_only(s: &Snapshot, out: &mut Findings) {
    let now = &s.opportunity;
    if s.original.is_none() && now.id.is_some() {
        return;
    }
    for column in opp::READ_ONLY {
        let before = s.original.as_ref().and_then(|p| p.read_only_value(column));
        let after = now.read_only_value(column);
        if before != after {
            out.error(
                RuleId::ReadOnlyColumn,
                column,
                format!("The column {column} is written by the Partner Center sync only and was changed."),
                "Undo the change; the sync fills this column.",
            );
        }
    }
}

fn products(s: &Snapshot, out: &mut Findings) {
    let now = s.opportunity.products.as_deref().map(str::trim).filter(|p| !p.is_empty());
    let before = s.original.as_ref().and_then(|p| p.products.as_deref()).map(str::trim).filter(|p| !p.is_empty());
    if let Some(products) = now {
        let severity = if before == Some(products) { Severity::Info } else { Severity::Warning };
        out.push(
            RuleId::ProductsObsolete,
            severity,
            opp::PRODUCTS,
            "The Products column is obsolete and is not synced.",
            "Add the solutions in the Partner Center Solutions grid instead, then clear Products.",
        );
    }
}

/// Lookups given only as IDs: the rules that read their rows wait, and no payload is made from
/// them (a warning, so a form still loading rows never blocks a save).
fn lookups_loaded(s: &Snapshot, out: &mut Findings) {
    let missing = crate::sync::lifecycle::not_loaded(s);
    if !missing.is_empty() {
        out.push(
            RuleId::LookupNotLoaded,
            Severity::Warning,
            missing.first().copied().unwrap_or(opp::PARENT_ACCOUNT),
            format!("Only the IDs of {} are known; their rows are not loaded.", missing.join(", ")),
            "Expand the lookups ($expand) so the customer's name, country and the currency can be checked and synced.",
        );
    }
}

/// The referral (status, substatus) an opportunity state stands for, given where the referral is.
///
/// Both lost status reasons (Canceled, Out-Sold) mean the partner lost the deal.
pub fn referral_status_for(
    state: OpportunityState,
    current: Option<(&ReferralStatus, &ReferralSubstatus)>,
) -> (ReferralStatus, ReferralSubstatus) {
    match state {
        OpportunityState::Won => (ReferralStatus::Closed, ReferralSubstatus::Won),
        OpportunityState::Lost => match current {
            // Declined, expired or lost in Partner Center is the same outcome as lost here.
            Some((ReferralStatus::Closed, sub)) if *sub != ReferralSubstatus::Won => {
                (ReferralStatus::Closed, sub.clone())
            }
            // A referral never accepted cannot be lost, only declined.
            Some((ReferralStatus::New, _)) => (ReferralStatus::Closed, ReferralSubstatus::Declined),
            _ => (ReferralStatus::Closed, ReferralSubstatus::Lost),
        },
        OpportunityState::Open => match current {
            Some((s @ (ReferralStatus::New | ReferralStatus::Active), sub)) => (s.clone(), sub.clone()),
            // An open opportunity of a closed referral would re-open it: Active is what that asks for.
            _ => (ReferralStatus::Active, ReferralSubstatus::Accepted),
        },
    }
}

/// Checked only when the seller changed the state (against `original`), and only for an
/// opportunity linked to a referral.
fn state_transition(s: &Snapshot, out: &mut Findings) {
    let o = &s.opportunity;
    let (Some(state), Some(original)) = (o.state(), s.original.as_ref()) else { return };
    if original.state() == Some(state) || (o.referral_id.is_none() && o.sync_state.is_none()) {
        return;
    }
    // Where the referral is: what the last sync saw, else what the stored opportunity stood for.
    let synced = o.sync_state.as_ref().and_then(|st| st.status.clone().zip(st.substatus.clone()));
    let Some(from) = synced.or_else(|| Some(referral_status_for(original.state()?, None))) else { return };
    let to = referral_status_for(state, Some((&from.0, &from.1)));
    if let Err(e) = status::check_transition((&from.0, &from.1), (&to.0, &to.1)) {
        out.error(
            RuleId::StateTransition,
            opp::STATE,
            format!("This status change cannot be synced: {e}."),
            "A referral closed in Partner Center (won, lost, declined or expired) cannot change any more; keep the opportunity's status.",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::set as with;
    use serde_json::{json, Value};

    /// A co-sell opportunity that passes every rule.
    fn good() -> Value {
        json!({
            "opportunity": {
                "opportunityid": "00000000-0000-0000-0000-000000000001",
                "name": "Contoso supply chain", "estimatedvalue": 50000, "estimatedclosedate": "2026-12-31",
                "description": "Dynamics 365 rollout", "statecode": 0, "statuscode": 1,
                "cosell_syncwithpartnercenter": true, "cosell_howcanmicrosofthelp": 100000001,
                "cosell_referralvisibility": 100000001,
                "transactioncurrencyid": { "isocurrencycode": "USD" },
                "parentaccountid": { "name": "Contoso", "address1_postalcode": "98052", "address1_country": "US" },
                "parentcontactid": { "firstname": "Sue", "lastname": "Smith", "emailaddress1": "sue@contoso.com" }
            },
            "solutions": [ { "cosell_solutionid": "SOL-34104-EBB", "cosell_name": "Contoso Cloud" } ]
        })
    }

    fn run(doc: Value) -> Vec<Finding> {
        validate(&Snapshot::from_value(&doc).unwrap())
    }

    fn rules(findings: &[Finding]) -> Vec<(&'static str, Severity, &str)> {
        findings.iter().map(|f| (f.rule.as_str(), f.severity, f.column.as_str())).collect()
    }

    fn only(doc: Value, rule: RuleId, column: &str) -> Finding {
        let f = run(doc);
        assert_eq!(rules(&f), vec![(rule.as_str(), Severity::Error, column)], "{f:#?}");
        f.into_iter().next().unwrap()
    }

    #[test]
    fn a_complete_co_sell_opportunity_passes() {
        assert_eq!(run(good()), vec![]);
    }

    #[test]
    fn unknown_choice_values_are_ignored_and_the_rules_still_run() {
        // A custom status reason: the snapshot is read, every rule runs, nothing is reported for it.
        assert_eq!(run(with(good(), "/opportunity/statuscode", json!(100000003))), vec![]);
        let f = run(with(with(good(), "/opportunity/statuscode", json!(100000003)), "/opportunity/name", Value::Null));
        assert_eq!(rules(&f), vec![("name-required", Severity::Error, "name")]);
        // An unknown help option counts as no help: no contact is then required.
        let doc = with(
            with(good(), "/opportunity/cosell_howcanmicrosofthelp", json!(100000077)),
            "/opportunity/parentcontactid",
            Value::Null,
        );
        assert_eq!(run(doc), vec![]);
        // An unknown visibility option is not "visible": help still needs the referral visible.
        only(
            with(good(), "/opportunity/cosell_referralvisibility", json!(100000077)),
            RuleId::HelpNeedsVisible,
            "cosell_referralvisibility",
        );
    }

    #[test]
    fn name_required() {
        only(with(good(), "/opportunity/name", json!("✔ ")), RuleId::NameRequired, "name");
        only(with(good(), "/opportunity/name", Value::Null), RuleId::NameRequired, "name");
    }

    #[test]
    fn customer_account_and_name_required() {
        only(
            with(good(), "/opportunity/parentaccountid/name", json!(" ")),
            RuleId::CustomerNameRequired,
            "parentaccountid",
        );
        let f = run(with(good(), "/opportunity/parentaccountid", Value::Null));
        assert_eq!(rules(&f), vec![("customer-name-required", Severity::Error, "parentaccountid")]);
    }

    #[test]
    fn country_must_be_iso_alpha2() {
        let f = only(
            with(good(), "/opportunity/parentaccountid/address1_country", json!("United States")),
            RuleId::CountryIso,
            "parentaccountid",
        );
        assert!(f.hint.contains("US"), "{}", f.hint);
        let f = only(
            with(good(), "/opportunity/parentaccountid/address1_country", json!("us")),
            RuleId::CountryIso,
            "parentaccountid",
        );
        assert!(f.hint.contains("US"));
        only(
            with(good(), "/opportunity/parentaccountid/address1_country", json!("UK")),
            RuleId::CountryIso,
            "parentaccountid",
        );
        only(
            with(good(), "/opportunity/parentaccountid/address1_country", Value::Null),
            RuleId::CountryIso,
            "parentaccountid",
        );
        assert_eq!(run(with(good(), "/opportunity/parentaccountid/address1_country", json!(" GB "))), vec![]);
    }

    #[test]
    fn country_is_read_from_the_configured_column() {
        let doc = with(good(), "/opportunity/parentaccountid/new_iso", json!("DE"));
        let doc = with(doc, "/opportunity/parentaccountid/address1_country", json!("Germany"));
        let doc = with(doc, "/environment", json!({ "cosell_CountryCodeColumn": "new_iso" }));
        assert_eq!(run(doc), vec![]);
    }

    #[test]
    fn currency_must_be_iso_4217() {
        only(
            with(good(), "/opportunity/transactioncurrencyid/isocurrencycode", json!("EUO")),
            RuleId::CurrencyIso,
            "transactioncurrencyid",
        );
        only(
            with(good(), "/opportunity/transactioncurrencyid", Value::Null),
            RuleId::CurrencyIso,
            "transactioncurrencyid",
        );
        let unexpanded = with(
            with(good(), "/opportunity/transactioncurrencyid", Value::Null),
            "/opportunity/_transactioncurrencyid_value",
            json!("c1"),
        );
        let f = run(unexpanded);
        assert_eq!(
            rules(&f),
            vec![("lookup-not-loaded", Severity::Warning, "transactioncurrencyid")],
            "the code is checked once loaded"
        );
    }

    #[test]
    fn deal_value_must_be_positive_in_the_configured_column() {
        only(with(good(), "/opportunity/estimatedvalue", json!(0)), RuleId::DealValuePositive, "estimatedvalue");
        only(with(good(), "/opportunity/estimatedvalue", json!(-5)), RuleId::DealValuePositive, "estimatedvalue");
        only(with(good(), "/opportunity/estimatedvalue", Value::Null), RuleId::DealValuePositive, "estimatedvalue");
        let doc = with(good(), "/environment", json!({ "cosell_DealValueColumn": "new_dealvalue" }));
        only(doc.clone(), RuleId::DealValuePositive, "new_dealvalue");
        assert_eq!(run(with(doc, "/opportunity/new_dealvalue", json!(10.5))), vec![]);
    }

    #[test]
    fn closing_date_required() {
        only(
            with(good(), "/opportunity/estimatedclosedate", Value::Null),
            RuleId::ClosingDateRequired,
            "estimatedclosedate",
        );
    }

    #[test]
    fn help_needs_a_contact() {
        only(with(good(), "/opportunity/parentcontactid", Value::Null), RuleId::HelpNeedsContact, "parentcontactid");
        let no_help = with(
            with(good(), "/opportunity/parentcontactid", Value::Null),
            "/opportunity/cosell_howcanmicrosofthelp",
            Value::Null,
        );
        assert_eq!(run(no_help), vec![], "a partner-led deal needs no contact");
    }

    #[test]
    fn contact_needs_names_and_a_valid_email() {
        let f = only(
            with(good(), "/opportunity/parentcontactid/lastname", Value::Null),
            RuleId::ContactNameEmail,
            "parentcontactid",
        );
        assert!(f.message.contains("last name"));
        let f = only(
            with(good(), "/opportunity/parentcontactid/emailaddress1", json!("sue at contoso")),
            RuleId::ContactNameEmail,
            "parentcontactid",
        );
        assert!(f.message.contains("not a valid"));
        assert!(
            is_email("a.b@c.example")
                && !is_email("a@b")
                && !is_email("@b.c")
                && !is_email("a@@b.c")
                && !is_email("a b@c.d")
        );
    }

    #[test]
    fn sharing_needs_a_solution() {
        only(with(good(), "/solutions", json!([])), RuleId::SharingNeedsSolution, "cosell_partnercentersolution");
        let partner_led = with(
            with(with(good(), "/solutions", json!([])), "/opportunity/cosell_howcanmicrosofthelp", Value::Null),
            "/opportunity/parentcontactid",
            Value::Null,
        );
        only(partner_led.clone(), RuleId::SharingNeedsSolution, "cosell_partnercentersolution");
        let private = with(partner_led, "/opportunity/cosell_referralvisibility", json!(100000000));
        assert_eq!(run(private), vec![], "a private deal needs no solution");
        let f = run(with(good(), "/solutions", json!([{ "cosell_name": "No id" }])));
        assert_eq!(f.len(), 2, "{f:#?}");
        assert!(f.iter().all(|f| f.rule == RuleId::SharingNeedsSolution));
    }

    #[test]
    fn help_needs_visibility() {
        only(
            with(good(), "/opportunity/cosell_referralvisibility", json!(100000000)),
            RuleId::HelpNeedsVisible,
            "cosell_referralvisibility",
        );
    }

    #[test]
    fn visibility_cannot_be_withdrawn() {
        let mut doc = with(good(), "/opportunity/cosell_howcanmicrosofthelp", Value::Null);
        doc = with(doc, "/original", json!({ "cosell_referralvisibility": 100000001 }));
        assert_eq!(run(doc.clone()), vec![]);
        let hidden = with(doc, "/opportunity/cosell_referralvisibility", json!(100000000));
        only(hidden, RuleId::VisibilityOneWay, "cosell_referralvisibility");
    }

    #[test]
    fn read_only_columns_are_not_edited() {
        let new_record =
            with(with(good(), "/opportunity/opportunityid", Value::Null), "/opportunity/cosell_audit", json!("x"));
        only(new_record, RuleId::ReadOnlyColumn, "cosell_audit");
        let stored_without_original = with(good(), "/opportunity/cosell_audit", json!("x"));
        assert_eq!(run(stored_without_original), vec![], "no stored values, no known edit");
        let doc = with(good(), "/original", json!({ "cosell_referralidentifier": "r1", "cosell_audit": "ok" }));
        let doc = with(doc, "/opportunity/cosell_referralidentifier", json!("r1"));
        let doc = with(doc, "/opportunity/cosell_audit", json!("ok"));
        assert_eq!(run(doc.clone()), vec![]);
        only(
            with(doc.clone(), "/opportunity/cosell_referralidentifier", json!("r2")),
            RuleId::ReadOnlyColumn,
            "cosell_referralidentifier",
        );
        only(with(doc, "/opportunity/cosell_audit", Value::Null), RuleId::ReadOnlyColumn, "cosell_audit");
        only(
            with(with(good(), "/original", json!({})), "/opportunity/cosell_referrallink", json!("https://x")),
            RuleId::ReadOnlyColumn,
            "cosell_referrallink",
        );
        only(
            with(with(good(), "/original", json!({})), "/opportunity/cosell_microsoftcrmidentifier", json!("7-ABC")),
            RuleId::ReadOnlyColumn,
            "cosell_microsoftcrmidentifier",
        );
    }

    #[test]
    fn obsolete_products_warn_when_set_and_inform_when_legacy() {
        let f = run(with(good(), "/opportunity/cosell_products", json!("SOL-1")));
        assert_eq!(rules(&f), vec![("products-obsolete", Severity::Warning, "cosell_products")]);
        let legacy = with(
            with(good(), "/opportunity/cosell_products", json!("SOL-1")),
            "/original",
            json!({ "cosell_products": "SOL-1" }),
        );
        assert_eq!(rules(&run(legacy)), vec![("products-obsolete", Severity::Info, "cosell_products")]);
        assert!(!has_errors(&run(with(good(), "/opportunity/cosell_products", json!("SOL-1")))));
    }

    /// An opportunity linked to referral r1, stored with `original` columns.
    fn linked(original: Value) -> Value {
        let mut original = original;
        original["cosell_referralidentifier"] = json!("r1");
        with(with(good(), "/opportunity/cosell_referralidentifier", json!("r1")), "/original", original)
    }

    #[test]
    fn state_changes_follow_the_referral_status_machine() {
        let won = |doc: Value| with(with(doc, "/opportunity/statecode", json!(1)), "/opportunity/statuscode", json!(3));
        let active = json!("{\"status\":\"Active\",\"substatus\":\"Accepted\"}");
        let declined = json!("{\"status\":\"Closed\",\"substatus\":\"Declined\"}");
        let open = json!({ "statecode": 0 });
        assert_eq!(
            run(with(won(linked(open.clone())), "/opportunity/cosell_syncstate", active)),
            vec![],
            "Active -> Closed/Won"
        );

        let f = only(linked(json!({ "statecode": 1, "statuscode": 3 })), RuleId::StateTransition, "statecode");
        assert!(f.message.contains("closed"), "{}", f.message);

        let won_after_declined = with(won(linked(open.clone())), "/opportunity/cosell_syncstate", declined.clone());
        only(won_after_declined, RuleId::StateTransition, "statecode");

        let lost_after_won = with(linked(json!({ "statecode": 1 })), "/opportunity/statecode", json!(2));
        only(lost_after_won, RuleId::StateTransition, "statecode");
    }

    #[test]
    fn unchanged_or_consistent_states_pass() {
        let declined = json!("{\"status\":\"Closed\",\"substatus\":\"Declined\"}");
        let edit_only = with(linked(json!({ "statecode": 0 })), "/opportunity/cosell_syncstate", declined.clone());
        assert_eq!(run(edit_only.clone()), vec![], "the seller did not change the state");
        let lost_after_declined = with(edit_only, "/opportunity/statecode", json!(2));
        assert_eq!(run(lost_after_declined), vec![], "lost here is the same outcome as declined there");
        let never_synced = with(good(), "/original", json!({ "statecode": 1 }));
        assert_eq!(run(never_synced), vec![], "no referral, no status machine");
        let no_original = with(good(), "/opportunity/cosell_syncstate", declined);
        assert_eq!(run(no_original), vec![], "without the stored values no change is known");
    }

    #[test]
    fn unloaded_lookups_wait_for_their_rows() {
        let doc = with(good(), "/opportunity/parentaccountid", Value::Null);
        let doc = with(doc, "/opportunity/_parentaccountid_value", json!("a1"));
        let doc = with(doc, "/opportunity/parentcontactid", Value::Null);
        let doc = with(doc, "/opportunity/_parentcontactid_value", json!("c1"));
        // Nothing is judged from rows not loaded, but the snapshot no longer passes silently.
        let f = run(doc);
        assert_eq!(rules(&f), vec![("lookup-not-loaded", Severity::Warning, "parentaccountid")]);
        assert!(f[0].message.contains("parentaccountid, parentcontactid"), "{}", f[0].message);
    }

    #[test]
    fn a_contact_without_email_is_fine_unless_microsoft_is_to_help() {
        let no_email = with(good(), "/opportunity/parentcontactid/emailaddress1", Value::Null);
        only(no_email.clone(), RuleId::ContactNameEmail, "parentcontactid");
        let private = with(no_email, "/opportunity/cosell_howcanmicrosofthelp", Value::Null);
        assert_eq!(run(private.clone()), vec![], "a partner-led deal may name a contact without email");
        let bad = with(private, "/opportunity/parentcontactid/emailaddress1", json!("not an email"));
        only(bad, RuleId::ContactNameEmail, "parentcontactid");
    }

    #[test]
    fn non_monetary_currencies_are_refused() {
        let f = only(
            with(good(), "/opportunity/transactioncurrencyid/isocurrencycode", json!("XAU")),
            RuleId::CurrencyIso,
            "transactioncurrencyid",
        );
        assert!(f.message.contains("metal"));
    }

    #[test]
    fn sync_off_turns_errors_into_warnings() {
        let doc = with(
            with(good(), "/opportunity/cosell_syncwithpartnercenter", json!(false)),
            "/opportunity/parentcontactid",
            Value::Null,
        );
        let doc = with(doc, "/solutions", json!([]));
        let f = run(doc);
        assert_eq!(
            rules(&f),
            vec![
                ("help-needs-contact", Severity::Warning, "parentcontactid"),
                ("sharing-needs-solution", Severity::Warning, "cosell_partnercentersolution"),
            ]
        );
        assert!(!has_errors(&f));
    }

    #[test]
    fn findings_serialize_with_stable_ids() {
        let f = only(
            with(good(), "/opportunity/parentcontactid", Value::Null),
            RuleId::HelpNeedsContact,
            "parentcontactid",
        );
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(v["rule"], "help-needs-contact");
        assert_eq!(v["severity"], "error");
        assert_eq!(v["column"], "parentcontactid");
        assert!(v["hint"].as_str().is_some_and(|h| !h.is_empty()));
    }

    #[test]
    fn every_rule_has_a_title() {
        let titles: std::collections::HashSet<_> = RuleId::ALL.iter().map(|r| r.title()).collect();
        assert_eq!(titles.len(), RuleId::ALL.len());
        assert!(titles.iter().all(|t| !t.is_empty() && !t.ends_with('.')));
    }

    #[test]
    fn rule_ids_are_unique_kebab_case() {
        let ids: std::collections::HashSet<_> = RuleId::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(ids.len(), RuleId::ALL.len());
        assert!(ids.iter().all(|i| i.chars().all(|c| c.is_ascii_lowercase() || c == '-')));
    }
}
