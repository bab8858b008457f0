//! Pieces every sync flow shares: connector calls, the field map read as expressions on either
//! side, the base, the new sync state, the audit line and the sync mark.

use crate::connections::Connection;
use crate::expr::{call, lit, parameter, path, whole};
use crate::transform;
use crate::wdl::{params, Action, Retry, Steps, PARTNER_CENTER_RETRY};
use cosell_core::config::vars;
use cosell_core::dataverse::opportunity as opp;
pub use cosell_core::mapping::AuditOutcome;
use cosell_core::sync::fields::keys;
use cosell_core::sync::{ColumnName, Field, Transform, FIELDS};
use cosell_solution::flows::{Flow, FlowConnection};
use serde_json::{json, Map, Value};

/// Dataverse calls retry transient failures; a 412 on a row is not retried (it is a conflict).
pub const DATAVERSE_RETRY: Retry = Retry::Exponential { count: 4, interval: "PT10S" };

/// A Dataverse operation (`ListRecords`, `GetItem`, `CreateRecord`, `UpdateRecord`,
/// `PerformUnboundAction`). UNCERTAIN: rows are passed as one `item` object where a column is
/// named by an environment variable (exports show `item/<column>` parameters, which cannot be
/// named at run time); cosell-flow's fake accepts both.
pub fn dataverse(operation: &'static str, parameters: &[(&str, Value)]) -> Action {
    Action::Connector {
        connection: Connection::Dataverse,
        operation,
        parameters: params(parameters),
        retry: DATAVERSE_RETRY,
    }
}

/// A Partner Center Referrals operation, retried on 429 and 5xx. UNCERTAIN: a body is passed
/// whole under the swagger's body parameter name (`Referral`), not flattened to `Referral/…`.
pub fn referrals(operation: &'static str, parameters: &[(&str, Value)]) -> Action {
    Action::Connector {
        connection: Connection::Referrals,
        operation,
        parameters: params(parameters),
        retry: PARTNER_CENTER_RETRY,
    }
}

/// A Partner Center Events operation.
pub fn events(operation: &'static str, parameters: &[(&str, Value)]) -> Action {
    Action::Connector {
        connection: Connection::Events,
        operation,
        parameters: params(parameters),
        retry: PARTNER_CENTER_RETRY,
    }
}

/// The workflow id a parent calls a child by: the GUID the solution derives from its name.
pub fn flow_id(name: &str) -> String {
    let probe = Flow {
        name: name.to_owned(),
        description: String::new(),
        definition: Value::Null,
        connections: Vec::new(),
        environment_variables: Vec::new(),
    };
    probe.id().to_string()
}

/// Calls a child flow of the solution by name.
pub fn call_child(name: &str, body: Value) -> Action {
    Action::Workflow { id: flow_id(name), body }
}

/// The flow's connection references, from the connections its actions use.
pub fn connections_of(used: &[Connection]) -> Vec<FlowConnection> {
    let mut used = used.to_vec();
    used.sort();
    used.dedup();
    used.into_iter().map(Connection::flow_connection).collect()
}

/// Every environment variable a sync flow reads (the solution adds one parameter per variable).
pub fn sync_variables() -> Vec<String> {
    [vars::DISPLAY_CHECK_MARK, vars::DEAL_VALUE_COLUMN, vars::COUNTRY_CODE_COLUMN, vars::SYNC_COSELL_ONLY]
        .iter()
        .map(|v| (*v).to_owned())
        .collect()
}

/// A JSON pointer as safe navigation from `base` (`/details/dealValue` → `base?['details']?['dealValue']`).
pub fn pointer(base: &str, pointer: &str) -> String {
    let mut out = base.to_owned();
    for segment in pointer.split('/').filter(|s| !s.is_empty()) {
        match segment.parse::<usize>() {
            Ok(i) => out.push_str(&format!("?[{i}]")),
            Err(_) => out.push_str(&format!("?[{}]", lit(segment))),
        }
    }
    out
}

/// The column's logical name as an expression: a literal, or the environment variable naming it.
pub fn column_name(f: &Field) -> String {
    match f.crm.column {
        ColumnName::Fixed { name } => lit(name),
        ColumnName::Environment { variable, .. } => parameter(variable),
    }
}

/// The raw Dataverse value of a field on a row read with its lookups expanded.
pub fn column_value(row: &str, f: &Field) -> String {
    match f.crm.via {
        Some(lookup) if f.crm.table != opp::TABLE => format!("{}?[{}]", path(row, &[lookup]), column_name(f)),
        _ => format!("{row}?[{}]", column_name(f)),
    }
}

/// The base fields (kept in the sync state), in the field map's order.
pub fn base_fields() -> impl Iterator<Item = &'static Field> {
    FIELDS.iter().filter(|f| f.in_base())
}

/// The related tables a sync reads through an opportunity lookup: (table, entity set, id column).
const RELATED: [(&str, &str, &str); 3] = [
    ("transactioncurrency", "transactioncurrencies", "transactioncurrencyid"),
    ("account", "accounts", "accountid"),
    ("contact", "contacts", "contactid"),
];

/// The lookups whose rows the base reads (`transactioncurrencyid` for the currency), plus the
/// customer's account and contact when `parties` (the rules and the create payload read them).
pub fn lookups(parties: bool) -> Vec<(&'static str, &'static str, &'static str)> {
    let mut out = Vec::new();
    for f in FIELDS.iter().filter(|f| f.in_base() || parties) {
        let Some(via) = f.crm.via else { continue };
        if let Some((_, set, id)) = RELATED.iter().find(|(t, _, _)| *t == f.crm.table) {
            if !out.iter().any(|(v, _, _)| *v == via) {
                out.push((via, *set, *id));
            }
        }
    }
    out
}

/// Reads the rows an opportunity's lookups point at (one ListRecords each: the Web API returns
/// a lookup as `_<lookup>_value`) and composes `name`: the row with each lookup replaced by its
/// row, as `$expand` would give it. A lookup that is empty finds no row (the zero GUID).
pub fn load_lookups(row: &str, name: &str, parties: bool) -> Steps {
    let mut steps = Steps::new();
    let mut expanded = row.to_owned();
    for (lookup, set, id) in lookups(parties) {
        let step = format!("Load_{lookup}");
        let value =
            call("coalesce", &[&path(row, &[&format!("_{lookup}_value")]), "'00000000-0000-0000-0000-000000000000'"]);
        steps = steps.then(
            &step,
            dataverse(
                "ListRecords",
                &[
                    ("entityName", json!(set)),
                    ("$filter", json!(format!("{id} eq {}", crate::expr::interpolate(&value)))),
                    ("$top", json!(1)),
                ],
            ),
        );
        let found = call("first", &[&path(&crate::expr::body(&step), &["value"])]);
        expanded = call("setProperty", &[&expanded, &lit(lookup), &found]);
    }
    steps.then(name, Action::Compose(Value::from(whole(&expanded))))
}

/// The Compose of the CRM side's canonical values, one property per base field. `row` is the
/// opportunity with its lookups loaded ([`load_lookups`]), `solution_keys` the Select of its solution keys,
/// `base` the Compose of the stored base.
pub fn crm_values(row: &str, solution_keys: &str, base: &str) -> Value {
    let mut out = Map::new();
    for f in base_fields() {
        let e = match f.transform {
            Transform::Status => transform::status_from_crm(&path(row, &[opp::STATE]), &base_field(base, f.key)),
            Transform::SolutionList => transform::solution_list(solution_keys),
            t => transform::from_crm(t, &column_value(row, f)).unwrap_or_else(|| "''".to_owned()),
        };
        out.insert(f.key.to_owned(), Value::from(whole(&e)));
    }
    Value::Object(out)
}

/// The Compose of Partner Center's canonical values (`referral_values`).
pub fn referral_values(referral: &str, solution_keys: &str) -> Value {
    let mut out = Map::new();
    for f in base_fields() {
        let e = match f.transform {
            Transform::Status => {
                transform::status_from_referral(&path(referral, &["status"]), &path(referral, &["substatus"]))
            }
            Transform::SolutionList => transform::solution_list(solution_keys),
            _ if f.key == keys::VISIBILITY => referral_visibility(referral),
            t => transform::from_referral(t, &pointer(referral, f.referral)).unwrap_or_else(|| "''".to_owned()),
        };
        out.insert(f.key.to_owned(), Value::from(whole(&e)));
    }
    Value::Object(out)
}

/// Whether a referral asks for Microsoft's help, as `Referral::assistance` reads it: a code
/// other than Unknown (wire values exactly, as the wire model parses them).
pub fn help_asked(referral: &str) -> String {
    let code = FIELDS
        .iter()
        .find(|f| f.key == keys::HELP)
        .map_or_else(|| "null".to_owned(), |f| pointer(referral, f.referral));
    call("and", &[&is_string(&code), &call("not", &[&call("equals", &[&code, "'Unknown'"])])])
}

/// Whether a referral is a Shared one (`ReferralType::Shared`).
pub fn shared_type(referral: &str) -> String {
    call("equals", &[&pointer(referral, "/type"), "'Shared'"])
}

/// The referral's canonical visibility (`mapping::referral_is_shared`): `'true'` when its consent
/// flag is true, it is a Shared referral, or Microsoft's help is asked.
pub fn referral_visibility(referral: &str) -> String {
    let consent = FIELDS
        .iter()
        .find(|f| f.key == keys::VISIBILITY)
        .and_then(|f| transform::from_referral(f.transform, &pointer(referral, f.referral)))
        .unwrap_or_else(|| "''".to_owned());
    let shared = call("or", &[&call("equals", &[&consent, "'true'"]), &shared_type(referral), &help_asked(referral)]);
    call("if", &[&shared, "'true'", "'false'"])
}

/// The Select of a list's solution keys (`from` is the array expression).
pub fn select_solution_keys(from: &str, id_property: &str) -> Action {
    Action::Select {
        from: whole(&call("coalesce", &[from, "createArray()"])),
        select: Value::from(whole(&transform::solution_key(&path("item()", &[id_property])))),
    }
}

/// The opportunity's solution rows (`Opportunity_solutions`) and their keys
/// (`Opportunity_solution_keys`); `id` is the opportunity's row ID expression.
pub fn opportunity_solutions(id: &str) -> Steps {
    use cosell_core::dataverse::solution;
    let filter = format!("_{}_value eq {}", solution::OPPORTUNITY, crate::expr::interpolate(id));
    Steps::new()
        .then(
            "Opportunity_solutions",
            dataverse("ListRecords", &[("entityName", json!(solution::ENTITY_SET)), ("$filter", json!(filter))]),
        )
        .then(
            "Opportunity_solution_keys",
            select_solution_keys(&path(&crate::expr::body("Opportunity_solutions"), &["value"]), solution::SOLUTION_ID),
        )
}

/// The stored base (`{}` when there is none yet).
pub fn base_compose(sync_state: &str) -> Action {
    Action::Compose(Value::from(whole(&call(
        "if",
        &[&call("empty", &[sync_state]), "json('{}')", &call("json", &[sync_state])],
    ))))
}

/// One base field's value (`''` when empty or when there is no base).
pub fn base_field(base: &str, key: &str) -> String {
    call("coalesce", &[&path(base, &["fields", key]), "''"])
}

/// The new sync state's JSON text from a Compose of settled values (`settled`, key → canonical):
/// empty values are left out, as the core leaves them out. Three actions: the pairs, the
/// non-empty ones, each as `"key":"value"` with JSON escaping (`string(createArray(x))` is
/// the JSON text `["x"]`).
pub fn sync_state_steps(prefix: &str, settled: &str, meta: &[(&str, String)]) -> (Steps, String) {
    let pairs = format!("{prefix}_base_pairs");
    let kept = format!("{prefix}_base_values");
    let text = format!("{prefix}_sync_state");
    let keys: Vec<Value> = base_fields().map(|f| Value::from(f.key)).collect();
    let escaped = |x: &str| {
        let array = call("string", &[&call("createArray", &[x])]);
        call("slice", &[&array, "1", "-1"])
    };
    let steps = Steps::new()
        .then(
            &pairs,
            Action::Query {
                from: whole(&crate::expr::json_literal(&Value::from(keys))),
                condition: whole(&call("not", &[&call("empty", &[&format!("{settled}?[item()]")])])),
            },
        )
        .then(
            &kept,
            Action::Select {
                from: whole(&crate::expr::body(&pairs)),
                select: Value::from(whole(&call(
                    "concat",
                    &[&escaped("item()"), "':'", &escaped(&format!("{settled}?[item()]"))],
                ))),
            },
        );
    let mut head = vec!["'{\"v\":1'".to_owned()];
    for (name, value) in meta {
        head.push(lit(&format!(",\"{name}\":")));
        head.push(escaped(&call("coalesce", &[value, "''"])));
    }
    head.push(lit(",\"fields\":{"));
    head.push(call("join", &[&crate::expr::body(&kept), "','"]));
    head.push("'}}'".to_owned());
    let refs: Vec<&str> = head.iter().map(String::as_str).collect();
    let steps = steps.then(&text, Action::Compose(Value::from(whole(&call("concat", &refs)))));
    (steps, crate::expr::outputs(&text))
}

/// The referral's identity and status the base keeps (`referral` is its JSON expression).
pub fn referral_meta(referral: &str) -> Vec<(&'static str, String)> {
    ["id", "eTag", "status", "substatus"].into_iter().map(|k| (k, path(referral, &[k]))).collect()
}

/// One audit line, as `AuditEntry::line` writes it: `<UTC time> ✔ <route> synced: <message>`.
pub fn audit_line(success: bool, to_partner_center: bool, message: &str) -> String {
    let outcome = if success { AuditOutcome::Success } else { AuditOutcome::Failure };
    audit_entry_line(outcome, to_partner_center, None, message)
}

/// One audit line of any outcome, with the entry's code when it has one, as `AuditEntry::line`
/// writes it: `<UTC time> – <route> skipped [unread]: <message>`.
pub fn audit_entry_line(outcome: AuditOutcome, to_partner_center: bool, code: Option<&str>, message: &str) -> String {
    let (mark, verb) = match outcome {
        AuditOutcome::Success => ('✔', "synced"),
        AuditOutcome::Failure => ('✖', "failed"),
        AuditOutcome::Skipped => ('–', "skipped"),
    };
    let route = if to_partner_center { "Dynamics 365 → Partner Center" } else { "Partner Center → Dynamics 365" };
    let code = code.map(|c| format!(" [{c}]")).unwrap_or_default();
    call("concat", &["utcNow('yyyy-MM-ddTHH:mm:ssZ')", &lit(&format!(" {mark} {route} {verb}{code}: ")), message])
}

/// A text as Rust's `{:?}` quotes it in the core's audit messages, after `AuditEntry::line` made
/// the line one line: in double quotes, `"`, `\` and control characters escaped (JSON's
/// escaping, `string(createArray(x))` = `["x"]`), then runs of spaces as one (nine halvings cover
/// the longest text, 300). UNCERTAIN: other control characters and non-ASCII whitespace are
/// written as they are, where the core escapes or collapses them.
pub fn debug_quoted(text: &str) -> String {
    let array = call("string", &[&call("createArray", &[&call("string", &[&call("coalesce", &[text, "''"])])])]);
    let json = call("slice", &[&array, "1", "-1"]);
    (0..9).fold(json, |acc, _| call("replace", &[&acc, "'  '", "' '"]))
}

/// The core's `Conflict::audit_entry` message for `field`: `kept` and `lost` are the values'
/// expressions, `lost_side` whose value was not kept.
pub fn conflict_message(field: &str, kept: &str, lost: &str, lost_side: &str) -> String {
    use cosell_core::sync::merge::audit_text::{CONFLICT, CONFLICT_LOST};
    call(
        "concat",
        &[
            &lit(&format!("{field}{CONFLICT}")),
            &debug_quoted(kept),
            &lit(&format!(", {lost_side}{CONFLICT_LOST}")),
            &debug_quoted(lost),
        ],
    )
}

/// Whether a raw JSON value is a string (`''` included; `null`, absent, numbers, objects not):
/// `string(createArray(x))` starts with `["` exactly then.
pub fn is_string(raw: &str) -> String {
    call("startsWith", &[&call("string", &[&call("createArray", &[raw])]), "'[\"'"])
}

/// The Audit column's new text: the old lines, the new line, the oldest text dropped so it fits
/// [`cosell_core::mapping::AUDIT_MAX_CHARS`]. UNCERTAIN (simplification): the core drops whole
/// lines; this keeps the newest characters, which can cut the oldest kept line.
pub fn audit_append(existing: &str, line: &str) -> String {
    // An empty Audit column starts with the line itself, never a blank line (`append_audit`).
    let old = call("string", &[&call("coalesce", &[existing, "''"])]);
    let text =
        call("if", &[&call("empty", &[&old]), line, &call("concat", &[&old, "decodeUriComponent('%0A')", line])]);
    let max = cosell_core::mapping::AUDIT_MAX_CHARS;
    call("slice", &[&text, &call("max", &["0", &call("sub", &[&call("length", &[&text]), &max.to_string()])])])
}

/// The opportunity name after a sync: `✔ name` / `✖ name` when the Display check mark variable
/// is Yes, the bare name otherwise (`name_mark::decorate`).
pub fn decorated_name(name_canonical: &str, success: bool) -> String {
    let mark = if success { cosell_core::name_mark::SYNCED } else { cosell_core::name_mark::FAILED };
    call(
        "if",
        &[
            &parameter(vars::DISPLAY_CHECK_MARK),
            &call("concat", &[&lit(&format!("{mark} ")), name_canonical]),
            name_canonical,
        ],
    )
}

/// The characters the account match reads as separators between words (and drops from postal
/// codes). UNCERTAIN (a flow has no character classes): the core splits on every character that
/// is not alphanumeric in Unicode; these are ASCII's whitespace and punctuation and the
/// typographic marks company names carry. Any other character counts as part of a word.
pub const MATCH_SEPARATORS: &str = "\t\n\r\u{b} !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\u{a0}\u{2019}\u{2018}\u{201c}\u{201d}\u{2013}\u{2014}\u{b7}\u{2022}\u{ae}\u{2122}\u{a9}\u{ab}\u{bb}\u{201e}\u{201a}\u{2026}";

/// A one-character literal: control characters by their URI encoding (a literal cannot hold them).
fn char_literal(c: char) -> String {
    if c.is_control() {
        call("decodeUriComponent", &[&lit(&format!("%{:02X}", u32::from(c)))])
    } else {
        lit(&c.to_string())
    }
}

/// `text` with every separator replaced by `by`.
fn replace_separators(text: &str, by: &str) -> String {
    MATCH_SEPARATORS.chars().fold(text.to_owned(), |acc, c| call("replace", &[&acc, &char_literal(c), by]))
}

/// The first stage of the account match key for a name (`normalize_name` up to the legal form):
/// lower case, the words separated by single spaces. Runs of separators collapse by halving;
/// eight passes cover the 256 characters no Dataverse name reaches (account `name` is 160).
pub fn account_words(name: &str) -> String {
    let spaced = replace_separators(&call("toLower", &[&call("string", &[&call("coalesce", &[name, "''"])])]), "' '");
    let collapsed = (0..8).fold(spaced, |acc, _| call("replace", &[&acc, "'  '", "' '"]));
    call("trim", &[&collapsed])
}

/// The first stage of the account match key for a postal code: no separators, capitals.
pub fn account_postal(code: &str) -> String {
    call("toUpper", &[&replace_separators(&call("string", &[&call("coalesce", &[code, "''"])]), "''")])
}

/// How many trailing legal forms the match drops. UNCERTAIN: the core drops any number; each
/// step repeats its input four times, so the generated expression grows fourfold per step.
pub const LEGAL_FORM_STEPS: usize = 3;

/// The account match key (`account_match_key`) from the two first stages ([`account_words`],
/// [`account_postal`]; `words` and `postal` should be short references, such as `item()?['w']`,
/// as each is repeated): the trailing legal forms dropped (one word always stays), and a US
/// ZIP+4 (nine digits) cut to its five-digit ZIP.
pub fn account_key(words: &str, postal: &str) -> String {
    let forms = crate::expr::json_literal(&Value::from(cosell_core::mapping::LEGAL_FORMS.to_vec()));
    let name = (0..LEGAL_FORM_STEPS).fold(words.to_owned(), |w, _| {
        let last = call("last", &[&call("split", &[&w, "' '"])]);
        let ends_in_form = call("and", &[&call("contains", &[&w, "' '"]), &call("contains", &[&forms, &last])]);
        call("if", &[&ends_in_form, &call("substring", &[&w, "0", &call("lastIndexOf", &[&w, "' '"])]), &w])
    });
    let digits_removed = (0..10).fold(postal.to_owned(), |acc, d| call("replace", &[&acc, &lit(&d.to_string()), "''"]));
    let zip4 = call("and", &[&call("equals", &[&call("length", &[postal]), "9"]), &call("empty", &[&digits_removed])]);
    let postal = call("if", &[&zip4, &call("substring", &[postal, "0", "5"]), postal]);
    call("concat", &[&name, "'|'", &postal])
}

/// A Response to a child flow's caller.
pub fn respond(status: u16, body: Value) -> Action {
    Action::Response { status, body }
}

/// The referral JSON value of a canonical value, `null` when empty.
pub fn referral_value(t: Transform, canonical: &str) -> Option<String> {
    let v = transform::to_referral(t, canonical)?;
    Some(call("if", &[&call("empty", &[canonical]), "null", &v]))
}

/// A JSON object built from `(pointer, value)` pairs: objects created on the way, and an array
/// of one object where the pointer says `/0/` (the referral's first team member).
pub fn nest(pairs: &[(&str, Value)]) -> Value {
    let mut root = json!({});
    for (pointer, value) in pairs {
        let segments: Vec<&str> = pointer.split('/').filter(|s| !s.is_empty()).collect();
        put(&mut root, &segments, value.clone());
    }
    root
}

fn put(at: &mut Value, segments: &[&str], value: Value) {
    let Some((first, rest)) = segments.split_first() else { return };
    let next_is_index = rest.first().is_some_and(|s| s.parse::<usize>().is_ok());
    let Some(m) = at.as_object_mut() else { return };
    if rest.is_empty() {
        m.insert((*first).to_owned(), value);
        return;
    }
    if next_is_index {
        let list = m.entry((*first).to_owned()).or_insert_with(|| json!([{}]));
        if let Some(item) = list.as_array_mut().and_then(|a| a.first_mut()) {
            put(item, rest.get(1..).unwrap_or_default(), value);
        }
        return;
    }
    put(m.entry((*first).to_owned()).or_insert_with(|| json!({})), rest, value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_become_safe_navigation() {
        assert_eq!(pointer("r", "/details/dealValue"), "r?['details']?['dealValue']");
        assert_eq!(pointer("r", "/customerProfile/team/0/email"), "r?['customerProfile']?['team']?[0]?['email']");
        assert_eq!(lookups(false), [("transactioncurrencyid", "transactioncurrencies", "transactioncurrencyid")]);
        assert_eq!(lookups(true).len(), 3);
        assert_eq!(
            nest(&[
                ("/a/b", json!(1)),
                ("/a/c", json!(2)),
                ("/d", json!(3)),
                ("/t/0/e", json!(4)),
                ("/t/0/f", json!(5))
            ]),
            json!({"a": {"b": 1, "c": 2}, "d": 3, "t": [{"e": 4, "f": 5}]})
        );
    }
}
