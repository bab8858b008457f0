//! "Dynamics 365 to Partner Center - Helper": one opportunity, from Dynamics 365 to Partner Center.
//!
//! Reads the opportunity with its lookups and solutions, computes its canonical values, and
//! - skips Sync = No, and an echo (nothing differs from the base);
//! - runs the rules first: a failure goes to the audit trail with ✖, and Partner Center is not called;
//! - creates the referral when there is none, else patches only the fields the CRM changed since
//!   the base (the core's `sync::outbound`) with If-Match = the stored eTag;
//! - on 412 hands the referral to the inbound helper (Partner Center's changes merged first, the
//!   base and eTag refreshed), then runs once more.

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
use cosell_core::sync::{Field, Transform, FIELDS};
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

/// One candidate PATCH operation per field the CRM may send on update: (key, `send` condition, op).
fn candidates() -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for f in FIELDS.iter().filter(|f| f.sends_on_update()) {
        let Some(path_) = f.patch else { continue };
        let c = crm(f.key);
        // `replace` where the referral has the property (the base holds a value), else `add`.
        let kind = whole(&call("if", &[&empty(&base(f.key)), "'add'", "'replace'"]));
        match f.transform {
            Transform::Status => {
                let won = call("equals", &[&c, "'Won'"]);
                let lost = call("equals", &[&c, "'Lost'"]);
                let closing = call("or", &[&won, &lost]);
                out.push((
                    f.key.to_owned(),
                    closing.clone(),
                    json!({"op": "replace", "path": "/status", "value": "Closed"}),
                ));
                out.push((
                    f.key.to_owned(),
                    closing,
                    json!({"op": "replace", "path": "/substatus", "value": whole(&c)}),
                ));
                out.push((
                    f.key.to_owned(),
                    lost,
                    json!({"op": "add", "path": "/statusReason", "value": cosell_core::mapping::LOST_REASON}),
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
    let has_contact = call("not", &[&empty(&call("coalesce", &[&row(opp::PARENT_CONTACT), "''"]))]);
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

fn fail(step: &str, message: &str, code: &str) -> Steps {
    Steps::new()
        .then(
            &format!("Write_{step}"),
            dataverse(
                "UpdateRecord",
                &[
                    ("entityName", json!(opp::ENTITY_SET)),
                    ("recordId", json!(whole(&row(opp::ID)))),
                    (
                        "item/cosell_audit",
                        json!(whole(&audit_append(&row(opp::AUDIT), &audit_line(false, true, message)))),
                    ),
                    ("item/name", json!(whole(&decorated_name(&crm(keys::NAME), false)))),
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

fn write_base(prefix: &str, referral: &str, settled: &str, message: &str, extra: &[(&str, Value)]) -> Steps {
    let (state_steps, state) = sync_state_steps(prefix, settled, &referral_meta(referral));
    let mut parameters = vec![
        ("entityName", json!(opp::ENTITY_SET)),
        ("recordId", json!(whole(&row(opp::ID)))),
        ("item/cosell_syncstate", json!(whole(&state))),
        ("item/cosell_audit", json!(whole(&audit_append(&row(opp::AUDIT), &audit_line(true, true, message))))),
        ("item/name", json!(whole(&decorated_name(&crm(keys::NAME), true)))),
    ];
    parameters.extend(extra.iter().cloned());
    state_steps.then(&format!("{prefix}_write_back"), dataverse("UpdateRecord", &parameters))
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
    let convert = Steps::new()
        .then(
            "Customize_the_co_sell_referral",
            call_child(names::CUSTOMIZE, json!({"table": "referral", "item": create_payload()})),
        )
        .append(microsoft_create("Convert", &item, &current))
        .after(
            "Record_the_conversion",
            Action::SetVariable { name: CONVERTED.to_owned(), value: Value::Bool(true) },
            &[("Convert_the_referral_for_Microsoft", &[Status::Succeeded])],
        );
    Steps::new()
        .then(
            "Referral_to_convert",
            referrals("GetReferralById", &[("id", json!(whole(&path(&outputs(BASE), &["id"]))))]),
        )
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
    Steps::new()
        .then(
            "Customize_the_referral",
            call_child(names::CUSTOMIZE, json!({"table": "referral", "item": create_payload()})),
        )
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
        )
}

fn update() -> Steps {
    let sendable: Vec<&Field> = FIELDS.iter().filter(|f| f.sends_on_update()).collect();
    let terminal = call("equals", &[&path(&outputs(BASE), &["status"]), "'Closed'"]);
    let changed = super::inbound::keys_where(&sendable, |f| {
        call("and", &[&call("not", &[&terminal]), &ne(&crm(f.key), &base(f.key))])
    });
    let ops: Vec<Value> = candidates()
        .into_iter()
        .map(|(key, send, op)| json!({"key": key, "send": whole(&send), "operation": op}))
        .collect();
    let converted = crate::expr::variable(CONVERTED);
    let settled: Map<String, Value> = base_fields()
        .map(|f| {
            let sent = call("contains", &[&body("Changed_in_Dynamics_365"), &lit(f.key)]);
            let mut value = call("if", &[&sent, &crm(f.key), &base(f.key)]);
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
                &call("join", &[&body("Changed_in_Dynamics_365"), "', '"]),
                &call("if", &[&converted, "'; converted to co-sell'", "''"]),
            ],
        ),
        &[],
    )
    .then("Answer_patched", respond(200, json!({"synced": true, "sent": whole(&body("Changed_in_Dynamics_365"))})));
    let retry = Steps::new()
        .then(
            "Merge_Partner_Center_first",
            call_child(names::INBOUND_HELPER, json!({"referralId": whole(&path(&outputs(BASE), &["id"]))})),
        )
        .then(
            "Send_what_is_left",
            call_child(
                names::OUTBOUND_HELPER,
                json!({"opportunityId": whole(&row(opp::ID)), "attempt": 2, "converted": whole(&converted)}),
            ),
        )
        .then("Answer_merged", respond(200, json!({"synced": true, "merged": true})));
    let stale = call(
        "and",
        &[
            &call("equals", &[&path(&outputs("Patch_the_referral"), &["statusCode"]), "412"]),
            &call("less", &[&call("coalesce", &["triggerBody()?['attempt']", "1"]), "2"]),
        ],
    );
    let only_converted = write_base("Converted", &outputs(BASE), &outputs("Settled"), "'converted to co-sell'", &[])
        .then("Answer_converted", respond(200, json!({"synced": true, "sent": [], "converted": true})));
    Steps::new()
        .then(
            "Convert_to_co_sell_if_help_was_chosen",
            Action::If { expression: cond::is_true(&conversion_due), then: conversion(), otherwise: Steps::new() },
        )
        .then("Changed_in_Dynamics_365", changed)
        .then("Settled", Action::Compose(Value::Object(settled)))
        .then(
            "Echo_of_our_own_write",
            Action::If {
                expression: cond::is_true(&empty(&body("Changed_in_Dynamics_365"))),
                then: Steps::new()
                    .then(
                        "Only_converted",
                        Action::If {
                            expression: cond::is_true(&converted),
                            then: only_converted,
                            otherwise: Steps::new()
                                .then("Answer_nothing_to_send", respond(200, json!({"synced": true, "sent": []}))),
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
                    &["item()?['send']", &call("contains", &[&body("Changed_in_Dynamics_365"), "item()?['key']"])],
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
        .then(
            "Patch_the_referral",
            referrals(
                "PatchReferralById",
                &[
                    ("id", json!(whole(&path(&outputs(BASE), &["id"])))),
                    ("If-Match", json!(whole(&path(&outputs(BASE), &["eTag"])))),
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
                then: retry,
                otherwise: fail("patch_failure", &call("string", &[&patched]), "patch-failed"),
            },
            &[("Patch_the_referral", NOT_SUCCEEDED)],
        )
}

pub fn helper() -> Flow {
    let id = path("triggerBody()", &["opportunityId"]);
    let tags = json!({
        "id": whole(&call("trim", &[&call("string", &[&path("item()", &[solution::SOLUTION_ID])])])),
        "name": whole(&path("item()", &[solution::NAME])),
        // UNCERTAIN: the core's `solution_tag` type for a catalogue solution.
        "type": "Name"
    });
    let findings: Vec<Value> = rules()
        .into_iter()
        .map(|(rule, failing)| json!({"rule": rule.as_str(), "title": rule.title(), "failing": whole(&failing)}))
        .collect();
    let has_referral =
        call("not", &[&empty(&call("coalesce", &[&path(&outputs(BASE), &["id"]), &row(opp::REFERRAL_ID), "''"]))]);
    let rules_text = call("concat", &["'rules failed: '", &call("join", &[&body("Finding_titles"), "'; '"])]);
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
        .then(
            "Solution_tags",
            Action::Select { from: whole(&path(&body("Opportunity_solutions"), &["value"])), select: tags },
        )
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
                select: Value::from(whole("concat(item()?['rule'], ': ', item()?['title'])")),
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
