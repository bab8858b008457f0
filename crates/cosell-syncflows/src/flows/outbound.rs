//! "Dynamics 365 to Partner Center - Helper": one opportunity, from Dynamics 365 to Partner Center.
//!
//! Reads the opportunity with its lookups and solutions, computes its canonical values, and
//! - skips Sync = No, and an echo (nothing differs from the base);
//! - runs the rules first: a failure goes to the audit trail with ✖, and Partner Center is not called;
//! - refuses another referral than the base's (`merge::check_referral`): ✖, nothing called;
//! - creates the referral when there is none, else patches only the fields the CRM changed since
//!   the base (the core's `plan_outbound`) with If-Match = the stored eTag, and writes the
//!   changes no update carries (`NotSent`) to the audit;
//! - on 412, or at once when the base has no eTag, reads the referral, hands it to the inbound
//!   helper (Partner Center's changes merged first, the base refreshed), then runs once more with
//!   the referral read (its eTag is the If-Match): `after_precondition_failed`.

use super::common::*;
use super::names;
use crate::connections::Connection;
use crate::expr::{body, call, json_literal, lit, outputs, path, whole};
use crate::transform;
use crate::wdl::{
    cond, object_schema, Action, Definition, Status, Steps, TerminateStatus, Trigger, VarKind, NOT_SUCCEEDED,
};
use cosell_core::config::vars;
use cosell_core::dataverse::{opportunity as opp, solution};
use cosell_core::rules::RuleId;
use cosell_core::sync::fields::keys;
use cosell_core::sync::{Field, Side, Transform, FIELDS};
use cosell_solution::flows::Flow;
use serde_json::{json, Map, Value};

const ROW: &str = "Opportunity";
const CRM_VALUES: &str = "Dynamics_365_values";
const BASE: &str = "Base";

fn crm(key: &str) -> String {
    path(&outputs(CRM_VALUES), &[key])
}

fn base(key: &str) -> String {
    base_field(&outputs(BASE), key)
}

fn row(column: &str) -> String {
    path(&outputs(ROW), &[column])
}

fn ne(a: &str, b: &str) -> String {
    call("not", &[&call("equals", &[a, b])])
}

fn empty(e: &str) -> String {
    call("empty", &[e])
}

/// The rules the flow runs before calling Partner Center: the core's error rules that read the
/// opportunity's own values. Each row: the rule, and the expression that is true when it fails.
/// On every snapshot fixture they fail exactly where `rules::validate` reports an error of the
/// same id (`tests/values.rs`). The rules that compare with the last saved values read them
/// from the base (what the last sync saw): visibility-one-way and state-transition. UNCERTAIN:
/// read-only-column is not run: the base does not keep the sync's own columns (Referral
/// Identifier, Link, Audit), so an edit of them cannot be told from the sync's write.
pub fn rules() -> Vec<(RuleId, String)> {
    let help = crm(keys::HELP);
    let account = |column: &str| path(&row(opp::PARENT_ACCOUNT), &[column]);
    let contact = path(&row(opp::PARENT_CONTACT), &[]);
    let countries: Vec<Value> = cosell_core::iso::countries().map(|(c, _)| Value::from(c)).collect();
    let currencies: Vec<Value> = cosell_core::iso::currencies().map(Value::from).collect();
    let country = FIELDS.iter().find(|f| f.transform == Transform::IsoCountry).map(|f| column_value(&outputs(ROW), f));
    let country =
        transform::from_crm(Transform::IsoCountry, &country.unwrap_or_else(|| "null".into())).unwrap_or_default();
    vec![
        (RuleId::NameRequired, empty(&crm(keys::NAME))),
        (
            RuleId::CustomerNameRequired,
            empty(&call("trim", &[&call("string", &[&call("coalesce", &[&account("name"), "''"])])])),
        ),
        (RuleId::CountryIso, call("not", &[&call("contains", &[&json_literal(&Value::from(countries)), &country])])),
        (
            RuleId::CurrencyIso,
            call("not", &[&call("contains", &[&json_literal(&Value::from(currencies)), &crm(keys::CURRENCY)])]),
        ),
        (
            RuleId::DealValuePositive,
            call(
                "or",
                &[
                    &empty(&crm(keys::DEAL_VALUE)),
                    &call(
                        "lessOrEquals",
                        &[
                            &call(
                                "float",
                                &[&call(
                                    "coalesce",
                                    &[
                                        &call("if", &[&empty(&crm(keys::DEAL_VALUE)), "null", &crm(keys::DEAL_VALUE)]),
                                        "'0'",
                                    ],
                                )],
                            ),
                            "0",
                        ],
                    ),
                ],
            ),
        ),
        (RuleId::ClosingDateRequired, empty(&crm(keys::CLOSING_DATE))),
        (
            RuleId::HelpNeedsContact,
            call("and", &[&call("not", &[&empty(&help)]), &empty(&call("coalesce", &[&contact, "''"]))]),
        ),
        (RuleId::SharingNeedsSolution, call("and", &[&call("not", &[&empty(&help)]), &empty(&crm(keys::SOLUTIONS))])),
        (RuleId::ContactNameEmail, {
            let blank = |column: &str| {
                empty(&call("trim", &[&call("string", &[&call("coalesce", &[&path(&contact, &[column]), "''"])])]))
            };
            let missing = call(
                "or",
                &[
                    &blank("firstname"),
                    &blank("lastname"),
                    &call("and", &[&call("not", &[&empty(&help)]), &blank("emailaddress1")]),
                ],
            );
            call("and", &[&call("not", &[&empty(&call("coalesce", &[&contact, "''"]))]), &missing])
        }),
        (
            RuleId::HelpNeedsVisible,
            call("and", &[&call("not", &[&empty(&help)]), &ne(&crm(keys::VISIBILITY), "'true'")]),
        ),
        // Visible at the last sync, hidden now.
        (
            RuleId::VisibilityOneWay,
            call(
                "and",
                &[&call("equals", &[&base(keys::VISIBILITY), "'true'"]), &ne(&crm(keys::VISIBILITY), "'true'")],
            ),
        ),
        // A referral closed in Partner Center is terminal: any change of the outcome since the
        // last sync (reopened, won after lost, lost after won) cannot be synced. (A lost
        // opportunity of a declined or expired referral keeps that outcome: no change.)
        (
            RuleId::StateTransition,
            call(
                "and",
                &[
                    &call("equals", &[&path(&outputs(BASE), &["status"]), "'Closed'"]),
                    &call("not", &[&empty(&base(keys::STATUS))]),
                    &ne(&crm(keys::STATUS), &base(keys::STATUS)),
                ],
            ),
        ),
    ]
}

/// The referral read by the first attempt, handed to the second after the merge (`null` on a
/// first attempt): its eTag is the If-Match, its properties decide `add` or `replace`.
const FRESH: &str = "triggerBody()?['referral']";

/// `add` or `replace` for an operation on `pointer_` (`sync::outbound`'s `exists`): whether the
/// referral read now has the property, else whether the base holds a value of the field `key`.
fn op_kind(pointer_: &str, key: &str) -> String {
    let (parent, last) = pointer_.rsplit_once('/').unwrap_or(("", pointer_));
    let has = call("contains", &[&call("coalesce", &[&pointer(FRESH, parent), "json('{}')"]), &lit(last)]);
    let from_base = call("if", &[&empty(&base(key)), "'add'", "'replace'"]);
    whole(&call("if", &[&empty(FRESH), &from_base, &call("if", &[&has, "'replace'", "'add'"])]))
}

/// The referral status the merge starts from (`''` when unknown): the referral read by the
/// first attempt when this is the second (the core's Retry plans from the merged base, which
/// takes the fresh referral's status even when no field changed), else the base's.
fn base_status() -> String {
    call("string", &[&call("coalesce", &[&path(FRESH, &["status"]), &path(&outputs(BASE), &["status"]), "''"])])
}

/// Whether the referral is closed (terminal): nothing more is sent, nothing is reported unsent.
fn terminal() -> String {
    call("equals", &[&base_status(), "'Closed'"])
}

/// One candidate PATCH operation per field the CRM may send on update: (key, `send` condition, op).
fn candidates() -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for f in FIELDS.iter().filter(|f| f.sends_on_update()) {
        let Some(path_) = f.patch else { continue };
        let c = crm(f.key);
        let kind = op_kind(path_, f.key);
        match f.transform {
            // `status_ops`: won or lost, when the status machine allows leaving the base's status
            // (none, New or Active; Closed is terminal and sends nothing at all); a referral never
            // accepted (New) is declined, not lost, and only a loss carries the reason.
            Transform::Status => {
                let movable = call("contains", &["createArray('', 'New', 'Active')", &base_status()]);
                let won = call("and", &[&movable, &call("equals", &[&c, "'Won'"])]);
                let lost = call("and", &[&movable, &call("equals", &[&c, "'Lost'"])]);
                let declined = call("equals", &[&base_status(), "'New'"]);
                let substatus = call("if", &[&won, "'Won'", &call("if", &[&declined, "'Declined'", "'Lost'"])]);
                let closing = call("or", &[&won, &lost]);
                let status_op = |p: &str, value: Value| json!({"op": op_kind(p, f.key), "path": p, "value": value});
                out.push((f.key.to_owned(), closing.clone(), status_op("/status", json!("Closed"))));
                out.push((f.key.to_owned(), closing, status_op("/substatus", json!(whole(&substatus)))));
                out.push((
                    f.key.to_owned(),
                    call("and", &[&lost, &call("not", &[&declined])]),
                    status_op("/statusReason", json!(cosell_core::mapping::LOST_REASON)),
                ));
            }
            // Visibility is one way: granted, never withdrawn.
            Transform::Flag { .. } => {
                out.push((
                    f.key.to_owned(),
                    call("equals", &[&c, "'true'"]),
                    json!({"op": kind, "path": path_, "value": true}),
                ));
            }
            Transform::SolutionList => {
                out.push((
                    f.key.to_owned(),
                    call("not", &[&empty(&c)]),
                    json!({"op": kind, "path": path_, "value": whole(&body("Solution_tags"))}),
                ));
            }
            // Cleared text goes as empty text; a cleared amount or code cannot be sent.
            Transform::Text { .. } => {
                out.push((f.key.to_owned(), "true".to_owned(), json!({"op": kind, "path": path_, "value": whole(&c)})))
            }
            t => {
                let Some(v) = transform::to_referral(t, &c) else { continue };
                out.push((
                    f.key.to_owned(),
                    call("not", &[&empty(&c)]),
                    json!({"op": kind, "path": path_, "value": whole(&v)}),
                ));
            }
        }
    }
    out
}

/// The create payload: every field the CRM writes on create, at its referral pointer.
fn create_payload() -> Value {
    let mut pairs: Vec<(&str, Value)> = Vec::new();
    for f in FIELDS.iter().filter(|f| f.create.to_partner_center) {
        let value = match f.transform {
            Transform::SolutionList => whole(&body("Solution_tags")),
            Transform::Status | Transform::LookupByKey { .. } => continue,
            t if f.in_base() => match referral_value(t, &crm(f.key)) {
                Some(v) => whole(&v),
                None => continue,
            },
            t => {
                let Some(c) = transform::from_crm(t, &column_value(&outputs(ROW), f)) else { continue };
                match referral_value(t, &c) {
                    Some(v) => whole(&v),
                    None => continue,
                }
            }
        };
        pairs.push((f.referral, Value::from(value)));
    }
    // What `mapping::to_referral` adds besides the field map: a new referral's status, its type
    // (Shared when Microsoft's help is asked), consent, and the CustomerMarketplaceIntent attribute.
    let help = crm(keys::HELP);
    let shared = call("or", &[&call("not", &[&empty(&help)]), &call("equals", &[&crm(keys::VISIBILITY), "'true'"])]);
    let has_contact = has_contact();
    let derived = [
        ("/status", json!("New")),
        ("/substatus", json!("Pending")),
        ("/type", json!(whole(&call("if", &[&call("not", &[&empty(&help)]), "'Shared'", "'Independent'"])))),
        ("/qualification", json!("SalesQualified")),
        // Microsoft's own spelling (the referral schema's `consentToToShareInfoWithOthers`).
        ("/consent/consentToToShareInfoWithOthers", json!(whole(&has_contact))),
        ("/consent/consentToContact", json!(whole(&has_contact))),
        ("/consent/consentToShareReferralWithMicrosoftSellers", json!(whole(&shared))),
        (
            "/details/requirements/additionalRequirements/attributes",
            json!([{
                "id": cosell_core::sync::lifecycle::DEFAULT_MARKETPLACE_INTENT,
                "type": cosell_core::sync::lifecycle::CUSTOMER_MARKETPLACE_INTENT
            }]),
        ),
    ];
    for (pointer, value) in derived {
        if !pairs.iter().any(|(p, _)| *p == pointer) {
            pairs.push((pointer, value));
        }
    }
    nest(&pairs)
}

/// The create payload passed through "[Customize]" by the action `step`. An opportunity without a
/// contact sends no team (`to_referral` leaves it out), never a member whose every property is null.
fn customize_referral(step: &str) -> Steps {
    let payload = format!("{step}_payload");
    let has_contact = has_contact();
    let profile = path(&outputs(&payload), &["customerProfile"]);
    let without_team =
        call("setProperty", &[&outputs(&payload), "'customerProfile'", &call("removeProperty", &[&profile, "'team'"])]);
    let item = call("if", &[&has_contact, &outputs(&payload), &without_team]);
    Steps::new()
        .then(&payload, Action::Compose(create_payload()))
        .then(step, call_child(names::CUSTOMIZE, json!({"table": "referral", "item": whole(&item)})))
}

/// Whether the opportunity has a customer contact.
fn has_contact() -> String {
    call("not", &[&empty(&call("coalesce", &[&row(opp::PARENT_CONTACT), "''"]))])
}

fn fail(step: &str, message: &str, code: &str) -> Steps {
    let (reread, fresh) = reread(&format!("Reread_{step}"));
    Steps::new()
        .then(&format!("Reread_{step}"), reread)
        .then(
            &format!("Write_{step}"),
            dataverse(
                "UpdateRecord",
                &[
                    ("entityName", json!(opp::ENTITY_SET)),
                    ("recordId", json!(whole(&row(opp::ID)))),
                    (
                        "item/cosell_audit",
                        json!(whole(&audit_append(&path(&fresh, &[opp::AUDIT]), &audit_line(false, true, message)))),
                    ),
                    ("item/name", json!(whole(&decorated_name(&fresh_name(&fresh), false)))),
                ],
            ),
        )
        // A failure status, so the calling flow's run fails too and the admin sees it.
        .then(&format!("Answer_{step}"), respond(500, json!({"synced": false, "reason": code})))
        .then(
            &format!("Stop_{step}"),
            Action::Terminate {
                status: TerminateStatus::Failed,
                code: Some(code.to_owned()),
                message: Some(crate::expr::interpolate(message)),
            },
        )
}

/// The base written after a sync, with the audit line of `message` (followed by the not-sent
/// lines of [`not_sent`] after an update; a create, which writes the Referral ID, has none),
/// the ✔ name and `extra` columns.
fn write_base(prefix: &str, referral: &str, settled: &str, message: &str, extra: &[(&str, Value)]) -> Steps {
    let (state_steps, state) = sync_state_steps(prefix, settled, &referral_meta(referral));
    let created = extra.iter().any(|(column, _)| *column == format!("item/{}", opp::REFERRAL_ID));
    let lines = if created {
        audit_line(true, true, message)
    } else {
        call("concat", &[&audit_line(true, true, message), &then_not_sent_lines()])
    };
    let (reread, fresh) = reread(&format!("{prefix}_reread"));
    let mut parameters = vec![
        ("entityName", json!(opp::ENTITY_SET)),
        ("recordId", json!(whole(&row(opp::ID)))),
        ("item/cosell_syncstate", json!(whole(&state))),
        ("item/cosell_audit", json!(whole(&audit_append(&path(&fresh, &[opp::AUDIT]), &lines)))),
        ("item/name", json!(whole(&decorated_name(&fresh_name(&fresh), true)))),
    ];
    parameters.extend(extra.iter().cloned());
    state_steps
        .then(&format!("{prefix}_reread"), reread)
        .then(&format!("{prefix}_write_back"), dataverse("UpdateRecord", &parameters))
}

/// The opportunity read again just before a write-back (`step` names the read): a seller's rename
/// or another sync's audit line made while this run waited on Partner Center (a create, a 429
/// retried for minutes) is kept, never overwritten with what the run read at its start. Returns
/// the read and its row expression.
fn reread(step: &str) -> (Action, String) {
    let read =
        dataverse("GetItem", &[("entityName", json!(opp::ENTITY_SET)), ("recordId", json!(whole(&row(opp::ID))))]);
    (read, body(step))
}

/// The canonical name of a row read again (the field map's name transform: marks stripped).
fn fresh_name(fresh: &str) -> String {
    FIELDS
        .iter()
        .find(|f| f.key == keys::NAME)
        .and_then(|f| transform::from_crm(f.transform, &path(fresh, &[opp::NAME])))
        .unwrap_or_else(|| crm(keys::NAME))
}

/// The second create of a co-sell: the same deal for Microsoft (`msft`), Shared with its sellers,
/// in the engagement of `linked` (the first referral). `prefix` keeps action names unique: the
/// create path and the conversion path each have one.
fn microsoft_create(prefix: &str, item: &str, linked: &str) -> Steps {
    let consent = call(
        "setProperty",
        &[
            &call("coalesce", &[&path(item, &["consent"]), "json('{}')"]),
            "'consentToShareReferralWithMicrosoftSellers'",
            "true",
        ],
    );
    let target = crate::expr::json_literal(
        &json!([{"id": cosell_core::mapping::MICROSOFT_ORGANIZATION_ID, "type": "BusinessProfileLocation"}]),
    );
    let mut r = call("setProperty", &[item, "'target'", &target]);
    r = call("setProperty", &[&r, "'consent'", &consent]);
    r = call("setProperty", &[&r, "'engagementId'", &path(linked, &["engagementId"])]);
    let create = format!("{prefix}_the_referral_for_Microsoft");
    let failed = format!("Microsoft_{}_failed", prefix.to_lowercase());
    let failure = fail(
        &format!("microsoft_{}_failure", prefix.to_lowercase()),
        &call("string", &[&body(&create)]),
        "co-sell-create-failed",
    );
    Steps::new().then(&create, referrals("CreateReferral", &[("Referral", json!(whole(&r)))])).after(
        &failed,
        Action::Scope(failure),
        &[(create.as_str(), NOT_SUCCEEDED)],
    )
}

/// The variable that records a conversion to co-sell in this run (the base then records help).
const CONVERTED: &str = "Converted_to_co_sell";

/// Help chosen on an existing referral that is not co-sell yet (`lifecycle::convert_to_co_sell`):
/// the referral is re-read (its type and engagement are Partner Center's), and when it is open,
/// not Shared and in an engagement, the deal is created for Microsoft in that engagement.
fn conversion() -> Steps {
    let current = body("Referral_to_convert");
    let convertible = call(
        "and",
        &[
            &ne(&call("coalesce", &[&path(&current, &["type"]), "''"]), "'Shared'"),
            &ne(&call("coalesce", &[&path(&current, &["status"]), "''"]), "'Closed'"),
            &call("not", &[&empty(&call("coalesce", &[&path(&current, &["engagementId"]), "''"]))]),
        ],
    );
    let item = path(&body("Customize_the_co_sell_referral"), &["item"]);
    let convert = customize_referral("Customize_the_co_sell_referral")
        .append(microsoft_create("Convert", &item, &current))
        .after(
            "Record_the_conversion",
            Action::SetVariable { name: CONVERTED.to_owned(), value: Value::Bool(true) },
            &[("Convert_the_referral_for_Microsoft", &[Status::Succeeded])],
        );
    Steps::new()
        .then("Referral_to_convert", referrals("GetReferralById", &[("id", json!(whole(&referral_id())))]))
        .after(
            "Referral_to_convert_unread",
            Action::Scope(fail("conversion_read_failure", &call("string", &[&current]), "co-sell-read-failed")),
            &[("Referral_to_convert", NOT_SUCCEEDED)],
        )
        .after(
            "Not_co_sell_yet",
            Action::If { expression: cond::is_true(&convertible), then: convert, otherwise: Steps::new() },
            &[("Referral_to_convert", &[Status::Succeeded])],
        )
}

/// A line break in an expression.
const LF: &str = "decodeUriComponent('%0A')";

/// The fields whose CRM change since the base no update carries (`merge::not_sendable`): in the
/// base, not sent on update, and not help (choosing help later is the co-sell conversion).
fn not_sendable() -> impl Iterator<Item = &'static Field> {
    base_fields().filter(|f| !f.sends_on_update() && f.key != keys::HELP)
}

/// The core's `NotSent::audit_entry` message for `f`, from the CRM's canonical value, with the
/// line's `[not-sent]: ` before it.
fn not_sent_message(f: &Field) -> String {
    use cosell_core::sync::merge::audit_text::{NOT_SENT, NOT_SENT_END};
    call("concat", &[&lit(&format!("[not-sent]: {}{NOT_SENT}", f.key)), &debug_quoted(&crm(f.key)), &lit(NOT_SENT_END)])
}

/// The not-sent entries of this run (`OutboundPlan::not_sent`): each field the CRM changed since
/// the base that no update carries, as the core's audit line. UNCERTAIN (the flow's choice, not
/// the core's): an entry is written only when the Audit column's last report for that field
/// does not already say the same value, so the sync's own write coming back (and every later
/// save) does not repeat it; the base keeps the old value, so the change stays visible.
fn not_sent() -> Action {
    let terminal = terminal();
    let audit = call("string", &[&call("coalesce", &[&row(opp::AUDIT), "''"])]);
    let lines: Vec<String> = not_sendable()
        .map(|f| {
            let message = not_sent_message(f);
            let last = call(
                "lastIndexOf",
                &[&audit, &lit(&format!("[not-sent]: {}{}", f.key, cosell_core::sync::merge::audit_text::NOT_SENT))],
            );
            let said = call("slice", &[&audit, &last, &call("add", &[&last, &call("length", &[&message])])]);
            let reported = call("and", &[&call("greaterOrEquals", &[&last, "0"]), &call("equals", &[&said, &message])]);
            let due = call("and", &[&call("not", &[&terminal]), &ne(&crm(f.key), &base(f.key))]);
            let line = call(
                "concat",
                &["utcNow('yyyy-MM-ddTHH:mm:ssZ')", "' – Dynamics 365 → Partner Center skipped '", &message],
            );
            call("if", &[&call("and", &[&due, &call("not", &[&reported])]), &line, "''"])
        })
        .collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    // One line per field to write, `''` for the others, which the filter drops.
    Action::Query { from: whole(&call("createArray", &refs)), condition: whole(&call("not", &[&empty("item()")])) }
}

/// The outbound half's conflicts on the 412 path (`after_precondition_failed`): a field the CRM
/// sends that Partner Center changed too since the base but never writes to Dynamics 365 on
/// update (visibility, solutions, the external reference), so the inbound merge did not report
/// it. The CRM's value is kept and sent (these rows' policy); Partner Center's goes to the audit
/// as the core's `Conflict::audit_entry` line, never silently lost.
fn outbound_conflicts() -> Action {
    let fresh = outputs("Fresh_values");
    let lines: Vec<String> = FIELDS
        .iter()
        .filter(|f| f.in_base() && f.sends_on_update() && !f.update.to_crm && f.conflict == Side::Crm)
        .map(|f| {
            let (pc, c, b) = (path(&fresh, &[f.key]), crm(f.key), base(f.key));
            let conflict = call(
                "and",
                &[
                    &call("not", &[&empty(FRESH)]),
                    &call("contains", &[&body("Sent_fields"), &lit(f.key)]),
                    &ne(&pc, &b),
                    &ne(&pc, &c),
                ],
            );
            let message = conflict_message(f.key, &c, &pc, "Partner Center");
            let line = audit_entry_line(AuditOutcome::Success, true, Some("conflict"), &message);
            call("if", &[&conflict, &line, "''"])
        })
        .collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    Action::Query { from: whole(&call("createArray", &refs)), condition: whole(&call("not", &[&empty("item()")])) }
}

/// The conflict and not-sent lines, each after a line break (`''` when there are none).
fn then_not_sent_lines() -> String {
    let lines = call("union", &[&body("Outbound_conflicts"), &body("Not_sent")]);
    call("if", &[&empty(&lines), "''", &call("concat", &[LF, &call("join", &[&lines, LF])])])
}

/// A referral ID as the core compares it (`merge::check_referral`): trimmed, in one case.
/// UNCERTAIN: `toLower` folds every letter where the core folds ASCII only (IDs are GUIDs).
fn id_key(id: &str) -> String {
    call("toLower", &[&call("trim", &[&call("string", &[&call("coalesce", &[id, "''"])])])])
}

/// The base's referral ID, trimmed (`''` when the base has none).
fn base_referral_id() -> String {
    call("trim", &[&call("string", &[&call("coalesce", &[&path(&outputs(BASE), &["id"]), "''"])])])
}

/// The referral this opportunity syncs with: the base's, else the Referral ID column's.
fn referral_id() -> String {
    call(
        "if",
        &[
            &empty(&base_referral_id()),
            &call("trim", &[&call("string", &[&call("coalesce", &[&row(opp::REFERRAL_ID), "''"])])]),
            &base_referral_id(),
        ],
    )
}

/// Whether `given` (a referral ID expression) is another referral than the base's (a base
/// without one accepts any), and the core's `SyncError::OtherReferral` message.
fn other_referral(given: &str) -> (String, String) {
    let given_text = call("trim", &[&call("string", &[&call("coalesce", &[given, "''"])])]);
    let other =
        call("and", &[&call("not", &[&empty(&base_referral_id())]), &ne(&id_key(given), &id_key(&base_referral_id()))]);
    let message = call(
        "concat",
        &[
            "'referral '",
            &call("if", &[&empty(&given_text), "'without an id'", &given_text]),
            "' is not the one in the sync state ('",
            &base_referral_id(),
            "')'",
        ],
    );
    (other, message)
}

/// The core's `SyncError::NoETag`, as the audit says it.
const NO_ETAG: &str = "the base has no eTag: a PATCH without If-Match would overwrite Partner Center's changes";

/// The If-Match of this attempt: the eTag of the referral read by the first attempt when this
/// is the second, else the base's (`''` when there is none: nothing is then sent).
fn if_match() -> String {
    let e_tag = |doc: &str| call("string", &[&call("coalesce", &[&path(doc, &["eTag"]), "''"])]);
    call("if", &[&empty(FRESH), &e_tag(&outputs(BASE)), &e_tag(FRESH)])
}

/// The 412 path (`merge::after_precondition_failed`), also taken at once when the base has no
/// eTag (`plan_outbound`): the referral is read now, refused when it is another than the
/// base's or has no eTag either, merged into Dynamics 365 first (the inbound helper), then
/// what is left is sent by a second attempt that is handed the referral read (its eTag, and
/// the properties it has). `suffix` keeps action names unique: the flow has two such paths.
fn merge_first(suffix: &str) -> Steps {
    let named = |name: &str| format!("{name}{suffix}");
    let read = named("Read_the_referral_now");
    let fresh = body(&read);
    let (other, message) = other_referral(&path(&fresh, &["id"]));
    let no_e_tag = empty(&call("string", &[&call("coalesce", &[&path(&fresh, &["eTag"]), "''"])]));
    Steps::new()
        .then(&read, referrals("GetReferralById", &[("id", json!(whole(&referral_id())))]))
        .after(
            &named("Referral_unread"),
            Action::Scope(fail(&named("read_failure"), &call("string", &[&fresh]), "read-failed")),
            &[(read.as_str(), NOT_SUCCEEDED)],
        )
        .after(
            &named("Another_referral_now"),
            Action::If {
                expression: cond::is_true(&other),
                then: fail(&named("other_referral_now"), &message, "other-referral"),
                otherwise: Steps::new(),
            },
            &[(read.as_str(), &[Status::Succeeded])],
        )
        .then(
            &named("No_eTag_either"),
            Action::If {
                expression: cond::is_true(&no_e_tag),
                then: fail(&named("no_etag_either"), &lit(NO_ETAG), "no-etag"),
                otherwise: Steps::new(),
            },
        )
        .then(
            &named("Merge_Partner_Center_first"),
            call_child(names::INBOUND_HELPER, json!({"referralId": whole(&referral_id())})),
        )
        .then(
            &named("Send_what_is_left"),
            call_child(
                names::OUTBOUND_HELPER,
                json!({
                    "opportunityId": whole(&row(opp::ID)),
                    "attempt": 2,
                    "converted": whole(&crate::expr::variable(CONVERTED)),
                    "referral": whole(&fresh),
                }),
            ),
        )
        .then(&named("Answer_merged"), respond(200, json!({"synced": true, "merged": true})))
        .then(&named("Merged"), Action::Terminate { status: TerminateStatus::Succeeded, code: None, message: None })
}

fn create() -> Steps {
    let created = body("Create_the_referral");
    let item = path(&body("Customize_the_referral"), &["item"]);
    let co_sell = call("not", &[&empty(&crm(keys::HELP))]);
    let link =
        call("replace", &[&crate::expr::parameter(vars::REFERRAL_LINK_TEMPLATE), "'{id}'", &path(&created, &["id"])]);
    let success = Steps::new()
        .then(
            "Created_solution_keys",
            select_solution_keys(&pointer(&created, "/details/requirements/solutions"), "id"),
        )
        .then("Created_values", Action::Compose(referral_values(&created, &body("Created_solution_keys"))))
        .append(write_base(
            "Created",
            &created,
            &outputs("Created_values"),
            "'referral created'",
            &[
                ("item/cosell_referralidentifier", json!(whole(&path(&created, &["id"])))),
                ("item/cosell_referrallink", json!(whole(&link))),
            ],
        ))
        .then(
            "Co_sell_with_Microsoft",
            Action::If {
                expression: cond::is_true(&co_sell),
                then: microsoft_create("Create", &item, &created),
                otherwise: Steps::new(),
            },
        )
        .then("Answer_created", respond(200, json!({"synced": true, "created": whole(&path(&created, &["id"]))})));
    let first = call("if", &[&co_sell, &call("setProperty", &[&item, "'target'", &outputs("Partner_target")]), &item]);
    let create = customize_referral("Customize_the_referral")
        // Co-sell is the docs' two linked creates (`lifecycle::create_plan`): first the partner's
        // Shared referral, targeted at its solution profile.
        .then(
            "Partner_target",
            Action::Compose(json!([{"id": whole(&path(&call("first", &[&body("Solution_tags")]), &["id"])), "type": "SolutionProfile"}])),
        )
        .then(
            "Create_the_referral",
            referrals(
                "CreateReferral",
                &[("Referral", json!(whole(&first)))],
            ),
        )
        .after("Created", Action::Scope(success), &[("Create_the_referral", &[Status::Succeeded])])
        .after(
            "Not_created",
            Action::Scope(fail("create_failure", &call("string", &[&created]), "create-failed")),
            &[("Create_the_referral", NOT_SUCCEEDED)],
        );
    earlier_create().then(
        "Create_unless_created_earlier",
        Action::If {
            expression: cond::is_true(&empty(&body("Earlier_own_referral"))),
            then: create,
            otherwise: recover_earlier_create(),
        },
    )
}

/// The referrals an earlier run created for this opportunity (each carries its row ID as
/// `externalReferenceId`): the partner's own, and the one for Microsoft (targeted at `msft`).
/// A run whose write-back failed after Partner Center created the referral left no Referral
/// Identifier; the next save finds the referral here instead of creating it again.
/// UNCERTAIN: `$filter` on `externalReferenceId` (the documented filters name other properties
/// the same way: `status eq 'New'`, `customerProfile/address/country eq 'US'`).
fn earlier_create() -> Steps {
    let msft = lit(&format!("\"{}\"", cosell_core::mapping::MICROSOFT_ORGANIZATION_ID));
    let for_microsoft =
        call("contains", &[&call("string", &[&call("coalesce", &["item()?['target']", "createArray()"])]), &msft]);
    let listed = call("coalesce", &[&path(&body("Earlier_referrals"), &["value"]), "createArray()"]);
    Steps::new()
        .then(
            "Earlier_referrals",
            referrals(
                "GetAllReferrals",
                &[("$filter", json!(format!("externalReferenceId eq '{}'", crate::expr::interpolate(&row(opp::ID)))))],
            ),
        )
        .then(
            "Earlier_own_referral",
            Action::Query { from: whole(&listed), condition: whole(&call("not", &[&for_microsoft])) },
        )
        .then(
            "Earlier_referral_for_Microsoft",
            Action::Query { from: whole(&listed), condition: whole(&for_microsoft) },
        )
}

/// An earlier create found: its referral is recorded (Referral Identifier, link, base, ✔) as a
/// create's write-back records it, and a co-sell's second create, if it never happened, is made.
fn recover_earlier_create() -> Steps {
    let found = call("first", &[&body("Earlier_own_referral")]);
    let co_sell = call("not", &[&empty(&crm(keys::HELP))]);
    let link =
        call("replace", &[&crate::expr::parameter(vars::REFERRAL_LINK_TEMPLATE), "'{id}'", &path(&found, &["id"])]);
    let item = path(&body("Customize_the_recovered_referral"), &["item"]);
    let second_missing = call("and", &[&co_sell, &empty(&body("Earlier_referral_for_Microsoft"))]);
    Steps::new()
        .then(
            "Recovered_solution_keys",
            select_solution_keys(&pointer(&found, "/details/requirements/solutions"), "id"),
        )
        .then("Recovered_values", Action::Compose(referral_values(&found, &body("Recovered_solution_keys"))))
        .append(write_base(
            "Recovered",
            &found,
            &outputs("Recovered_values"),
            "'the referral an earlier run created was found and recorded'",
            &[
                ("item/cosell_referralidentifier", json!(whole(&path(&found, &["id"])))),
                ("item/cosell_referrallink", json!(whole(&link))),
            ],
        ))
        .then(
            "Co_sell_with_Microsoft_if_not_yet",
            Action::If {
                expression: cond::is_true(&second_missing),
                then: customize_referral("Customize_the_recovered_referral")
                    .append(microsoft_create("Recover", &item, &found)),
                otherwise: Steps::new(),
            },
        )
        .then("Answer_recovered", respond(200, json!({"synced": true, "recovered": whole(&path(&found, &["id"]))})))
}

fn update() -> Steps {
    let sendable: Vec<&Field> = FIELDS.iter().filter(|f| f.sends_on_update()).collect();
    let terminal = terminal();
    let candidates = candidates();
    // The fields an operation is sent for: changed since the base, and one of its operations due.
    let sent_fields = super::inbound::keys_where(&sendable, |f| {
        let mut any: Vec<&str> =
            candidates.iter().filter(|(k, _, _)| k == f.key).map(|(_, send, _)| send.as_str()).collect();
        any.push("false");
        call("and", &[&call("not", &[&terminal]), &ne(&crm(f.key), &base(f.key)), &call("or", &any)])
    });
    let ops: Vec<Value> = candidates
        .into_iter()
        .map(|(key, send, op)| json!({"key": key, "send": whole(&send), "operation": op}))
        .collect();
    let converted = crate::expr::variable(CONVERTED);
    let sent_keys = body("Sent_fields");
    // `settle`: a field sent is what both sides now hold; any other keeps its base value.
    let settled: Map<String, Value> = base_fields()
        .map(|f| {
            let sent = call("contains", &[&sent_keys, &lit(f.key)]);
            let mut value = call("if", &[&sent, &crm(f.key), &base(f.key)]);
            // The outcome Partner Center took: lost before acceptance (New) is Declined there,
            // and the CRM's Lost reads as Declined against that base (the core's settle).
            if f.key == keys::STATUS {
                let declined = call(
                    "and",
                    &[&call("equals", &[&crm(f.key), "'Lost'"]), &call("equals", &[&base_status(), "'New'"])],
                );
                value = call("if", &[&call("and", &[&sent, &declined]), "'Declined'", &value]);
            }
            // A conversion records help, and the visibility it grants, as synced.
            if f.key == keys::HELP {
                value = call("if", &[&converted, &crm(f.key), &value]);
            } else if f.key == keys::VISIBILITY {
                value = call("if", &[&converted, "'true'", &value]);
            }
            (f.key.to_owned(), Value::from(whole(&value)))
        })
        .collect();
    let conversion_due = call(
        "and",
        &[
            &call("not", &[&terminal]),
            &call("not", &[&converted]),
            &call("not", &[&empty(&crm(keys::HELP))]),
            &empty(&base(keys::HELP)),
        ],
    );
    let patched = body("Patch_the_referral");
    let success = write_base(
        "Patched",
        &patched,
        &outputs("Settled"),
        &call(
            "concat",
            &[
                "'sent: '",
                &call("join", &[&sent_keys, "', '"]),
                &call("if", &[&converted, "'; converted to co-sell'", "''"]),
            ],
        ),
        &[],
    )
    .then("Answer_patched", respond(200, json!({"synced": true, "sent": whole(&sent_keys)})));
    let first_attempt = call("less", &[&call("coalesce", &["triggerBody()?['attempt']", "1"]), "2"]);
    let stale = call(
        "and",
        &[&call("equals", &[&path(&outputs("Patch_the_referral"), &["statusCode"]), "412"]), &first_attempt],
    );
    let only_converted = write_base("Converted", &outputs(BASE), &outputs("Settled"), "'converted to co-sell'", &[])
        .then("Answer_converted", respond(200, json!({"synced": true, "sent": [], "converted": true})));
    // Nothing to send, but changes no update carries: the audit says so (the Audit column only,
    // which starts no sync).
    let only_not_sent = Steps::new()
        .then(
            "Write_not_sent",
            dataverse(
                "UpdateRecord",
                &[
                    ("entityName", json!(opp::ENTITY_SET)),
                    ("recordId", json!(whole(&row(opp::ID)))),
                    (
                        "item/cosell_audit",
                        json!(whole(&audit_append(&row(opp::AUDIT), &call("join", &[&body("Not_sent"), LF])))),
                    ),
                ],
            ),
        )
        .then(
            "Answer_not_sent",
            respond(200, json!({"synced": true, "sent": [], "notSent": whole(&body("Not_sent"))})),
        );
    let (other, other_message) = other_referral(&row(opp::REFERRAL_ID));
    Steps::new()
        // `check_referral`: the Referral ID column names another referral than the base's.
        .then(
            "Another_referral_than_the_base_s",
            Action::If {
                expression: cond::is_true(&other),
                then: fail("other_referral", &other_message, "other-referral"),
                otherwise: Steps::new(),
            },
        )
        .then(
            "Convert_to_co_sell_if_help_was_chosen",
            Action::If { expression: cond::is_true(&conversion_due), then: conversion(), otherwise: Steps::new() },
        )
        .then("Sent_fields", sent_fields)
        .then("Settled", Action::Compose(Value::Object(settled)))
        .then("Not_sent", not_sent())
        .then("Fresh_solution_keys", select_solution_keys(&pointer(FRESH, "/details/requirements/solutions"), "id"))
        .then("Fresh_values", Action::Compose(referral_values(FRESH, &body("Fresh_solution_keys"))))
        .then("Outbound_conflicts", outbound_conflicts())
        // No operation: nothing is sent (an echo of the sync's own write, or changes no update
        // carries).
        .then(
            "Nothing_to_patch",
            Action::If {
                expression: cond::is_true(&empty(&sent_keys)),
                then: Steps::new()
                    .then(
                        "Only_converted",
                        Action::If {
                            expression: cond::is_true(&converted),
                            then: only_converted,
                            otherwise: Steps::new().then(
                                "Only_not_sent",
                                Action::If {
                                    expression: cond::is_true(&call("not", &[&empty(&body("Not_sent"))])),
                                    then: only_not_sent,
                                    otherwise: Steps::new().then(
                                        "Answer_nothing_to_send",
                                        respond(200, json!({"synced": true, "sent": []})),
                                    ),
                                },
                            ),
                        },
                    )
                    .then(
                        "Nothing_differs_from_the_base",
                        Action::Terminate { status: TerminateStatus::Succeeded, code: None, message: None },
                    ),
                otherwise: Steps::new(),
            },
        )
        .then("Candidate_operations", Action::Compose(Value::from(ops)))
        .then(
            "Operations_to_send",
            Action::Query {
                from: whole(&outputs("Candidate_operations")),
                condition: whole(&call(
                    "and",
                    &["item()?['send']", &call("contains", &[&sent_keys, "item()?['key']"])],
                )),
            },
        )
        .then(
            "Operations",
            Action::Select {
                from: whole(&body("Operations_to_send")),
                select: Value::from(whole("item()?['operation']")),
            },
        )
        // `SyncError::NoETag`: never a PATCH without If-Match. A first attempt takes the 412
        // path at once; a second one (handed a referral without an eTag) stops.
        .then(
            "No_eTag",
            Action::If {
                expression: cond::is_true(&empty(&if_match())),
                then: Steps::new().then(
                    "First_attempt_without_eTag",
                    Action::If {
                        expression: cond::is_true(&first_attempt),
                        then: merge_first("_without_eTag"),
                        otherwise: fail("no_etag", &lit(NO_ETAG), "no-etag"),
                    },
                ),
                otherwise: Steps::new(),
            },
        )
        .then(
            "Patch_the_referral",
            referrals(
                "PatchReferralById",
                &[
                    ("id", json!(whole(&referral_id()))),
                    ("If-Match", json!(whole(&if_match()))),
                    ("Prefer", json!("return=representation")),
                    ("Referral", json!(whole(&body("Operations")))),
                ],
            ),
        )
        .after("Patched", Action::Scope(success), &[("Patch_the_referral", &[Status::Succeeded])])
        .after(
            "Not_patched",
            Action::If {
                expression: cond::is_true(&stale),
                then: merge_first(""),
                otherwise: fail("patch_failure", &call("string", &[&patched]), "patch-failed"),
            },
            &[("Patch_the_referral", NOT_SUCCEEDED)],
        )
}

/// The opportunity's solutions as referral tags (`merge::unique_solution_tags`): rows without a
/// solution ID left out, each ID once (the first row wins, IDs compared as `solution_key`), in
/// row order; a name only when the row has one. UNCERTAIN: the second attempt after a 412 does
/// not keep Partner Center's own solution objects (`solution_tags` with the referral read) —
/// it sends the tags as a first attempt does.
fn solution_tags() -> Steps {
    let keys = body("Opportunity_solution_keys");
    let key = format!("{keys}?[item()]");
    let first_of_its_key = call(
        "and",
        &[
            &call("not", &[&empty(&key)]),
            &call("not", &[&call("contains", &[&call("take", &[&keys, "item()"]), &key])]),
        ],
    );
    let solution_row = format!("{}?[item()]", path(&body("Opportunity_solutions"), &["value"]));
    let name = path(&solution_row, &[solution::NAME]);
    let id = call("trim", &[&call("string", &[&path(&solution_row, &[solution::SOLUTION_ID])])]);
    // UNCERTAIN: the core's `solution_tag` type for a catalogue solution.
    let tag = call("json", &[&lit(r#"{"type":"Name"}"#)]);
    let tag = call("setProperty", &[&call("setProperty", &[&tag, "'id'", &id]), "'name'", &name]);
    let tag = call("if", &[&call("equals", &[&name, "null"]), &call("removeProperty", &[&tag, "'name'"]), &tag]);
    Steps::new()
        .then(
            "Unique_solutions",
            Action::Query {
                from: whole(&call("range", &["0", &call("length", &[&keys])])),
                condition: whole(&first_of_its_key),
            },
        )
        .then(
            "Solution_tags",
            Action::Select { from: whole(&body("Unique_solutions")), select: Value::from(whole(&tag)) },
        )
}

pub fn helper() -> Flow {
    let id = path("triggerBody()", &["opportunityId"]);
    let findings: Vec<Value> = rules()
        .into_iter()
        .map(|(rule, failing)| json!({"rule": rule.as_str(), "title": rule.title(), "failing": whole(&failing)}))
        .collect();
    let has_referral =
        call("not", &[&empty(&call("coalesce", &[&path(&outputs(BASE), &["id"]), &row(opp::REFERRAL_ID), "''"]))]);
    // Each rule's title says what must hold ("The deal value is greater than 0"): "not met".
    let rules_text = call("concat", &["'rules not met: '", &call("join", &[&body("Finding_titles"), "'; '"])]);
    let actions = Steps::new()
        .then(
            "Opportunity_as_read",
            dataverse("GetItem", &[("entityName", json!(opp::ENTITY_SET)), ("recordId", json!(whole(&id)))]),
        )
        .append(load_lookups(&body("Opportunity_as_read"), ROW, true))
        .then(
            "Only_when_Sync_is_Yes",
            Action::If {
                expression: cond::is_true(&call("not", &[&call("equals", &[&row(opp::SYNC), "true"])])),
                then: Steps::new()
                    .then(
                        "Answer_not_synced",
                        respond(200, json!({"synced": false, "reason": "Sync with Partner Center is No"})),
                    )
                    .then(
                        "Sync_is_No",
                        Action::Terminate { status: TerminateStatus::Succeeded, code: None, message: None },
                    ),
                otherwise: Steps::new(),
            },
        )
        .append(opportunity_solutions(&row(opp::ID)))
        .append(solution_tags())
        .then(BASE, base_compose(&row(opp::SYNC_STATE)))
        .then(
            CRM_VALUES,
            Action::Compose(crm_values(&outputs(ROW), &body("Opportunity_solution_keys"), &outputs(BASE))),
        )
        .then("Rules", Action::Compose(Value::from(findings)))
        .then("Findings", Action::Query { from: whole(&outputs("Rules")), condition: whole("item()?['failing']") })
        .then(
            "Finding_titles",
            Action::Select {
                from: whole(&body("Findings")),
                select: Value::from(whole("concat(item()?['title'], ' (', item()?['rule'], ')')")),
            },
        )
        .then(
            "Rules_first",
            Action::If {
                expression: cond::is_true(&call("not", &[&empty(&body("Findings"))])),
                then: fail("findings", &rules_text, "rules"),
                otherwise: Steps::new(),
            },
        )
        // A retry after a 412 is told whether its first attempt converted already.
        .then(
            "Initialize_the_conversion",
            Action::InitializeVariable {
                name: CONVERTED.to_owned(),
                kind: VarKind::Boolean,
                value: Value::from(whole(&call("equals", &["triggerBody()?['converted']", "true"]))),
            },
        )
        .then(
            "Create_or_update",
            Action::If { expression: cond::is_true(&has_referral), then: update(), otherwise: create() },
        );
    let schema = object_schema(
        &[
            ("opportunityId", "string", "The opportunity's row ID."),
            ("attempt", "integer", "2 after a 412 was merged."),
            ("converted", "boolean", "Whether the first attempt converted the referral to co-sell."),
            ("referral", "object", "The referral as the first attempt read it, after a 412 or without an eTag."),
        ],
        &["opportunityId"],
    );
    Flow {
        name: names::OUTBOUND_HELPER.to_owned(),
        description: "Sends one opportunity's changes since the last sync to Partner Center.".to_owned(),
        definition: Definition { trigger: Trigger::Button { schema }, actions }.to_value(),
        connections: connections_of(&[Connection::Dataverse, Connection::Referrals]),
        environment_variables: {
            let mut v = sync_variables();
            v.push(vars::REFERRAL_LINK_TEMPLATE.to_owned());
            v
        },
    }
}
