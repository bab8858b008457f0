//! The referral lifecycle, the Dynamics 365 way. Every step is a pure function returning a plan.
//!
//! - Incoming referrals are classified with Microsoft's table ([`classify`]) and land where a
//!   seller expects them: accepted → opportunity, not accepted → lead (`mapping::to_crm`).
//! - Accept = qualify the referral's lead ([`on_lead_qualified`]): the referral goes Active/
//!   Accepted and the opportunity Dynamics 365 creates carries the referral on; the lead is
//!   closed as qualified by Dynamics itself, so one referral is never two open records.
//! - Decline = disqualify the lead ([`on_lead_disqualified`]): Closed/Declined.
//! - Co-sell creation is the docs' two linked creates ([`create_plan`], [`link_to_engagement`]),
//!   each with the CustomerMarketplaceIntent attribute; help chosen later on an existing
//!   referral is the second create ([`convert_to_co_sell`]).
//! - Won, lost, declined and expired are terminal both ways ([`is_terminal`]).

use super::base::settle;
use super::fields::keys;
use super::values::{crm_values, referral_values};
use crate::config::Config;
use crate::dataverse::{lead, opportunity as opp};
use crate::mapping::{PatchOp, PatchOperation, PatchPlan, StepAction, UpsertStep, MICROSOFT_ORGANIZATION_ID};
use crate::referral::{
    AdditionalRequirements, Qualification, Referral, ReferralStatus as S, ReferralSubstatus as Sub, ReferralTarget,
    ReferralType, RequirementAttribute, Requirements, TargetType,
};
use crate::snapshot::{Snapshot, SyncState};
use crate::status;
use serde::Serialize;
use serde_json::{Map, Value};

/// Microsoft's referral categories (referrals-api-introduction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReferralCategory {
    /// Independent + Direct + invited by msft or nobody.
    MarketplaceLead,
    /// Independent + Sales/MarketingQualified + invited by msft.
    QualifiedLead,
    /// Independent or Shared + SalesQualified or None + invited by a partner's organization;
    /// also any Shared referral and any referral that asks Microsoft for help.
    CoSellOpportunity,
    /// None of the rows (kept, synced as a lead or opportunity like any other).
    Unclassified,
}

/// The category of a referral by Microsoft's table (type, qualification, invitedBy.organizationId).
pub fn classify(r: &Referral) -> ReferralCategory {
    let invited = r
        .invite_context
        .as_ref()
        .and_then(|c| c.invited_by.as_ref())
        .and_then(|b| b.organization_id.as_deref())
        .map(str::trim)
        .filter(|o| !o.is_empty());
    let by_microsoft = invited.is_some_and(|o| o.eq_ignore_ascii_case(MICROSOFT_ORGANIZATION_ID));
    let q = r.qualification.as_ref();
    if r.referral_type == Some(ReferralType::Shared) || r.assistance().is_some() {
        return ReferralCategory::CoSellOpportunity;
    }
    match q {
        Some(Qualification::Direct) if invited.is_none() || by_microsoft => ReferralCategory::MarketplaceLead,
        Some(Qualification::SalesQualified | Qualification::MarketingQualified) if by_microsoft => {
            ReferralCategory::QualifiedLead
        }
        Some(Qualification::SalesQualified | Qualification::None) | None if invited.is_some() && !by_microsoft => {
            ReferralCategory::CoSellOpportunity
        }
        _ => ReferralCategory::Unclassified,
    }
}

/// Closed (won, lost, declined, expired): nothing is sent or written for it any more.
pub fn is_terminal(status: Option<&S>) -> bool {
    status == Some(&S::Closed)
}

/// The attribute type that carries the customer's marketplace intent.
pub const CUSTOMER_MARKETPLACE_INTENT: &str = "CustomerMarketplaceIntent";

/// UNCERTAIN: the intent sent when the CRM holds none. The docs' sample sends HaveNotDecided
/// (accepted values Yes, No, Have not decided); no Dataverse column holds the seller's answer yet.
pub const DEFAULT_MARKETPLACE_INTENT: &str = "HaveNotDecided";

/// The referral with the CustomerMarketplaceIntent attribute (added once; an existing one kept).
pub fn with_marketplace_intent(mut r: Referral, intent: &str) -> Referral {
    let details = r.details.get_or_insert_with(Default::default);
    let requirements = details.requirements.get_or_insert_with(Requirements::default);
    let additional = requirements.additional_requirements.get_or_insert_with(AdditionalRequirements::default);
    let attributes = additional.attributes.get_or_insert_with(Vec::new);
    if !attributes.iter().any(|a| a.attribute_type.as_deref() == Some(CUSTOMER_MARKETPLACE_INTENT)) {
        attributes.push(RequirementAttribute {
            id: Some(intent.to_owned()),
            attribute_type: Some(CUSTOMER_MARKETPLACE_INTENT.to_owned()),
            ..Default::default()
        });
    }
    r
}

/// Why a plan cannot be made: lookups the snapshot has only as IDs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotLoaded {
    /// The lookup columns whose rows are not loaded (`parentaccountid`, …).
    pub columns: Vec<&'static str>,
}

impl std::fmt::Display for NotLoaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not loaded: {} (expand the lookups; the payload would have holes)", self.columns.join(", "))
    }
}

/// The lookups of a snapshot that are only IDs.
pub fn not_loaded(s: &Snapshot) -> Vec<&'static str> {
    let o = &s.opportunity;
    let mut out = Vec::new();
    if o.account.as_ref().is_some_and(|a| !a.loaded) {
        out.push(opp::PARENT_ACCOUNT);
    }
    if o.contact.as_ref().is_some_and(|c| !c.loaded) {
        out.push(opp::PARENT_CONTACT);
    }
    if o.currency.is_none() && o.currency_id.is_some() {
        out.push(opp::CURRENCY);
    }
    out
}

/// The creates for a new opportunity: one referral, or for co-sell the docs' two linked creates.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatePlan {
    /// `POST /v1.0/engagements/referrals` first; its response is the opportunity's referral.
    pub referral: Referral,
    /// Co-sell only: POSTed second, after [`link_to_engagement`] put the first response's
    /// `engagementId` in it; targeted at Microsoft.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub for_microsoft: Option<Referral>,
}

/// The create plan of an opportunity; refused when a lookup is not loaded.
pub fn create_plan(s: &Snapshot) -> Result<CreatePlan, NotLoaded> {
    let columns = not_loaded(s);
    if !columns.is_empty() {
        return Err(NotLoaded { columns });
    }
    let first = with_marketplace_intent(crate::mapping::to_referral(s), DEFAULT_MARKETPLACE_INTENT);
    if first.referral_type != Some(ReferralType::Shared) {
        return Ok(CreatePlan { referral: first, for_microsoft: None });
    }
    let second = microsoft_referral(&first);
    // Step 1 of the docs: the partner's own Shared referral, targeted at its solution profile.
    let mut partner = first;
    partner.target = partner.solutions().first().and_then(|t| t.id.clone()).map(|id| {
        vec![ReferralTarget { id: Some(id), target_type: Some(TargetType::SolutionProfile), ..Default::default() }]
    });
    Ok(CreatePlan { referral: partner, for_microsoft: Some(second) })
}

/// The referral for Microsoft: the same deal, Shared, targeted at `msft`.
fn microsoft_referral(base: &Referral) -> Referral {
    let mut r = base.clone();
    r.referral_type = Some(ReferralType::Shared);
    r.target = Some(vec![ReferralTarget {
        id: Some(MICROSOFT_ORGANIZATION_ID.to_owned()),
        target_type: Some(TargetType::BusinessProfileLocation),
        ..Default::default()
    }]);
    let consent = r.consent.get_or_insert_with(Default::default);
    consent.consent_to_share_referral_with_microsoft_sellers = Some(true);
    r
}

/// The second create with the first response's `engagementId`, so both are tied together.
pub fn link_to_engagement(for_microsoft: &Referral, created: &Referral) -> Referral {
    let mut r = for_microsoft.clone();
    r.engagement_id = created.engagement_id.clone();
    r
}

/// The base to store once the opportunity's referral was created (`created` = the response).
pub fn base_after_create(s: &Snapshot, created: &Referral) -> SyncState {
    let crm = crm_values(s, None);
    settle(None, &crm, &referral_values(created), created)
}

/// Help chosen on an existing referral that is not co-sell: the second, linked create.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Conversion {
    /// POSTed with the referral's `engagementId`, targeted at Microsoft.
    pub create: Referral,
    /// The base to store once the create succeeded (help recorded as synced).
    pub base: SyncState,
}

/// Converting to co-sell: the seller chose help since the base, the referral is open and not
/// already Shared. `None` when there is nothing to convert.
pub fn convert_to_co_sell(s: &Snapshot, base: &SyncState, current: &Referral) -> Option<Conversion> {
    let help = s.opportunity.help()?;
    if base.field(keys::HELP).is_some()
        || is_terminal(current.status.as_ref())
        || current.referral_type == Some(ReferralType::Shared)
        || current.engagement_id.is_none()
    {
        return None;
    }
    let mut create = with_marketplace_intent(crate::mapping::to_referral(s), DEFAULT_MARKETPLACE_INTENT);
    create = microsoft_referral(&create);
    create.engagement_id = current.engagement_id.clone();
    create.external_reference_id = s.opportunity.id.clone();
    let mut after = base.clone();
    let fields = after.fields.get_or_insert_with(Default::default);
    fields.insert(keys::HELP.to_owned(), Value::from(help.code().as_str()));
    fields.insert(keys::VISIBILITY.to_owned(), Value::from("true"));
    Some(Conversion { create, base: after })
}

/// What accepting or declining a referral from Dynamics 365 sends and writes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    /// The status PATCH, If-Match = the stored eTag.
    pub patch: PatchPlan,
    /// The Dataverse writes once the PATCH succeeded.
    pub steps: Vec<UpsertStep>,
    /// The base to store (its eTag: take it from the PATCH response).
    pub base: SyncState,
}

fn status_patch(base: &SyncState, to: (S, Sub), reason: Option<&str>) -> Option<PatchPlan> {
    let from = (base.status.clone().unwrap_or(S::None), base.substatus.clone().unwrap_or(Sub::None));
    if from == to || status::check_transition((&from.0, &from.1), (&to.0, &to.1)).is_err() {
        return None;
    }
    let mut operations = vec![
        PatchOperation { op: PatchOp::Replace, path: "/status".to_owned(), value: Value::from(to.0.as_str()) },
        PatchOperation { op: PatchOp::Replace, path: "/substatus".to_owned(), value: Value::from(to.1.as_str()) },
    ];
    if let Some(reason) = reason.map(str::trim).filter(|r| !r.is_empty()) {
        operations.push(PatchOperation {
            op: PatchOp::Add,
            path: "/statusReason".to_owned(),
            value: Value::from(reason),
        });
    }
    Some(PatchPlan { if_match: base.e_tag.clone(), operations })
}

fn with_status(base: &SyncState, to: (S, Sub), outcome: &str) -> SyncState {
    let mut after = base.clone();
    after.status = Some(to.0);
    after.substatus = Some(to.1);
    after.fields.get_or_insert_with(Default::default).insert(keys::STATUS.to_owned(), Value::from(outcome));
    after
}

/// The seller qualified the referral's lead and Dynamics 365 created `opportunity_id`: accept
/// the referral, and carry the referral (ID, link, base, Sync = Yes) on to the opportunity.
/// `None` when the referral cannot be accepted (closed, or already accepted).
pub fn on_lead_qualified(lead_base: &SyncState, opportunity_id: &str, config: &Config) -> Option<Decision> {
    let to = (S::Active, Sub::Accepted);
    let patch = status_patch(lead_base, to.clone(), None)?;
    let base = with_status(lead_base, to, "Open");
    let mut body = Map::new();
    if let Some(id) = &lead_base.referral_id {
        body.insert(opp::REFERRAL_ID.to_owned(), Value::from(id.clone()));
        body.insert(opp::REFERRAL_LINK.to_owned(), Value::from(config.referral_link(id)));
    }
    body.insert(opp::SYNC.to_owned(), Value::Bool(true));
    body.insert(opp::SYNC_STATE.to_owned(), Value::from(base.to_json()));
    let step = crate::mapping::step(
        "opportunity",
        StepAction::Update,
        opp::ENTITY_SET,
        Some(format!("{} eq {opportunity_id}", opp::ID)),
        body,
    );
    Some(Decision { patch, steps: vec![step], base })
}

/// The seller disqualified the referral's lead: decline the referral (Closed/Declined, with the
/// reason the seller gave). `None` when it cannot be declined any more (accepted or closed).
pub fn on_lead_disqualified(lead_base: &SyncState, lead_id: &str, reason: Option<&str>) -> Option<Decision> {
    if lead_base.status != Some(S::New) {
        return None;
    }
    let to = (S::Closed, Sub::Declined);
    let patch = status_patch(lead_base, to.clone(), reason)?;
    let base = with_status(lead_base, to, "Declined");
    let mut body = Map::new();
    body.insert(lead::SYNC_STATE.to_owned(), Value::from(base.to_json()));
    let step = crate::mapping::step(
        "lead",
        StepAction::Update,
        lead::ENTITY_SET,
        Some(format!("{} eq {lead_id}", lead::ID)),
        body,
    );
    Some(Decision { patch, steps: vec![step], base })
}
