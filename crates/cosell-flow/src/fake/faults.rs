//! Fault injection and the request log every fake keeps.

use crate::run::{Answer, ConnectorRequest, Reply};
use serde_json::{json, Map, Value};
use std::cell::RefCell;
use std::rc::Rc;

/// What an injected fault answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// An HTTP error status (401, 429, 500, 412, …) with the service's error body.
    Status(u16),
    /// No answer before the request timeout.
    TimedOut,
}

/// One request as the fake saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedCall {
    pub operation_id: String,
    pub parameters: Map<String, Value>,
    pub unix_millis: i64,
    /// The status answered; `None` when the request timed out.
    pub status: Option<u16>,
    /// Whether the answer was an injected fault.
    pub injected: bool,
}

struct Planned {
    operation: Option<String>,
    fault: Fault,
    remaining: usize,
}

/// Planned faults, the faults answered, the request log and the contract violations.
#[derive(Default)]
pub struct Recorder {
    plan: Vec<Planned>,
    pub(crate) injected: usize,
    pub(crate) log: Vec<LoggedCall>,
    pub(crate) violations: Vec<String>,
}

impl Recorder {
    /// Answers the next `times` requests (to `operation`, or to any when `None`) with `fault`.
    pub(crate) fn plan(&mut self, operation: Option<&str>, fault: Fault, times: usize) {
        self.plan.push(Planned { operation: operation.map(str::to_owned), fault, remaining: times });
    }

    /// The fault planned for this request, if any (consumed).
    fn take(&mut self, operation: &str) -> Option<Fault> {
        let planned = self
            .plan
            .iter_mut()
            .find(|p| p.remaining > 0 && p.operation.as_deref().is_none_or(|o| o.eq_ignore_ascii_case(operation)))?;
        planned.remaining -= 1;
        Some(planned.fault)
    }

    fn record(&mut self, request: &ConnectorRequest, answer: &Answer, injected: bool) {
        self.log.push(LoggedCall {
            operation_id: request.operation_id.clone(),
            parameters: request.parameters.clone(),
            unix_millis: request.unix_millis,
            status: match answer {
                Answer::Reply(r) => Some(r.status),
                Answer::TimedOut => None,
            },
            injected,
        });
    }

    /// Records a contract violation and answers 400 with it.
    pub(crate) fn violation(&mut self, message: String) -> Reply {
        self.violations.push(message.clone());
        Reply::error(400, "invalidRequest", message)
    }
}

fn fault_answer(fault: Fault) -> Answer {
    let (code, message) = match fault {
        Fault::TimedOut => return Answer::TimedOut,
        Fault::Status(401) => ("unauthenticated", "The request was not authenticated."),
        Fault::Status(403) => ("accessDenied", "The caller does not have the rights to invoke the operation."),
        Fault::Status(404) => ("itemNotFound", "The resource was not found."),
        Fault::Status(412) => ("preconditionFailed", "The resource has been modified; the eTag does not match."),
        Fault::Status(429) => ("tooManyRequests", "Rate limit is exceeded. Try again later."),
        Fault::Status(503) => ("serviceNotAvailable", "The service is not available."),
        Fault::Status(_) => ("generalException", "An injected failure."),
    };
    let Fault::Status(status) = fault else { return Answer::TimedOut };
    let mut reply = Reply::new(status, json!({"error": {"code": code, "message": message}}));
    if status == 429 {
        reply.headers.insert("Retry-After".into(), json!("1"));
    }
    Answer::Reply(reply)
}

/// A fake's state: its recorder and how it answers a request that is not faulted.
pub(crate) trait FakeState {
    fn recorder(&mut self) -> &mut Recorder;
    fn answer(&mut self, request: &ConnectorRequest) -> Reply;
}

/// Answers a request: an injected fault if one is planned, else the fake's own answer; logs it.
pub(crate) fn respond<S: FakeState>(state: &mut S, request: &ConnectorRequest) -> Answer {
    let (answer, injected) = match state.recorder().take(&request.operation_id) {
        Some(fault) => {
            state.recorder().injected += 1;
            (fault_answer(fault), true)
        }
        None => (Answer::Reply(state.answer(request)), false),
    };
    state.recorder().record(request, &answer, injected);
    answer
}

/// Shared, mutable state behind a cloneable handle.
pub(crate) struct Shared<T>(Rc<RefCell<T>>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Rc::clone(&self.0))
    }
}

impl<T> Shared<T> {
    pub fn new(value: T) -> Shared<T> {
        Shared(Rc::new(RefCell::new(value)))
    }

    /// Runs `f` on the state; `fallback` if the state is already borrowed (only possible if a
    /// caller re-entered the fake from inside itself).
    pub fn with<R>(&self, fallback: R, f: impl FnOnce(&mut T) -> R) -> R {
        match self.0.try_borrow_mut() {
            Ok(mut state) => f(&mut state),
            Err(_) => fallback,
        }
    }
}

impl<T: FakeState> Shared<T> {
    /// Answers a connector request (the body of every fake's `Service::call`).
    pub fn respond(&self, request: &ConnectorRequest) -> Answer {
        let busy = Answer::Reply(Reply::error(500, "generalException", "the fake is busy"));
        self.with(busy, |s| respond(s, request))
    }

    /// The recorder, for [`FakeService`].
    pub fn with_recorder<R>(&self, fallback: R, f: impl FnOnce(&mut Recorder) -> R) -> R {
        self.with(fallback, |s| f(s.recorder()))
    }
}

/// Fault injection and the request log, common to every fake.
pub trait FakeService {
    #[doc(hidden)]
    fn with_recorder<R>(&self, fallback: R, f: impl FnOnce(&mut Recorder) -> R) -> R;

    /// Answers the next `times` requests (any operation) with `fault`.
    fn fail_next(&self, fault: Fault, times: usize) {
        self.with_recorder((), |r| r.plan(None, fault, times));
    }

    /// Answers the next `times` requests to `operation_id` with `fault`.
    fn fail_operation(&self, operation_id: &str, fault: Fault, times: usize) {
        self.with_recorder((), |r| r.plan(Some(operation_id), fault, times));
    }

    /// How many injected faults have been answered.
    fn faults_injected(&self) -> usize {
        self.with_recorder(0, |r| r.injected)
    }

    /// Every request, in order, with its answer's status.
    fn log(&self) -> Vec<LoggedCall> {
        self.with_recorder(Vec::new(), |r| r.log.clone())
    }

    /// The requests to one operation.
    fn calls(&self, operation_id: &str) -> Vec<LoggedCall> {
        self.log().into_iter().filter(|c| c.operation_id == operation_id).collect()
    }

    /// Requests that broke the service's contract (unknown operation, parameter, field, column).
    fn violations(&self) -> Vec<String> {
        self.with_recorder(Vec::new(), |r| r.violations.clone())
    }
}
