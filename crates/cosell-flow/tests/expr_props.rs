//! Property tests: the evaluator never panics, whatever the text and whatever the JSON the
//! flow hands it, and every error names a position inside the text.

use std::cell::Cell;

use cosell_flow::expr::{evaluate_expression, evaluate_json, evaluate_template, function_names, Scope};
use proptest::prelude::*;
use serde_json::Value;

/// A scope whose workflow functions return the JSON under test.
struct Data {
    value: Value,
    random: Cell<u64>,
}

impl Scope for Data {
    fn runtime(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        match name {
            "triggerBody" | "body" | "outputs" | "item" | "items" | "variables" => Some(Ok(self.value.clone())),
            "fails" => Some(Err(format!("failed with {} arguments", args.len()))),
            _ => None,
        }
    }

    fn now_unix_millis(&self) -> i64 {
        // Some clocks are out of the .NET range on purpose.
        i64::try_from(self.random.get() % 400_000_000_000_000).unwrap_or(0) - 100_000_000_000_000
    }

    fn next_random(&self) -> u64 {
        let next = self.random.get().wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        self.random.set(next);
        next
    }
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        "[a-z0-9 /:.@{}'$-]{0,12}".prop_map(Value::String),
        Just(Value::String("2018-03-15T13:27:36Z".into())),
        Just(serde_json::json!({"$content-type": "text/plain", "$content": "aGVsbG8="})),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z$@#]{1,6}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Literals an expression can contain.
fn literal() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|i| i.to_string()),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| format!("{f:?}")),
        "[a-zA-Z0-9 ,.:/%#{}@+-]{0,10}".prop_map(|s| format!("'{s}'")),
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("'2018-03-15T13:27:36Z'".to_owned()),
        Just("'yyyy-MM-dd HH:mm:ss.fffffff zzz'".to_owned()),
        Just("'#,##0.00;(0.0)'".to_owned()),
        Just("'Pacific Standard Time'".to_owned()),
        Just("'<a x=\"1\"><b>t</b></a>'".to_owned()),
        Just("'{\"a\": [1, {\"b\": null}]}'".to_owned()),
        Just("'Day'".to_owned()),
        Just("'fr-FR'".to_owned()),
        Just("triggerBody()".to_owned()),
        Just("fails(1)".to_owned()),
    ]
}

/// Well-formed calls of real functions with random arguments, nested, with member accesses.
fn expression() -> impl Strategy<Value = String> {
    let names: Vec<&'static str> = function_names().collect();
    literal().prop_recursive(4, 24, 4, move |inner| {
        let names = names.clone();
        (prop::sample::select(names), prop::collection::vec(inner.clone(), 0..4), prop::collection::vec(inner, 0..2))
            .prop_map(|(name, args, keys)| {
                let mut text = format!("{name}({})", args.join(", "));
                for key in keys {
                    text.push_str(&format!("?[{key}]"));
                }
                text
            })
    })
}

fn scope(value: Value, seed: u64) -> Data {
    Data { value, random: Cell::new(seed) }
}

fn position_is_inside(text: &str, position: usize) -> bool {
    position <= text.chars().count()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,60}", value in json(), seed in any::<u64>()) {
        let scope = scope(value, seed);
        if let Err(e) = evaluate_expression(&text, &scope) {
            prop_assert!(position_is_inside(&text, e.position), "{text}: {e}");
        }
        if let Err(e) = evaluate_template(&text, &scope) {
            prop_assert!(position_is_inside(&text, e.position), "{text}: {e}");
        }
    }

    #[test]
    fn grammar_shaped_text_never_panics(text in "[a-zA-Z(),'?.\\[\\] 0-9@{}-]{0,60}", seed in any::<u64>()) {
        let scope = scope(Value::Null, seed);
        let _ = evaluate_expression(&text, &scope);
        let _ = evaluate_template(&text, &scope);
        let _ = evaluate_template(&format!("@{text}"), &scope);
        let _ = evaluate_template(&format!("x @{{{text}}} y"), &scope);
    }

    #[test]
    fn arbitrary_xpaths_never_panic(path in "[a-z/@\\[\\]()'=<>!| 0-9.*:,+-]{0,40}") {
        let scope = scope(Value::Null, 1);
        let xml = "<?xml version=\"1.0\"?><a xmlns:p=\"urn:p\"><b x=\"1\">t<c/>u</b><p:b>2</p:b><b>3</b></a>";
        let text = format!("xpath('{xml}', '{}')", path.replace('\'', "''"));
        let _ = evaluate_expression(&text, &scope);
    }

    #[test]
    fn real_functions_on_random_arguments_never_panic(text in expression(), value in json(), seed in any::<u64>()) {
        let scope = scope(value, seed);
        match evaluate_expression(&text, &scope) {
            Ok(_) => {}
            Err(e) => prop_assert!(position_is_inside(&text, e.position), "{text}: {e}"),
        }
        let _ = evaluate_template(&format!("@{{{text}}}"), &scope);
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Every function on JSON of every shape (300 cases × every function × 4 argument lists).
    #[test]
    fn arbitrary_json_inputs_never_panic(value in json(), seed in any::<u64>()) {
        let scope = scope(value.clone(), seed);
        let _ = evaluate_json(&value, &scope);
        for name in function_names() {
            for args in ["triggerBody()", "triggerBody(), triggerBody()", "triggerBody(), 1, 'Day'", "triggerBody(), triggerBody(), triggerBody()"] {
                let _ = evaluate_expression(&format!("{name}({args})"), &scope);
            }
        }
    }
}
