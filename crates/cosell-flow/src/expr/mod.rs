//! The workflow definition language: parse and evaluate expressions.
//!
//! Text goes one way: `template` splits a flow string into text and expressions, `syntax`
//! parses an expression (resolving function names once, checking arity), `eval` walks it with
//! the caller's [`Scope`], and `functions` holds one table row per function of Microsoft's
//! reference (`expression-functions-reference.md`), grouped by its categories. Values are
//! `serde_json::Value`; binary content is `{"$content-type": …, "$content": base64}` and XML is
//! binary content of type `application/xml;charset=utf-8`.
//!
//! Interface shared with [`crate::run`] (keep it stable): [`Scope`] is how the evaluator reaches
//! the flow runtime (workflow functions such as `body()`, `variables()`, `items()`), the clock
//! and randomness; nothing else in the evaluator depends on the runner.
//!
//! What is left out, and why:
//! - `xpath()` covers an XPath 1.0 subset (`xpath.rs` lists it): the axes and functions flows
//!   use; the rest (`following-sibling`, `translate`, `id`, variables, …) is an error.
//! - The workflow functions (`action`, `actions`, `body`, `formDataMultiValues`,
//!   `formDataValue`, `item`, `items`, `iterationIndexes`, `listCallbackUrl`, `multipartBody`,
//!   `outputs`, `parameters`, `result`, `trigger`, `triggerBody`, `triggerFormDataMultiValues`,
//!   `triggerFormDataValue`, `triggerMultipartBody`, `triggerOutputs`, `variables`, `workflow`)
//!   are the [`Scope`]'s: they need the run.
//!
//! Known differences from the runtime, each marked `UNCERTAIN` where it is decided:
//! - numbers are JSON numbers (i64 or f64): `decimal()` keeps 17 significant digits, not 28;
//! - objects are serde_json maps without `preserve_order`, so their keys come out sorted (this
//!   shows in `xml()` of an object with several children; the workspace would need
//!   `preserve_order` to keep insertion order, which changes cosell-core's output);
//! - cultures are the rows of `culture` (en-US by default, and en-GB, de, fr, es, it, nl,
//!   pt-BR, is); another locale is an error;
//! - time zones are Windows ids mapped to the bundled IANA database (`time::zones`).

mod culture;
mod cursor;
mod encoding;
mod eval;
mod functions;
mod number_format;
mod syntax;
mod template;
mod time;
mod value;
mod xml;
mod xpath;

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

/// An expression that cannot be parsed or evaluated, with the position it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    /// Character offset (0-based, in `char`s) into the text that was given.
    pub position: usize,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl std::fmt::Display for ExprError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at position {}: {}", self.position, self.message)
    }
}

impl std::error::Error for ExprError {}

/// Evaluates a string value as it appears in a flow definition: `@expr` gives the expression's
/// value (any JSON type), a string with `@{…}` parts gives a string, `@@` escapes a literal `@`,
/// and any other string is itself.
pub fn evaluate_template(text: &str, scope: &dyn Scope) -> Result<Value, ExprError> {
    let parsed = template::parse(text).map_err(|e| error_at(text, e.at, e.message))?;
    eval::template(&parsed, scope).map_err(|e| error_at(text, e.at, e.message))
}

/// Evaluates a bare expression (no leading `@`), as typed in the designer's expression editor.
pub fn evaluate_expression(expression: &str, scope: &dyn Scope) -> Result<Value, ExprError> {
    let node = syntax::parse(expression).map_err(|e| error_at(expression, e.at, e.message))?;
    eval::evaluate(&node, scope).map_err(|e| error_at(expression, e.at, e.message))
}

/// Parses a template without evaluating it: the syntax and the arity of every function this
/// module implements are checked (workflow functions are checked by whoever knows the flow).
pub fn check_template(text: &str) -> Result<(), ExprError> {
    template::parse(text).map(drop).map_err(|e| error_at(text, e.at, e.message))
}

/// A template parsed once, to be evaluated many times (a loop's body, a benchmark): the same
/// result as [`evaluate_template`] without parsing again.
#[derive(Debug, Clone)]
pub struct CompiledTemplate {
    text: String,
    template: template::Template,
}

impl CompiledTemplate {
    pub fn new(text: &str) -> Result<CompiledTemplate, ExprError> {
        let template = template::parse(text).map_err(|e| error_at(text, e.at, e.message))?;
        Ok(CompiledTemplate { text: text.to_owned(), template })
    }

    pub fn evaluate(&self, scope: &dyn Scope) -> Result<Value, ExprError> {
        eval::template(&self.template, scope).map_err(|e| error_at(&self.text, e.at, e.message))
    }

    /// The template's text, as given.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// The names of the functions the evaluator implements itself (not the workflow functions).
pub fn function_names() -> impl Iterator<Item = &'static str> {
    functions::all()
}

/// Evaluates every string inside a JSON value (action inputs), as [`evaluate_template`] does.
pub fn evaluate_json(value: &Value, scope: &dyn Scope) -> Result<Value, ExprError> {
    match value {
        Value::String(s) => evaluate_template(s, scope),
        Value::Array(items) => {
            items.iter().map(|v| evaluate_json(v, scope)).collect::<Result<_, _>>().map(Value::Array)
        }
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| Ok((k.clone(), evaluate_json(v, scope)?)))
            .collect::<Result<_, _>>()
            .map(Value::Object),
        other => Ok(other.clone()),
    }
}

/// An error at byte offset `at` of `text`, reported as a character offset.
fn error_at(text: &str, at: usize, message: String) -> ExprError {
    let position = text.get(..at).map_or_else(|| text.chars().count(), |before| before.chars().count());
    ExprError { position, message }
}
