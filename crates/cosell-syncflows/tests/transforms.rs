//! The flows' expressions are the core's mapping: each generated expression, evaluated by
//! cosell-flow's evaluator on random inputs, gives what cosell-core's Rust function gives.

use cosell_core::dataverse::OpportunityState;
use cosell_core::sync::fields::{canonical_solutions, crm_outcome, referral_outcome};
use cosell_core::sync::{Transform, FIELDS};
use cosell_flow::expr::{evaluate_expression, Scope};
use cosell_syncflows::transform;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The runtime an expression sees in these tests: `variables(name)` and `item()`.
struct Vars {
    vars: BTreeMap<&'static str, Value>,
    item: Value,
}

impl Scope for Vars {
    fn runtime(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        match name {
            "variables" => Some(Ok(args
                .first()
                .and_then(Value::as_str)
                .and_then(|k| self.vars.get(k))
                .cloned()
                .unwrap_or(Value::Null))),
            "item" => Some(Ok(self.item.clone())),
            _ => None,
        }
    }
    fn now_unix_millis(&self) -> i64 {
        0
    }
    fn next_random(&self) -> u64 {
        0
    }
}

fn eval_with(expression: &str, vars: &[(&'static str, Value)], item: Value) -> Value {
    let scope = Vars { vars: vars.iter().cloned().collect(), item };
    evaluate_expression(expression, &scope).unwrap_or_else(|e| panic!("{expression}\n{e}"))
}

fn eval(expression: &str, v: Value) -> Value {
    eval_with(expression, &[("v", v)], Value::Null)
}

const V: &str = "variables('v')";

/// The distinct transforms of the field map.
fn transforms() -> Vec<Transform> {
    let mut out: Vec<Transform> = Vec::new();
    for f in FIELDS {
        if !out.contains(&f.transform) {
            out.push(f.transform);
        }
    }
    out
}

fn texts() -> Vec<(usize, bool)> {
    transforms()
        .into_iter()
        .filter_map(|t| match t {
            Transform::Text { max_length, strip_marks } => Some((max_length, strip_marks)),
            _ => None,
        })
        .collect()
}

fn both_sides(t: Transform, value: Value) {
    let crm = transform::from_crm(t, V).unwrap();
    let pc = transform::from_referral(t, V).unwrap();
    assert_eq!(eval(&crm, value.clone()), json!(t.from_crm(&value).unwrap_or_default()), "from_crm {t:?} {value}");
    assert_eq!(
        eval(&pc, value.clone()),
        json!(t.from_referral(&value).unwrap_or_default()),
        "from_referral {t:?} {value}"
    );
}

/// Text made of what canonical text cares about: whitespace, CR LF, marks, letters, quotes.
fn text_strategy() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        " ", "\t", "\r\n", "\n", "\r", "✔", "✖", "✓", "✗", "❌", "✅", "a", "B", "é", "'", "ß", "İ", "ǅ", "\u{a0}",
        "\u{3000}", "deal", "x",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn text_is_the_core_s(s in text_strategy(), short in 0usize..12) {
        for (max, strip) in texts() {
            both_sides(Transform::Text { max_length: max, strip_marks: strip }, json!(s));
            // Short limits make the cut happen.
            both_sides(Transform::Text { max_length: short, strip_marks: strip }, json!(s));
        }
    }

    #[test]
    fn money_is_the_core_s(v in -9.0e13f64..9.0e13, cents in -10_000_000i64..10_000_000, mills in -100_000i64..100_000) {
        both_sides(Transform::Money, json!(v));
        both_sides(Transform::Money, json!(cents as f64 / 100.0));
        // Three decimals: half-cent midpoints, where rounding matters.
        both_sides(Transform::Money, json!(mills as f64 / 1000.0));
        // Partner Center may send an amount as text; a Dataverse money column is always a number.
        let text = json!(format!("{}", mills as f64 / 1000.0));
        let pc = transform::from_referral(Transform::Money, V).unwrap();
        prop_assert_eq!(eval(&pc, text.clone()), json!(Transform::Money.from_referral(&text).unwrap_or_default()));
        both_sides(Transform::Money, json!(cents));
    }

    #[test]
    fn money_beyond_the_exact_range_is_no_value_as_in_the_core(v in 8.9e13f64..1.0e16, negative in any::<bool>()) {
        let v = if negative { -v } else { v };
        both_sides(Transform::Money, json!(v));
        for edge in [9.0e13, -9.0e13, 8.999_999_999_999_99e13, 1.0e15, f64::MAX] {
            both_sides(Transform::Money, json!(edge));
        }
    }

    #[test]
    fn dates_are_the_core_s(y in 1900u32..2100, m in 1u32..13, d in 1u32..29, time in prop::option::of("T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z"), pad in " {0,2}") {
        let text = format!("{pad}{y:04}-{m:02}-{d:02}{}{pad}", time.unwrap_or_default());
        both_sides(Transform::DateOnly, json!(text));
    }

    #[test]
    fn codes_are_the_core_s(s in "[ a-zA-Z]{0,6}") {
        both_sides(Transform::IsoCountry, json!(s));
        both_sides(Transform::IsoCurrency, json!(s));
    }

    #[test]
    fn choices_and_flags_are_the_core_s(pick in 0usize..8, other in any::<i64>(), flag in any::<bool>()) {
        for t in transforms() {
            match t {
                Transform::Choice { options } => {
                    let (value, wire) = options.get(pick).copied().unwrap_or((other, "Unknown"));
                    for v in [json!(value), json!(wire), json!(other), Value::Null] {
                        both_sides(t, v);
                    }
                }
                Transform::Flag { true_value, false_value } => {
                    for v in [json!(true_value), json!(false_value), json!(other), json!(flag), Value::Null] {
                        both_sides(t, v);
                    }
                }
                _ => {}
            }
        }
    }

    #[test]
    fn employee_bands_are_the_core_s(n in -10i64..30_000, big in any::<i64>(), band in " ?[0-9a-z]{0,12} ?") {
        let crm = transform::from_crm(Transform::EmployeeBand, V).unwrap();
        prop_assert_eq!(eval(&crm, json!(n)), json!(Transform::EmployeeBand.from_crm(&json!(n)).unwrap_or_default()));
        // The referral's size is text (the band itself).
        let pc = transform::from_referral(Transform::EmployeeBand, V).unwrap();
        prop_assert_eq!(eval(&pc, json!(band)), json!(Transform::EmployeeBand.from_referral(&json!(band)).unwrap_or_default()));
        prop_assert_eq!(eval(&crm, json!(big)), json!(Transform::EmployeeBand.from_crm(&json!(big)).unwrap_or_default()));
        prop_assert_eq!(eval(&crm, Value::Null), json!(""));
    }

    #[test]
    fn solution_lists_are_the_core_s(ids in prop::collection::vec(prop::option::of("[ a-cA-C0-9-]{0,5}"), 0..8)) {
        let items: Vec<Value> = ids.iter().map(|id| match id { Some(i) => json!({"id": i}), None => json!({}) }).collect();
        let key = transform::solution_key("item()?['id']");
        let keys: Vec<Value> = items.iter().map(|i| eval_with(&key, &[], i.clone())).collect();
        let list = eval_with(&transform::solution_list(V), &[("v", Value::from(keys))], Value::Null);
        let core = Transform::SolutionList.from_referral(&Value::from(items.clone())).unwrap_or_default();
        prop_assert_eq!(&list, &json!(core));
        let rows = canonical_solutions(ids.iter().flatten().map(String::as_str)).unwrap_or_default();
        prop_assert_eq!(list, json!(rows));
    }
}

#[test]
fn statuses_are_the_core_s() {
    let expression = transform::status_from_referral("variables('s')", "variables('sub')");
    for s in [json!("New"), json!("Active"), json!("Closed"), json!("Other"), Value::Null] {
        for sub in
            [json!("Won"), json!("Lost"), json!("Declined"), json!("Expired"), json!("Pending"), json!(""), Value::Null]
        {
            let got = eval_with(&expression, &[("s", s.clone()), ("sub", sub.clone())], Value::Null);
            let core = referral_outcome(s.as_str(), sub.as_str()).unwrap_or_default();
            assert_eq!(got, json!(core), "{s} {sub}");
        }
    }
    let expression = transform::status_from_crm("variables('state')", "variables('base')");
    for state in [json!(0), json!(1), json!(2), json!(3), Value::Null] {
        for base in [json!("Open"), json!("Declined"), json!("Expired"), json!("Won"), json!("")] {
            let got = eval_with(&expression, &[("state", state.clone()), ("base", base.clone())], Value::Null);
            let known = state.as_i64().and_then(OpportunityState::from_value);
            let core = known.map(|st| crm_outcome(st, base.as_str().filter(|b| !b.is_empty()))).unwrap_or_default();
            assert_eq!(got, json!(core), "{state} {base}");
        }
    }
}

/// A null is empty for every transform but a flag, which reads it as `false`; on both sides, in
/// the flows as in the core.
#[test]
fn nulls_are_empty_and_a_null_flag_is_false() {
    for t in transforms() {
        let empty = if matches!(t, Transform::Flag { .. }) { json!("false") } else { json!("") };
        if let Some(e) = transform::from_crm(t, V) {
            assert_eq!(eval(&e, Value::Null), json!(t.from_crm(&Value::Null).unwrap_or_default()), "{t:?}");
            assert_eq!(eval(&e, Value::Null), empty, "{t:?}");
        }
        if let Some(e) = transform::from_referral(t, V) {
            assert_eq!(eval(&e, Value::Null), json!(t.from_referral(&Value::Null).unwrap_or_default()), "{t:?}");
            assert_eq!(eval(&e, Value::Null), empty, "{t:?}");
        }
    }
}

/// `root?['a']?['b']…`: how a flow reads a JSON pointer (an absent member gives null).
fn at(root: &str, pointer: &str) -> String {
    pointer.split('/').skip(1).fold(root.to_owned(), |acc, k| format!("{acc}?['{k}']"))
}

/// `{}` with `value` at a JSON pointer, objects created on the way.
fn document_with(pointer: &str, value: Value) -> Value {
    let mut doc = json!({});
    let target = pointer.split('/').skip(1).fold(&mut doc, |node, k| &mut node[k]);
    *target = value;
    doc
}

/// Each flag field read from a whole record, its column or property absent, null or set: the
/// flow's expression gives the core's `crm_value` / `referral_value`, only the true option (or
/// JSON `true`) is `true`, and a referral created from the opportunity says the same.
#[test]
fn flag_fields_read_absent_null_and_set_values_as_the_core() {
    use cosell_core::sync::values::{crm_value, referral_value};
    let config = cosell_core::config::Config::default();
    let mut compared = 0;
    for f in FIELDS {
        let Transform::Flag { true_value, false_value } = f.transform else { continue };
        let column = f.crm.column.resolve(&config);
        let crm_expression = transform::from_crm(f.transform, &at("variables('row')", &format!("/{column}"))).unwrap();
        for value in [None, Some(Value::Null), Some(json!(true_value)), Some(json!(false_value)), Some(json!(7))] {
            let row = value.clone().map_or_else(|| json!({}), |v| document_with(&format!("/{column}"), v));
            let snapshot = cosell_core::Snapshot::from_value(&json!({ "opportunity": row, "solutions": [] })).unwrap();
            let core = crm_value(f, &snapshot, &snapshot.config, None).flatten();
            let expected = if value == Some(json!(true_value)) { "true" } else { "false" };
            assert_eq!(core.as_deref(), Some(expected), "{} = {value:?}", f.key);
            assert_eq!(
                eval_with(&crm_expression, &[("row", row)], Value::Null),
                json!(expected),
                "{} = {value:?}",
                f.key
            );
            let created = serde_json::to_value(cosell_core::mapping::to_referral(&snapshot)).unwrap();
            assert_eq!(referral_value(f, &created).as_deref(), Some(expected), "{} = {value:?} sent", f.key);
        }
        let pc_expression = transform::from_referral(f.transform, &at("variables('doc')", f.referral)).unwrap();
        for value in [None, Some(Value::Null), Some(json!(true)), Some(json!(false)), Some(json!("true"))] {
            let doc = value.clone().map_or_else(|| json!({}), |v| document_with(f.referral, v));
            let expected = if value == Some(json!(true)) { "true" } else { "false" };
            assert_eq!(referral_value(f, &doc).as_deref(), Some(expected), "{} = {value:?}", f.key);
            assert_eq!(
                eval_with(&pc_expression, &[("doc", doc)], Value::Null),
                json!(expected),
                "{} = {value:?}",
                f.key
            );
        }
        compared += 1;
    }
    assert!(compared > 0, "the field map has a flag");
}

/// Every canonical value goes back to each side as the core sends it.
#[test]
fn canonical_values_go_back_as_the_core_writes_them() {
    let samples: &[(Transform, &[&str])] = &[
        (Transform::Money, &["50000.00", "12.50", "-0.05", "0.00", "123456789.99"]),
        (Transform::DateOnly, &["2025-06-30"]),
        (Transform::IsoCurrency, &["USD"]),
        (Transform::Text { max_length: 300, strip_marks: true }, &["Contoso deal", "it's"]),
    ];
    for (t, values) in samples {
        for c in *values {
            let r = eval(&transform::to_referral(*t, V).unwrap(), json!(c));
            assert_eq!(r, t.to_referral(c), "to_referral {t:?} {c}");
            if let Some(e) = transform::to_crm(*t, V) {
                let w = eval(&e, json!(c));
                assert_eq!(
                    w.as_f64().map(Value::from).unwrap_or(w.clone()),
                    {
                        let core = t.to_crm(c);
                        core.as_f64().map(Value::from).unwrap_or(core)
                    },
                    "to_crm {t:?} {c}"
                );
            }
        }
    }
    for t in transforms() {
        match t {
            Transform::Choice { options } => {
                for (o, w) in options {
                    assert_eq!(eval(&transform::to_crm(t, V).unwrap(), json!(w)), json!(o));
                    assert_eq!(eval(&transform::to_referral(t, V).unwrap(), json!(w)), t.to_referral(w));
                }
            }
            Transform::Flag { .. } => {
                for c in ["true", "false"] {
                    assert_eq!(eval(&transform::to_crm(t, V).unwrap(), json!(c)), t.to_crm(c));
                    assert_eq!(eval(&transform::to_referral(t, V).unwrap(), json!(c)), t.to_referral(c));
                }
            }
            _ => {}
        }
    }
    assert_eq!(eval(&transform::write_crm(Transform::Money, V).unwrap(), json!("")), Value::Null);
}

/// The bands are the core's: each bound is the last count of its band.
#[test]
fn employee_bands_come_from_the_core() {
    let bands = transform::employee_bands();
    assert_eq!(bands.len(), 8);
    for (bound, band) in &bands {
        assert_eq!(cosell_core::mapping::customer_size(*bound).map(|b| b.as_str().to_owned()), Some(band.clone()));
        if *bound < i64::MAX {
            assert_ne!(
                cosell_core::mapping::customer_size(bound + 1).map(|b| b.as_str().to_owned()),
                Some(band.clone())
            );
        }
    }
}

/// The marks are the core's: a name wrapped in each is stripped by the core.
#[test]
fn marks_are_the_core_s() {
    for m in transform::MARKS {
        assert_eq!(cosell_core::name_mark::strip(&format!("{m} Deal {m}")), "Deal", "{m}");
    }
}
