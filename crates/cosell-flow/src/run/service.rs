//! What the engine asks of a service behind a connector: answer an operation, and decide
//! whether an event fires a webhook trigger. The fakes implement it; so can a test.

use serde_json::{Map, Value};

/// One connector operation as an `OpenApiConnection` action sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectorRequest {
    /// `host.connectionName`: the key in the flow's `connectionReferences`.
    pub connection: String,
    /// `host.operationId`.
    pub operation_id: String,
    /// The evaluated `parameters`, keyed as in the definition (`entityName`, `item/name`,
    /// `Referral/details/dealValue`, `If-Match`, …).
    pub parameters: Map<String, Value>,
    /// The virtual instant the request is sent.
    pub unix_millis: i64,
}

/// A service's HTTP answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub headers: Map<String, Value>,
    pub body: Value,
}

impl Reply {
    pub fn new(status: u16, body: Value) -> Reply {
        Reply { status, headers: Map::new(), body }
    }

    /// `{"error": {"code", "message"}}`, the error shape of Partner Center and Dataverse.
    pub fn error(status: u16, code: &str, message: impl Into<String>) -> Reply {
        let message: String = message.into();
        Reply::new(status, serde_json::json!({"error": {"code": code, "message": message}}))
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// A reply, or no reply before the connector's request timeout.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Reply(Reply),
    TimedOut,
}

/// A service a connection is bound to.
pub trait Service {
    /// Answers one operation.
    fn call(&mut self, request: &ConnectorRequest) -> Answer;

    /// The operationIds the connector defines, when its definition is known (a fake built from
    /// the connector's swagger): [`crate::run::Host::check`] refuses an action calling another.
    fn operations(&self) -> Option<Vec<String>> {
        None
    }

    /// Whether `event` fires an `OpenApiConnectionWebhook` trigger with these evaluated
    /// parameters: `Ok(Some(outputs))` (what `triggerOutputs()` returns), `Ok(None)` when the
    /// trigger's filters do not match, `Err` when the subscription itself is invalid.
    fn trigger(
        &mut self,
        operation_id: &str,
        parameters: &Map<String, Value>,
        event: &Value,
    ) -> Result<Option<Value>, String> {
        let _ = (parameters, event);
        Err(format!("this service has no webhook trigger {operation_id}"))
    }
}

/// The name the runtime shows for an HTTP status (`NotFound`), as in an action's `code`.
pub fn status_name(status: u16) -> String {
    const NAMES: &[(u16, &str)] = &[
        (200, "OK"),
        (201, "Created"),
        (202, "Accepted"),
        (204, "NoContent"),
        (400, "BadRequest"),
        (401, "Unauthorized"),
        (403, "Forbidden"),
        (404, "NotFound"),
        (405, "MethodNotAllowed"),
        (408, "RequestTimeout"),
        (409, "Conflict"),
        (412, "PreconditionFailed"),
        (413, "RequestEntityTooLarge"),
        (429, "TooManyRequests"),
        (500, "InternalServerError"),
        (501, "NotImplemented"),
        (502, "BadGateway"),
        (503, "ServiceUnavailable"),
        (504, "GatewayTimeout"),
    ];
    NAMES.iter().find(|(s, _)| *s == status).map_or_else(|| status.to_string(), |(_, n)| (*n).to_owned())
}
