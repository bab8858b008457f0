//! Partner Center webhooks: the event a callback receives and the registration that asks for it.
//!
//! Property names are PascalCase on the wire (every documented sample); they are read
//! case-insensitively like every wire object.

use crate::wire_object;

/// The events the referral sync registers for.
pub const REFERRAL_EVENTS: [&str; 4] =
    ["referral-created", "referral-updated", "related-referral-created", "related-referral-updated"];

/// The self-test event Partner Center sends on request.
pub const TEST_EVENT: &str = "test-created";

wire_object! {
    /// A Partner Center webhook event: what changed, never the changed resource itself.
    pub struct WebhookEvent {
        /// The event, in the form {resource}-{action}, such as referral-updated.
        event_name: String => "EventName",
        /// The URI of the changed resource.
        resource_uri: String => "ResourceUri",
        /// The kind of resource, such as referral.
        resource_name: String => "ResourceName",
        /// The URI of the audit record, if there is one.
        audit_uri: String => "AuditUri",
        /// When the resource changed (UTC).
        resource_change_utc_date: String => "ResourceChangeUtcDate",
    }
}

impl WebhookEvent {
    /// The referral ID: the last path segment of `ResourceUri`, for referral events.
    ///
    /// The event's URI points at a different host and path than the Referrals API
    /// (`…/engagements/v1/referrals/{id}`), so callers take the ID and call the API.
    pub fn referral_id(&self) -> Option<&str> {
        if !self.resource_name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case("referral")) {
            return None;
        }
        let uri = self.resource_uri.as_deref()?;
        let path = uri.split(['?', '#']).next().unwrap_or(uri);
        let (head, id) = path.trim_end_matches('/').rsplit_once('/')?;
        (head.to_ascii_lowercase().ends_with("/referrals") && !id.is_empty()).then_some(id)
    }
}

wire_object! {
    /// The partner's webhook registration (one per partner).
    pub struct WebhookRegistration {
        /// The ID of the subscriber.
        subscriber_id: String => "SubscriberId",
        /// The URL events are posted to.
        webhook_url: String => "WebhookUrl",
        /// The events to deliver.
        webhook_events: Vec<String> => "WebhookEvents",
        /// Send the signature in the x-ms-signature header instead of Authorization.
        signature_token_to_ms_signature_header: bool => "SignatureTokenToMsSignatureHeader",
        /// Extra registration properties.
        properties: std::collections::BTreeMap<String, String> => "Properties",
        /// When the registration was last changed.
        last_modified_timestamp: String => "LastModifiedTimestamp",
    }
}

impl WebhookRegistration {
    /// The registration the sync needs: every referral event, signed in `x-ms-signature` so the
    /// receiving HTTP trigger keeps its own Authorization semantics.
    pub fn for_referrals(webhook_url: &str) -> Self {
        WebhookRegistration {
            webhook_url: Some(webhook_url.to_owned()),
            webhook_events: Some(REFERRAL_EVENTS.iter().map(|e| (*e).to_owned()).collect()),
            signature_token_to_ms_signature_header: Some(true),
            ..Default::default()
        }
    }
}

wire_object! {
    /// The answer to posting a validation event.
    pub struct ValidationEventResponse {
        /// The ID to ask for the delivery status with.
        correlation_id: String => "correlationId",
    }
}

wire_object! {
    /// The delivery status of a validation event.
    pub struct ValidationEventStatus {
        /// The validation event's ID.
        correlation_id: String => "correlationId",
        /// The partner's ID.
        partner_id: String => "partnerId",
        /// The delivery status, such as completed.
        status: String => "status",
        /// The URL the event was delivered to.
        callback_url: String => "callbackUrl",
        /// Each delivery attempt.
        results: Vec<DeliveryResult> => "results",
    }
}

wire_object! {
    /// One delivery attempt of an event.
    pub struct DeliveryResult {
        /// The HTTP status the callback answered, such as OK.
        response_code: String => "responseCode",
        /// The message the callback answered.
        response_message: String => "responseMessage",
        /// Whether the failure was a system error.
        system_error: bool => "systemError",
        /// When the attempt was made (UTC).
        date_time_utc: String => "dateTimeUtc",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(name: &str, uri: &str) -> WebhookEvent {
        WebhookEvent {
            event_name: Some("referral-updated".into()),
            resource_name: Some(name.into()),
            resource_uri: Some(uri.into()),
            ..Default::default()
        }
    }

    #[test]
    fn referral_id_is_the_last_segment() {
        let e = event("referral", "https://api.partnercenter.microsoft.com/engagements/v1/referrals/61c65491-2f2c");
        assert_eq!(e.referral_id(), Some("61c65491-2f2c"));
        let e = event("Referral", "https://api.partner.microsoft.com/v1.0/engagements/referrals/abc/?x=1");
        assert_eq!(e.referral_id(), Some("abc"));
    }

    #[test]
    fn non_referral_events_have_no_referral_id() {
        assert_eq!(event("test", "http://x/webhooks/v1/registration/validationEvents/c0bf").referral_id(), None);
        assert_eq!(event("referral", "https://x/engagements/v1/other/abc").referral_id(), None);
        assert_eq!(event("referral", "nonsense").referral_id(), None);
    }

    #[test]
    fn pascal_case_on_the_wire_and_read_in_any_case() {
        let e: WebhookEvent = crate::json::from_str(
            r#"{"eventName":"referral-created","RESOURCEURI":"https://h/engagements/v1/referrals/r1","ResourceName":"referral","AuditUri":null,"ResourceChangeUtcDate":"2018-02-17T00:05:39.5485487+00:00"}"#,
        )
        .unwrap();
        assert_eq!(e.referral_id(), Some("r1"));
        let back = serde_json::to_value(&e).unwrap();
        assert_eq!(back["EventName"], "referral-created");
        assert_eq!(back["AuditUri"], serde_json::Value::Null);
    }
}
