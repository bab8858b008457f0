//! OpenApiConnection actions (dispatched to the bound service by connection and operationId,
//! under the retry policy) and Workflow actions (child flows).

use super::definition::{Action, TriggerKind};
use super::engine::{run_flow, Outcome, Run};
use super::host::TriggerInput;
use super::record::Status;
use super::retry::{is_retryable, RetryPolicy};
use super::service::{status_name, Answer, ConnectorRequest, Reply};
use serde_json::{json, Map, Value};

impl Run<'_> {
    pub(super) fn connector_action(&mut self, action: &Action) -> Outcome {
        let inputs = match self.eval(&action.inputs) {
            Ok(v) => v,
            Err(e) => return Outcome::template(&action.name, &e),
        };
        let host = inputs.get("host");
        let field = |k: &str| host.and_then(|h| h.get(k)).and_then(Value::as_str).unwrap_or_default().to_owned();
        let (connection, operation_id) = (field("connectionName"), field("operationId"));
        let policy = match RetryPolicy::from_value(inputs.get("retryPolicy")) {
            Ok(p) => p,
            Err(message) => return Outcome::failed("InvalidRetryPolicy", message).with_inputs(inputs),
        };
        let key = match self.service_key(&connection, host) {
            Ok(k) => k,
            Err(message) => return Outcome::failed("ConnectionNotBound", message).with_inputs(inputs),
        };
        let parameters: Map<String, Value> = match inputs.get("parameters") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(p)) => p.clone(),
            Some(_) => {
                return Outcome::failed("InvalidTemplate", "inputs.parameters must be an object").with_inputs(inputs)
            }
        };
        let start = self.now();
        let mut retries = 0u32;
        loop {
            let request = ConnectorRequest {
                connection: connection.clone(),
                operation_id: operation_id.clone(),
                parameters: parameters.clone(),
                unix_millis: self.now(),
            };
            let answer = match self.host.services.get_mut(&key) {
                Some(service) => service.call(&request),
                None => return Outcome::failed("ConnectionNotBound", format!("no service is bound to {key}")),
            };
            let reply = match answer {
                Answer::Reply(reply) => Some(reply),
                Answer::TimedOut => {
                    self.host.advance(self.host.request_timeout_millis);
                    None
                }
            };
            if let Some(r) = reply.as_ref().filter(|r| r.is_success()) {
                let mut outcome = Outcome::succeeded(Some(inputs), Some(outputs(r)));
                outcome.code = Some(status_name(r.status));
                outcome.retries = retries;
                return outcome;
            }
            let out_of_time = action.timeout_millis.is_some_and(|t| self.now() - start >= t);
            if is_retryable(reply.as_ref().map(|r| r.status)) && retries < policy.count() && !out_of_time {
                retries += 1;
                let wait = policy.wait_millis(retries, self.host.next_random());
                self.host.advance(wait);
                continue;
            }
            let mut outcome = match reply {
                Some(r) => {
                    let message = r
                        .body
                        .get("error")
                        .and_then(|e| e.get("message"))
                        .and_then(Value::as_str)
                        .map_or_else(|| format!("The service answered {}.", r.status), str::to_owned);
                    let code = status_name(r.status);
                    let mut o = Outcome::failed(&code, message);
                    o.outputs = Some(outputs(&r));
                    o
                }
                // UNCERTAIN: a request that never gets an answer ends TimedOut (so runAfter
                // TimedOut handles it), with the connector's request timeout as its duration.
                None => {
                    let mut o = Outcome::failed("ActionTimedOut", format!("The request to {operation_id} timed out."));
                    o.status = Some(Status::TimedOut);
                    o
                }
            };
            outcome.inputs = Some(inputs);
            outcome.retries = retries;
            return outcome;
        }
    }

    /// Workflow: runs the child flow named by `host.workflowReferenceName` with `body` as its
    /// manual trigger's body; its Response is this action's outputs.
    pub(super) fn workflow_action(&mut self, action: &Action) -> Outcome {
        let inputs = match self.eval(&action.inputs) {
            Ok(v) => v,
            Err(e) => return Outcome::template(&action.name, &e),
        };
        let reference =
            inputs.get("host").and_then(|h| h.get("workflowReferenceName")).and_then(Value::as_str).unwrap_or("");
        let Some(child) = self.host.child_flow(reference) else {
            return Outcome::failed(
                "WorkflowNotFound",
                format!("No flow with id or name {reference:?} was given to the host"),
            )
            .with_inputs(inputs);
        };
        if !matches!(child.trigger.kind, TriggerKind::Request { .. }) {
            return Outcome::failed(
                "WorkflowTriggerIsNotManual",
                format!("The child flow {} does not start with a manual trigger", child.name),
            )
            .with_inputs(inputs);
        }
        if self.depth >= self.host.max_child_depth {
            return Outcome::failed(
                "WorkflowDepthExceeded",
                format!("Child flows nest deeper than {}", self.host.max_child_depth),
            )
            .with_inputs(inputs);
        }
        let headers = inputs.get("headers").and_then(Value::as_object).cloned().unwrap_or_default();
        let body = inputs.get("body").cloned().unwrap_or(Value::Null);
        let record = run_flow(self.host, &child, TriggerInput::Request { headers, body }, self.depth + 1);
        let mut outcome = match &record.response {
            Some(response) => {
                let status = response.get("statusCode").and_then(Value::as_u64).unwrap_or(200);
                let code = status_name(u16::try_from(status).unwrap_or(500));
                if (200..300).contains(&status) {
                    let mut o = Outcome::succeeded(None, Some(response.clone()));
                    o.code = Some(code);
                    o
                } else {
                    let mut o = Outcome::failed(&code, format!("The child flow {} answered {status}.", child.name));
                    o.outputs = Some(response.clone());
                    o
                }
            }
            // UNCERTAIN: a child without a Response is waited for; it answers 202 (as a Logic
            // Apps callee without Response does) when it succeeded, and fails the action otherwise.
            None if record.status == Status::Succeeded => {
                Outcome::succeeded(None, Some(json!({"statusCode": 202, "body": null})))
            }
            None => {
                Outcome::failed("ChildFlowFailed", format!("The child flow {} ended {}.", child.name, record.status))
            }
        };
        outcome.inputs = Some(inputs);
        outcome.child = Some(Box::new(record));
        outcome
    }
}

fn outputs(reply: &Reply) -> Value {
    json!({"statusCode": reply.status, "headers": reply.headers, "body": reply.body})
}
