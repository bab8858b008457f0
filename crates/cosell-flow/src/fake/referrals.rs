//! A fake Partner Center Referrals service behind `connector/partner-center-referrals`:
//! referrals in memory with eTags (a stale If-Match answers 412), the status machine of
//! `cosell_core::status`, list paging and the `$filter` subset, every request checked against
//! the connector's schemas.

use super::faults::{FakeService, FakeState, Recorder, Shared};
use super::odata;
use super::openapi::{BoundRequest, Connector};
use crate::run::{format_instant, Answer, ConnectorRequest, Reply, Service};
use cosell_core::referral::{ReferralStatus, ReferralSubstatus};
use cosell_core::status;
use serde_json::{json, Map, Value};

/// The project's generated connector, read at build time so the fake follows it.
const SWAGGER: &str = include_str!("../../../../connector/partner-center-referrals/apiDefinition.swagger.json");

const BASE: &str = "https://api.partner.microsoft.com/v1.0/engagements/referrals";

/// The properties Partner Center requires on create (create-a-referral, request body table).
/// The partner organization the fake answers as: Partner Center stamps the creating partner's
/// organization on every referral it creates (Microsoft's documented create response).
pub const PARTNER_ORGANIZATION_ID: &str = "7d23e5ca-19dc-4eaa-aac8-5e6b559f0d1d";
/// The name Partner Center stamps beside [`PARTNER_ORGANIZATION_ID`].
pub const PARTNER_ORGANIZATION_NAME: &str = "Contoso Company";

const REQUIRED_ON_CREATE: [&str; 4] = ["type", "customerProfile", "consent", "details"];

/// A handle to the fake; clones share the same state.
#[derive(Clone)]
pub struct PartnerCenterReferrals(Shared<State>);

pub(crate) struct State {
    connector: Connector,
    recorder: Recorder,
    referrals: Vec<Value>,
    counter: u64,
    /// Referrals per list page. UNCERTAIN: Partner Center documents no page size.
    page_size: usize,
    now: i64,
}

impl Default for PartnerCenterReferrals {
    fn default() -> Self {
        PartnerCenterReferrals::new()
    }
}

impl PartnerCenterReferrals {
    /// A fake driven by the project's own connector.
    pub fn new() -> PartnerCenterReferrals {
        PartnerCenterReferrals::with_connector(Connector::from_swagger(SWAGGER).unwrap_or_else(|_| Connector::empty()))
    }

    /// A fake driven by another definition of the same API.
    pub fn with_connector(connector: Connector) -> PartnerCenterReferrals {
        PartnerCenterReferrals(Shared::new(State {
            connector,
            recorder: Recorder::default(),
            referrals: Vec::new(),
            counter: 0,
            page_size: 100,
            now: 0,
        }))
    }

    /// Adds a referral as Partner Center holds it (created by Microsoft or in Partner Center's
    /// UI): the id, eTag, engagementId and dates are filled in when absent. Returns the id.
    pub fn seed(&self, referral: Value) -> String {
        self.0.with(String::new(), |s| s.insert(referral, "Incoming"))
    }

    /// Changes a referral as someone in Partner Center would (a Microsoft seller's edit): merges
    /// `changes` into it (objects recursively) and gives it a new eTag, which it returns.
    pub fn edit(&self, id: &str, changes: &Value) -> Option<String> {
        self.0.with(None, |s| {
            let index = s.index(id)?;
            let mut referral = s.referrals.get(index)?.clone();
            merge(&mut referral, changes);
            s.stamp(&mut referral, false);
            let etag = referral.get("eTag").and_then(Value::as_str).map(str::to_owned);
            *s.referrals.get_mut(index)? = referral;
            etag
        })
    }

    /// The body Partner Center posts to the registered webhook for an event on a referral.
    pub fn webhook_event(&self, event_name: &str, id: &str) -> Value {
        let now = self.0.with(0, |s| s.now);
        json!({
            "EventName": event_name,
            "ResourceUri": format!("https://api.partnercenter.microsoft.com/engagements/v1/referrals/{id}"),
            "ResourceName": "referral",
            "AuditUri": null,
            "ResourceChangeUtcDate": format_instant(now)
        })
    }

    pub fn referral(&self, id: &str) -> Option<Value> {
        self.0.with(None, |s| s.index(id).and_then(|i| s.referrals.get(i).cloned()))
    }

    pub fn referrals(&self) -> Vec<Value> {
        self.0.with(Vec::new(), |s| s.referrals.clone())
    }

    pub fn set_page_size(&self, size: usize) {
        self.0.with((), |s| s.page_size = size.max(1));
    }

    /// Sets the instant the fake stamps on referrals it changes outside a flow's requests.
    pub fn set_now(&self, unix_millis: i64) {
        self.0.with((), |s| s.now = unix_millis);
    }

    /// The referrals as JSON (for `cosell flow run --state`).
    pub fn state(&self) -> Value {
        Value::Array(self.referrals())
    }

    /// Replaces the referrals with a saved state (an array of referrals), kept as they are.
    pub fn load_state(&self, state: &Value) -> Result<(), String> {
        let list = state.as_array().ok_or("the referrals state must be an array of referrals")?;
        self.0.with((), |s| {
            s.referrals = list.clone();
            s.counter = list.len() as u64;
        });
        Ok(())
    }
}

impl FakeService for PartnerCenterReferrals {
    fn with_recorder<R>(&self, fallback: R, f: impl FnOnce(&mut Recorder) -> R) -> R {
        self.0.with_recorder(fallback, f)
    }
}

impl Service for PartnerCenterReferrals {
    fn call(&mut self, request: &ConnectorRequest) -> Answer {
        self.0.respond(request)
    }

    fn operations(&self) -> Option<Vec<String>> {
        self.0.with(None, |s| Some(s.connector.operation_ids().into_iter().map(str::to_owned).collect()))
    }
}

impl FakeState for State {
    fn recorder(&mut self) -> &mut Recorder {
        &mut self.recorder
    }

    fn answer(&mut self, request: &ConnectorRequest) -> Reply {
        self.now = request.unix_millis;
        let bound = match self.connector.bind(&request.operation_id, &request.parameters) {
            Ok(b) => b,
            Err(errors) => return self.recorder.violation(format!("{}: {}", request.operation_id, errors.join("; "))),
        };
        match request.operation_id.as_str() {
            "GetAllReferrals" | "GetRelatedReferrals" => self.list(&bound),
            "CreateReferral" => self.create(bound.body.unwrap_or(Value::Null)),
            "GetReferralById" => match self.find(&bound) {
                Ok(i) => Reply::new(200, self.referrals.get(i).cloned().unwrap_or(Value::Null)),
                Err(r) => r,
            },
            "PatchReferralById" | "CreateDealRegistrationByReferralId" | "PatchDealRegistrationByReferralId" => {
                self.patch(&bound)
            }
            "UpdateReferralById" => self.put(&bound),
            other => {
                self.recorder.violation(format!("operation {other} is in the connector but not modelled by the fake"))
            }
        }
    }
}

impl State {
    fn next_id(&mut self) -> String {
        self.counter += 1;
        format!("{:08x}-0000-4000-8000-{:012x}", 0x5eed_0000u32, self.counter)
    }

    fn index(&self, id: &str) -> Option<usize> {
        self.referrals
            .iter()
            .position(|r| r.get("id").and_then(Value::as_str).is_some_and(|r| r.eq_ignore_ascii_case(id)))
    }

    fn find(&self, bound: &BoundRequest) -> Result<usize, Reply> {
        let id = bound.path.get("id").and_then(Value::as_str).unwrap_or("");
        self.index(id).ok_or_else(|| Reply::error(404, "itemNotFound", format!("The referral {id} was not found.")))
    }

    /// Fills the service-owned properties: a new eTag and updatedDateTime each time; id-based
    /// links, engagementId and createdDateTime once.
    fn stamp(&mut self, referral: &mut Value, created: bool) {
        self.counter += 1;
        let now = format_instant(self.now);
        let etag = format!("\"{:08x}-0000-0000-0000-{:012x}\"", self.counter, self.now.max(0));
        let engagement = format!("{:08x}-0000-4000-9000-{:012x}", 0xe46a_0000u32, self.counter);
        let Some(o) = referral.as_object_mut() else { return };
        let id = o.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
        o.insert("eTag".into(), json!(etag));
        o.insert("updatedDateTime".into(), json!(now));
        if created {
            o.entry("createdDateTime").or_insert(json!(now));
            let engagement_id = o.entry("engagementId").or_insert(json!(engagement)).clone();
            o.insert(
                "links".into(),
                json!({
                    "self": {"uri": format!("{BASE}/{id}"), "method": "GET"},
                    "relatedReferrals": {"uri": format!("{BASE}?$filter=engagementId eq '{}'", engagement_id.as_str().unwrap_or_default()), "method": "GET"}
                }),
            );
        }
    }

    fn insert(&mut self, referral: Value, direction: &str) -> String {
        let mut referral = if referral.is_object() { referral } else { json!({}) };
        let id = match referral.get("id").and_then(Value::as_str) {
            Some(id) => id.to_owned(),
            None => self.next_id(),
        };
        if let Some(o) = referral.as_object_mut() {
            o.insert("id".into(), json!(id));
            o.entry("direction").or_insert(json!(direction));
            if direction == "Outgoing" {
                o.entry("organizationId").or_insert(json!(PARTNER_ORGANIZATION_ID));
                o.entry("organizationName").or_insert(json!(PARTNER_ORGANIZATION_NAME));
            }
            o.entry("status").or_insert(json!("New"));
            o.entry("substatus").or_insert(json!("Pending"));
        }
        self.stamp(&mut referral, true);
        self.referrals.push(referral);
        id
    }

    fn create(&mut self, mut body: Value) -> Reply {
        let missing: Vec<&str> = REQUIRED_ON_CREATE.iter().copied().filter(|k| body.get(k).is_none()).collect();
        if !missing.is_empty() {
            return Reply::error(
                400,
                "invalidRequest",
                format!("The referral is missing required properties: {}", missing.join(", ")),
            );
        }
        if let Some(o) = body.as_object_mut() {
            for service_owned in ["id", "eTag", "createdDateTime", "updatedDateTime", "links"] {
                o.remove(service_owned);
            }
        }
        let (status, substatus) = pair(&body, ("New", "Pending"));
        if let Err(e) = status::check_pair(&status, &substatus) {
            return Reply::error(400, "invalidRequest", e.to_string());
        }
        let id = self.insert(body, "Outgoing");
        Reply::new(200, self.index(&id).and_then(|i| self.referrals.get(i).cloned()).unwrap_or(Value::Null))
    }

    /// The If-Match check: a given eTag must be the referral's current one.
    fn precondition(&self, bound: &BoundRequest, current: &Value) -> Result<(), Reply> {
        let given = bound.header("If-Match").and_then(Value::as_str);
        let etag = current.get("eTag").and_then(Value::as_str).unwrap_or_default();
        match given {
            Some(g) if g != "*" && g != etag => Err(Reply::error(
                412,
                "preconditionFailed",
                format!("The referral was modified: If-Match {g} does not match the current eTag {etag}."),
            )),
            _ => Ok(()),
        }
    }

    /// The referral a write names, once its If-Match holds.
    fn current(&self, bound: &BoundRequest) -> Result<(usize, Value), Reply> {
        let index = self.find(bound)?;
        let current = self.referrals.get(index).cloned().ok_or_else(|| Reply::error(404, "itemNotFound", "gone"))?;
        self.precondition(bound, &current)?;
        Ok((index, current))
    }

    fn patch(&mut self, bound: &BoundRequest) -> Reply {
        let (index, current) = match self.current(bound) {
            Ok(found) => found,
            Err(r) => return r,
        };
        let mut next = current.clone();
        for (i, op) in bound.body.as_ref().and_then(Value::as_array).into_iter().flatten().enumerate() {
            let path = op.get("path").and_then(Value::as_str).unwrap_or_default();
            if let Err(message) = apply(&mut next, path, op.get("value").cloned().unwrap_or(Value::Null)) {
                return Reply::error(400, "invalidRequest", format!("operation {i}: {message}"));
            }
        }
        self.commit(index, &current, next, bound)
    }

    /// The legacy PUT: If-Match is required (the connector says so), the whole referral replaced.
    fn put(&mut self, bound: &BoundRequest) -> Reply {
        let (index, current) = match self.current(bound) {
            Ok(found) => found,
            Err(r) => return r,
        };
        let mut next = bound.body.clone().unwrap_or(Value::Null);
        let Some(o) = next.as_object_mut() else {
            return Reply::error(400, "invalidRequest", "The body must be a referral.");
        };
        if o.get("id").and_then(Value::as_str).is_some_and(|id| Some(id) != current.get("id").and_then(Value::as_str)) {
            return Reply::error(400, "invalidRequest", "The referral id in the body does not match the URL.");
        }
        for kept in ["id", "createdDateTime", "engagementId", "links", "direction"] {
            if let Some(v) = current.get(kept) {
                o.insert(kept.into(), v.clone());
            }
        }
        self.commit(index, &current, next, bound)
    }

    /// Checks the status machine, stores the change with a new eTag, answers per `Prefer`.
    fn commit(&mut self, index: usize, current: &Value, mut next: Value, bound: &BoundRequest) -> Reply {
        let from = pair(current, ("None", "None"));
        let to = pair(&next, ("None", "None"));
        if from.0 == ReferralStatus::Closed && current != &next {
            return Reply::error(
                400,
                "invalidRequest",
                format!("The referral is closed ({}); it cannot be changed.", from.1),
            );
        }
        if let Err(e) = status::check_transition((&from.0, &from.1), (&to.0, &to.1)) {
            return Reply::error(400, "invalidRequest", e.to_string());
        }
        self.stamp(&mut next, false);
        if let Some(slot) = self.referrals.get_mut(index) {
            *slot = next.clone();
        }
        let representation =
            bound.header("Prefer").and_then(Value::as_str).is_some_and(|p| p.contains("return=representation"));
        if representation || bound.method == "PUT" {
            Reply::new(200, next)
        } else {
            Reply::new(204, Value::Null)
        }
    }

    fn list(&self, bound: &BoundRequest) -> Reply {
        let filter = match bound.query.get("$filter").and_then(Value::as_str) {
            Some(text) => match odata::parse(text) {
                Ok(f) => Some(f),
                Err(e) => return Reply::error(400, "invalidRequest", format!("$filter {e}")),
            },
            None => None,
        };
        let mut matching: Vec<&Value> =
            self.referrals.iter().filter(|r| filter.as_ref().is_none_or(|f| f.matches(r))).collect();
        if let Some(order) = bound.query.get("$orderby").and_then(Value::as_str) {
            let mut words = order.split_whitespace();
            let field = words.next().unwrap_or_default().to_owned();
            if !["createdDateTime", "updatedDateTime"].contains(&field.as_str()) {
                return Reply::error(
                    400,
                    "invalidRequest",
                    format!("$orderby supports createdDateTime and updatedDateTime, not {field}"),
                );
            }
            let descending = words.next().is_some_and(|d| d.eq_ignore_ascii_case("desc"));
            matching.sort_by(|a, b| {
                let (x, y) = (a.get(&field).and_then(Value::as_str), b.get(&field).and_then(Value::as_str));
                if descending {
                    y.cmp(&x)
                } else {
                    x.cmp(&y)
                }
            });
        }
        let number = |key: &str| {
            bound.query.get(key).and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())))
        };
        let skip = usize::try_from(number("$skip").unwrap_or(0)).unwrap_or(usize::MAX);
        let top = number("$top").and_then(|t| usize::try_from(t).ok());
        let total = matching.len();
        // OData applies $skip before $top: $top counts from the first row after the skipped ones.
        let after_skip = total.saturating_sub(skip);
        let wanted = top.map_or(after_skip, |t| t.min(after_skip));
        let page: Vec<Value> = matching
            .iter()
            .skip(skip)
            .take(wanted.min(self.page_size))
            .map(|r| select(r, bound.query.get("$select")))
            .collect();
        let mut out = Map::new();
        out.insert("@odata.context".into(), json!(format!("{BASE}/$metadata#referrals")));
        if bound.query.get("$count").is_some_and(|c| c == &json!(true) || c == &json!("true")) {
            out.insert("@odata.count".into(), json!(total));
        }
        let next_skip = skip + page.len();
        if page.len() < wanted {
            let mut link = format!("{BASE}?$skip={next_skip}");
            if let Some(t) = top {
                link.push_str(&format!("&$top={}", t.saturating_sub(page.len())));
            }
            if let Some(f) = bound.query.get("$filter").and_then(Value::as_str) {
                link.push_str(&format!("&$filter={f}"));
            }
            out.insert("@odata.nextLink".into(), json!(link));
        }
        out.insert("value".into(), Value::Array(page));
        Reply::new(200, Value::Object(out))
    }
}

/// A referral's (status, substatus), with defaults for absent ones.
fn pair(referral: &Value, default: (&str, &str)) -> (ReferralStatus, ReferralSubstatus) {
    let text = |k: &str, d: &str| referral.get(k).and_then(Value::as_str).unwrap_or(d).to_owned();
    (ReferralStatus::parse(&text("status", default.0)), ReferralSubstatus::parse(&text("substatus", default.1)))
}

/// `$select=id,status`: only those top-level properties.
fn select(referral: &Value, fields: Option<&Value>) -> Value {
    let Some(list) = fields.and_then(Value::as_str) else { return referral.clone() };
    let wanted: Vec<&str> = list.split(',').map(str::trim).collect();
    let kept: Map<String, Value> = referral
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| wanted.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Value::Object(kept)
}

/// Applies one JSON Patch `add`/`replace` at a JSON Pointer; `/-` appends to an array.
/// UNCERTAIN: `replace` of an absent property adds it (Partner Center's strictness is not documented).
fn apply(doc: &mut Value, pointer: &str, value: Value) -> Result<(), String> {
    let segments: Vec<String> = pointer.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~")).collect();
    let Some((last, parents)) = segments.split_last() else { return Err(format!("{pointer:?} is not a JSON Pointer")) };
    let mut at = doc;
    for (i, segment) in parents.iter().enumerate() {
        let next_is_append = segments.get(i + 1).is_some_and(|n| n == "-");
        at = match at {
            Value::Object(map) => {
                map.entry(segment.clone()).or_insert_with(|| if next_is_append { json!([]) } else { json!({}) })
            }
            Value::Array(items) => segment
                .parse::<usize>()
                .ok()
                .and_then(|i| items.get_mut(i))
                .ok_or_else(|| format!("{pointer}: no element {segment}"))?,
            _ => return Err(format!("{pointer}: {segment} is not inside an object or array")),
        };
    }
    match at {
        Value::Object(_) if last == "-" => Err(format!("{pointer}: /- appends to an array, not to an object")),
        Value::Object(map) => {
            map.insert(last.clone(), value);
            Ok(())
        }
        Value::Array(items) if last == "-" => {
            items.push(value);
            Ok(())
        }
        Value::Array(items) => match last.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
            Some(slot) => {
                *slot = value;
                Ok(())
            }
            None => Err(format!("{pointer}: no element {last}")),
        },
        Value::Null => {
            *at = if last == "-" { json!([value]) } else { json!({ last.clone(): value }) };
            Ok(())
        }
        _ => Err(format!("{pointer}: the parent is not an object or array")),
    }
}

/// Merges `changes` into `doc`, objects recursively.
fn merge(doc: &mut Value, changes: &Value) {
    match (doc, changes) {
        (Value::Object(target), Value::Object(source)) => {
            for (k, v) in source {
                match target.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => merge(existing, v),
                    _ => {
                        target.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (doc, changes) => *doc = changes.clone(),
    }
}
