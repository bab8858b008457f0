//! The workflow definition language: parse and evaluate expressions.
//!
//! Interface shared with [`crate::run`] (keep it stable): [`Scope`] is how the evaluator reaches
//! the flow runtime (workflow functions such as `body()`, `variables()`, `items()`), the clock
//! and randomness; nothing else in the evaluator depends on the runner.

use serde_json::Value;

/// What an expression can see of the running flow. Implemented by the runner (and by the CLI's
/// `--context` file).
pub trait Scope {
    /// A workflow function (`actions`, `body`, `outputs`, `result`, `trigger`, `triggerBody`,
    /// `triggerOutputs`, `triggerFormDataValue`, …, `variables`, `parameters`, `items`, `item`,
    /// `iterationIndexes`, `workflow`) called with already-evaluated arguments. `None` when this
    /// scope does not define `name` (the evaluator then reports an unknown function); `Some(Err)`
    /// with a message when it is defined but fails (for example an action that has not run).
    fn runtime(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>>;

    /// The current instant, as milliseconds since 1970-01-01T00:00:00Z (`utcNow()`); injected so
    /// that a run is reproducible.
    fn now_unix_millis(&self) -> i64;

    /// The next pseudo-random number (`guid()`, `rand()`); injected for the same reason.
    fn next_random(&self) -> u64;
}
