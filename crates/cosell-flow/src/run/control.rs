//! Response, Terminate and Wait.

use super::clock::{parse_duration, parse_instant};
use super::definition::Action;
use super::engine::{Outcome, Run};
use super::record::Status;
use serde_json::{json, Value};

impl Run<'_> {
    /// Response: the HTTP answer to a Request trigger (or to a parent flow). The first one wins.
    pub(super) fn response_action(&mut self, action: &Action) -> Outcome {
        let inputs = match self.eval(&action.inputs) {
            Ok(v) => v,
            Err(e) => return Outcome::template(&action.name, &e),
        };
        let status = match inputs.get("statusCode") {
            None => 200,
            Some(v) => match v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())) {
                Some(code @ 100..=599) => code,
                _ => {
                    return Outcome::failed("InvalidTemplate", format!("Response statusCode {v} is not an HTTP status"))
                        .with_inputs(inputs)
                }
            },
        };
        let response = json!({
            "statusCode": status,
            "headers": inputs.get("headers").cloned().unwrap_or_else(|| json!({})),
            "body": inputs.get("body").cloned().unwrap_or(Value::Null),
        });
        if self.response.is_some() {
            return Outcome::failed("ActionResponseAlreadySent", "The run has already sent a response")
                .with_inputs(inputs);
        }
        self.response = Some(response.clone());
        Outcome::succeeded(Some(inputs), Some(response))
    }

    /// Terminate: ends the run with `runStatus` (Succeeded, Failed, Cancelled) and `runError`.
    pub(super) fn terminate_action(&mut self, action: &Action) -> Outcome {
        let inputs = match self.eval(&action.inputs) {
            Ok(v) => v,
            Err(e) => return Outcome::template(&action.name, &e),
        };
        let written = inputs.get("runStatus").and_then(Value::as_str).unwrap_or("");
        let status = match super::record::Status::parse(written) {
            Some(s @ (Status::Succeeded | Status::Failed | Status::Cancelled)) => s,
            _ => {
                return Outcome::failed(
                    "InvalidTemplate",
                    format!("Terminate runStatus must be Succeeded, Failed or Cancelled, found {written:?}"),
                )
                .with_inputs(inputs)
            }
        };
        let error = (status == Status::Failed).then(|| {
            let e = inputs.get("runError").cloned().unwrap_or_else(|| json!({}));
            json!({
                "code": e.get("code").cloned().unwrap_or_else(|| json!("Terminated")),
                "message": e.get("message").cloned().unwrap_or_else(|| json!("The run was terminated.")),
            })
        });
        self.terminated = Some((status, error));
        Outcome::succeeded(Some(inputs), None)
    }

    /// Wait (Delay / Delay until): moves the virtual clock.
    pub(super) fn wait_action(&mut self, action: &Action) -> Outcome {
        let inputs = match self.eval(&action.inputs) {
            Ok(v) => v,
            Err(e) => return Outcome::template(&action.name, &e),
        };
        let millis = if let Some(interval) = inputs.get("interval") {
            let count =
                interval.get("count").and_then(|c| c.as_i64().or_else(|| c.as_str().and_then(|s| s.parse().ok())));
            let unit = interval.get("unit").and_then(Value::as_str).unwrap_or("");
            // UNCERTAIN: a month is counted as 30 days.
            let per = match unit.to_ascii_lowercase().as_str() {
                "second" => Some(1_000),
                "minute" => Some(60_000),
                "hour" => Some(3_600_000),
                "day" => Some(86_400_000),
                "week" => Some(604_800_000),
                "month" => Some(2_592_000_000),
                _ => None,
            };
            match (count, per) {
                (Some(c), Some(p)) if c >= 0 => c.saturating_mul(p),
                _ => {
                    return Outcome::failed("InvalidTemplate", "Wait needs interval.count and interval.unit")
                        .with_inputs(inputs)
                }
            }
        } else if let Some(until) = inputs.get("until").and_then(|u| u.get("timestamp")).and_then(Value::as_str) {
            match parse_instant(until) {
                Some(at) => (at - self.now()).max(0),
                None => {
                    return Outcome::failed("InvalidTemplate", format!("Wait until {until:?} is not a timestamp"))
                        .with_inputs(inputs)
                }
            }
        } else if let Some(d) = inputs.get("duration").and_then(Value::as_str).and_then(parse_duration) {
            d
        } else {
            return Outcome::failed("InvalidTemplate", "Wait needs interval or until").with_inputs(inputs);
        };
        self.host.advance(millis);
        Outcome::succeeded(Some(inputs), None)
    }
}
