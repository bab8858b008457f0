//! What the form says, in the seller's words: one row per rule and per column, each text whole and
//! within the length Microsoft advises for notifications.
//!
//! `addNotification` shows `messages[0]` as a bold title ("limit your message to 50 characters")
//! and an action's `message` as its body ("limit the message to 100 characters"). The core's
//! messages are longer and name logical columns; they stay on the readiness page, where there is
//! room. Form-level notifications and error texts have no advised length: they stay within 150.

use cosell_core::dataverse::{opportunity as opp, solution};
use cosell_core::RuleId;

/// Microsoft's advised length of a notification title (`messages[0]` of `addNotification`).
pub const TITLE_MAX: usize = 50;
/// Microsoft's advised length of a notification body (an action's `message`).
pub const BODY_MAX: usize = 100;
/// The longest form-level or error text. UNCERTAIN: Microsoft advises no length for
/// `setFormNotification` or `setNotification`; 150 keeps a title and a step whole on one line.
pub const FORM_MAX: usize = 150;

/// (rule, title on the control), each ≤ 50 characters. What to do comes from the core's hint.
const TITLES: [(RuleId, &str); 15] = [
    (RuleId::NameRequired, "The opportunity needs a topic"),
    (RuleId::CustomerNameRequired, "The customer account needs a name"),
    (RuleId::CountryIso, "The account needs a two-letter country code"),
    (RuleId::CurrencyIso, "The currency needs an ISO 4217 code"),
    (RuleId::DealValuePositive, "The deal value must be more than 0"),
    (RuleId::ClosingDateRequired, "The deal needs an estimated close date"),
    (RuleId::HelpNeedsContact, "Help from Microsoft needs a customer contact"),
    (RuleId::ContactNameEmail, "The contact needs a name and a valid email"),
    (RuleId::SharingNeedsSolution, "Sharing with Microsoft needs a solution"),
    (RuleId::HelpNeedsVisible, "Help from Microsoft needs the deal visible"),
    (RuleId::VisibilityOneWay, "A visible referral cannot be hidden again"),
    (RuleId::ReadOnlyColumn, "Only the Partner Center sync writes this"),
    (RuleId::ProductsObsolete, "Products is obsolete"),
    (RuleId::StateTransition, "Partner Center does not allow this status"),
    (RuleId::LookupNotLoaded, "Still reading the account, contact or currency"),
];

/// (column, its label on the standard opportunity form): for columns that are not on the form,
/// where there is no control to ask for its label.
const LABELS: [(&str, &str); 13] = [
    (opp::NAME, "Topic"),
    (opp::ESTIMATED_VALUE, "Est. Revenue"),
    (opp::ESTIMATED_CLOSE_DATE, "Est. Close Date"),
    (opp::CURRENCY, "Currency"),
    (opp::PARENT_ACCOUNT, "Account"),
    (opp::PARENT_CONTACT, "Contact"),
    (opp::STATE, "Status"),
    (opp::STATUS, "Status Reason"),
    (opp::HELP, "How can Microsoft help?"),
    (opp::VISIBILITY, "Referral Visibility"),
    (opp::PRODUCTS, "Products"),
    (opp::REFERRAL_ID, "Referral Identifier"),
    (solution::TABLE, "Partner Center Solutions"),
];

/// A column's label when the form cannot say it (a configured deal value column is "Deal value").
pub fn label(column: &str) -> &'static str {
    LABELS.iter().find(|(c, _)| *c == column).map_or("Deal value", |(_, l)| l)
}

/// A rule's title on the control.
pub fn title(rule: RuleId) -> &'static str {
    TITLES.iter().find(|(r, _)| *r == rule).map_or("Partner Center check", |(_, t)| t)
}

/// What to do, from the core's hint: whole, one final stop, within 100 characters (a longer
/// hint keeps its clauses up to the last `,` or `;` that fits).
pub fn step(hint: &str) -> String {
    let hint = hint.trim().trim_end_matches('.');
    let mut text = hint;
    // Bytes, not characters: the hints are ASCII, and a byte count keeps char counting out of the bundle.
    while text.len() >= BODY_MAX {
        match text.rfind([',', ';']) {
            Some(at) => text = text.get(..at).unwrap_or_default(),
            None => break,
        }
    }
    if text.ends_with(['?', '!']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

/// Why the seller cannot act on a finding now; the finding is then advice with what to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotNow {
    /// A new record: its related rows (the solutions) can be added once it is saved.
    NotCreated,
    /// The column is not on this form (or not visible), so there is nothing to fix it with.
    NotOnForm,
    /// A read-only or disabled form.
    ReadOnlyForm,
}

/// What to do next about a finding the seller cannot act on now (≤ 100 characters).
pub fn next_step(not_now: NotNow, label: &str) -> String {
    match not_now {
        NotNow::NotCreated => "Save first, then add the solution; the sync shares the deal only after that.".to_owned(),
        NotNow::NotOnForm => format!("{label} is not on this form: set it on the main form before syncing."),
        NotNow::ReadOnlyForm => "This form is read-only: open the record to edit it.".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_a_title_within_the_advised_length() {
        for r in RuleId::ALL {
            assert!(TITLES.iter().any(|(x, _)| x == r), "{r:?} has no row");
            let t = title(*r);
            assert!(t.chars().count() <= TITLE_MAX && !t.contains('_'), "{r:?}: {t:?}");
        }
    }

    #[test]
    fn steps_are_whole_with_one_stop_and_fit() {
        assert_eq!(step("Enter the expected deal value."), "Enter the expected deal value.");
        assert_eq!(
            step("Set it to visible, or clear How can Microsoft help?."),
            "Set it to visible, or clear How can Microsoft help?"
        );
        let long =
            "Fix the currency's ISO code in Settings > Business Management > Currencies, or pick another currency.";
        assert_eq!(step(long), "Fix the currency's ISO code in Settings > Business Management > Currencies.");
        assert!(step(&"x".repeat(120)).chars().count() > BODY_MAX, "no clause to cut at: kept whole");
    }

    #[test]
    fn next_steps_fit_for_every_label() {
        for (column, label) in LABELS.iter().chain([&("new_dealvalue", "Deal value")]) {
            for not_now in [NotNow::NotCreated, NotNow::NotOnForm, NotNow::ReadOnlyForm] {
                let text = next_step(not_now, super::label(column));
                assert!(text.chars().count() <= BODY_MAX, "{text}");
                assert!(!text.contains('_'), "{text}");
            }
            assert_eq!(super::label(column), *label);
        }
    }
}
