//! One Power Automate expression per [`Transform`] and direction, so a flow computes exactly the
//! canonical strings cosell-core computes (`Transform::from_crm`, `from_referral`, `to_crm`,
//! `to_referral`). The property tests in `tests/transforms.rs` evaluate each expression with
//! cosell-flow's evaluator on random inputs and compare it with the core's function.
//!
//! Conventions: a canonical value is a string, and the empty string stands for the core's
//! `None` ("no value"); the flows leave empty values out of the base, as the core does. An
//! absent column or property reads as `null` here (`?[…]`) as in the core, and a flag reads a
//! null as `false`.
//! `value` arguments are expression texts that give the raw value (a Dataverse column, a
//! referral property).

use crate::expr::{call, json_literal, lit};
use cosell_core::sync::Transform;
use serde_json::{Map, Value};

/// Every mark the core strips from either end of a name (`cosell_core::name_mark`): all single
/// UTF-16 units, so replacing each by a space keeps every position.
/// UNCERTAIN (kept equal to the core's private list by the property test on names).
pub const MARKS: [char; 6] = ['✔', '✖', '✓', '✗', '❌', '✅'];

/// `value`, or `''` when it is null: string functions then see text.
fn text_of(value: &str) -> String {
    call("string", &[&call("coalesce", &[value, "''"])])
}

/// CR LF as LF, as the core compares text.
fn lf(text: &str) -> String {
    call("replace", &[text, "decodeUriComponent('%0D%0A')", "decodeUriComponent('%0A')"])
}

/// Text: CR LF as LF, trimmed (marks too, when `strip_marks`), cut to `max` UTF-16 units,
/// trimmed again at the end.
///
/// The marks are stripped exactly as `trim_matches(whitespace or mark)` does, with no loop: `u` is
/// the text with every mark replaced by a space (same length), so `trim(u)` spans exactly the
/// core's result, and `indexOf(u, trim(u))` is where it starts (what precedes it is whitespace,
/// and `trim(u)` starts with something else).
fn text(value: &str, max: usize, strip_marks: bool) -> String {
    let x = lf(&text_of(value));
    let trimmed = if strip_marks {
        let u = MARKS.iter().fold(x.clone(), |acc, m| call("replace", &[&acc, &lit(&m.to_string()), "' '"]));
        let inner = call("trim", &[&u]);
        call("substring", &[&x, &call("indexOf", &[&u, &inner]), &call("length", &[&inner])])
    } else {
        call("trim", &[&x])
    };
    call("trim", &[&call("take", &[&trimmed, &max.to_string()])])
}

/// Money: hundredths rounded half away from zero (`formatNumber(v × 100, '0')` is `f64::round`),
/// then the decimal point put before the last two digits. The format `000;-000;000` gives at least
/// three digits and formats a negative amount that rounds to zero as `000`, as the core has no
/// negative zero.
/// An amount of ±9·10^13 or more has no canonical form (`mapping::cents`: its hundredths are
/// beyond the integers an f64 holds exactly): `''`, so it is never written or sent. The amount is
/// compared, not its hundredths, which overflow for the largest numbers; the two bounds agree,
/// as no f64 below 9·10^13 has hundredths that round up to 9·10^15.
fn money(value: &str) -> String {
    let hundredths = call("mul", &[&call("float", &[value]), "100"]);
    let cents = call("formatNumber", &[&hundredths, &lit("000;-000;000"), &lit("en-US")]);
    let decimal = call("concat", &[&call("slice", &[&cents, "0", "-2"]), "'.'", &call("slice", &[&cents, "-2"])]);
    let amount = call("float", &[value]);
    let beyond = call(
        "or",
        &[&call("greaterOrEquals", &[&amount, "90000000000000"]), &call("lessOrEquals", &[&amount, "-90000000000000"])],
    );
    call("if", &[&call("empty", &[&text_of(value)]), "''", &call("if", &[&beyond, "''", &decimal])])
}

/// `toUpper(trim(v))`: ISO codes.
fn code(value: &str) -> String {
    call("toUpper", &[&call("trim", &[&text_of(value)])])
}

/// The option value → wire value table of a choice, as a JSON object keyed by the option's text.
fn choice_table(options: &[(i64, &str)]) -> Value {
    Value::Object(options.iter().map(|(o, w)| (o.to_string(), Value::from(*w))).collect::<Map<_, _>>())
}

/// `json('{…}')?[key]`, or `''` when the key is not in the table.
fn lookup(table: &Value, key: &str) -> String {
    call("coalesce", &[&format!("{}?[{key}]", json_literal(table)), "''"])
}

/// The size bands: (largest employee count of the band, the band's wire value), ascending; a count
/// above the last bound is the last band. From the core's `customer_size`.
pub fn employee_bands() -> Vec<(i64, String)> {
    let bounds = [9, 50, 250, 1000, 5000, 10000, 20000, i64::MAX];
    bounds.iter().filter_map(|b| Some((*b, cosell_core::mapping::customer_size(*b)?.as_str().to_owned()))).collect()
}

fn employee_band(value: &str) -> String {
    let bands = employee_bands();
    let mut out = "''".to_owned();
    for (bound, band) in bands.iter().rev() {
        out = if *bound == i64::MAX {
            lit(band)
        } else {
            call("if", &[&call("lessOrEquals", &[value, &bound.to_string()]), &lit(band), &out])
        };
    }
    let positive = call("if", &[&call("lessOrEquals", &[value, "0"]), "''", &out]);
    call("if", &[&call("equals", &[value, "null"]), "''", &positive])
}

/// The canonical string of a Dataverse column value; `None` for the transforms read from more
/// than one value ([`status_from_crm`], [`solution_key`] + [`solution_list`]) or not compared.
pub fn from_crm(t: Transform, value: &str) -> Option<String> {
    Some(match t {
        Transform::Text { max_length, strip_marks } => text(value, max_length, strip_marks),
        Transform::Money => money(value),
        Transform::DateOnly => date(value),
        Transform::IsoCountry | Transform::IsoCurrency => code(value),
        Transform::Choice { options } => lookup(&choice_table(options), &call("string", &[value])),
        Transform::Flag { true_value, .. } => flag(value, &true_value.to_string()),
        Transform::EmployeeBand => employee_band(value),
        Transform::Status | Transform::LookupByKey { .. } | Transform::SolutionList => return None,
    })
}

/// A flag is never empty: `'true'` exactly when the value is `truth` (the true option, or JSON
/// `true`), else `'false'`, a null (empty or absent) value included.
fn flag(value: &str, truth: &str) -> String {
    call("if", &[&call("equals", &[value, truth]), "'true'", "'false'"])
}

/// The date part: the first ten characters, trimmed.
fn date(value: &str) -> String {
    call("take", &[&call("trim", &[&text_of(value)]), "10"])
}

/// The canonical string of a referral property value; `None` as for [`from_crm`].
pub fn from_referral(t: Transform, value: &str) -> Option<String> {
    Some(match t {
        Transform::Text { max_length, strip_marks } => text(value, max_length, strip_marks),
        Transform::Money => money(value),
        Transform::DateOnly => date(value),
        Transform::IsoCountry | Transform::IsoCurrency => code(value),
        Transform::Choice { options } => {
            let wires = Value::from(options.iter().map(|(_, w)| *w).collect::<Vec<_>>());
            call("if", &[&call("contains", &[&json_literal(&wires), value]), value, "''"])
        }
        Transform::Flag { .. } => flag(value, "true"),
        Transform::EmployeeBand => call("trim", &[&text_of(value)]),
        Transform::Status | Transform::LookupByKey { .. } | Transform::SolutionList => return None,
    })
}

/// The outcome of a referral's status and substatus (`referral_outcome`).
pub fn status_from_referral(status: &str, substatus: &str) -> String {
    let closed = call("if", &[&call("empty", &[&text_of(substatus)]), "'Lost'", substatus]);
    call(
        "if",
        &[
            &call("or", &[&call("equals", &[status, "'New'"]), &call("equals", &[status, "'Active'"])]),
            "'Open'",
            &call("if", &[&call("equals", &[status, "'Closed'"]), &closed, "''"]),
        ],
    )
}

/// The outcome of an opportunity's `statecode`, a lost one keeping the base's Declined or
/// Expired (`crm_outcome`).
pub fn status_from_crm(state: &str, base_outcome: &str) -> String {
    let lost = call(
        "if",
        &[
            &call(
                "or",
                &[&call("equals", &[base_outcome, "'Declined'"]), &call("equals", &[base_outcome, "'Expired'"])],
            ),
            base_outcome,
            "'Lost'",
        ],
    );
    call(
        "if",
        &[
            &call("equals", &[state, "0"]),
            "'Open'",
            &call(
                "if",
                &[&call("equals", &[state, "1"]), "'Won'", &call("if", &[&call("equals", &[state, "2"]), &lost, "''"])],
            ),
        ],
    )
}

/// One solution's key (`mapping::solution_key`), for a Select over the rows or the referral's
/// solutions: `id` is the item's solution ID expression.
pub fn solution_key(id: &str) -> String {
    call("toUpper", &[&call("trim", &[&text_of(id)])])
}

/// The canonical list from the keys a Select produced: distinct, sorted, joined by `,`, the
/// empty key (a row without an ID) left out — it sorts first, so it is one leading comma.
pub fn solution_list(keys: &str) -> String {
    let distinct = call("union", &[keys, "createArray()"]);
    let joined = call("join", &[&call("sort", &[&distinct]), "','"]);
    call("if", &[&call("contains", &[&distinct, "''"]), &call("slice", &[&joined, "1"]), &joined])
}

/// The Dataverse column value of a non-empty canonical value (`Transform::to_crm`); `None` where
/// the write is not a column value (currency: a lookup bind; status: a close action; solutions:
/// rows).
pub fn to_crm(t: Transform, canonical: &str) -> Option<String> {
    Some(match t {
        Transform::Money => call("float", &[canonical]),
        Transform::Choice { options } => {
            let table: Map<String, Value> = options.iter().map(|(o, w)| ((*w).to_owned(), Value::from(*o))).collect();
            format!("{}?[{canonical}]", json_literal(&Value::Object(table)))
        }
        Transform::Flag { true_value, false_value } => {
            call("if", &[&call("equals", &[canonical, "'true'"]), &true_value.to_string(), &false_value.to_string()])
        }
        Transform::IsoCurrency | Transform::Status | Transform::SolutionList | Transform::LookupByKey { .. } => {
            return None
        }
        Transform::Text { .. } | Transform::DateOnly | Transform::IsoCountry | Transform::EmployeeBand => {
            canonical.to_owned()
        }
    })
}

/// The referral JSON value of a non-empty canonical value (`Transform::to_referral`); `None` for
/// the transforms sent as more than one value.
pub fn to_referral(t: Transform, canonical: &str) -> Option<String> {
    Some(match t {
        Transform::Money => call(
            "if",
            &[
                &call("endsWith", &[canonical, "'.00'"]),
                &call("int", &[&call("slice", &[canonical, "0", "-3"])]),
                &call("float", &[canonical]),
            ],
        ),
        Transform::DateOnly => call("concat", &[canonical, "'T00:00:00Z'"]),
        Transform::Flag { .. } => call("equals", &[canonical, "'true'"]),
        Transform::Status | Transform::SolutionList | Transform::LookupByKey { .. } => return None,
        Transform::Text { .. }
        | Transform::IsoCountry
        | Transform::IsoCurrency
        | Transform::Choice { .. }
        | Transform::EmployeeBand => canonical.to_owned(),
    })
}

/// A column write: `null` for an empty canonical value, else [`to_crm`].
pub fn write_crm(t: Transform, canonical: &str) -> Option<String> {
    let value = to_crm(t, canonical)?;
    Some(call("if", &[&call("empty", &[canonical]), "null", &value]))
}
