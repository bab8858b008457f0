//! `cosell flow …`: evaluate Power Automate expressions and run flows offline (issue 8).
//! A stable contract, documented in docs/cli.md ("flow eval and flow run").

use crate::commands::Outcome;
use crate::io::{print_json, Failure, Input};
use clap::Subcommand;
use cosell_flow::expr::{evaluate_expression, evaluate_template};
use cosell_flow::fake::{Dataverse, FakeService, Fault, PartnerCenterEvents, PartnerCenterReferrals};
use cosell_flow::run::{
    format_instant, parse_instant, ContextScope, Flow, Host, RunRecord, Status, TriggerInput, DEFAULT_NOW_UNIX_MILLIS,
};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum FlowCommand {
    /// Evaluate one expression (with or without its leading @; text with @{…} is a template) and print the result as JSON.
    Eval {
        /// The expression, such as "formatDateTime('2026-03-15T13:27:36Z', 'yyyy-MM-dd')".
        expression: String,
        /// A JSON context: triggerOutputs or triggerBody, actions, variables, parameters, items, item, now, seed.
        #[arg(long, value_name = "FILE")]
        context: Option<PathBuf>,
    },
    /// Run a flow against the fake services and print the run record (exit 1 when the run fails).
    Run {
        /// The flow: a solution's Workflows/<Name>-<GUID>.json, or a bare definition.
        flow: PathBuf,
        /// What the trigger receives: {"headers", "body"} (the trigger's outputs), or {"event": …} for a row trigger.
        #[arg(long, value_name = "FILE")]
        trigger: PathBuf,
        /// A folder with the fakes' state, environment variables, clock and faults; updated after the run.
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
    },
}

/// Runs one `cosell flow` subcommand and returns its exit code.
pub fn run(command: FlowCommand) -> ExitCode {
    crate::report(match command {
        FlowCommand::Eval { expression, context } => eval(&expression, context.as_deref()),
        FlowCommand::Run { flow, trigger, state } => run_flow(&flow, &trigger, state.as_deref()),
    })
}

fn bad(source: &str, path: Option<String>, message: impl Into<String>) -> Failure {
    Failure::BadInput { source: source.to_owned(), path, message: message.into() }
}

fn json_of(input: &Input) -> Result<Value, Failure> {
    serde_json::from_str(&input.text).map_err(|e| bad(&input.name, None, format!("not valid JSON: {e}")))
}

/// `cosell flow eval EXPRESSION [--context FILE]`.
fn eval(expression: &str, context: Option<&Path>) -> Result<Outcome, Failure> {
    let scope = match context {
        Some(file) => {
            let input = Input::read(Some(file))?;
            ContextScope::from_value(&json_of(&input)?).map_err(|e| bad(&input.name, Some(e.path), e.message))?
        }
        None => ContextScope::default(),
    };
    let result = if expression.starts_with('@') || expression.contains("@{") {
        evaluate_template(expression, &scope)
    } else {
        evaluate_expression(expression, &scope)
    };
    let value = result.map_err(|e| bad("expression", None, e.to_string()))?;
    print_json(&plain_numbers(value))?;
    Ok(Outcome::Ok)
}

/// Numbers keep their spelling under the CLI's arbitrary precision, so `json('1e2')` would print
/// `1e+2`; an integral value written with an exponent prints as the integer, as Power Automate
/// shows it. Other numbers print as written.
fn plain_numbers(value: Value) -> Value {
    match value {
        Value::Number(n) => {
            let text = n.to_string();
            let integral = text
                .contains(['e', 'E'])
                .then(|| text.parse::<f64>().ok())
                .flatten()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15);
            // The bound above keeps the value exact in an i64.
            #[allow(clippy::cast_possible_truncation)]
            match integral {
                Some(f) => Value::from(f as i64),
                None => Value::Number(n),
            }
        }
        Value::Array(items) => Value::Array(items.into_iter().map(plain_numbers).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, plain_numbers(v))).collect()),
        other => other,
    }
}

/// The fakes a CLI run binds, by the API name of each connection reference.
struct Fakes {
    dataverse: Dataverse,
    referrals: PartnerCenterReferrals,
    events: PartnerCenterEvents,
}

/// The files `--state DIR` may hold (each optional; see docs/cli.md).
const STATE_FILES: [&str; 6] =
    ["host.json", "environment.json", "dataverse.json", "referrals.json", "events.json", "faults.json"];

/// `cosell flow run FLOW.json --trigger FILE [--state DIR]`.
fn run_flow(flow_path: &Path, trigger_path: &Path, state: Option<&Path>) -> Result<Outcome, Failure> {
    let flow_input = Input::read(Some(flow_path))?;
    let flow = read_flow(&flow_input, flow_path)?;
    let trigger_input = Input::read(Some(trigger_path))?;
    let trigger = read_trigger(&trigger_input)?;
    let fakes = Fakes {
        dataverse: Dataverse::new(),
        referrals: PartnerCenterReferrals::new(),
        events: PartnerCenterEvents::new(),
    };
    let (mut now, mut seed, environment) = (DEFAULT_NOW_UNIX_MILLIS, 0u64, Map::new());
    let mut environment = environment;
    if let Some(dir) = state {
        let files = read_state(dir)?;
        for (file, value) in &files {
            let source = dir.join(file).display().to_string();
            let fail = |message: String| bad(&source, Some("$".into()), message);
            match *file {
                "host.json" => {
                    if let Some(t) = value.get("now") {
                        now = t
                            .as_str()
                            .and_then(parse_instant)
                            .ok_or_else(|| bad(&source, Some("$.now".into()), "must be an ISO 8601 instant"))?;
                    }
                    if let Some(s) = value.get("seed") {
                        seed = s
                            .as_u64()
                            .ok_or_else(|| bad(&source, Some("$.seed".into()), "must be a non-negative integer"))?;
                    }
                }
                "environment.json" => {
                    environment = value
                        .as_object()
                        .cloned()
                        .ok_or_else(|| fail("must be an object of environment variable values".into()))?
                }
                "dataverse.json" => fakes.dataverse.load_state(value).map_err(fail)?,
                "referrals.json" => fakes.referrals.load_state(value).map_err(fail)?,
                "events.json" => fakes.events.load_state(value).map_err(fail)?,
                "faults.json" => plan_faults(&fakes, value, &source)?,
                _ => {}
            }
        }
    }
    let mut host = Host::new(now, seed);
    for (name, value) in environment {
        host.set_environment(name, value);
    }
    let children = sibling_flows(flow_path);
    for f in std::iter::once(&flow).chain(children.iter()) {
        bind(&mut host, f, &fakes);
    }
    for child in children {
        host.check(&child).map_err(|e| bad(&child.name, Some(e.path), e.message))?;
        host.add_flow(child);
    }
    host.check(&flow).map_err(|e| bad(&flow_input.name, Some(e.path), e.message))?;
    let record = host.run(&flow, trigger);
    if let Some(dir) = state {
        write_state(dir, &fakes, &record, seed)?;
    }
    print_json(&record.to_json())?;
    Ok(if matches!(record.status, Status::Succeeded | Status::Skipped) { Outcome::Ok } else { Outcome::Findings })
}

fn read_flow(input: &Input, path: &Path) -> Result<Flow, Failure> {
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let name = file_name.strip_suffix(".json").unwrap_or(&file_name).to_owned();
    Flow::from_json_text(&input.text, &name, Flow::id_from_file_name(&file_name)).map_err(|e| {
        bad(
            &input.name,
            if e.path == "$" && e.message.starts_with("not valid JSON") { None } else { Some(e.path) },
            e.message,
        )
    })
}

/// The trigger file: `{"event": …}` for a webhook trigger, else the trigger's outputs.
fn read_trigger(input: &Input) -> Result<TriggerInput, Failure> {
    let value = json_of(input)?;
    let Some(o) = value.as_object() else {
        return Err(bad(
            &input.name,
            Some("$".into()),
            "the trigger must be an object: {\"headers\", \"body\"} or {\"event\"}",
        ));
    };
    if let Some(unknown) = o.keys().find(|k| !["headers", "body", "queries", "event"].contains(&k.as_str())) {
        return Err(bad(
            &input.name,
            Some(format!("$.{unknown}")),
            "unknown key; expected headers, body, queries or event",
        ));
    }
    match o.get("event") {
        Some(event) if o.len() == 1 => Ok(TriggerInput::Event(event.clone())),
        Some(_) => Err(bad(&input.name, Some("$.event".into()), "an event comes alone, without headers or body")),
        None => {
            if o.get("headers").is_some_and(|h| !h.is_object()) {
                return Err(bad(&input.name, Some("$.headers".into()), "must be an object"));
            }
            let mut outputs = o.clone();
            outputs.entry("headers").or_insert(json!({}));
            Ok(TriggerInput::Outputs(Value::Object(outputs)))
        }
    }
}

fn read_state(dir: &Path) -> Result<Vec<(&'static str, Value)>, Failure> {
    if !dir.is_dir() {
        return Err(bad(&dir.display().to_string(), None, "the state folder does not exist"));
    }
    let mut out = Vec::new();
    for file in STATE_FILES {
        let path = dir.join(file);
        if path.exists() {
            let input = Input::read(Some(&path))?;
            out.push((file, json_of(&input)?));
        }
    }
    Ok(out)
}

/// `faults.json`: `{"referrals" | "events" | "dataverse": [{"operation"?, "status" | "timeout": true, "times"?}]}`.
fn plan_faults(fakes: &Fakes, value: &Value, source: &str) -> Result<(), Failure> {
    let o = value.as_object().ok_or_else(|| bad(source, Some("$".into()), "must be an object of fault lists"))?;
    for (service, list) in o {
        let at = format!("$.{service}");
        let target: &dyn Fn(Option<&str>, Fault, usize) = match service.as_str() {
            "referrals" => &|op, f, n| plan(&fakes.referrals, op, f, n),
            "events" => &|op, f, n| plan(&fakes.events, op, f, n),
            "dataverse" => &|op, f, n| plan(&fakes.dataverse, op, f, n),
            _ => return Err(bad(source, Some(at), "unknown service; expected referrals, events or dataverse")),
        };
        for (i, entry) in
            list.as_array().ok_or_else(|| bad(source, Some(at.clone()), "must be an array"))?.iter().enumerate()
        {
            let at = format!("{at}[{i}]");
            let fault = match (entry.get("status").and_then(Value::as_u64), entry.get("timeout")) {
                (Some(s @ 400..=599), None) => Fault::Status(u16::try_from(s).unwrap_or(500)),
                (None, Some(Value::Bool(true))) => Fault::TimedOut,
                _ => return Err(bad(source, Some(at), "give status (400–599) or \"timeout\": true")),
            };
            let times = entry
                .get("times")
                .map_or(Some(1), Value::as_u64)
                .ok_or_else(|| bad(source, Some(format!("{at}.times")), "must be a positive integer"))?;
            let operation = entry.get("operation").and_then(Value::as_str);
            target(operation, fault, usize::try_from(times).unwrap_or(usize::MAX));
        }
    }
    Ok(())
}

fn plan(fake: &impl FakeService, operation: Option<&str>, fault: Fault, times: usize) {
    match operation {
        Some(op) => fake.fail_operation(op, fault, times),
        None => fake.fail_next(fault, times),
    }
}

/// Binds each connection reference to the fake for its API.
/// UNCERTAIN: the API is recognised by its name (`…commondataservice…`, `…referral…`, `…event…`);
/// the names a real solution gives our custom connectors are environment-specific.
fn bind(host: &mut Host, flow: &Flow, fakes: &Fakes) {
    for (connection, reference) in &flow.connection_references {
        let api = reference
            .get("api")
            .and_then(|a| a.get("name"))
            .and_then(Value::as_str)
            .unwrap_or(connection)
            .to_ascii_lowercase();
        if api.contains("commondataservice") {
            host.bind(connection.clone(), fakes.dataverse.clone());
        } else if api.contains("referral") {
            host.bind(connection.clone(), fakes.referrals.clone());
        } else if api.contains("event") {
            host.bind(connection.clone(), fakes.events.clone());
        }
    }
}

/// Child flows: the other flow files in FLOW.json's folder (a solution's `Workflows/`), each
/// callable by the GUID in its file name. Files that are not flows are left alone.
fn sibling_flows(flow_path: &Path) -> Vec<Flow> {
    let dir = flow_path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter(|p| p.file_name() != flow_path.file_name())
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            let file_name = p.file_name()?.to_string_lossy().into_owned();
            let name = file_name.strip_suffix(".json").unwrap_or(&file_name).to_owned();
            Flow::from_json_text(&text, &name, Flow::id_from_file_name(&file_name)).ok()
        })
        .collect()
}

fn write_state(dir: &Path, fakes: &Fakes, record: &RunRecord, seed: u64) -> Result<(), Failure> {
    let files = [
        ("host.json", json!({"now": format_instant(record.end_millis), "seed": seed.wrapping_add(1)})),
        ("dataverse.json", fakes.dataverse.state()),
        ("referrals.json", fakes.referrals.state()),
        ("events.json", fakes.events.state()),
    ];
    for (file, value) in files {
        let path = dir.join(file);
        let text = crate::io::to_pretty_json(&value).map_err(|e| Failure::Output(e.to_string()))?;
        std::fs::write(&path, text)
            .map_err(|e| bad(&path.display().to_string(), None, format!("cannot write the state: {e}")))?;
    }
    Ok(())
}
