//! The Partner Center referral (`/v1.0/engagements/referrals`) and every sub-resource.
//!
//! Property set: the union of the documented resource (`referral-resources`), the current docs'
//! additions, the fields real payloads carry, and every property of the `Referral` definition in
//! Microsoft's official Partner Center Referrals connector. Every property is optional because
//! responses, create payloads and historic payloads each carry a different subset.

use crate::wire::Amount;
use crate::{open_enum, wire_object};

wire_object! {
    /// A Partner Center referral: a lead or opportunity shared between partners and Microsoft.
    pub struct Referral {
        /// OData context URL of the response that carried the referral.
        odata_context: String => "@odata.context",
        /// The ID of the referral (a GUID).
        id: String => "id",
        /// The engagement the referral belongs to; related referrals share it.
        engagement_id: String => "engagementId",
        /// The ID of the partner organization that owns the referral.
        organization_id: String => "organizationId",
        /// The name of the partner organization that owns the referral.
        organization_name: String => "organizationName",
        /// The name of the referral.
        name: String => "name",
        /// An external identifier for the referral, such as the Dynamics 365 opportunity ID.
        external_reference_id: String => "externalReferenceId",
        /// When the referral was created (UTC).
        created_date_time: String => "createdDateTime",
        /// When the referral was last updated (UTC).
        updated_date_time: String => "updatedDateTime",
        /// When the referral expires (UTC).
        expiration_date_time: String => "expirationDateTime",
        /// When the partner accepted the referral; for outgoing referrals the creation time.
        accepted_date_time: String => "acceptedDateTime",
        /// When the referral was closed (UTC).
        closed_date_time: String => "closedDateTime",
        /// The status of the referral.
        status: ReferralStatus => "status",
        /// The substatus of the referral; must belong to the status.
        substatus: ReferralSubstatus => "substatus",
        /// A descriptive message about the status, such as why the referral was lost.
        status_reason: String => "statusReason",
        /// Whether the referral is shared with another party (Shared) or visible to one partner (Independent).
        referral_type: ReferralType => "type",
        /// How the referral was qualified.
        qualification: Qualification => "qualification",
        /// Whether the referral was received (Incoming) or sent (Outgoing).
        direction: Direction => "direction",
        /// The source of a marketplace lead.
        referral_source: String => "referralSource",
        /// The call to action of a marketplace lead.
        call_to_action: String => "callToAction",
        /// The customer's intent to transact on the Microsoft marketplace (property name uncertain in the docs).
        customer_marketplace_intent: String => "customerMarketplaceIntent",
        /// The partner's role; required for services co-sell referrals only (property name uncertain in the docs).
        partner_role: String => "partnerRole",
        /// The solution area of the customer need; required for services co-sell referrals only.
        solution_area: String => "solutionArea",
        /// The solution play of the customer need; required for services co-sell referrals only.
        solution_play: String => "solutionPlay",
        /// Information about the customer.
        customer_profile: CustomerProfile => "customerProfile",
        /// The consent given for the referral.
        consent: Consent => "consent",
        /// Deal details: notes, value, currency, closing date and requirements.
        details: ReferralDetails => "details",
        /// The people in the partner's organization who work the referral.
        team: Vec<Member> => "team",
        /// Context from the organization that sent the referral, including the help requested from Microsoft.
        invite_context: InviteContext => "inviteContext",
        /// The concurrency token to send as If-Match when updating the referral.
        e_tag: String => "eTag",
        /// The profiles the referral is sent to.
        target: Vec<ReferralTarget> => "target",
        /// Links to this referral and to its related referrals.
        links: ReferralLinks => "links",
        /// The marketing campaign ID.
        campaign_id: String => "campaignId",
        /// The referral program.
        referral_program: String => "referralProgram",
        /// The sales stage of the referral.
        sales_stage: SalesStage => "salesStage",
        /// Who last modified the referral.
        last_modified_via: String => "lastModifiedVia",
        /// Identifier of the last run that modified the referral.
        last_run_id: String => "lastRunId",
        /// Whether the referral is marked as a favorite.
        favorite: bool => "favorite",
        /// The quality rating of the referral.
        quality: String => "quality",
        /// Whether the referral is marked as spam.
        is_spam: bool => "isSpam",
        /// The partner's MPN (Partner) ID.
        mpn_id: String => "mpnId",
        /// The sensitivity of the deal.
        deal_sensitivity: String => "dealSensitivity",
        /// How the referral was created.
        created_via: String => "createdVia",
        /// Tags on the referral.
        tags: Vec<ReferralTag> => "tags",
        /// The deal registration status.
        registration_status: String => "registrationStatus",
        /// Identifiers of the referral in Microsoft's systems.
        tracking_info: TrackingInfo => "trackingInfo",
        /// Deal registrations of the referral.
        registrations: Vec<DealRegistration> => "registrations",
    }
}

wire_object! {
    /// Information about the customer organization.
    pub struct CustomerProfile {
        /// The customer organization's name.
        name: String => "name",
        /// The customer organization's address.
        address: Address => "address",
        /// The number of employees of the customer organization.
        size: CustomerSize => "size",
        /// The contacts in the customer's organization.
        team: Vec<Member> => "team",
        /// External IDs of the customer, such as a DUNS number.
        ids: Vec<CustomerProfileId> => "ids",
        /// Whether customer matching has completed.
        is_matching_complete: bool => "isMatchingComplete",
    }
}

wire_object! {
    /// A postal address.
    pub struct Address {
        /// The first address line.
        address_line1: String => "addressLine1",
        /// The second address line (optional).
        address_line2: String => "addressLine2",
        /// The city.
        city: String => "city",
        /// The state or province.
        state: String => "state",
        /// The zip code or postal code.
        postal_code: String => "postalCode",
        /// The country or region as an ISO 3166-1 two-letter code.
        country: String => "country",
        /// The region.
        region: String => "region",
    }
}

wire_object! {
    /// A person involved in the referral, in the customer's or a partner's organization.
    pub struct Member {
        /// The first name.
        first_name: String => "firstName",
        /// The last name.
        last_name: String => "lastName",
        /// The phone number.
        phone_number: String => "phoneNumber",
        /// The email address.
        email: String => "email",
        /// The job title.
        title: String => "title",
        /// How the person wants to be contacted.
        contact_preference: ContactPreference => "contactPreference",
        /// The email validation status.
        email_validation_status: String => "emailValidationStatus",
        /// The phone validation status.
        phone_validation_status: String => "phoneValidationStatus",
    }
}

wire_object! {
    /// A person's contact preference.
    pub struct ContactPreference {
        /// The locale, such as en-us.
        locale: String => "locale",
        /// Whether email notifications to the person are disabled.
        disable_notifications: bool => "disableNotifications",
    }
}

wire_object! {
    /// An external identifier of the customer.
    pub struct CustomerProfileId {
        /// The kind of identifier.
        profile_type: ProfileType => "profileType",
        /// The identifier value.
        id: String => "id",
    }
}

wire_object! {
    /// The consent given for the referral.
    pub struct Consent {
        /// Consent to share personal data with others (the doubled "ToTo" is the real property name).
        consent_to_share_info_with_others: bool => "consentToToShareInfoWithOthers",
        /// Consent to contact the users.
        consent_to_contact: bool => "consentToContact",
        /// Whether the referral is shared with Microsoft sellers; false makes it a private deal.
        consent_to_share_referral_with_microsoft_sellers: bool => "consentToShareReferralWithMicrosoftSellers",
        /// Consent for Microsoft to contact specific partners.
        consent_to_microsoft_to_contact_specific_partners: bool => "consentToMicrosoftToContactSpecificPartners",
    }
}

wire_object! {
    /// Deal details of the referral.
    pub struct ReferralDetails {
        /// Notes about the deal.
        notes: String => "notes",
        /// The deal value.
        deal_value: Amount => "dealValue",
        /// The ISO 4217 currency code of the deal value.
        currency: String => "currency",
        /// The date the customer is looking to close by (UTC).
        closing_date_time: String => "closingDateTime",
        /// What the customer needs.
        requirements: Requirements => "requirements",
        /// The action the customer asked for.
        customer_action: String => "customerAction",
        /// Whether the customer asked to be contacted.
        customer_requested_contact: bool => "customerRequestedContact",
        /// The incentive level of the deal.
        incentive_level: String => "incentiveLevel",
    }
}

wire_object! {
    /// What the customer needs: industries, products, services and solutions.
    pub struct Requirements {
        /// Industries of the customer.
        industries: Vec<Tag> => "industries",
        /// Products the deal is about.
        products: Vec<Tag> => "products",
        /// Services the deal is about.
        services: Vec<Tag> => "services",
        /// Co-sell solutions of the deal; sharing with Microsoft needs at least one.
        solutions: Vec<SolutionTag> => "solutions",
        /// Offers of the deal.
        offers: Vec<serde_json::Value> => "offers",
        /// Sales plays of the deal.
        sales_plays: Vec<serde_json::Value> => "salesPlays",
        /// Additional requirements, such as marketplace intent attributes.
        additional_requirements: AdditionalRequirements => "additionalRequirements",
    }
}

wire_object! {
    /// Additional requirements of a deal.
    pub struct AdditionalRequirements {
        /// Typed attributes, such as the customer's marketplace intent.
        attributes: Vec<RequirementAttribute> => "attributes",
        /// Internet of Things details.
        iot: serde_json::Map<String, serde_json::Value> => "iot",
    }
}

wire_object! {
    /// A typed requirement attribute.
    pub struct RequirementAttribute {
        /// The attribute value, such as HaveNotDecided.
        id: String => "id",
        /// The attribute type, such as CustomerMarketplaceIntent.
        attribute_type: String => "type",
    }
}

wire_object! {
    /// A tag: an industry, product or service ID.
    pub struct Tag {
        /// The tag value.
        id: String => "id",
    }
}

wire_object! {
    /// A co-sell solution attached to the referral.
    pub struct SolutionTag {
        /// The ID of the solution, such as SOL-34104-EBB.
        id: String => "id",
        /// The name of the solution.
        name: String => "name",
        /// How the solution is identified.
        solution_tag_type: SolutionType => "type",
        /// The publisher of the solution.
        publisher_name: String => "publisherName",
        /// First- or third-party solution (such as 3P).
        solution_type: String => "solutionType",
        /// The price of the solution.
        price: Amount => "price",
        /// The quantity.
        quantity: Amount => "quantity",
        /// The currency of the price.
        currency: String => "currency",
        /// The closing date for the solution.
        closing_date_time: String => "closingDateTime",
    }
}

wire_object! {
    /// A profile the referral is sent to.
    pub struct ReferralTarget {
        /// The ID of the profile, such as msft or a solution profile ID.
        id: String => "id",
        /// The kind of profile.
        target_type: TargetType => "type",
    }
}

wire_object! {
    /// Context from the organization that sent the referral.
    pub struct InviteContext {
        /// Notes for the receiving organization.
        notes: String => "notes",
        /// The organization that sent the referral.
        invited_by: InvitedBy => "invitedBy",
        /// The help requested from Microsoft (How can Microsoft help?).
        assistance_request_code: AssistanceRequestCode => "assistanceRequestCode",
        /// The MPN ID of the invited partner.
        invited_mpn_id: String => "invitedMpnId",
    }
}

wire_object! {
    /// The organization that sent the referral.
    pub struct InvitedBy {
        /// The organization ID; msft for Microsoft.
        organization_id: String => "organizationId",
        /// The organization name.
        organization_name: String => "organizationName",
    }
}

wire_object! {
    /// Links from a referral.
    pub struct ReferralLinks {
        /// Related referrals of the same engagement.
        related_referrals: Link => "relatedReferrals",
        /// The referral itself.
        self_link: Link => "self",
    }
}

wire_object! {
    /// A link: an opaque URI and the method to call it with.
    pub struct Link {
        /// The URI.
        uri: String => "uri",
        /// The HTTP method.
        method: String => "method",
    }
}

wire_object! {
    /// A tag on the referral.
    pub struct ReferralTag {
        /// The tag text.
        tag: String => "tag",
    }
}

wire_object! {
    /// Identifiers of the referral in Microsoft's systems.
    pub struct TrackingInfo {
        /// Microsoft's CRM (MSX) identifier.
        microsoft_msx_id: String => "microsoftMsxId",
        /// Microsoft US Federal opportunity identifier.
        microsoft_us_fed_opportunity_id: String => "microsoftUSFedOpportunityId",
        /// Microsoft US Federal lead identifier.
        microsoft_us_fed_lead_id: String => "microsoftUSFedLeadId",
        /// Migrated PSC deal identifier.
        migrated_psc_deal_id: String => "migratedPSCDealId",
        /// Migrated PSC partner deal identifier.
        migrated_psc_partner_deal_id: String => "migratedPSCPartnerDealId",
    }
}

wire_object! {
    /// A deal registration of the referral.
    pub struct DealRegistration {
        /// The registration ID.
        id: String => "id",
        /// The registration type, such as AzureIPCoSell.
        registration_type: String => "type",
        /// When the deal was registered.
        registration_date_time: String => "registrationDateTime",
        /// The registration status.
        status: String => "status",
        /// The reason for the registration status.
        status_reason: String => "statusReason",
        /// The contract of the registration.
        contract: Contract => "contract",
        /// The solutions of the registration.
        solution_details: Vec<RegistrationSolution> => "solutionDetails",
        /// When the registration passed each status.
        status_history: RegistrationStatusHistory => "statusHistory",
    }
}

wire_object! {
    /// The contract of a deal registration.
    pub struct Contract {
        /// The contract value.
        value: Amount => "value",
        /// The ISO 4217 currency of the contract value.
        currency: String => "currency",
        /// When the contract starts.
        start_date_time: String => "startDateTime",
        /// When the contract ends.
        end_date_time: String => "endDateTime",
        /// When the contract was signed.
        sign_date_time: String => "signDateTime",
        /// The contract term: Perpetual or Finite.
        term: String => "term",
    }
}

wire_object! {
    /// A solution of a deal registration.
    pub struct RegistrationSolution {
        /// The solution ID.
        id: String => "id",
        /// The solution name.
        name: String => "name",
        /// The value of the solution in the deal.
        value: Amount => "value",
        /// The ISO 4217 currency of the value.
        currency: String => "currency",
        /// Whether the solution is deployed on Azure.
        is_deployed_on_azure: bool => "isDeployedOnAzure",
        /// Where the solution is deployed: Customer or Partner.
        primary_deployment_on: String => "primaryDeploymentOn",
        /// The pricing model: PayAsYouGo or Other.
        pricing_model: String => "pricingModel",
        /// Marketplace transaction details.
        marketplace_transaction_details: MarketplaceTransactionDetails => "marketplaceTransactionDetails",
    }
}

wire_object! {
    /// Marketplace transaction details of a registered solution.
    pub struct MarketplaceTransactionDetails {
        /// Whether the deal is transacted through the marketplace.
        is_marketplace_transacted: bool => "isMarketplaceTransacted",
        /// When the marketplace transaction happened.
        marketplace_transaction_date_time: String => "marketplaceTransactionDateTime",
    }
}

wire_object! {
    /// When a deal registration reached each status.
    pub struct RegistrationStatusHistory {
        /// When review became pending.
        review_pending_date_time: String => "reviewPendingDateTime",
        /// When action was required.
        action_required_date_time: String => "actionRequiredDateTime",
        /// When the registration passed.
        passed_date_time: String => "passedDateTime",
        /// When the registration failed.
        failed_date_time: String => "failedDateTime",
        /// When the registration was approved.
        approved_date_time: String => "approvedDateTime",
    }
}

wire_object! {
    /// A page of referrals from the list operation.
    pub struct ReferralPage {
        /// OData context URL.
        odata_context: String => "@odata.context",
        /// The total number of matching referrals.
        odata_count: u64 => "@odata.count",
        /// The referrals of this page.
        value: Vec<Referral> => "value",
        /// The link to the next page; absent on the last page.
        odata_next_link: String => "@odata.nextLink",
    }
}

wire_object! {
    /// The error body of the Partner Center API.
    pub struct ApiError {
        /// The error.
        error: ApiErrorDetail => "error",
    }
}

wire_object! {
    /// One error, possibly with a more specific inner error.
    pub struct ApiErrorDetail {
        /// The kind of error, such as invalidRequest or preconditionFailed.
        code: String => "code",
        /// A human-readable message.
        message: String => "message",
        /// The target where the error originated.
        target: String => "target",
        /// A more specific error.
        inner_error: Box<ApiErrorDetail> => "innerError",
    }
}

open_enum! {
    /// The status of a referral.
    pub enum ReferralStatus {
        None = "None" / "None",
        /// A new referral.
        New = "New" / "New",
        /// An active referral.
        Active = "Active" / "Active",
        /// A closed referral.
        Closed = "Closed" / "Closed",
    }
}

open_enum! {
    /// The substatus of a referral.
    pub enum ReferralSubstatus {
        None = "None" / "None",
        /// A new referral that is pending.
        Pending = "Pending" / "Pending",
        /// A new referral that has been received.
        Received = "Received" / "Received",
        /// An active referral that has been accepted.
        Accepted = "Accepted" / "Accepted",
        /// A closed referral that was won.
        Won = "Won" / "Won",
        /// A closed referral that was lost.
        Lost = "Lost" / "Lost",
        /// A closed referral that was declined.
        Declined = "Declined" / "Declined",
        /// A closed referral that expired.
        Expired = "Expired" / "Expired",
    }
}

open_enum! {
    /// Whether a referral is shared with another party.
    pub enum ReferralType {
        /// Visible to one partner.
        Independent = "Independent" / "Independent",
        /// Visible to two parties (such as Microsoft and the partner) working together.
        Shared = "Shared" / "Shared",
    }
}

open_enum! {
    /// How a referral was qualified.
    pub enum Qualification {
        None = "None" / "None",
        /// Created directly by a customer.
        Direct = "Direct" / "Direct",
        /// Generated by Microsoft marketing automation.
        MarketingQualified = "MarketingQualified" / "Marketing Qualified",
        /// From a Microsoft sales agent or the partner's sales team.
        SalesQualified = "SalesQualified" / "Sales Qualified",
    }
}

open_enum! {
    /// Whether a referral was received or sent.
    pub enum Direction {
        Incoming = "Incoming" / "Incoming",
        Outgoing = "Outgoing" / "Outgoing",
    }
}

open_enum! {
    /// The help requested from Microsoft ("How can Microsoft help?").
    pub enum AssistanceRequestCode {
        /// No help requested.
        Unknown = "Unknown" / "Unknown",
        GeneralOrOther = "GeneralOrOther" / "General or other",
        CustomerTechnicalArchitecture = "CustomerTechnicalArchitecture" / "Customer technical architecture",
        ProofOfConceptOrDemo = "ProofOfConceptOrDemo" / "Proof of concept or demo",
        QuotesOrLicensing = "QuotesOrLicensing" / "Quotes or licensing",
        PostSalesCustomerSuccess = "PostSalesCustomerSuccess" / "Post sales customer success",
        WorkloadSpecificValueProposition = "WorkloadSpecificValueProposition" / "Workload specific value proposition",
    }
}

open_enum! {
    /// How a solution is identified.
    pub enum SolutionType {
        None = "None" / "None",
        /// A pre-defined solution category.
        Category = "Category" / "Category",
        /// A solution from the Microsoft catalog.
        Name = "Name" / "Name",
    }
}

open_enum! {
    /// The kind of profile a referral targets.
    pub enum TargetType {
        None = "None" / "None",
        /// A location of a partner business profile (msft for Microsoft).
        BusinessProfileLocation = "BusinessProfileLocation" / "Business Profile Location",
        /// A solution profile of the partner.
        SolutionProfile = "SolutionProfile" / "Solution Profile",
    }
}

open_enum! {
    /// The kind of customer identifier.
    pub enum ProfileType {
        /// The Dun & Bradstreet number.
        Duns = "Duns" / "DUNS",
        /// A customer ID unique to the partner.
        External = "External" / "External",
    }
}

open_enum! {
    /// The sales stage of a referral.
    pub enum SalesStage {
        Qualify = "Qualify" / "Qualify",
        Develop = "Develop" / "Develop",
        Propose = "Propose" / "Propose",
        Close = "Close" / "Close",
    }
}

open_enum! {
    /// The number of employees of the customer.
    pub enum CustomerSize {
        OneTo50 = "1to50employees" / "1 to 50 employees",
        FiftyOneTo500 = "51to500employees" / "51 to 500 employees",
        MoreThan500 = "Morethan500employees" / "More than 500 employees",
        OneTo9 = "1to9employees" / "1 to 9 employees",
        TenTo50 = "10to50employees" / "10 to 50 employees",
        FiftyOneTo250 = "51to250employees" / "51 to 250 employees",
        TwoHundredFiftyOneTo1000 = "251to1000employees" / "251 to 1000 employees",
        OneThousandOneTo5000 = "1001to5000employees" / "1001 to 5000 employees",
        FiveThousandOneTo10000 = "5001to10000employees" / "5001 to 10000 employees",
        TenThousandOneTo20000 = "10001to20000employees" / "10001 to 20000 employees",
        MoreThan20000 = "Morethan20000employees" / "More than 20000 employees",
    }
}

/// The properties that make a document a referral: a document with none of them (`{}`, or a
/// snapshot given by mistake) is refused, so it never becomes an empty lead with Sync = Yes.
pub const IDENTIFYING_PROPERTIES: [&str; 7] =
    ["id", "engagementId", "name", "type", "status", "customerProfile", "details"];

impl Referral {
    /// Reads a referral document, refusing one with none of [`IDENTIFYING_PROPERTIES`].
    pub fn from_json(text: &str) -> Result<Referral, crate::InputError> {
        let r: Referral = crate::json::from_str(text)?;
        r.check_identity()?;
        Ok(r)
    }

    /// Whether the referral has at least one identifying property (see [`IDENTIFYING_PROPERTIES`]).
    pub fn check_identity(&self) -> Result<(), crate::InputError> {
        let has_any = self.id.is_some()
            || self.engagement_id.is_some()
            || self.name.is_some()
            || self.referral_type.is_some()
            || self.status.is_some()
            || self.customer_profile.is_some()
            || self.details.is_some();
        if has_any {
            return Ok(());
        }
        let mut found: Vec<&str> = self.extra.keys().map(String::as_str).take(3).collect();
        found.sort_unstable();
        let found =
            if found.is_empty() { "an empty object".to_owned() } else { format!("properties {}", found.join(", ")) };
        Err(crate::InputError::new(
            "$",
            format!(
                "not a referral: missing every identifying property ({}); found {found}",
                IDENTIFYING_PROPERTIES.join(", ")
            ),
        ))
    }

    /// The customer-facing team (customer contacts), empty when absent.
    pub fn customer_contacts(&self) -> &[Member] {
        self.customer_profile.as_ref().and_then(|p| p.team.as_deref()).unwrap_or(&[])
    }

    /// Solutions attached to the referral, empty when absent.
    pub fn solutions(&self) -> &[SolutionTag] {
        self.details.as_ref().and_then(|d| d.requirements.as_ref()).and_then(|r| r.solutions.as_deref()).unwrap_or(&[])
    }

    /// The help requested from Microsoft, if any (Unknown counts as none).
    pub fn assistance(&self) -> Option<&AssistanceRequestCode> {
        self.invite_context
            .as_ref()
            .and_then(|c| c.assistance_request_code.as_ref())
            .filter(|c| **c != AssistanceRequestCode::Unknown)
    }
}
