//! "Partner Center to Dynamics 365 - Helper": one referral, from Partner Center to Dynamics 365.
//!
//! Re-reads the referral through the connector (trusting only what Partner Center returns) and
//! finds its record as the core does (Referral ID, or the row ID in `externalReferenceId`, else
//! the engagement's referrals). A record found is merged from the base with the core's inbound
//! rules (`sync::inbound`, `lead::inbound_lead`: only what Partner Center changed since the base
//! and may write, only readable values, conflicts by the field map's policy, a closed record's
//! outcome kept, another referral refused), a related referral noted and the record's own
//! referral merged instead. A referral no record knows becomes the account, contact and lead or
//! opportunity (`to_crm`), each create passing through the "[Customize]" flow.

use super::common::*;
use super::names;
use crate::connections::Connection;
use crate::expr::{body, call, json_literal, lit, outputs, path, whole};
use crate::transform;
use crate::wdl::{cond, object_schema, Action, Definition, Status, Steps, TerminateStatus, Trigger, NOT_SUCCEEDED};
use cosell_core::config::vars;
use cosell_core::dataverse::{
    account, contact, currency, lead, opportunity as opp, solution, LeadState, OpportunityStatus,
};
use cosell_core::sync::{ColumnName, Field, Side, Transform, FIELDS};
use cosell_solution::flows::Flow;
use serde_json::{json, Map, Value};

const REFERRAL: &str = "Referral";
const PC_VALUES: &str = "Partner_Center_values";
const ROW: &str = "Opportunity";

/// The record an inbound merge writes (the core's `merge::Target`): the opportunity, or the
/// referral's lead while it is not accepted (`inbound_lead`). Each names its own actions, so
/// both merges live in one flow.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Opportunity,
    Lead,
}

impl Target {
    /// The prefix of this merge's action names.
    fn prefix(self) -> &'static str {
        match self {
            Target::Opportunity => "",
            Target::Lead => "Lead_",
        }
    }

    fn step(self, name: &str) -> String {
        format!("{}{name}", self.prefix())
    }

    fn crm_values(self) -> String {
        match self {
            Target::Opportunity => "Dynamics_365_values".to_owned(),
            Target::Lead => "Lead_values".to_owned(),
        }
    }

    fn base(self) -> String {
        match self {
            Target::Opportunity => "Base".to_owned(),
            Target::Lead => "Lead_base".to_owned(),
        }
    }

    /// The column a field writes on this record, `None` when it has none here (the core's
    /// `Target::column`; the lead's columns are fixed names).
    fn column(self, f: &Field) -> Option<String> {
        match self {
            Target::Opportunity => Some(column_name(f)),
            Target::Lead => f.lead.map(lit),
        }
    }

    fn entity_set(self) -> &'static str {
        match self {
            Target::Opportunity => opp::ENTITY_SET,
            Target::Lead => lead::ENTITY_SET,
        }
    }

    fn id_column(self) -> &'static str {
        match self {
            Target::Opportunity => opp::ID,
            Target::Lead => lead::ID,
        }
    }
}

/// `pc` and `crm` and `base` canonical values of a field, as expressions.
pub fn values(key: &str) -> (String, String, String) {
    target_values(Target::Opportunity, key)
}

fn target_values(t: Target, key: &str) -> (String, String, String) {
    (path(&outputs(PC_VALUES), &[key]), path(&outputs(&t.crm_values()), &[key]), base_field(&outputs(&t.base()), key))
}

fn ne(a: &str, b: &str) -> String {
    call("not", &[&call("equals", &[a, b])])
}

/// The core's inbound rules for one field (`merge::inbound_from`), as expressions.
struct Rules {
    /// Not written: Partner Center's document has no readable value (`Unread`).
    unread: String,
    /// Both sides changed it, or the record is closed (`Conflict`).
    conflict: String,
    /// The record's value is kept in a conflict: the row's policy, or a closed record.
    crm_wins: String,
    /// Partner Center's value is written.
    writes: String,
    /// Reported as changed in Partner Center (everything that differs from the base but the
    /// unread).
    changed: String,
}

fn rules(t: Target, f: &Field) -> Rules {
    let (pc, crm, base) = target_values(t, f.key);
    let writable = f.update.to_crm && t.column(f).is_some();
    let candidate = if writable { call("and", &[&ne(&pc, &base), &ne(&pc, &crm)]) } else { "false".to_owned() };
    // A value; a text is readable exactly when given as a string, empty text being a
    // deliberate clear (the core's `clears`; a number where text belongs is unread).
    let readable = match f.transform {
        Transform::Text { .. } => is_string(&pointer(&outputs(REFERRAL), f.referral)),
        _ => call("not", &[&call("empty", &[&pc])]),
    };
    // A closed CRM record keeps its outcome whatever the policy (`is_closed_outcome`).
    let closed = match (f.transform, t) {
        (Transform::Status, Target::Opportunity) => {
            call("and", &[&call("not", &[&call("empty", &[&crm])]), &ne(&crm, "'Open'")])
        }
        _ => "false".to_owned(),
    };
    let crm_wins = if f.conflict == Side::Crm { "true".to_owned() } else { closed.clone() };
    let conflict = call("and", &[&candidate, &readable, &call("or", &[&ne(&crm, &base), &closed])]);
    let writes = call("and", &[&candidate, &readable, &call("not", &[&call("and", &[&conflict, &crm_wins])])]);
    let unread = call("and", &[&candidate, &call("not", &[&readable])]);
    let changed = call("and", &[&ne(&pc, &base), &call("not", &[&unread])]);
    Rules { unread, conflict, crm_wins, writes, changed }
}

/// Whether the merge writes Partner Center's value of `f` into the opportunity (`inbound`).
pub fn writes(f: &Field) -> String {
    rules(Target::Opportunity, f).writes
}

fn quoted(value: &str) -> String {
    crate::expr::interpolate(&call("replace", &[value, "''''", "''''''"]))
}

/// The keys of `fields` for which `condition(key)` holds (a Filter array over the key list).
pub fn keys_where(fields: &[&Field], condition: impl Fn(&Field) -> String) -> Action {
    let keys: Vec<Value> = fields.iter().map(|f| Value::from(f.key)).collect();
    let per_key: Vec<String> =
        fields.iter().map(|f| call("and", &[&call("equals", &["item()", &lit(f.key)]), &condition(f)])).collect();
    let mut any: Vec<&str> = per_key.iter().map(String::as_str).collect();
    any.push("false");
    Action::Query { from: whole(&json_literal(&Value::from(keys))), condition: whole(&call("or", &any)) }
}

/// The settled base value of a field after the merge (`settle`): what both sides now hold, else
/// the old base value.
fn settled(t: Target, f: &Field) -> String {
    let (pc, crm, base) = target_values(t, f.key);
    let after = call("if", &[&rules(t, f).writes, &pc, &crm]);
    call("if", &[&call("equals", &[&after, &pc]), &pc, &base])
}

/// The audit entries of the merge, as the core's `Conflict::audit_entry` and
/// `Unread::audit_entry` write them (`AuditEntry::line`), one per field, `''` where none.
fn entry_lines(t: Target, fields: &[&Field]) -> Vec<String> {
    let mut conflicts = Vec::new();
    let mut unread = Vec::new();
    for f in fields {
        let (pc, crm, _) = target_values(t, f.key);
        let r = rules(t, f);
        let conflict_line = |crm_won: bool| {
            let (kept, lost, lost_side) =
                if crm_won { (&crm, &pc, "Partner Center") } else { (&pc, &crm, "Dynamics 365") };
            let message = conflict_message(f.key, kept, lost, lost_side);
            audit_entry_line(AuditOutcome::Success, crm_won, Some("conflict"), &message)
        };
        let line = call("if", &[&r.crm_wins, &conflict_line(true), &conflict_line(false)]);
        conflicts.push(call("if", &[&r.conflict, &line, "''"]));
        let message = call(
            "concat",
            &[&lit(&format!("{}{}", f.key, cosell_core::sync::merge::audit_text::UNREAD)), &debug_quoted(&crm)],
        );
        let line = audit_entry_line(AuditOutcome::Skipped, false, Some("unread"), &message);
        unread.push(call("if", &[&r.unread, &line, "''"]));
    }
    conflicts.extend(unread);
    conflicts
}

/// The columns the merge writes, keyed by field: `{column, value}` (the core's update body).
fn write_values(t: Target, fields: &[&Field]) -> Value {
    let mut out = Map::new();
    for f in fields {
        if matches!(f.transform, Transform::Status | Transform::IsoCurrency) {
            continue;
        }
        let (Some(column), Some(value)) = (t.column(f), transform::write_crm(f.transform, &target_values(t, f.key).0))
        else {
            continue;
        };
        out.insert(f.key.to_owned(), json!({"column": whole(&column), "value": whole(&value)}));
    }
    Value::Object(out)
}

/// The `item` of the update: only the columns the merge writes (never a value read earlier
/// written back over a seller's edit since), as `json('{"<column>": <value>, …}')` from the
/// written keys.
fn written_item(written_pairs: &str) -> String {
    call("json", &[&call("concat", &["'{'", &call("join", &[&body(written_pairs), "','"]), "'}'"])])
}

fn currency_field() -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.transform == Transform::IsoCurrency)
}

/// Partner Center's canonical currency code.
fn currency_code() -> String {
    currency_field().map_or_else(|| "''".to_owned(), |f| values(f.key).0)
}

fn status_field() -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.transform == Transform::Status)
}

/// Finds the `transactioncurrency` row of a code.
fn find_currency(code: &str) -> Action {
    dataverse(
        "ListRecords",
        &[
            ("entityName", json!(currency::ENTITY_SET)),
            ("$filter", json!(format!("{} eq '{}'", currency::ISO_CODE, quoted(code)))),
            ("$top", json!(1)),
        ],
    )
}

fn currency_bind(found: &str) -> String {
    call(
        "concat",
        &[
            "'/transactioncurrencies('",
            &path(&call("first", &[&path(&body(found), &["value"])]), &[currency::ID]),
            "')'",
        ],
    )
}

/// Closes the opportunity `opportunity_id` as Partner Center's `outcome` says (the core's
/// `close_step`): won → WinOpportunity (Won), lost → LoseOpportunity (Out-Sold), declined or
/// expired → LoseOpportunity (Canceled); an open outcome does nothing. `prefix` keeps action
/// names unique where the merge and the create path each close.
fn close_by_outcome(prefix: &str, outcome: &str, opportunity_id: &str) -> Action {
    let close_with = |action: &'static str, status: OpportunityStatus, outcome: &str| {
        let subject = call("coalesce", &[&path(&outputs(REFERRAL), &["statusReason"]), "'Closed in Partner Center'"]);
        let bind = call("concat", &["'/opportunities('", opportunity_id, "')'"]);
        Steps::new().then(
            &format!("{prefix}Close_as_{outcome}"),
            dataverse(
                "PerformUnboundAction",
                &[
                    ("actionName", json!(action)),
                    (
                        "item/OpportunityClose",
                        json!({"subject": whole(&subject), "opportunityid@odata.bind": crate::expr::interpolate(&bind)}),
                    ),
                    ("item/Status", json!(status.value())),
                ],
            ),
        )
    };
    let cases = [
        ("Won", "WinOpportunity", OpportunityStatus::Won),
        ("Lost", "LoseOpportunity", OpportunityStatus::OutSold),
        ("Declined", "LoseOpportunity", OpportunityStatus::Canceled),
        ("Expired", "LoseOpportunity", OpportunityStatus::Canceled),
    ]
    .into_iter()
    .map(|(o, action, status)| (o.to_owned(), json!(o), close_with(action, status, o)))
    .collect();
    Action::Switch { on: whole(outcome), cases, default: Steps::new() }
}

/// A run that ends here, answering its caller first.
fn answer_and_end(
    t: Target,
    name: &str,
    answer: Value,
    status: TerminateStatus,
    code: Option<&str>,
    message: Option<String>,
) -> Steps {
    Steps::new()
        .then(&t.step(&format!("Answer_{name}")), respond(200, answer))
        .then(&t.step(name), Action::Terminate { status, code: code.map(str::to_owned), message })
}

/// The check the core's `check_referral` makes: the referral must be the base's (IDs compared
/// ignoring case and surrounding spaces); a base without a referral ID accepts any.
fn other_referral(t: Target) -> String {
    let trimmed = |e: &str| call("toLower", &[&call("trim", &[&call("string", &[&call("coalesce", &[e, "''"])])])]);
    let stored = trimmed(&path(&outputs(&t.base()), &["id"]));
    let given = trimmed(&path(&outputs(REFERRAL), &["id"]));
    call("and", &[&call("not", &[&call("empty", &[&stored])]), &ne(&given, &stored)])
}

/// The core's refusal of another referral (`SyncError::OtherReferral`'s message).
fn other_referral_message(t: Target) -> String {
    let trim = |e: &str| call("trim", &[&call("string", &[&call("coalesce", &[e, "''"])])]);
    let given = trim(&path(&outputs(REFERRAL), &["id"]));
    call(
        "concat",
        &[
            "'referral '",
            &call("if", &[&call("empty", &[&given]), "'without an id'", &given]),
            "' is not the one in the sync state ('",
            &trim(&path(&outputs(&t.base()), &["id"])),
            "')'",
        ],
    )
}

/// An update of the opportunity `id` that appends `line` to its Audit column (`row` as read),
/// with `more` columns.
fn append_to_audit(id: &str, row: &str, line: &str, more: &[(&str, Value)]) -> Action {
    let mut parameters = vec![
        ("entityName", json!(opp::ENTITY_SET)),
        ("recordId", json!(whole(id))),
        ("item/cosell_audit", json!(whole(&audit_append(&path(row, &[opp::AUDIT]), line)))),
    ];
    parameters.extend(more.iter().cloned());
    dataverse("UpdateRecord", &parameters)
}

/// The merge into an existing record (`row` its columns, with the opportunity's lookups
/// loaded): the core's `inbound` (opportunity) or `inbound_lead` (lead), field by field.
fn merge(t: Target, row: &str) -> Steps {
    let fields: Vec<&Field> = base_fields().collect();
    let id = path(row, &[t.id_column()]);
    let mut steps = Steps::new().then(&t.base(), base_compose(&path(row, &[opp::SYNC_STATE])));
    steps = match t {
        Target::Opportunity => steps.append(opportunity_solutions(&id)).then(
            &t.crm_values(),
            Action::Compose(crm_values(row, &body("Opportunity_solution_keys"), &outputs(&t.base()))),
        ),
        Target::Lead => steps.then(&t.crm_values(), Action::Compose(lead_values(row, &outputs(&t.base())))),
    };
    // Another referral than the base's: nothing is written but the audit line.
    let refusal = other_referral_message(t);
    let mut refused = Steps::new();
    if t == Target::Opportunity {
        let line = audit_entry_line(AuditOutcome::Failure, false, Some("other-referral"), &refusal);
        refused = refused.then("Audit_the_other_referral", append_to_audit(&id, row, &line, &[]));
    }
    // No answer first: the caller's run fails too, as the admin needs to see. UNCERTAIN (the
    // core has no code for it): the audit code and the run's error code are `other-referral`.
    let refused = refused.then(
        &t.step("Other_referral"),
        Action::Terminate {
            status: TerminateStatus::Failed,
            code: Some("other-referral".to_owned()),
            message: Some(crate::expr::interpolate(&refusal)),
        },
    );
    steps = steps.then(
        &t.step("Refuse_another_referral"),
        Action::If { expression: cond::is_true(&other_referral(t)), then: refused, otherwise: Steps::new() },
    );
    let changed = t.step("Changed_in_Partner_Center");
    let settled_values: Map<String, Value> =
        fields.iter().map(|f| (f.key.to_owned(), Value::from(whole(&settled(t, f))))).collect();
    let settled = t.step("Settled");
    let (state_steps, state) =
        sync_state_steps(&t.step("Inbound"), &outputs(&settled), &referral_meta(&outputs(REFERRAL)));
    let any_write: Vec<String> = fields.iter().map(|f| rules(t, f).writes).chain(["false".to_owned()]).collect();
    let any_write: Vec<&str> = any_write.iter().map(String::as_str).collect();
    let base = outputs(&t.base());
    let mut same_base: Vec<String> = fields
        .iter()
        .map(|f| call("equals", &[&path(&outputs(&settled), &[f.key]), &base_field(&base, f.key)]))
        .collect();
    for (key, value) in referral_meta(&outputs(REFERRAL)) {
        same_base.push(call(
            "equals",
            &[&call("coalesce", &[&value, "''"]), &call("coalesce", &[&path(&base, &[key]), "''"])],
        ));
    }
    let same_base: Vec<&str> = same_base.iter().map(String::as_str).collect();
    // The core plans no update when nothing is written and the base stays as it is (the same
    // delivery again, a conflict already audited): nothing is written, not even the audit.
    let nothing = call("and", &[&call("not", &[&call("or", &any_write)]), &call("and", &same_base)]);
    let entries = t.step("Audit_entries");
    let entry_lines = entry_lines(t, &fields);
    let entry_refs: Vec<&str> = entry_lines.iter().map(String::as_str).collect();
    // The flow's own line first. UNCERTAIN: when only the eTag or a field the core does not
    // write changed, the core still stores the new base; the line then says so.
    let summary = call(
        "if",
        &[
            &call("empty", &[&body(&changed)]),
            "'nothing to change: the new version is recorded'",
            &call("concat", &[&lit("changed in Partner Center: "), &call("join", &[&body(&changed), "', '"])]),
        ],
    );
    let lines = call(
        "concat",
        &[
            &audit_line(true, false, &summary),
            &call(
                "if",
                &[
                    &call("empty", &[&body(&entries)]),
                    "''",
                    &call(
                        "concat",
                        &["decodeUriComponent('%0A')", &call("join", &[&body(&entries), "decodeUriComponent('%0A')"])],
                    ),
                ],
            ),
        ],
    );
    let write_values_name = t.step("Write_values");
    let written = t.step("Written_fields");
    let pairs = t.step("Written_columns");
    let escaped = |x: &str| call("slice", &[&call("string", &[&call("createArray", &[x])]), "1", "-1"]);
    let at = |k: &str| format!("{}?[item()]?['{k}']", outputs(&write_values_name));
    let mut item = written_item(&pairs);
    item = call("setProperty", &[&item, &lit(opp::SYNC_STATE), &state]);
    if t == Target::Opportunity {
        let name = path(&outputs(&t.crm_values()), &[cosell_core::sync::fields::keys::NAME]);
        item = call("setProperty", &[&item, &lit(opp::NAME), &decorated_name(&name, true)]);
        item = call("setProperty", &[&item, &lit(opp::AUDIT), &audit_append(&path(row, &[opp::AUDIT]), &lines)]);
    }
    if let Some(f) = currency_field().filter(|f| t.column(f).is_some()) {
        let bind = format!("{}@odata.bind", opp::CURRENCY);
        item = call(
            "if",
            &[
                &rules(t, f).writes,
                &call("setProperty", &[&item, &lit(&bind), &currency_bind("Find_the_currency")]),
                &item,
            ],
        );
    }
    let update = t.step("Update_the_record");
    let mut steps = steps
        .then(&changed, keys_where(&fields, |f| rules(t, f).changed))
        .then(
            &entries,
            Action::Query {
                from: whole(&call("createArray", &entry_refs)),
                condition: whole(&call("not", &[&call("empty", &["item()"])])),
            },
        )
        .then(&settled, Action::Compose(Value::Object(settled_values)))
        .then(
            &t.step("Nothing_to_write"),
            Action::If {
                expression: cond::is_true(&nothing),
                then: answer_and_end(
                    t,
                    "Nothing_differs_from_the_base",
                    json!({"synced": true, "changed": []}),
                    TerminateStatus::Succeeded,
                    None,
                    None,
                ),
                otherwise: Steps::new(),
            },
        )
        .append(state_steps)
        .then(&write_values_name, Action::Compose(write_values(t, &fields)))
        .then(
            &written,
            keys_where(&fields, |f| {
                if t.column(f).is_some() && !matches!(f.transform, Transform::Status | Transform::IsoCurrency) {
                    rules(t, f).writes
                } else {
                    "false".to_owned()
                }
            }),
        )
        .then(
            &pairs,
            Action::Select {
                from: whole(&body(&written)),
                select: Value::from(whole(&call("concat", &[&escaped(&at("column")), "':'", &escaped(&at("value"))]))),
            },
        )
        .then(
            &update,
            dataverse(
                "UpdateRecord",
                &[
                    ("entityName", json!(t.entity_set())),
                    ("recordId", json!(whole(&id))),
                    ("item", json!(whole(&item))),
                ],
            ),
        );
    if let (Some(f), Target::Opportunity) = (status_field(), t) {
        let (pc_status, _, _) = values(f.key);
        steps = steps.then(
            "Close_if_Partner_Center_closed_it",
            Action::If {
                expression: cond::is_true(&rules(t, f).writes),
                then: Steps::new().then("Close_by_outcome", close_by_outcome("", &pc_status, &id)),
                otherwise: Steps::new(),
            },
        );
    }
    let mut failure = Steps::new();
    if t == Target::Opportunity {
        let line = audit_line(false, false, &call("string", &[&body(&update)]));
        let name = whole(&decorated_name(&path(&outputs(&t.crm_values()), &["name"]), false));
        failure = failure.then("Write_the_failure", append_to_audit(&id, row, &line, &[("item/name", json!(name))]));
    }
    let failure = failure.then(
        &t.step("Merge_failed"),
        Action::Terminate {
            status: TerminateStatus::Failed,
            code: Some("dataverse-write-failed".into()),
            message: Some(crate::expr::interpolate(&call(
                "concat",
                &[
                    "'Dynamics 365 refused the update: '",
                    &call("string", &[&body(&update)]),
                    "'. Not written: '",
                    &call("join", &[&body(&entries), "' | '"]),
                ],
            ))),
        },
    );
    steps.after(&t.step("Dynamics_365_refused"), Action::Scope(failure), &[(&update, NOT_SUCCEEDED)]).then(
        &t.step("Answer_synced"),
        // The entries are also the answer: the lead has no Audit column, so its conflicts and
        // unread fields are visible in the run (the Response action and the caller's child
        // call). UNCERTAIN: a note (annotation) on the lead's timeline would reach the seller.
        respond(200, json!({"synced": true, "changed": whole(&body(&changed)), "audit": whole(&body(&entries))})),
    )
}

/// The lead's canonical values of every base field it has a column for (`lead::lead_values`);
/// `''` for the others, which the lead merge never writes. The currency lookup is read as a row
/// ID only: set, it is "not loaded" in the core (taken as the base's value), else empty.
fn lead_values(row: &str, base: &str) -> Value {
    let mut out = Map::new();
    for f in base_fields() {
        let e = match (f.lead, f.transform) {
            (Some(column), Transform::IsoCurrency) => Some(call(
                "if",
                &[&call("empty", &[&path(row, &[&format!("_{column}_value")])]), "''", &base_field(base, f.key)],
            )),
            (Some(column), t) => transform::from_crm(t, &path(row, &[column])),
            (None, _) => None,
        };
        out.insert(f.key.to_owned(), Value::from(whole(&e.unwrap_or_else(|| "''".to_owned()))));
    }
    Value::Object(out)
}

/// A create-time column value from the referral: the canonical value written back.
fn create_value(f: &Field) -> Option<String> {
    let canonical = match f.transform {
        Transform::Status | Transform::LookupByKey { .. } | Transform::SolutionList | Transform::IsoCurrency => {
            return None
        }
        _ if f.key == cosell_core::sync::fields::keys::VISIBILITY => referral_visibility(&outputs(REFERRAL)),
        t => transform::from_referral(t, &pointer(&outputs(REFERRAL), f.referral))?,
    };
    transform::write_crm(f.transform, &canonical)
}

/// The columns of a new row of `table` (`account`, `contact`, `lead`, `opportunity`) from the
/// field map's create ownership: fixed column names, and (column-name expression, value) pairs
/// for the columns an environment variable names.
fn create_columns(table: &str) -> (Map<String, Value>, Vec<(String, String)>) {
    let mut fixed = Map::new();
    let mut named = Vec::new();
    for f in FIELDS.iter().filter(|f| f.create.to_crm) {
        let Some(v) = create_value(f) else { continue };
        match (table, f.lead, f.crm.column) {
            ("lead", Some(l), _) => {
                fixed.insert(l.to_owned(), Value::from(whole(&v)));
            }
            (t, _, ColumnName::Fixed { name }) if t != "lead" && f.crm.table == t && !LINKS.contains(&name) => {
                fixed.insert(name.to_owned(), Value::from(whole(&v)));
            }
            (t, _, ColumnName::Environment { .. }) if t != "lead" && f.crm.table == t => {
                named.push((column_name(f), v))
            }
            _ => {}
        }
    }
    (fixed, named)
}

/// Opportunity columns written by binds or actions, not as values.
const LINKS: [&str; 5] = [opp::ID, opp::PARENT_ACCOUNT, opp::PARENT_CONTACT, opp::CURRENCY, opp::STATE];

/// A Compose's object with the environment-named columns set.
fn with_named(compose: &str, named: &[(String, String)]) -> Value {
    Value::from(whole(&named_item(compose, named)))
}

/// [`with_named`] as an expression.
fn named_item(compose: &str, named: &[(String, String)]) -> String {
    let mut item = outputs(compose);
    for (column, value) in named {
        item = call("setProperty", &[&item, column, value]);
    }
    item
}

/// Calls "[Customize]" with a row about to be created, and creates what it answers.
fn create_through_customize(table: &str, entity_set: &str, columns: Value, step: &str) -> Steps {
    let customized = format!("Customize_the_{step}");
    Steps::new().then(&customized, call_child(names::CUSTOMIZE, json!({"table": table, "item": columns}))).then(
        &format!("Create_the_{step}"),
        dataverse(
            "CreateRecord",
            &[("entityName", json!(entity_set)), ("item", json!(whole(&path(&body(&customized), &["item"]))))],
        ),
    )
}

/// The referral's customer account as the core's `account_step` finds it: candidates whose name
/// contains the name's first word (Dataverse compares without case), then the one whose
/// `account_match_key` (normalized name + postal code) equals the referral's. The first word is
/// the match key's own (`Matching_accounts` is then a subset of the candidates either way):
/// UNCERTAIN, the core takes the first whitespace-separated word with punctuation trimmed from
/// its ends, which for "O'Brien Ltd" is "O'Brien" where the flow asks for "o"; both fetch
/// every account that can match.
fn find_the_account(name: &str, postal: &str) -> Steps {
    let words = outputs("Customer_name_words");
    let first_word = call("first", &[&call("split", &[&words, "' '"])]);
    let parts = json!({
        "id": whole(&path("item()", &[account::ID])),
        "w": whole(&account_words(&path("item()", &[account::NAME]))),
        "p": whole(&account_postal(&path("item()", &[account::POSTAL_CODE]))),
    });
    Steps::new()
        .then("Customer_name_words", Action::Compose(Value::from(whole(&account_words(name)))))
        .then("Customer_postal_code", Action::Compose(Value::from(whole(&account_postal(postal)))))
        .then(
            "Customer_account_key",
            Action::Compose(Value::from(whole(&account_key(&words, &outputs("Customer_postal_code"))))),
        )
        .then(
            "Find_the_account",
            dataverse(
                "ListRecords",
                &[
                    ("entityName", json!(account::ENTITY_SET)),
                    ("$filter", json!(format!("contains({},'{}')", account::NAME, quoted(&first_word)))),
                ],
            ),
        )
        .then(
            "Candidate_accounts",
            Action::Select { from: whole(&path(&body("Find_the_account"), &["value"])), select: parts },
        )
        .then(
            "Candidate_keys",
            Action::Select {
                from: whole(&body("Candidate_accounts")),
                select: json!({"id": whole("item()?['id']"), "key": whole(&account_key("item()?['w']", "item()?['p']"))}),
            },
        )
        .then(
            "Matching_accounts",
            Action::Query {
                from: whole(&body("Candidate_keys")),
                condition: whole(&call("equals", &["item()?['key']", &outputs("Customer_account_key")])),
            },
        )
}

/// Whether a referral is co-sell: Microsoft's "Co-sell Opportunity" category as the core's
/// `lifecycle::classify` has it (`mapping::is_co_sell`): Shared, help requested (a code other
/// than Unknown), or SalesQualified/None (or no qualification) and invited by a partner's
/// organization (any but `msft`).
fn co_sell_referral(r: &str) -> String {
    let text = |at: &str| call("trim", &[&call("string", &[&call("coalesce", &[&pointer(r, at), "''"])])]);
    let invited = text("/inviteContext/invitedBy/organizationId");
    let msft = lit(cosell_core::mapping::MICROSOFT_ORGANIZATION_ID);
    let by_partner = call(
        "and",
        &[
            &call("not", &[&call("empty", &[&invited])]),
            &call("not", &[&call("equals", &[&call("toLower", &[&invited]), &msft])]),
            &call("contains", &["createArray('SalesQualified', 'None', '')", &text("/qualification")]),
        ],
    );
    call("or", &[&shared_type(r), &help_asked(r), &by_partner])
}

/// A column of the referral's lead found by `Find_the_lead`.
fn found_lead(column: &str) -> String {
    path(&call("first", &[&path(&body("Find_the_lead"), &["value"])]), &[column])
}

/// The lead's status reason "Qualified" (`mapping::to_crm`'s `qualifyLead` step).
const QUALIFIED_STATUS: i64 = 3;
/// The disqualified lead's status reasons for a declined referral (No Longer Interested) and any
/// other closed one (Canceled), as `to_crm`'s `disqualify` step has them.
const DECLINED_STATUS: i64 = 6;
const CANCELED_STATUS: i64 = 7;

/// The opportunity's row bound to the lead it comes from, its currency and its contact, each when
/// found (`originatingleadid`, `transactioncurrencyid`, `parentcontactid`; a `Find` that finds
/// nothing leaves its binding out, as in `to_crm`).
fn with_found_binds(item: &str) -> Value {
    let mut item = item.to_owned();
    let currency = format!("{}@odata.bind", opp::CURRENCY);
    let binds = [
        (
            "Find_the_lead",
            "originatingleadid@odata.bind".to_owned(),
            call("concat", &["'/leads('", &found_lead(lead::ID), "')'"]),
        ),
        ("Find_the_currency", currency, currency_bind("Find_the_currency")),
    ];
    for (find, column, value) in binds {
        let found = call("not", &[&call("empty", &[&path(&body(find), &["value"])])]);
        item = call("if", &[&found, &call("setProperty", &[&item, &lit(&column), &value]), &item]);
    }
    // The record's contact: the first customer contact, found or created (`to_crm`'s
    // `{contact}`); none when the referral has no contact with an email or a last name.
    let contact = outputs("Contact_id");
    let bind = call("concat", &["'/contacts('", &contact, "')'"]);
    let column = lit(&format!("{}@odata.bind", opp::PARENT_CONTACT));
    item = call("if", &[&call("empty", &[&contact]), &item, &call("setProperty", &[&item, &column, &bind])]);
    Value::from(whole(&item))
}

/// The OData filter that finds the referral's contact, as the core's `to_crm` does: by email,
/// or, when the contact has none, by first and last name at the account just found (an empty
/// email must never match every contact without one).
fn contact_filter(member: &str) -> String {
    let email = path(member, &["email"]);
    let email = email.as_str();
    let member = |property: &str| path(member, &[property]);
    let escaped =
        |value: &str| call("replace", &[&call("trim", &[&call("coalesce", &[value, "''"])]), "''''", "''''''"]);
    let by_email = call("concat", &[&lit(&format!("{} eq '", contact::EMAIL)), &escaped(email), &lit("'")]);
    let by_name = call(
        "concat",
        &[
            &lit(&format!("{} eq '", contact::FIRST_NAME)),
            &escaped(&member("firstName")),
            &lit(&format!("' and {} eq '", contact::LAST_NAME)),
            &escaped(&member("lastName")),
            &lit(&format!("' and _{}_value eq ", contact::PARENT_CUSTOMER)),
            &outputs("Account_id"),
        ],
    );
    call("if", &[&call("empty", &[&call("trim", &[&call("coalesce", &[email, "''"])])]), &by_name, &by_email])
}

/// The field map's pointer prefix of the referral's first customer contact.
const FIRST_MEMBER: &str = "/customerProfile/team/0";

/// A new contact's columns from a team member (`member` is its JSON expression): the field map's
/// contact rows read at the member, bound to the account just found.
fn member_columns(member: &str) -> Map<String, Value> {
    let mut columns = Map::new();
    for f in FIELDS.iter().filter(|f| f.create.to_crm && f.crm.table == contact::TABLE) {
        let (Some(rest), ColumnName::Fixed { name }) = (f.referral.strip_prefix(FIRST_MEMBER), f.crm.column) else {
            continue;
        };
        let Some(canonical) = transform::from_referral(f.transform, &pointer(member, rest)) else { continue };
        if let Some(value) = transform::write_crm(f.transform, &canonical) {
            columns.insert(name.to_owned(), Value::from(whole(&value)));
        }
    }
    columns.insert(
        format!("{}_account@odata.bind", contact::PARENT_CUSTOMER),
        Value::from(crate::expr::interpolate(&call("concat", &["'/accounts('", &outputs("Account_id"), "')'"]))),
    );
    columns
}

/// The referral's customer contacts as the core's `to_crm` has them: each team member with an
/// email or a last name, in order; the first is the record's contact.
fn customer_contacts(r: &str) -> Action {
    let team = call("coalesce", &[&path(r, &["customerProfile", "team"]), "createArray()"]);
    let given = |property: &str| {
        let value = call("trim", &[&call("string", &[&call("coalesce", &[&path("item()", &[property]), "''"])])]);
        call("not", &[&call("empty", &[&value])])
    };
    Action::Query { from: whole(&team), condition: whole(&call("or", &[&given("email"), &given("lastName")])) }
}

/// Every customer contact after the first: found by email (else by name at the account) or
/// created, one at a time (two members with the same email are one contact).
fn further_contacts() -> Steps {
    let find = dataverse(
        "ListRecords",
        &[
            ("entityName", json!(contact::ENTITY_SET)),
            ("$filter", json!(whole(&contact_filter("item()")))),
            ("$top", json!(1)),
        ],
    );
    let create = Action::If {
        expression: cond::is_true(&call("empty", &[&path(&body("Find_a_further_contact"), &["value"])])),
        then: create_through_customize(
            contact::TABLE,
            contact::ENTITY_SET,
            Value::Object(member_columns("item()")),
            "further_contact",
        ),
        otherwise: Steps::new(),
    };
    Steps::new().then(
        "Add_the_further_contacts",
        Action::Foreach {
            from: whole(&call("skip", &[&body("Customer_contacts"), "1"])),
            body: Steps::new().then("Find_a_further_contact", find).then("Create_it_if_none", create),
            sequential: true,
        },
    )
}

/// The create path: account (found by name + postal code, or created), contact (found by email,
/// or created), then a lead or, once accepted, an opportunity with its solutions (closing the
/// referral's open lead).
fn create() -> Steps {
    let r = outputs(REFERRAL);
    let name = path(&r, &["customerProfile", "name"]);
    let postal = path(&r, &["customerProfile", "address", "postalCode"]);
    let first_member = call("first", &[&body("Customer_contacts")]);
    let has_contacts = call("not", &[&call("empty", &[&body("Customer_contacts")])]);
    let (account_columns, account_named) = create_columns(account::TABLE);
    let account_item = with_named("Account_columns", &account_named);
    let contact_columns = member_columns(&first_member);
    let (state_steps, state) = sync_state_steps("Created", &outputs(PC_VALUES), &referral_meta(&r));
    let link = call("replace", &[&crate::expr::parameter(vars::REFERRAL_LINK_TEMPLATE), "'{id}'", &path(&r, &["id"])]);
    let audit = audit_line(true, false, "'created from the referral'");
    let common = |columns: &mut Map<String, Value>, table: &str| {
        let ids = if table == lead::TABLE {
            (lead::REFERRAL_ID, lead::REFERRAL_LINK, lead::SYNC_STATE, lead::SYNC)
        } else {
            (opp::REFERRAL_ID, opp::REFERRAL_LINK, opp::SYNC_STATE, opp::SYNC)
        };
        columns.insert(ids.0.to_owned(), Value::from(whole(&path(&r, &["id"]))));
        columns.insert(ids.1.to_owned(), Value::from(whole(&link)));
        columns.insert(ids.2.to_owned(), Value::from(whole(&state)));
        columns.insert(ids.3.to_owned(), Value::Bool(true));
        // The lead table has no Audit column: a lead's trail is its run history.
        if table != lead::TABLE {
            columns.insert(opp::AUDIT.to_owned(), Value::from(whole(&audit)));
        }
    };
    let (mut opportunity_columns, opportunity_named) = create_columns(opp::TABLE);
    common(&mut opportunity_columns, opp::TABLE);
    let name_key = cosell_core::sync::fields::keys::NAME;
    // A nameless referral is named after its ID (`to_crm`'s record name).
    let pc_name = path(&outputs(PC_VALUES), &[name_key]);
    let record_name = call(
        "if",
        &[&call("empty", &[&pc_name]), &call("concat", &["'Partner Center referral '", &path(&r, &["id"])]), &pc_name],
    );
    opportunity_columns.insert(opp::NAME.to_owned(), Value::from(whole(&decorated_name(&record_name, true))));
    // The account is the opportunity's account and its Potential Customer (`to_crm`).
    for bind in [format!("{}@odata.bind", opp::PARENT_ACCOUNT), "customerid_account@odata.bind".to_owned()] {
        opportunity_columns.insert(
            bind,
            Value::from(crate::expr::interpolate(&call("concat", &["'/accounts('", &outputs("Account_id"), "')'"]))),
        );
    }
    let (mut lead_columns, _) = create_columns(lead::TABLE);
    common(&mut lead_columns, lead::TABLE);
    // A nameless referral's lead is a "Partner Center referral" (`to_crm`'s lead subject).
    if let Some(subject) = FIELDS.iter().find(|f| f.lead == Some(lead::SUBJECT)).and_then(create_value) {
        let named =
            call("if", &[&call("equals", &[&path(&r, &["name"]), "null"]), "'Partner Center referral'", &subject]);
        lead_columns.insert(lead::SUBJECT.to_owned(), Value::from(whole(&named)));
    }
    let solution_row = json!({
        solution::NAME: whole(&call("coalesce", &["item()?['name']", "item()?['id']"])),
        solution::SOLUTION_ID: whole("item()?['id']"),
        format!("{}@odata.bind", solution::OPPORTUNITY): crate::expr::interpolate(&call("concat", &["'/opportunities('", &path(&body("Create_the_opportunity"), &[opp::ID]), "')'"])),
    });
    let pc_outcome = path(&outputs(PC_VALUES), &[cosell_core::sync::fields::keys::STATUS]);
    let lead_found = call("not", &[&call("empty", &[&path(&body("Find_the_lead"), &["value"])])]);
    let lead_open = call("equals", &[&found_lead("statecode"), &LeadState::Open.value().to_string()]);
    let lead_qualified = call("equals", &[&found_lead("statecode"), &LeadState::Qualified.value().to_string()]);
    // A lead the seller qualified, whose opportunity never got the referral (the lead decision's
    // write failed, or Dynamics 365 created none): the opportunity qualifying made is found by its
    // originating lead and takes the referral over (`on_lead_qualified`'s write), never a second
    // opportunity; with none, the opportunity is created below, bound to the lead.
    let qualified_opportunity =
        path(&call("first", &[&path(&body("Find_the_qualified_opportunity"), &["value"])]), &[opp::ID]);
    let take_over = Steps::new()
        .then(
            "Take_the_referral_over",
            dataverse(
                "UpdateRecord",
                &[
                    ("entityName", json!(opp::ENTITY_SET)),
                    ("recordId", json!(whole(&qualified_opportunity))),
                    (&format!("item/{}", opp::REFERRAL_ID), json!(whole(&path(&r, &["id"])))),
                    (&format!("item/{}", opp::REFERRAL_LINK), json!(whole(&link))),
                    (&format!("item/{}", opp::SYNC), json!(true)),
                    (&format!("item/{}", opp::SYNC_STATE), json!(whole(&state))),
                ],
            ),
        )
        .then(
            "Answer_taken_over",
            respond(200, json!({"synced": true, "created": false, "linked": whole(&qualified_opportunity)})),
        )
        .then("Taken_over", Action::Terminate { status: TerminateStatus::Succeeded, code: None, message: None });
    let find_qualified = dataverse(
        "ListRecords",
        &[
            ("entityName", json!(opp::ENTITY_SET)),
            (
                "$filter",
                json!(format!("_originatingleadid_value eq {}", crate::expr::interpolate(&found_lead(lead::ID)))),
            ),
            ("$top", json!(1)),
        ],
    );
    let found_qualified = call("not", &[&call("empty", &[&path(&body("Find_the_qualified_opportunity"), &["value"])])]);
    let opportunity = Steps::new()
        .then(
            // Only a qualified lead has an opportunity to look for (no call otherwise).
            "Take_over_if_qualified",
            Action::If {
                expression: cond::is_true(&lead_qualified),
                then: Steps::new().then("Find_the_qualified_opportunity", find_qualified).then(
                    "Take_over_if_found",
                    Action::If {
                        expression: cond::is_true(&found_qualified),
                        then: take_over,
                        otherwise: Steps::new(),
                    },
                ),
                otherwise: Steps::new(),
            },
        )
        .then("Opportunity_columns", Action::Compose(Value::Object(opportunity_columns)))
        .append(create_through_customize(
            opp::TABLE,
            opp::ENTITY_SET,
            with_found_binds(&named_item("Opportunity_columns", &opportunity_named)),
            "opportunity",
        ))
        .then(
            "Add_the_solutions",
            Action::Foreach {
                from: whole(&call(
                    "coalesce",
                    &[&path(&r, &["details", "requirements", "solutions"]), "createArray()"],
                )),
                body: Steps::new().then(
                    "Add_a_solution",
                    dataverse("CreateRecord", &[("entityName", json!(solution::ENTITY_SET)), ("item", solution_row)]),
                ),
                sequential: false,
            },
        )
        // The referral's open lead is closed as qualified (the core's `qualifyLead` step): one
        // referral is never two open records. Its base says Active, so the lead qualification
        // flow does not accept the referral a second time.
        .then(
            "Close_the_lead_if_open",
            Action::If {
                expression: cond::is_true(&lead_found),
                then: Steps::new().then(
                    "Close_the_lead",
                    dataverse(
                        "UpdateRecord",
                        &[
                            ("entityName", json!(lead::ENTITY_SET)),
                            ("recordId", json!(whole(&found_lead(lead::ID)))),
                            ("item/statecode", json!(LeadState::Qualified.value())),
                            ("item/statuscode", json!(QUALIFIED_STATUS)),
                            (&format!("item/{}", lead::SYNC_STATE), json!(whole(&state))),
                        ],
                    ),
                ),
                otherwise: Steps::new(),
            },
        )
        // A referral that arrives closed (won or lost) closes its new opportunity, as the merge
        // would (after the lead: a refused close leaves no open lead behind).
        .then(
            "Close_the_new_opportunity_if_closed",
            close_by_outcome("New_", &pc_outcome, &path(&body("Create_the_opportunity"), &[opp::ID])),
        );
    let lead = create_through_customize(lead::TABLE, lead::ENTITY_SET, Value::Object(lead_columns), "lead");
    // The record a referral becomes (`to_crm`): an opportunity once accepted (Active, or closed
    // as won or lost) or when it came from Dynamics 365 (outgoing, or carrying an opportunity's
    // row ID); else a lead, disqualified when the referral is closed.
    let substatus = call("string", &[&call("coalesce", &[&path(&r, &["substatus"]), "''"])]);
    let closed = call("equals", &[&path(&r, &["status"]), "'Closed'"]);
    let accepted = call(
        "or",
        &[
            &call("equals", &[&path(&r, &["status"]), "'Active'"]),
            &call("and", &[&closed, &call("contains", &["createArray('Won', 'Lost')", &substatus])]),
        ],
    );
    let external = call("string", &[&call("coalesce", &[&path(&r, &["externalReferenceId"]), "''"])]);
    let from_dynamics = call(
        "or",
        &[&call("equals", &[&path(&r, &["direction"]), "'Outgoing'"]), &super::receiver::is_guid(&external)],
    );
    let accepted = call("or", &[&accepted, &from_dynamics]);
    let disqualify = |lead_id: &str, state: &str| {
        dataverse(
            "UpdateRecord",
            &[
                ("entityName", json!(lead::ENTITY_SET)),
                ("recordId", json!(whole(lead_id))),
                ("item/statecode", json!(LeadState::Disqualified.value())),
                (
                    "item/statuscode",
                    json!(whole(&call(
                        "if",
                        &[
                            &call("equals", &[&substatus, "'Declined'"]),
                            &DECLINED_STATUS.to_string(),
                            &CANCELED_STATUS.to_string()
                        ]
                    ))),
                ),
                (&format!("item/{}", lead::SYNC_STATE), json!(whole(state))),
            ],
        )
    };
    let lead = lead.then(
        "Disqualify_if_closed",
        Action::If {
            expression: cond::is_true(&closed),
            then: Steps::new()
                .then("Disqualify_the_new_lead", disqualify(&path(&body("Create_the_lead"), &[lead::ID]), &state)),
            otherwise: Steps::new(),
        },
    );
    let (closed_state_steps, closed_state) = sync_state_steps("Closed", &outputs(PC_VALUES), &referral_meta(&r));
    let close_open_lead = Action::If {
        expression: cond::is_true(&call("and", &[&lead_open, &closed])),
        then: closed_state_steps.then("Disqualify_the_lead", disqualify(&found_lead(lead::ID), &closed_state)),
        otherwise: Steps::new(),
    };
    let co_sell = co_sell_referral(&r);
    let steps = Steps::new()
        .then(
            "Find_the_lead",
            dataverse(
                "ListRecords",
                &[
                    ("entityName", json!(lead::ENTITY_SET)),
                    ("$filter", json!(format!("{} eq '{}'", lead::REFERRAL_ID, quoted(&path(&r, &["id"]))))),
                    ("$top", json!(1)),
                ],
            ),
        )
        .then(
            // The same delivery twice, an update of a referral not accepted yet, or a lead
            // already closed: it stays a lead. Accepted in Partner Center with the lead still
            // open (`to_crm`: "accepted → opportunity"): the opportunity is created below and
            // the lead closed.
            "Already_a_lead",
            Action::If {
                expression: cond::is_true(&call(
                    "and",
                    &[
                        &lead_found,
                        &call("not", &[&call("and", &[&accepted, &call("or", &[&lead_open, &lead_qualified])])]),
                    ],
                )),
                then: Steps::new().then(
                    // Still open and not closed in Partner Center: merged into the lead from the
                    // lead's own base (`inbound_lead`), never over the seller's edit.
                    "Merge_into_the_open_lead",
                    Action::If {
                        expression: cond::is_true(&call("and", &[&lead_open, &call("not", &[&closed])])),
                        then: Steps::new()
                            .then(
                                "Lead_as_read",
                                Action::Compose(Value::from(whole(&call(
                                    "first",
                                    &[&path(&body("Find_the_lead"), &["value"])],
                                )))),
                            )
                            .then("Lead_merge", Action::Scope(merge(Target::Lead, &outputs("Lead_as_read"))))
                            .then(
                                "Lead_merged",
                                Action::Terminate { status: TerminateStatus::Succeeded, code: None, message: None },
                            ),
                        otherwise: Steps::new()
                            // Closed in Partner Center (declined, expired) while the lead is open.
                            .then("Disqualify_if_closed_in_Partner_Center", close_open_lead)
                            .then("Answer_already_a_lead", respond(200, json!({"synced": true, "created": false})))
                            .then(
                                "Lead_exists",
                                Action::Terminate { status: TerminateStatus::Succeeded, code: None, message: None },
                            ),
                    },
                ),
                otherwise: Steps::new(),
            },
        )
        .then(
            "Skip_unless_co_sell_when_asked",
            Action::If {
                expression: cond::is_true(&call(
                    "and",
                    &[&crate::expr::parameter(vars::SYNC_COSELL_ONLY), &call("not", &[&co_sell])],
                )),
                then: Steps::new()
                    .then("Answer_skipped", respond(200, json!({"synced": false, "reason": "not a co-sell referral"})))
                    .then(
                        "Not_co_sell",
                        Action::Terminate { status: TerminateStatus::Succeeded, code: None, message: None },
                    ),
                otherwise: Steps::new(),
            },
        )
        .append(find_the_account(&name, &postal))
        .then("Account_columns", Action::Compose(Value::Object(account_columns)))
        .then(
            "Create_the_account_if_none",
            Action::If {
                expression: cond::is_true(&call("empty", &[&body("Matching_accounts")])),
                then: create_through_customize(account::TABLE, account::ENTITY_SET, account_item, "account"),
                otherwise: Steps::new(),
            },
        )
        .then(
            "Account_id",
            Action::Compose(Value::from(whole(&call(
                "coalesce",
                &[
                    &path(&call("first", &[&body("Matching_accounts")]), &["id"]),
                    &path(&body("Create_the_account"), &[account::ID]),
                ],
            )))),
        )
        .then("Customer_contacts", customer_contacts(&r))
        .then(
            "Find_the_contact",
            dataverse(
                "ListRecords",
                &[
                    ("entityName", json!(contact::ENTITY_SET)),
                    ("$filter", json!(whole(&contact_filter(&first_member)))),
                    ("$top", json!(1)),
                ],
            ),
        )
        .then(
            "Create_the_contact_if_none",
            Action::If {
                expression: cond::is_true(&call(
                    "and",
                    &[&call("empty", &[&path(&body("Find_the_contact"), &["value"])]), &has_contacts],
                )),
                then: create_through_customize(
                    contact::TABLE,
                    contact::ENTITY_SET,
                    Value::Object(contact_columns),
                    "contact",
                ),
                otherwise: Steps::new(),
            },
        )
        .then(
            "Contact_id",
            Action::Compose(Value::from(whole(&call(
                "if",
                &[
                    &has_contacts,
                    &call(
                        "coalesce",
                        &[
                            &path(&call("first", &[&path(&body("Find_the_contact"), &["value"])]), &[contact::ID]),
                            &path(&body("Create_the_contact"), &[contact::ID]),
                        ],
                    ),
                    "''",
                ],
            )))),
        )
        .append(further_contacts());
    steps
        .append(state_steps)
        .then(
            "Lead_or_opportunity",
            Action::If { expression: cond::is_true(&accepted), then: opportunity, otherwise: lead },
        )
        .then("Answer_created", respond(200, json!({"synced": true, "created": true})))
}

/// An OData filter clause `<column> eq '<value>'`, the value's quotes doubled.
fn eq_clause(column: &str, value: &str) -> String {
    call(
        "concat",
        &[
            &lit(&format!("{column} eq '")),
            &call("replace", &[&call("string", &[&call("coalesce", &[value, "''"])]), "''''", "''''''"]),
            "''''",
        ],
    )
}

/// `text` trimmed and in lower case, `''` for null: IDs compared as the core compares them.
fn id_key(text: &str) -> String {
    call("toLower", &[&call("trim", &[&call("string", &[&call("coalesce", &[text, "''"])])])])
}

const EVENT_REFERRAL: &str = "Event_referral";
const FOUND: &str = "Found_opportunities";
const STORED_ID: &str = "Stored_referral_id";
const RELATED: &str = "Related_referral";

/// Finds the opportunity of the referral the event names, as the core's `record_filter` does:
/// by Referral ID, or by `opportunityid` = the referral's `externalReferenceId` when it is a
/// GUID (both referrals of a co-sell the sync created carry it). Not found and the referral is
/// in an engagement: by the ID of any referral of the engagement (Microsoft's referral of a
/// co-sell, announced by `related-referral-*`, is found through the partner's).
fn find_the_record() -> Steps {
    let event = outputs(EVENT_REFERRAL);
    let text = |e: &str| call("trim", &[&call("string", &[&call("coalesce", &[e, "''"])])]);
    let external = text(&path(&event, &["externalReferenceId"]));
    let by_external = call(
        "if",
        &[
            &super::receiver::is_guid(&external),
            &call("concat", &[&lit(&format!(" or {} eq ", opp::ID)), &external]),
            "''",
        ],
    );
    let own_clause = eq_clause(opp::REFERRAL_ID, &path(&event, &["id"]));
    let filter = call("concat", &[&own_clause, &by_external]);
    let engagement = text(&path(&event, &["engagementId"]));
    let first_found = path(&body("Find_the_opportunity"), &["value"]);
    let clauses = call("union", &[&call("createArray", &[&own_clause]), &body("Engagement_referral_clauses")]);
    let look = Steps::new()
        .then(
            "List_the_engagement",
            referrals("GetRelatedReferrals", &[("$filter", json!(whole(&eq_clause("engagementId", &engagement))))]),
        )
        .then(
            "Engagement_referral_clauses",
            Action::Select {
                from: whole(&call("coalesce", &[&path(&body("List_the_engagement"), &["value"]), "createArray()"])),
                select: Value::from(whole(&eq_clause(opp::REFERRAL_ID, "item()?['id']"))),
            },
        )
        .then(
            "Find_by_engagement",
            dataverse(
                "ListRecords",
                &[
                    ("entityName", json!(opp::ENTITY_SET)),
                    ("$filter", json!(whole(&call("join", &[&clauses, "' or '"])))),
                    ("$top", json!(1)),
                ],
            ),
        );
    let record = call("first", &[&outputs(FOUND)]);
    let not_found = call("empty", &[&first_found]);
    Steps::new()
        .then(
            "Find_the_opportunity",
            dataverse(
                "ListRecords",
                &[("entityName", json!(opp::ENTITY_SET)), ("$filter", json!(whole(&filter))), ("$top", json!(1))],
            ),
        )
        .then(
            "Look_in_the_engagement",
            Action::If {
                expression: cond::is_true(&call("and", &[&not_found, &call("not", &[&call("empty", &[&engagement])])])),
                then: look,
                otherwise: Steps::new(),
            },
        )
        .then(
            FOUND,
            Action::Compose(Value::from(whole(&call(
                "if",
                &[
                    &not_found,
                    &call("coalesce", &[&path(&body("Find_by_engagement"), &["value"]), "createArray()"]),
                    &first_found,
                ],
            )))),
        )
        .then(STORED_ID, Action::Compose(Value::from(whole(&text(&path(&record, &[opp::REFERRAL_ID]))))))
}

/// The record found holds no Referral ID yet: the outbound flow created the referral and is
/// still writing it back. UNCERTAIN (the issue is silent): nothing is written — any write here
/// could race the write-back of the Referral ID, link and base, which already hold this
/// referral's state — and the run ends Cancelled with the reason (as for an unknown referral:
/// nothing failed, nothing was done); the next event on the referral merges as usual.
fn outbound_create_in_flight() -> Steps {
    let record = call("first", &[&outputs(FOUND)]);
    let message = call(
        "concat",
        &[
            "'The opportunity '",
            &call("string", &[&path(&record, &[opp::ID])]),
            "' has no Referral ID yet: the outbound create is writing referral '",
            &path(&outputs(EVENT_REFERRAL), &["id"]),
            "' back; nothing was written.'",
        ],
    );
    Steps::new().then("Answer_in_flight", respond(200, json!({"synced": false, "reason": whole(&message)}))).then(
        "Outbound_create_in_flight",
        Action::Terminate {
            status: TerminateStatus::Cancelled,
            code: Some("outbound-create-in-flight".to_owned()),
            message: Some(crate::expr::interpolate(&message)),
        },
    )
}

/// The audit note of a related referral (the co-sell's other side, such as Microsoft's), and the
/// record as read with it in its Audit column, so the merge appends after it.
/// UNCERTAIN: a note already in the trail (same id, status and substatus) is not written again,
/// so duplicate and out-of-order deliveries change nothing; a status that comes back to an
/// earlier one is not noted twice.
fn related_note() -> (Steps, String) {
    let event = outputs(EVENT_REFERRAL);
    let record = call("first", &[&outputs(FOUND)]);
    let state = |k: &str| call("string", &[&call("coalesce", &[&path(&event, &[k]), "''"])]);
    let text = call(
        "concat",
        &[
            "'related referral '",
            &path(&event, &["id"]),
            "' is '",
            &state("status"),
            "'/'",
            &state("substatus"),
            "' (not this record''s own: its own referral '",
            &outputs(STORED_ID),
            "' was merged)'",
        ],
    );
    let existing = call("string", &[&call("coalesce", &[&path(&record, &[opp::AUDIT]), "''"])]);
    let needed = call("and", &[&outputs(RELATED), &call("not", &[&call("contains", &[&existing, &text])])]);
    let line = audit_entry_line(AuditOutcome::Skipped, false, Some("related-referral"), &text);
    let with_note = call("if", &[&outputs("Related_note_needed"), &audit_append(&existing, &line), &existing]);
    let write = dataverse(
        "UpdateRecord",
        &[
            ("entityName", json!(opp::ENTITY_SET)),
            ("recordId", json!(whole(&path(&record, &[opp::ID])))),
            ("item/cosell_audit", json!(whole(&outputs("Audit_with_the_note")))),
        ],
    );
    let steps = Steps::new()
        .then("Related_note_needed", Action::Compose(Value::from(whole(&needed))))
        .then("Audit_with_the_note", Action::Compose(Value::from(whole(&with_note))))
        .then(
            "Note_the_related_referral",
            Action::If {
                expression: cond::is_true(&outputs("Related_note_needed")),
                then: Steps::new().then("Write_the_note", write),
                otherwise: Steps::new(),
            },
        );
    (steps, call("setProperty", &[&record, &lit(opp::AUDIT), &outputs("Audit_with_the_note")]))
}

pub fn helper() -> Flow {
    let id = path("triggerBody()", &["referralId"]);
    let unknown = Steps::new()
        .then(
            "Answer_unknown",
            respond(200, json!({"synced": false, "reason": "Partner Center does not know this referral"})),
        )
        .then(
            "Unknown_referral",
            Action::Terminate {
                status: TerminateStatus::Cancelled,
                code: Some("unknown-referral".to_owned()),
                message: Some(crate::expr::interpolate(&call(
                    "concat",
                    &["'Partner Center does not know the referral '", &id, "'; nothing was written.'"],
                ))),
            },
        );
    let found = outputs(FOUND);
    let stored = outputs(STORED_ID);
    let is_found = call("not", &[&call("empty", &[&found])]);
    let other_id = call(
        "not",
        &[&call("equals", &[&call("toLower", &[&stored]), &id_key(&path(&outputs(EVENT_REFERRAL), &["id"]))])],
    );
    let (note_steps, as_read) = related_note();
    let referral = call("if", &[&outputs(RELATED), &body("Get_the_own_referral"), &outputs(EVENT_REFERRAL)]);
    let actions = Steps::new()
        .then("Get_the_referral", referrals("GetReferralById", &[("id", json!(whole(&id)))]))
        .after("Not_a_referral_Partner_Center_knows", Action::Scope(unknown), &[("Get_the_referral", NOT_SUCCEEDED)])
        .after(
            EVENT_REFERRAL,
            Action::Compose(Value::from(whole(&body("Get_the_referral")))),
            &[("Get_the_referral", &[Status::Succeeded])],
        )
        .append(find_the_record())
        .then(
            "Outbound_create_still_writing_back",
            Action::If {
                expression: cond::is_true(&call("and", &[&is_found, &call("empty", &[&stored])])),
                then: outbound_create_in_flight(),
                otherwise: Steps::new(),
            },
        )
        // The record stores another referral: the event's is a related one. The core's
        // `inbound` refuses a foreign referral, so the record's own referral is re-read and
        // merged instead.
        .then(RELATED, Action::Compose(Value::from(whole(&call("and", &[&is_found, &other_id])))))
        .then(
            "Read_the_own_referral",
            Action::If {
                expression: cond::is_true(&outputs(RELATED)),
                then: Steps::new()
                    .then("Get_the_own_referral", referrals("GetReferralById", &[("id", json!(whole(&stored)))])),
                otherwise: Steps::new(),
            },
        )
        .then(REFERRAL, Action::Compose(Value::from(whole(&referral))))
        .then(
            "Referral_solution_keys",
            select_solution_keys(&pointer(&outputs(REFERRAL), "/details/requirements/solutions"), "id"),
        )
        .then(PC_VALUES, Action::Compose(referral_values(&outputs(REFERRAL), &body("Referral_solution_keys"))))
        // Both paths may bind the currency Partner Center names.
        .then("Find_the_currency", find_currency(&currency_code()))
        .then(
            "Merge_or_create",
            Action::If {
                expression: cond::is_true(&call("empty", &[&found])),
                then: create(),
                otherwise: note_steps
                    .then("Opportunity_as_read", Action::Compose(Value::from(whole(&as_read))))
                    .append(load_lookups(&outputs("Opportunity_as_read"), ROW, false))
                    .then("Merge", Action::Scope(merge(Target::Opportunity, &outputs(ROW)))),
            },
        );
    let schema = object_schema(
        &[("referralId", "string", "The referral's ID."), ("event", "string", "The event that announced it, if any.")],
        &["referralId"],
    );
    Flow {
        name: names::INBOUND_HELPER.to_owned(),
        description: "Reads one referral from Partner Center and merges it into Dynamics 365 from the base.".to_owned(),
        definition: crate::wdl::one_run_at_a_time(
            Definition { trigger: Trigger::Button { schema }, actions }.to_value(),
        ),
        connections: connections_of(&[Connection::Dataverse, Connection::Referrals]),
        environment_variables: {
            let mut v = sync_variables();
            v.push(vars::REFERRAL_LINK_TEMPLATE.to_owned());
            v
        },
    }
}
