//! The evaluator through its public API: templates, literals, member access, type rules,
//! workflow functions through the scope, and errors with positions.

use cosell_flow::expr::{
    check_template, evaluate_expression, evaluate_json, evaluate_template, CompiledTemplate, ExprError, Scope,
};
use serde_json::{json, Value};
use std::cell::Cell;

/// A scope with a fixed clock, a counter for randomness, and a few workflow functions.
struct TestScope {
    random: Cell<u64>,
}

impl TestScope {
    fn new() -> Self {
        TestScope { random: Cell::new(0) }
    }
}

impl Scope for TestScope {
    fn runtime(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let body = json!({"name": "Contoso", "value": [{"id": 1}, {"id": 2}], "nested": {"deep": "x"}, "empty": null});
        match (name, args) {
            ("triggerBody", []) => Some(Ok(body)),
            ("variables", [Value::String(n)]) if n == "count" => Some(Ok(json!(3))),
            ("variables", [Value::String(n)]) => Some(Err(format!("the variable '{n}' is not initialized"))),
            ("outputs", [Value::String(_)]) => Some(Ok(json!({"statusCode": 200, "body": {"value": ["a", "b"]}}))),
            _ => None,
        }
    }

    fn now_unix_millis(&self) -> i64 {
        1_773_581_256_000 // 2026-03-15T13:27:36Z
    }

    fn next_random(&self) -> u64 {
        let next = self.random.get().wrapping_add(0x9e37_79b9_7f4a_7c15);
        self.random.set(next);
        next
    }
}

fn eval(expression: &str) -> Value {
    evaluate_expression(expression, &TestScope::new()).unwrap_or_else(|e| panic!("{expression}: {e}"))
}

fn template(text: &str) -> Value {
    evaluate_template(text, &TestScope::new()).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn error(expression: &str) -> ExprError {
    match evaluate_expression(expression, &TestScope::new()) {
        Ok(value) => panic!("{expression} gave {value}, expected an error"),
        Err(e) => e,
    }
}

#[test]
fn the_issue_examples() {
    assert_eq!(eval("formatDateTime('2026-03-15T13:27:36Z', 'yyyy-MM-dd')"), json!("2026-03-15"));
    assert_eq!(eval("div(10, 3)"), json!(3));
    assert_eq!(eval("div(10, 3.0)").as_f64().map(|f| (f * 1000.0).round()), Some(3333.0));
}

#[test]
fn literals() {
    assert_eq!(eval("'it''s'"), json!("it's"));
    assert_eq!(eval("42"), json!(42));
    assert_eq!(eval("-7"), json!(-7));
    assert_eq!(eval("1.5e2"), json!(150.0));
    assert_eq!(eval("true"), json!(true));
    assert_eq!(eval("NULL"), Value::Null);
    assert_eq!(eval("  add( 1 ,2 )  "), json!(3));
}

#[test]
fn templates() {
    assert_eq!(
        template("@triggerBody()"),
        json!({"name": "Contoso", "value": [{"id": 1}, {"id": 2}], "nested": {"deep": "x"}, "empty": null})
    );
    assert_eq!(template("@variables('count')"), json!(3));
    assert_eq!(
        template("Hello @{triggerBody()?['name']}, you have @{variables('count')} items"),
        json!("Hello Contoso, you have 3 items")
    );
    assert_eq!(template("@{variables('count')}"), json!("3"));
    assert_eq!(template("@@twitter"), json!("@twitter"));
    assert_eq!(template("mail@example.com"), json!("mail@example.com"));
    assert_eq!(template("@@{not}"), json!("@{not}"));
    assert_eq!(template("a @@{b} @{'c'}"), json!("a @{b} c"));
    assert_eq!(template("@{concat('}', '{')}!"), json!("}{!"));
    assert_eq!(template("obj: @{triggerBody()?['nested']}"), json!("obj: {\"deep\":\"x\"}"));
    assert_eq!(template("null: [@{triggerBody()?['empty']}] bool: @{true}"), json!("null: [] bool: True"));
    assert_eq!(template(" @"), json!(" @"));
    assert_eq!(template(""), json!(""));
}

#[test]
fn member_access() {
    assert_eq!(eval("triggerBody().name"), json!("Contoso"));
    assert_eq!(eval("triggerBody()['value'][1].id"), json!(2));
    assert_eq!(eval("triggerBody()?['missing']?['deeper']"), Value::Null);
    assert_eq!(eval("triggerBody()?.missing"), Value::Null);
    assert_eq!(eval("triggerBody()?['value']?[5]"), Value::Null);
    assert_eq!(eval("triggerBody()?['NAME']"), json!("Contoso"));
    assert_eq!(eval("outputs('Get_items')?['body/value']"), json!(["a", "b"]));
    assert_eq!(eval("triggerBody()['value']?[variables('count')]?.id"), Value::Null);
    let e = error("triggerBody()['missing']");
    assert!(e.message.contains("'missing'"), "{e}");
    assert_eq!(e.position, 13);
    let e = error("triggerBody()['empty'].x");
    assert!(e.message.contains("of null"), "{e}");
    assert!(error("triggerBody()['value'][9]").message.contains("outside"));
    assert!(error("'text'.length").message.contains("of a string"));
}

#[test]
fn workflow_functions_go_to_the_scope() {
    let e = error("variables('nope')");
    assert_eq!((e.position, e.message.as_str()), (0, "variables(): the variable 'nope' is not initialized"));
    let e = error("concat('a', frobnicate(1))");
    assert_eq!((e.position, e.message.as_str()), (12, "unknown function 'frobnicate'"));
}

#[test]
fn syntax_errors_name_the_position() {
    let cases = [
        ("concat('a'", 10),
        ("concat('a' 'b')", 11),
        ("'open", 0),
        ("add(1, 2))", 9),
        ("foo", 0),
        ("add(1, 2).", 10),
        ("body('x')?", 10),
        ("#", 0),
        ("add(1)", 0),
        ("toLower('a', 'b')", 0),
    ];
    for (expression, position) in cases {
        let e = error(expression);
        assert_eq!(e.position, position, "{expression}: {e}");
    }
    assert!(error("add(1)").message.contains("takes 2 arguments, not 1"));
    // Positions count characters, not bytes, and point into the template text.
    let e = evaluate_template("héllo @{add(1, 'x')}", &TestScope::new()).unwrap_err();
    assert_eq!(e.position, 8, "{e}");
    let e = evaluate_template("@concat('a') tail", &TestScope::new()).unwrap_err();
    assert_eq!(e.position, 13, "{e}");
    assert!(check_template("x @{add(1)} y").is_err());
    assert!(check_template("x @{body('a')?['b']} y").is_ok());
    assert_eq!(error(&"add(".repeat(300)).message, "the expression nests deeper than 256 levels");
    // Long member chains count too (evaluation recurses once per step).
    let chain = format!("triggerBody(){}", "?.x".repeat(100_000));
    assert_eq!(error(&chain).message, "the expression nests deeper than 256 levels");
    assert_eq!(eval(&format!("triggerBody(){}", "?.x".repeat(200))), Value::Null);
}

#[test]
fn lazy_functions_skip_what_they_do_not_need() {
    assert_eq!(eval("if(true, 1, variables('nope'))"), json!(1));
    assert_eq!(eval("if(false, variables('nope'), 2)"), json!(2));
    assert_eq!(eval("or(true, variables('nope'))"), json!(true));
    assert_eq!(eval("and(false, variables('nope'))"), json!(false));
    assert_eq!(eval("coalesce(null, 'a', variables('nope'))"), json!("a"));
    assert_eq!(eval("coalesce(null, null)"), Value::Null);
    assert!(error("if(1, 2, 3)").message.contains("must be a boolean"));
    assert!(error("and(true, 'yes')").message.contains("argument 2"));
}

#[test]
fn evaluate_json_walks_objects_and_arrays() {
    let inputs = json!({"a": "@add(1, 2)", "b": ["@{'x'}y", 5, null], "c": {"d": "@@e"}});
    assert_eq!(
        evaluate_json(&inputs, &TestScope::new()).unwrap(),
        json!({"a": 3, "b": ["xy", 5, null], "c": {"d": "@e"}})
    );
}

#[test]
fn core_functions() {
    let cases: &[(&str, Value)] = &[
        ("string(10)", json!("10")),
        ("string(2.5)", json!("2.5")),
        ("int('42')", json!(42)),
        ("float('10.5')", json!(10.5)),
        ("bool(1)", json!(true)),
        ("bool('False')", json!(false)),
        ("concat('a', 1, true, null)", json!("a1True")),
        ("equals(1, 1.0)", json!(true)),
        ("equals(null, '')", json!(true)),
        ("not(equals('a', 'A'))", json!(true)),
        ("empty('')", json!(true)),
        ("empty(createArray())", json!(true)),
        ("empty(null)", json!(true)),
        ("length('abc')", json!(3)),
        ("length(createArray(1, 2))", json!(2)),
        ("contains('abc', 'b')", json!(true)),
        ("contains(createArray(1, 2), 2.0)", json!(true)),
        ("json('{\"a\": [1]}')", json!({"a": [1]})),
        ("first('abc')", json!("a")),
        ("last(createArray(1, 2, 3))", json!(3)),
        ("first(createArray())", Value::Null),
        ("add(1, 1.5)", json!(2.5)),
        ("sub(10, 20)", json!(-10)),
        ("mul(3, 4)", json!(12)),
        ("mod(-7, 3)", json!(-1)),
        ("less(1, 2)", json!(true)),
        ("greaterOrEquals('b', 'a')", json!(true)),
        ("toLower('HeLLo')", json!("hello")),
        ("toUpper('HeLLo')", json!("HELLO")),
        ("trim('  x  ')", json!("x")),
        ("replace('the old string', 'old', 'new')", json!("the new string")),
        ("split('a_b_c', '_')", json!(["a", "b", "c"])),
        ("join(createArray('a', 'b', 1), '.')", json!("a.b.1")),
        ("substring('hello world', 6, 5)", json!("world")),
        ("indexOf('hello world', 'WORLD')", json!(6)),
        ("startsWith('hello world', 'HELLO')", json!(true)),
        ("endsWith('hello world', 'universe')", json!(false)),
        ("union(createArray(1, 2), createArray(2, 3))", json!([1, 2, 3])),
        ("intersection(createArray(1, 2, 3), createArray(3, 2))", json!([2, 3])),
        ("skip(createArray(1, 2, 3), 1)", json!([2, 3])),
        ("take('abcdef', 3)", json!("abc")),
        ("formatNumber(1234.5, '#,##0.00')", json!("1,234.50")),
        ("utcNow()", json!("2026-03-15T13:27:36.0000000Z")),
        ("utcNow('yyyy')", json!("2026")),
        ("length(guid())", json!(36)),
        ("length(string(rand(1, 10)))", json!(1)),
        ("addDays('2026-03-15T00:00:00Z', -15)", json!("2026-02-28T00:00:00.0000000Z")),
    ];
    for (expression, expected) in cases {
        assert_eq!(&eval(expression), expected, "{expression}");
    }
}

#[test]
fn type_errors_name_the_function_and_argument() {
    let e = error("add(1, 'two')");
    assert_eq!(e.message, "add(): argument 2 must be a number, not a string (\"two\")");
    assert!(error("div(1, 0)").message.contains("divide by zero"));
    assert!(error("add(9223372036854775807, 1)").message.contains("overflows"));
    assert!(error("substring('abc', 2, 5)").message.contains("within"));
    assert!(error("int('ten')").message.contains("an integer"));
    assert!(error("json('{')").message.contains("not valid JSON"));
    assert!(error("formatDateTime('yesterday')").message.contains("not a timestamp"));
}

#[test]
fn guids_are_version_4_and_come_from_the_scope() {
    let scope = TestScope::new();
    let a = evaluate_expression("guid()", &scope).unwrap();
    let b = evaluate_expression("guid()", &scope).unwrap();
    assert_ne!(a, b);
    let a = a.as_str().unwrap().to_owned();
    assert_eq!(a.chars().nth(14), Some('4'));
    assert!(matches!(a.chars().nth(19), Some('8' | '9' | 'a' | 'b')));
    let again = evaluate_expression("guid()", &TestScope::new()).unwrap();
    assert_eq!(again.as_str(), Some(a.as_str()), "the same scope state gives the same GUID");
    assert_eq!(eval("length(guid('N'))"), json!(32));
    assert_eq!(eval("startsWith(guid('B'), '{')"), json!(true));
}

#[test]
fn compiled_templates_evaluate_like_templates() {
    let scope = TestScope::new();
    for text in ["@add(1, 2)", "x @{triggerBody()?['name']} y", "plain", "@@x", "@{variables('nope')}"] {
        let compiled = CompiledTemplate::new(text).unwrap();
        assert_eq!(compiled.text(), text);
        assert_eq!(compiled.evaluate(&scope), evaluate_template(text, &scope), "{text}");
    }
    assert_eq!(CompiledTemplate::new("@add(1)").unwrap_err().position, 1);
}
