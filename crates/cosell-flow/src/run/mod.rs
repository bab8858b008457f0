//! The flow runner: runs a flow definition against services, producing a run record.
//!
//! ```text
//! Flow::from_json_text ─► Host (services, child flows, environment, clock, seed) ─► Host::run ─► RunRecord
//! ```
//!
//! Deterministic: the clock is virtual (it moves only for retry waits, timeouts and Wait
//! actions) and random numbers come from the host's seed.

mod clock;
mod condition;
mod connector;
mod context;
mod control;
mod data;
mod definition;
mod engine;
mod host;
pub(crate) mod path;
mod record;
mod retry;
pub(crate) mod schema;
mod scope;
mod service;
mod variables;

pub use clock::{format_instant, parse_duration, parse_instant, Random};
pub use context::{ContextScope, DEFAULT_NOW_UNIX_MILLIS};
pub use definition::{Action, Case, Flow, FlowError, Graph, Kind, Parameter, Trigger, TriggerKind};
pub use host::{Host, TriggerInput};
pub use record::{ActionRecord, RunRecord, Status};
pub use retry::{is_retryable, RetryPolicy};
pub use service::{status_name, Answer, ConnectorRequest, Reply, Service};
pub use variables::VarType;
