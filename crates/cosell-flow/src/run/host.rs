//! The world a flow runs in: the services its connections are bound to, the child flows it may
//! call, environment-variable values, the virtual clock and the seeded random numbers. The
//! caller builds it; nothing in it reads the real clock or the environment.

use super::clock::Random;
use super::definition::{Flow, FlowError, Kind};
use super::engine;
use super::record::RunRecord;
use super::service::Service;
use serde_json::{Map, Value};
use std::cell::Cell;
use std::collections::BTreeMap;

/// How a run starts.
#[derive(Debug, Clone, PartialEq)]
pub enum TriggerInput {
    /// Exactly what `triggerOutputs()` returns (`{"headers", "body"}` for a Request trigger, the
    /// Dataverse row under `body` for a row trigger). Used as given, for any trigger type.
    Outputs(Value),
    /// An HTTP request to a Request trigger (or a parent flow calling a child).
    Request { headers: Map<String, Value>, body: Value },
    /// A service event (such as a Dataverse row change) offered to an `OpenApiConnectionWebhook`
    /// trigger: the bound service decides whether it fires and with what outputs.
    Event(Value),
}

impl TriggerInput {
    /// A request with this body and no headers.
    pub fn body(body: Value) -> TriggerInput {
        TriggerInput::Request { headers: Map::new(), body }
    }
}

pub struct Host {
    pub(crate) services: BTreeMap<String, Box<dyn Service>>,
    pub(crate) flows: Vec<Flow>,
    /// The flow [`Host::run`] is running, callable as a child too (A calls B calls A).
    running: Option<Flow>,
    pub(crate) environment: Map<String, Value>,
    clock: Cell<i64>,
    random: Cell<Random>,
    /// How long a connector request waits for an answer before it times out.
    /// UNCERTAIN: 120 s, the documented outbound request timeout of Logic Apps.
    pub request_timeout_millis: i64,
    /// How deep child flows may call child flows.
    pub max_child_depth: usize,
    /// A run stops (Failed) after this many action executions: a guard against runaway loops
    /// that also bounds the executions kept in the run record.
    /// UNCERTAIN: 100,000, Power Automate's "action executions per 5 minutes" limit.
    pub max_action_executions: usize,
}

impl Host {
    /// A host whose clock starts at `start_unix_millis` and whose random numbers come from `seed`.
    pub fn new(start_unix_millis: i64, seed: u64) -> Host {
        Host {
            services: BTreeMap::new(),
            flows: Vec::new(),
            running: None,
            environment: Map::new(),
            clock: Cell::new(start_unix_millis),
            random: Cell::new(Random::new(seed)),
            request_timeout_millis: 120_000,
            max_child_depth: 8,
            max_action_executions: 100_000,
        }
    }

    /// Binds a service to a connection: `name` is a `connectionReferences` key (the actions'
    /// `host.connectionName`), or an API name (`shared_commondataserviceforapps`), which then
    /// serves every connection reference to that API.
    pub fn bind(&mut self, name: impl Into<String>, service: impl Service + 'static) -> &mut Host {
        self.services.insert(name.into(), Box::new(service));
        self
    }

    /// Makes a flow callable by `Workflow` actions (by its id, else its name).
    pub fn add_flow(&mut self, flow: Flow) -> &mut Host {
        self.flows.push(flow);
        self
    }

    /// Sets an environment variable's value, by schema name (`cosell_DealValueColumn`) or by the
    /// definition parameter's own name. Definitions read it with `parameters('…')`.
    pub fn set_environment(&mut self, name: impl Into<String>, value: Value) -> &mut Host {
        self.environment.insert(name.into(), value);
        self
    }

    pub fn now_unix_millis(&self) -> i64 {
        self.clock.get()
    }

    /// Moves the virtual clock forward (between runs, to model time passing).
    pub fn advance(&self, millis: i64) {
        self.clock.set(self.clock.get().saturating_add(millis.max(0)));
    }

    pub fn next_random(&self) -> u64 {
        let mut r = self.random.get();
        let n = r.next_u64();
        self.random.set(r);
        n
    }

    pub(crate) fn next_guid(&self) -> String {
        let mut r = self.random.get();
        let g = r.guid();
        self.random.set(r);
        g
    }

    /// Runs a flow to its end and returns what happened. Never fails: a problem at run time
    /// (an expression that cannot be evaluated, a service that answers 500) is a failed action
    /// and a failed run, in the record.
    pub fn run(&mut self, flow: &Flow, trigger: TriggerInput) -> RunRecord {
        let outer = self.running.replace(flow.clone());
        let record = engine::run_flow(self, flow, trigger, 0);
        self.running = outer;
        record
    }

    /// The service a connection of `flow` is bound to: by connection name, then by the API name
    /// in the flow's connection reference, then by the last segment of `host.apiId`.
    pub(crate) fn service_key(&self, flow: &Flow, connection: &str, host: Option<&Value>) -> Result<String, String> {
        let api = flow.connection_references.get(connection).and_then(|r| r.get("api")).and_then(|a| a.get("name"));
        let api_id = host.and_then(|h| h.get("apiId")).and_then(Value::as_str).and_then(|id| id.rsplit('/').next());
        [Some(connection), api.and_then(Value::as_str), api_id]
            .into_iter()
            .flatten()
            .find(|k| self.services.contains_key(*k))
            .map(str::to_owned)
            .ok_or_else(|| format!("no service is bound to connection {connection}"))
    }

    /// What the flow's bound connectors refuse when it is saved: an OpenApiConnection action
    /// whose operationId the connector does not define (checked where the service knows its
    /// operations; an unbound connection or a computed operationId is left to the run).
    pub fn check(&self, flow: &Flow) -> Result<(), FlowError> {
        for action in flow.all_actions() {
            if !matches!(action.kind, Kind::OpenApiConnection) {
                continue;
            }
            let inputs_path = super::path::child(&action.path, "inputs");
            let (connection, operation) = super::definition::host_of(&action.inputs, &inputs_path)?;
            let Ok(key) = self.service_key(flow, &connection, action.inputs.get("host")) else { continue };
            let known = self.services.get(&key).and_then(|s| s.operations());
            if let Some(known) = known.filter(|k| !operation.contains('@') && !k.contains(&operation)) {
                return Err(FlowError::new(
                    super::path::child(&super::path::child(&inputs_path, "host"), "operationId"),
                    format!(
                        "the connector bound to {connection} has no operation {operation} (it has {})",
                        known.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn child_flow(&self, reference: &str) -> Option<Flow> {
        let known = || self.flows.iter().chain(self.running.iter());
        let by_id = known().find(|f| f.id.as_deref().is_some_and(|id| id.eq_ignore_ascii_case(reference)));
        by_id.or_else(|| known().find(|f| f.name == reference)).cloned()
    }
}
