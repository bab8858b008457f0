//! The account match the generated flows make is the core's: the key expressions
//! (`flows::common::{account_words, account_postal, account_key}`), evaluated by cosell-flow's
//! evaluator on random names and postal codes, give `cosell_core::mapping::account_match_key`.

use cosell_flow::expr::{evaluate_expression, Scope};
use cosell_syncflows::flows::common::{account_key, account_postal, account_words, LEGAL_FORM_STEPS, MATCH_SEPARATORS};
use proptest::prelude::*;
use serde_json::{json, Value};

/// The runtime the expressions see: `item()`.
struct Item(Value);

impl Scope for Item {
    fn runtime(&self, name: &str, _: &[Value]) -> Option<Result<Value, String>> {
        (name == "item").then(|| Ok(self.0.clone()))
    }
    fn now_unix_millis(&self) -> i64 {
        0
    }
    fn next_random(&self) -> u64 {
        0
    }
}

fn eval(expression: &str, item: Value) -> Value {
    evaluate_expression(expression, &Item(item)).unwrap_or_else(|e| panic!("{expression}\n{e}"))
}

/// The flow's key of a name and a postal code, in its two stages as the flow runs them (a
/// Select of the first stage per row, then one of the key).
fn flow_key(name: &Value, postal: &Value) -> String {
    let row = json!({"name": name, "postal": postal});
    let words = eval(&account_words("item()?['name']"), row.clone());
    let code = eval(&account_postal("item()?['postal']"), row);
    let key = eval(&account_key("item()?['w']", "item()?['p']"), json!({"w": words, "p": code}));
    key.as_str().unwrap().to_owned()
}

/// Words of names as partners type them: letters (some beyond ASCII), digits, legal forms.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z]{1,8}",
        "[0-9]{1,4}",
        "[a-zé]{1,6}",
        prop::sample::select(cosell_core::mapping::LEGAL_FORMS.to_vec()).prop_map(str::to_owned),
        prop::sample::select(vec!["Inc", "LTD", "GmbH", "Co", "S.A.", "B.V.", "Pty"]).prop_map(str::to_owned),
    ]
}

/// What comes between words: separators the flow knows, in runs.
fn gap() -> impl Strategy<Value = String> {
    let separators: Vec<char> = MATCH_SEPARATORS.chars().collect();
    prop::collection::vec(prop::sample::select(separators), 1..4).prop_map(|c| c.into_iter().collect())
}

/// A name: separators around and between words, at most the legal-form steps the flow drops
/// at the end.
fn name() -> impl Strategy<Value = String> {
    (
        gap(),
        prop::collection::vec((word(), gap()), 0..6),
        // The last word before the legal forms is none itself: the flow drops at most
        // LEGAL_FORM_STEPS trailing legal forms (UNCERTAIN in flows::common), the core any number.
        "[A-Za-z]{1,8}".prop_filter("not a legal form", |w| {
            !cosell_core::mapping::LEGAL_FORMS.contains(&w.to_lowercase().as_str())
        }),
        prop::collection::vec(word(), 0..=LEGAL_FORM_STEPS),
    )
        .prop_map(|(lead, words, core, tail)| {
            let mut s = lead;
            for (w, g) in words {
                s.push_str(&w);
                s.push_str(&g);
            }
            s.push_str(&core);
            for w in tail {
                s.push(' ');
                s.push_str(&w);
            }
            s
        })
}

fn postal_code() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{5}",
        "[0-9]{5}-[0-9]{4}",
        "[0-9]{9}",
        " [0-9]{5} [0-9]{4} ",
        "[A-Za-z][0-9][A-Za-z] ?[0-9][A-Za-z][0-9]",
        "[A-Za-z0-9 -]{0,10}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_flow_s_key_is_the_core_s(name in name(), postal in postal_code()) {
        let core = cosell_core::mapping::account_match_key(&name, &postal);
        prop_assert_eq!(flow_key(&json!(name), &json!(postal)), core);
    }
}

/// Microsoft's documented sample customer and the shapes the brief names: legal forms,
/// punctuation, spacing, case, ZIP+4; null columns read as empty.
#[test]
fn documented_shapes_match_as_the_core_matches() {
    for (name, postal) in [
        ("Contoso, Ltd.", "98052-6399"),
        ("  CONTOSO   ltd", "98052"),
        ("Contoso Co. Inc", "98052 6399"),
        ("Fabrikam GmbH", "10115"),
        ("Ltd", "SW1A 1AA"),
        ("A.B.C. Holdings Pty Ltd", "2000"),
        ("Wide World Importers", ""),
        ("Tailspin\u{2019}s \u{2013} Toys", "k1a 0b1"),
    ] {
        let core = cosell_core::mapping::account_match_key(name, postal);
        assert_eq!(flow_key(&json!(name), &json!(postal)), core, "{name:?} {postal:?}");
    }
    assert_eq!(flow_key(&Value::Null, &Value::Null), cosell_core::mapping::account_match_key("", ""));
}
