//! Snapshot → referral create payload (`POST /v1.0/engagements/referrals`).
//!
//! Deal types (Partner Center's current docs):
//! - private: Independent, not shared with Microsoft sellers;
//! - partner-led: Independent, shared with Microsoft sellers, no help requested;
//! - co-sell: Shared, help requested (`inviteContext.assistanceRequestCode`), targeted at Microsoft
//!   (the docs' two linked creates are `sync::lifecycle::create_plan`).
//!
//! Every value follows the field map (`sync::fields::FIELDS`); a test checks each row the CRM
//! writes on create against this payload. (Written out rather than table-interpreted: the
//! WebAssembly form calls it, and its bundle has no room for the interpreter.)

use crate::dataverse::OpportunityState;
use crate::name_mark;
use crate::referral::*;
use crate::rules::{referral_status_for, shares_with_microsoft};
use crate::snapshot::{Account, Contact, Snapshot, Solution};
use crate::wire::Amount;

/// The three deal types Partner Center knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DealType {
    /// Not shared with Microsoft.
    Private,
    /// Shared with Microsoft sellers; the partner leads without help.
    PartnerLed,
    /// Help requested from Microsoft.
    CoSell,
}

/// The deal type the seller's choices make.
pub fn deal_type(s: &Snapshot) -> DealType {
    let o = &s.opportunity;
    if o.help().is_some() {
        DealType::CoSell
    } else if shares_with_microsoft(o) {
        DealType::PartnerLed
    } else {
        DealType::Private
    }
}

/// Partner Center's organization ID for Microsoft, the target of a co-sell referral.
pub const MICROSOFT_ORGANIZATION_ID: &str = "msft";

/// The status reason sent when the opportunity was lost in Dynamics 365.
pub const LOST_REASON: &str = "Lost in Dynamics 365";

/// The referral create payload for an opportunity.
pub fn to_referral(s: &Snapshot) -> Referral {
    let o = &s.opportunity;
    let deal = deal_type(s);
    let shared = deal != DealType::Private;
    // A new referral: New/Pending while open; won or lost when created closed.
    let (status, substatus) = match o.state() {
        Some(state @ (OpportunityState::Won | OpportunityState::Lost)) => referral_status_for(state, None),
        _ => (ReferralStatus::New, ReferralSubstatus::Pending),
    };
    Referral {
        name: o.name.as_deref().map(|n| name_mark::strip(n).to_owned()),
        external_reference_id: o.id.clone(),
        status: Some(status),
        substatus: Some(substatus),
        // Partner Center asks why a referral was lost.
        status_reason: (o.state() == Some(OpportunityState::Lost)).then(|| LOST_REASON.to_owned()),
        referral_type: Some(if deal == DealType::CoSell { ReferralType::Shared } else { ReferralType::Independent }),
        qualification: Some(Qualification::SalesQualified),
        customer_profile: Some(customer_profile(o.account.as_ref(), o.contact.as_ref())),
        consent: Some(Consent {
            // UNCERTAIN: these two are the customer's consent, not the deal type (Microsoft's
            // private-deal sample sends both true). A seller who names a customer contact has
            // the customer's consent to share it and be contacted; without a contact there is
            // nobody to consent.
            consent_to_share_info_with_others: Some(o.contact.is_some()),
            consent_to_contact: Some(o.contact.is_some()),
            consent_to_share_referral_with_microsoft_sellers: Some(shared),
            ..Default::default()
        }),
        details: Some(ReferralDetails {
            notes: o.description.clone(),
            deal_value: o.deal_value.and_then(Amount::from_f64),
            currency: o.currency.as_deref().map(|c| c.trim().to_owned()),
            closing_date_time: o.close_date.as_deref().map(closing_date_time),
            requirements: Some(Requirements {
                // Duplicate solution IDs are sent once, as the patch does.
                solutions: Some(crate::sync::merge::unique_solution_tags(s)),
                additional_requirements: Some(AdditionalRequirements {
                    attributes: Some(vec![RequirementAttribute {
                        id: Some(crate::sync::lifecycle::DEFAULT_MARKETPLACE_INTENT.to_owned()),
                        attribute_type: Some(crate::sync::lifecycle::CUSTOMER_MARKETPLACE_INTENT.to_owned()),
                        ..Default::default()
                    }]),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        }),
        invite_context: o
            .help()
            .map(|help| InviteContext { assistance_request_code: Some(help.code()), ..Default::default() }),
        target: (deal == DealType::CoSell).then(|| {
            vec![ReferralTarget {
                id: Some(MICROSOFT_ORGANIZATION_ID.to_owned()),
                target_type: Some(TargetType::BusinessProfileLocation),
                ..Default::default()
            }]
        }),
        ..Default::default()
    }
}

/// A Dataverse date-only value as the referral's UTC date-time.
pub fn closing_date_time(date: &str) -> String {
    format!("{date}T00:00:00Z")
}

fn customer_profile(account: Option<&Account>, contact: Option<&Contact>) -> CustomerProfile {
    let address = account.map(|a| Address {
        address_line1: a.line1.clone(),
        address_line2: a.line2.clone(),
        city: a.city.clone(),
        state: a.state_or_province.clone(),
        postal_code: a.postal_code.clone(),
        country: a.country.as_deref().map(|c| c.trim().to_owned()),
        ..Default::default()
    });
    CustomerProfile {
        name: account.and_then(|a| a.name.clone()),
        address,
        size: account.and_then(|a| a.number_of_employees).and_then(customer_size),
        team: contact.map(|c| vec![member(c)]),
        ..Default::default()
    }
}

/// The customer contact as a referral team member.
pub fn member(c: &Contact) -> Member {
    Member {
        first_name: c.first_name.clone(),
        last_name: c.last_name.clone(),
        email: c.email.as_deref().map(|e| e.trim().to_owned()),
        phone_number: c.phone.clone(),
        title: c.job_title.clone(),
        ..Default::default()
    }
}

/// The Partner Center size band for a number of employees (the current, finer bands).
pub fn customer_size(employees: i64) -> Option<CustomerSize> {
    Some(match employees {
        i64::MIN..=0 => return None,
        1..=9 => CustomerSize::OneTo9,
        10..=50 => CustomerSize::TenTo50,
        51..=250 => CustomerSize::FiftyOneTo250,
        251..=1000 => CustomerSize::TwoHundredFiftyOneTo1000,
        1001..=5000 => CustomerSize::OneThousandOneTo5000,
        5001..=10000 => CustomerSize::FiveThousandOneTo10000,
        10001..=20000 => CustomerSize::TenThousandOneTo20000,
        _ => CustomerSize::MoreThan20000,
    })
}

/// A solution row as a referral solution. Rows without a solution ID are left out (the rules
/// report them). UNCERTAIN: the docs do not say which `type` a co-sell solution ID takes; real
/// payloads show `Name` for catalogue solutions, so that is what we send.
pub fn solution_tag(row: &Solution) -> Option<SolutionTag> {
    let id = row.solution_id.as_deref().map(str::trim).filter(|id| !id.is_empty())?;
    Some(SolutionTag {
        id: Some(id.to_owned()),
        name: row.name.clone(),
        solution_tag_type: Some(SolutionType::Name),
        publisher_name: row.publisher_name.clone(),
        solution_type: row.solution_type.clone(),
        ..Default::default()
    })
}
