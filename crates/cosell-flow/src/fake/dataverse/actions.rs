//! The unbound actions the sync calls through the connector's PerformUnboundAction: WinOpportunity
//! and LoseOpportunity, as the Web API documents them. Each takes an `OpportunityClose` (the
//! Opportunity Close activity, naming its opportunity with `opportunityid@odata.bind`) and a
//! `Status` (the status reason to close with), closes the open opportunity, records the activity
//! as completed, and answers 204 No Content.

use super::ops::{bad, item, not_found};
use super::tables::{opportunity_close, Table};
use super::State;
use crate::run::Reply;
use cosell_core::dataverse::{opportunity, OpportunityState, OpportunityStatus};
use serde_json::{json, Map, Value};

/// A close action: the state it moves the opportunity to and the status reasons of that state.
struct Close {
    action: &'static str,
    state: OpportunityState,
    /// The first is the state's default status reason, which `Status` -1 asks for.
    statuses: &'static [OpportunityStatus],
}

const CLOSES: &[Close] = &[
    Close { action: "WinOpportunity", state: OpportunityState::Won, statuses: &[OpportunityStatus::Won] },
    Close {
        action: "LoseOpportunity",
        state: OpportunityState::Lost,
        statuses: &[OpportunityStatus::Canceled, OpportunityStatus::OutSold],
    },
];

/// The action parameters (both required).
const PARAMETERS: [&str; 2] = ["OpportunityClose", "Status"];

/// `Status` -1: "the default status reason of the state", as the SDK's OptionSetValue(-1).
/// UNCERTAIN: documented for SetState; the close actions are assumed to read it the same way.
const DEFAULT_STATUS: i64 = -1;

/// The Opportunity Close activity after the action: state Completed (1), status Completed (2).
const COMPLETED: (i64, i64) = (1, 2);

/// Why a close was refused: the request (a 400 is then a violation; a 404 for an unknown
/// opportunity is not), or the opportunity is not Open.
enum Refused {
    Request(Reply),
    NotOpen(Reply),
}

/// A close request that passed every check: what to write.
struct Closing {
    opportunity: Table,
    index: usize,
    status: OpportunityStatus,
    activity: Table,
    columns: Map<String, Value>,
}

impl State {
    /// A request the flow got wrong answers 400 and is a violation; an unknown opportunity answers
    /// 404 and one already closed 400, neither a violation: they depend on the rows, which a
    /// seller may change between the flow's read and its close, so a correct flow can meet them.
    pub(super) fn perform_unbound_action(&mut self, p: &Map<String, Value>) -> Reply {
        let name = p.get("actionName").and_then(Value::as_str).unwrap_or_default();
        let Some(close) = CLOSES.iter().find(|c| c.action == name) else {
            let modelled: Vec<&str> = CLOSES.iter().map(|c| c.action).collect();
            return self.recorder.violation(format!(
                "PerformUnboundAction: the fake Dataverse does not model the action {name:?} (it models {})",
                modelled.join(", ")
            ));
        };
        match self.close(close, p, true) {
            Ok(()) => Reply::new(204, Value::Null),
            Err(Refused::Request(reply)) => self.violation_or(reply),
            Err(Refused::NotOpen(reply)) => reply,
        }
    }

    /// Closes an opportunity as a user does in Dynamics 365 (Close as Won / Close as Lost):
    /// the action whose state `status` belongs to, with an Opportunity Close activity.
    pub(super) fn close_as_user(&mut self, id: &str, status: i64, subject: &str) -> Result<(), String> {
        let close = CLOSES.iter().find(|c| c.statuses.iter().any(|s| s.value() == status)).ok_or_else(|| {
            format!("{status} is not a closed status reason of an opportunity (3 Won, 4 Canceled, 5 Out-Sold)")
        })?;
        let bind = format!("/{}({id})", opportunity::ENTITY_SET);
        let activity = json!({opportunity_close::SUBJECT: subject, "opportunityid@odata.bind": bind});
        let p =
            Map::from_iter([("item/OpportunityClose".to_owned(), activity), ("item/Status".to_owned(), json!(status))]);
        self.close(close, &p, false).map_err(|(Refused::Request(r) | Refused::NotOpen(r))| super::error_text(&r))
    }

    /// Checks the request, then writes the completed activity and the opportunity's state and
    /// status reason; a refused close writes nothing.
    fn close(&mut self, close: &Close, p: &Map<String, Value>, by_flow: bool) -> Result<(), Refused> {
        let closing = self.closing(close, p).map_err(Refused::Request)?;
        if let Some(refusal) = self.not_open(close, &closing) {
            return Err(Refused::NotOpen(refusal));
        }
        let state = Map::from_iter([
            (opportunity::STATE.to_owned(), json!(close.state.value())),
            (opportunity::STATUS.to_owned(), json!(closing.status.value())),
        ]);
        self.create(&closing.activity, &closing.columns, None, by_flow).map_err(Refused::Request)?;
        self.update_at(&closing.opportunity, closing.index, &state, by_flow).map(|_| ()).map_err(Refused::Request)
    }

    /// Checks the parameters and the activity's columns, and finds the opportunity; writes nothing.
    fn closing(&self, close: &Close, p: &Map<String, Value>) -> Result<Closing, Reply> {
        let action = close.action;
        let params = item(p).map_err(|m| bad(format!("{action}: {m}")))?;
        if let Some(unknown) = params.keys().find(|k| !PARAMETERS.contains(&k.as_str())) {
            return Err(bad(format!("{action} has no parameter {unknown} (it takes {})", PARAMETERS.join(" and "))));
        }
        let status = status(close, params.get("Status"))?;
        let mut columns = match params.get("OpportunityClose") {
            Some(Value::Object(m)) => m.clone(),
            None | Some(Value::Null) => {
                return Err(bad(format!("{action}: OpportunityClose is required (the Opportunity Close activity)")))
            }
            Some(other) => {
                return Err(bad(format!("{action}: OpportunityClose must be an opportunityclose object, not {other}")))
            }
        };
        let activity = self.table_by_logical(opportunity_close::TABLE).map_err(bad)?;
        let opportunity = self.table_by_logical(opportunity::TABLE).map_err(bad)?;
        // Every column is checked (and the lookup resolved) on a scratch row, so a refused close
        // leaves both tables as they were. UNCERTAIN: a bind to no opportunity answers 404
        // ("opportunity With Id = … Does Not Exist", 0x80040217), as the Web API answers a missing
        // row and the fake answers every bind to a missing row; the action pages name no code.
        let mut scratch = Map::new();
        self.apply(&activity, &mut scratch, &columns)?;
        let bound = format!("_{}_value", opportunity_close::OPPORTUNITY);
        let Some(id) = scratch.get(&bound).and_then(Value::as_str) else {
            return Err(bad(format!(
                "{action}: OpportunityClose must name its opportunity with {}@odata.bind (\"/{}(<id>)\")",
                opportunity_close::OPPORTUNITY,
                opportunity::ENTITY_SET
            )));
        };
        let index = self.index(&opportunity, id).ok_or_else(|| not_found(&opportunity, id))?;
        // The action decides the activity's state. UNCERTAIN: an actualend the flow leaves out is
        // the moment of the close (the request's clock), as completing an activity stamps it.
        columns.insert("statecode".into(), json!(COMPLETED.0));
        columns.insert("statuscode".into(), json!(COMPLETED.1));
        columns.entry(opportunity_close::ACTUAL_END).or_insert_with(|| self.stamp());
        Ok(Closing { opportunity, index, status, activity, columns })
    }

    /// The refusal when the opportunity is not Open. UNCERTAIN: Dataverse's code and wording for
    /// closing a closed opportunity are not documented; this is the generic invalid-argument code.
    fn not_open(&self, close: &Close, closing: &Closing) -> Option<Reply> {
        let row = self.rows.get(closing.index).map(|(_, r)| r)?;
        let state = row.get(opportunity::STATE).and_then(Value::as_i64).unwrap_or(0);
        if state == OpportunityState::Open.value() {
            return None;
        }
        let id = row.get(opportunity::ID).and_then(Value::as_str).unwrap_or_default();
        let label = OpportunityState::from_value(state).map_or("closed", OpportunityState::label);
        let action = close.action;
        Some(bad(format!(
            "{action}: the opportunity {id} is not open (it is {label}, statecode {state}); reopen it first."
        )))
    }
}

/// `Status`: an integer status reason of the action's state (or -1 for the state's default).
fn status(close: &Close, given: Option<&Value>) -> Result<OpportunityStatus, Reply> {
    let action = close.action;
    let allowed: Vec<String> = close.statuses.iter().map(|s| format!("{} ({})", s.value(), s.label())).collect();
    let value = match given {
        None | Some(Value::Null) => {
            return Err(bad(format!("{action}: Status is required (the status reason: {})", allowed.join(" or "))))
        }
        Some(v) => v.as_i64().ok_or_else(|| {
            bad(format!("Cannot convert the literal '{v}' to the expected type 'Edm.Int32' of {action}.Status."))
        })?,
    };
    let default = close.statuses.first().copied().filter(|_| value == DEFAULT_STATUS);
    default.or_else(|| close.statuses.iter().copied().find(|s| s.value() == value)).ok_or_else(|| {
        bad(format!(
            "{value} is not a valid status reason for {action}: a {} opportunity takes {}.",
            close.state.label(),
            allowed.join(" or ")
        ))
    })
}
