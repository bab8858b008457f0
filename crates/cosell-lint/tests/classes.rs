//! One case per class of false error fixed for issue 10, each in the shape accepted connectors
//! use (small fixtures written here, no copied connector files), and beside it the shape the
//! rule must still catch.

mod support;

use cosell_lint::{lint_dir_with, Options, Report, Rule, Severity};
use serde_json::{json, Value};

const ALL: Options<'static> = Options { schemas: None, info: true };

fn lint(name: &str, swagger: Value, properties: Value) -> Report {
    lint_dir_with(&support::patched_connector(&format!("class-{name}"), &swagger, &properties), &ALL).unwrap()
}

fn severities(report: &Report, rule: Rule) -> Vec<Severity> {
    report.of_rule(rule.id()).iter().map(|f| f.severity).collect()
}

fn task_property(name: &str, schema: Value) -> Value {
    json!({"definitions": {"Task": {"properties": {name: schema}}}})
}

#[test]
fn string_and_null_defaults_that_read_as_their_type_are_accepted() {
    let accepted = json!({"definitions": {"Task": {"properties": {
        "done": {"type": "boolean", "default": "true", "x-ms-summary": "Done", "description": "Done."},
        "limit": {"type": "integer", "default": "1000", "x-ms-summary": "Limit", "description": "Limit."},
        "ratio": {"type": "number", "default": "0.5", "x-ms-summary": "Ratio", "description": "Ratio."},
        "whole": {"type": "integer", "default": 3.0, "x-ms-summary": "Whole", "description": "Whole."},
        "note": {"type": "string", "default": null, "x-ms-summary": "Note", "description": "Note."}}}}});
    let report = lint("defaults-ok", accepted, json!({}));
    assert!(report.findings.is_empty(), "{}", report.to_text());
    for (name, schema) in [
        ("yes", json!({"type": "boolean", "default": "yes"})),
        ("decimal", json!({"type": "integer", "default": "1.5"})),
        ("number-as-string", json!({"type": "string", "default": 3})),
    ] {
        let report = lint(&format!("defaults-{name}"), task_property("x", schema), json!({}));
        assert_eq!(severities(&report, Rule::DefaultValueMustMatchType), [Severity::Error], "{}", report.to_text());
    }
}

#[test]
fn paths_differing_in_variable_names_clash_only_on_the_same_method() {
    let responses = json!({"204": {"description": "Deleted."}});
    let delete = json!({"operationId": "DeleteTask", "summary": "Delete a task", "description": "Deletes a task.",
        "x-ms-visibility": "advanced", "responses": responses,
        "parameters": [{"name": "id", "in": "path", "type": "string", "required": true, "x-ms-url-encoding": "single",
            "x-ms-summary": "Task ID", "description": "The task."}]});
    let report = lint("paths-methods", json!({"paths": {"/tasks/{id}": {"delete": delete}}}), json!({}));
    assert!(report.findings.is_empty(), "{}", report.to_text());
    let get = json!({"paths": {"/tasks/{id}": {"get": {"operationId": "GetTaskAgain", "responses": {"200": {"description": "OK."}}}}}});
    let report = lint("paths-same-method", get, json!({}));
    let hits = report.of_rule("DuplicateOperationPath");
    assert_eq!(hits.len(), 1, "{}", report.to_text());
    assert!(hits[0].pointer.ends_with("/get"), "{}", hits[0].pointer);
}

#[test]
fn categories_and_next_link_names_compare_case_insensitively() {
    let metadata = |categories: &str| {
        json!({"x-ms-connector-metadata": [
            {"propertyName": "Website", "propertyValue": "https://contoso.example.com"},
            {"propertyName": "Privacy policy", "propertyValue": "https://contoso.example.com/privacy"},
            {"propertyName": "Categories", "propertyValue": categories}]})
    };
    let mut swagger = metadata("productivity;sales and crm");
    support::merge(
        &mut swagger,
        &json!({"paths": {"/tasks": {"get": {"x-ms-pageable": {"nextLinkName": "nextlink"}}}}}),
    );
    let report = lint("case", swagger, json!({}));
    assert!(report.findings.is_empty(), "{}", report.to_text());
    let report = lint("case-unknown", metadata("Productivity;Tasks"), json!({}));
    assert_eq!(severities(&report, Rule::InvalidConnectorCategory), [Severity::Error]);
}

#[test]
fn a_webhook_trigger_may_have_empty_responses() {
    // Merge patches: `null` removes a key, so these leave `"responses": {}`.
    let report =
        lint("webhook-empty", json!({"paths": {"/subscriptions": {"post": {"responses": {"201": null}}}}}), json!({}));
    assert!(!report.has_errors(), "{}", report.to_text());
    assert!(report.of_rule("OperationShouldHaveSuccessfulResponse").is_empty(), "{}", report.to_text());
    // An action with `{}` is advised; an operation without `responses` is still an error.
    let empty = json!({"paths": {"/tasks": {"get": {"responses": {"200": null, "400": null}}}}});
    let report = lint("action-empty", empty, json!({}));
    assert_eq!(severities(&report, Rule::OperationShouldHaveSuccessfulResponse), [Severity::Warning]);
    assert!(!report.has_errors(), "{}", report.to_text());
    let report = lint("action-none", json!({"paths": {"/tasks": {"get": {"responses": null}}}}), json!({}));
    assert_eq!(severities(&report, Rule::OperationMustHaveResponse), [Severity::Error]);
}

#[test]
fn placeholder_client_secrets_are_not_findings() {
    for (i, placeholder) in ["[[DUMMY]]", "YOUR_CLIENT_SECRET", "<Enter your client secret>", "test"].iter().enumerate()
    {
        let props = json!({"properties": {"connectionParameters": {"token": {"oAuthSettings": {"clientSecret": placeholder}}}}});
        let report = lint(&format!("secret-{i}"), json!({}), props);
        assert!(report.findings.is_empty(), "{placeholder}: {}", report.to_text());
    }
    let props = json!({"properties": {"connectionParameters": {"token": {"oAuthSettings": {"clientSecret": "Zq8~x7Lk2mPw9RtY4vBn"}}}}});
    let report = lint("secret-real", json!({}), props);
    assert_eq!(severities(&report, Rule::ClientSecretNotAllowed), [Severity::Warning]);
}

#[test]
fn an_untyped_notification_url_is_accepted() {
    let untyped = json!({"paths": {"/subscriptions": {"post": {"parameters": [{"name": "body", "in": "body", "required": true,
        "schema": {"type": "object", "required": ["callbackUrl"], "properties": {
            "callbackUrl": {"x-ms-notification-url": true, "x-ms-visibility": "internal"}}}}]}}}});
    let report = lint("url-untyped", untyped, json!({}));
    assert!(report.findings.is_empty(), "{}", report.to_text());
    let typed = json!({"paths": {"/subscriptions": {"post": {"parameters": [{"name": "body", "in": "body", "required": true,
        "schema": {"type": "object", "required": ["callbackUrl"], "properties": {
            "callbackUrl": {"type": "integer", "x-ms-notification-url": true, "x-ms-visibility": "internal"}}}}]}}}});
    assert_eq!(severities(&lint("url-typed", typed, json!({})), Rule::NotificationUrlNotString), [Severity::Error]);
}

/// A body-schema definition with the callback URL, used by the subscription body and/or a response.
fn subscription(body: bool, response: bool) -> Value {
    let reference = json!({"$ref": "#/definitions/Subscription"});
    let mut post = json!({});
    if body {
        post["parameters"] = json!([{"name": "body", "in": "body", "required": true, "schema": reference}]);
    }
    if response {
        post["responses"] = json!({"201": {"description": "Created.", "schema": reference}});
    }
    json!({
        "definitions": {"Subscription": {"type": "object", "required": ["callbackUrl"], "properties": {
            "callbackUrl": {"type": "string", "x-ms-notification-url": true, "x-ms-visibility": "internal"}}}},
        "paths": {"/subscriptions": {"post": post}}
    })
}

#[test]
fn position_rules_are_judged_where_a_definition_is_used() {
    for (name, body, response) in [("body", true, false), ("body-and-echo", true, true)] {
        let report = lint(&format!("position-{name}"), subscription(body, response), json!({}));
        assert!(report.of_rule("NotificationUrlNotAllowedInThisPosition").is_empty(), "{name}: {}", report.to_text());
        assert!(!report.has_errors(), "{name}: {}", report.to_text());
    }
    let report = lint("position-response-only", subscription(false, true), json!({}));
    let hits = report.of_rule("NotificationUrlNotAllowedInThisPosition");
    assert_eq!(hits.len(), 1, "{}", report.to_text());
    assert_eq!(hits[0].pointer, "/definitions/Subscription/properties/callbackUrl/x-ms-notification-url");
    assert!(hits[0].message.contains("/paths/~1subscriptions/post/responses/201/schema"), "{}", hits[0].message);
    // `type: file` in a definition: fine as a response, an error when a body uses it.
    let file = |used_by_body: bool| {
        let reference = json!({"$ref": "#/definitions/Download"});
        let mut doc = json!({"definitions": {"Download": {"type": "file"}},
            "paths": {"/tasks/{taskId}": {"get": {"responses": {"200": {"description": "The file.", "schema": reference}}}}}});
        if used_by_body {
            doc["paths"]["/tasks"] = json!({"post": {"parameters": [{"name": "body", "in": "body", "required": true, "schema": reference}]}});
        }
        doc
    };
    assert!(lint("file-output", file(false), json!({})).of_rule("SchemaTypeFileNotValid").is_empty());
    assert_eq!(severities(&lint("file-input", file(true), json!({})), Rule::SchemaTypeFileNotValid), [Severity::Error]);
}

#[test]
fn rules_microsoft_documents_but_does_not_enforce_are_warnings() {
    let cases = [
        ("undefined-security", json!({"security": [{"apiKey": []}]}), Rule::SecurityRequirementMustBeDefined),
        (
            "get-body",
            json!({"paths": {"/tasks": {"get": {"parameters": [{"name": "body", "in": "body", "schema": {"type": "object"}}]}}}}),
            Rule::BodyOrFormDataParameterInFetchOperationNotAllowed,
        ),
        (
            "required-on-array",
            task_property("tags", json!({"required": ["x"], "x-ms-summary": "Tags", "description": "Tags."})),
            Rule::RequiredPropertyNotOnObject,
        ),
        ("duplicate-enum", task_property("title", json!({"enum": ["a", "a"]})), Rule::ArrayDuplicateValue),
        ("unknown-type", task_property("title", json!({"type": "null"})), Rule::UnrecognizedTypeFormat),
        ("root-typo", json!({"basepath": "/v1"}), Rule::AdditionalPropertyNotAllowed),
    ];
    for (name, swagger, rule) in cases {
        let report = lint(name, swagger, json!({}));
        assert!(severities(&report, rule).contains(&Severity::Warning), "{name}: {}", report.to_text());
        assert!(!report.has_errors(), "{name}: {}", report.to_text());
    }
}

#[test]
fn a_missing_summary_or_description_has_its_own_rule_and_is_info_for_properties() {
    let swagger = json!({"paths": {"/tasks": {"get": {"summary": null}}}, "definitions": {"Task": {"properties": {
        "title": {"description": null}}}}});
    let report = lint("missing-labels", swagger, json!({}));
    assert!(report.of_rule("RequiredValueEmpty").is_empty(), "{}", report.to_text());
    assert_eq!(severities(&report, Rule::OperationSummaryMissing), [Severity::Warning]);
    let property = report.of_rule("SummaryOrDescriptionMissing");
    assert_eq!(property.len(), 1, "{}", report.to_text());
    assert_eq!(property[0].severity, Severity::Info);
    assert!(property[0].message.contains("no 'description'"), "{}", property[0].message);
    // Without --info, only what an author should act on remains.
    let dir = support::patched_connector("class-missing-labels", &json!({}), &json!({}));
    let default = cosell_lint::lint_dir(&dir, None).unwrap();
    assert!(default.findings.iter().all(|f| f.severity != Severity::Info));
    // A blank summary is a missing one.
    let report = lint("blank-summary", json!({"paths": {"/tasks": {"get": {"summary": "  "}}}}), json!({}));
    assert_eq!(severities(&report, Rule::OperationSummaryMissing), [Severity::Warning]);
}

#[test]
fn the_sentence_rule_accepts_punctuation_before_closing_quotes_and_brackets() {
    for (i, text) in
        ["Lists the tasks (for example, 10.)", "Says \"Done.\"", "Pick one:", "**Lists the tasks.**", "the id."]
            .iter()
            .enumerate()
    {
        let report =
            lint(&format!("sentence-{i}"), json!({"paths": {"/tasks": {"get": {"description": text}}}}), json!({}));
        assert!(report.of_rule("DescriptionNotSentence").is_empty(), "{text}: {}", report.to_text());
    }
    let report =
        lint("sentence-bad", json!({"paths": {"/tasks": {"get": {"description": "Lists the tasks"}}}}), json!({}));
    assert_eq!(severities(&report, Rule::DescriptionNotSentence), [Severity::Warning]);
}

#[test]
fn the_schema_structure_is_built_in_and_needs_no_file_outside_the_folder() {
    // No schemas given: the structural knowledge still finds what only the schema used to.
    let swagger = json!({
        "info": {"x-ms-summary": "Tasks"},
        "definitions": {"Task": {"properties": {"title": {"x-ms-visibilty": "advanced", "x-ms-visibility": "Advanced"}}}},
        "paths": {"/tasks": {"get": {"x-ms-keywords": ["tasks"], "x-ms-openai-data": {"openai-enabled": true}}}}
    });
    let report = lint("structure-built-in", swagger, json!({}));
    assert_eq!(severities(&report, Rule::ExtensionNotAllowedHere), [Severity::Warning], "{}", report.to_text());
    assert_eq!(severities(&report, Rule::ExtensionNameMisspelled), [Severity::Warning]);
    assert_eq!(severities(&report, Rule::ExtensionValueNotAllowed), [Severity::Warning]);
    let misspelled = report.of_rule("ExtensionNameMisspelled");
    assert!(misspelled[0].message.contains("did you mean 'x-ms-visibility'"), "{}", misspelled[0].message);
    // Newer extensions certified connectors use are not findings; a nested dynamic schema is allowed.
    assert!(report.findings.iter().all(|f| !f.pointer.contains("x-ms-keywords") && !f.pointer.contains("openai")));
    let nested = task_property(
        "extra",
        json!({"type": "object", "x-ms-summary": "Extra", "description": "Extra fields.",
        "x-ms-dynamic-schema": {"operationId": "ListTasks", "value-path": "schema"}}),
    );
    let report = lint("structure-nested-dynamic", nested, json!({}));
    assert!(report.findings.is_empty(), "{}", report.to_text());
}

#[test]
fn a_placeholder_host_is_accepted_with_a_dynamic_host_policy() {
    let swagger = json!({"host": "{{your_domain}}"});
    assert_eq!(
        severities(&lint("host-placeholder", swagger.clone(), json!({})), Rule::HostNameNotValid),
        [Severity::Error]
    );
    let policy = json!({"properties": {"policyTemplateInstances": [{"templateId": "dynamichosturl", "title": "Host",
        "parameters": {"x-ms-apimTemplateParameter.urlTemplate": "https://@connectionParameters('domain')"}}]}});
    let report = lint("host-dynamic", swagger, policy);
    assert!(report.of_rule("HostNameNotValid").is_empty(), "{}", report.to_text());
}

#[test]
fn a_consumes_list_is_judged_as_a_whole_and_produces_not_at_all() {
    let swagger = json!({"consumes": ["application/json", "text/json", "application/*+json"],
        "produces": ["application/json", "application/pdf", "text/xml"]});
    assert!(lint("mime-mixed", swagger, json!({})).findings.is_empty());
    let report = lint("mime-none", json!({"consumes": ["application/xml", "text/xml"]}), json!({}));
    assert_eq!(severities(&report, Rule::MimeTypeNotValid), [Severity::Warning]);
}

#[test]
fn json_microsofts_reader_accepts_is_linted_with_a_warning() {
    let clean = std::fs::read_to_string(support::fixture("clean").join("apiDefinition.swagger.json")).unwrap();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("lint-cases/class-not-strict");
    std::fs::create_dir_all(&dir).unwrap();
    // A trailing comma, a raw tab inside a string and a Latin-1 byte: each tolerated, reported once.
    let text = clean.replacen("\"swagger\": \"2.0\",", "\"swagger\": \"2.0\",\n    \"x-note\": [1, 2,],", 1).replacen(
        "Contoso Tasks lets",
        "Contoso\tTasks lets",
        1,
    );
    let mut bytes = text.into_bytes();
    let at = bytes.windows(6).position(|w| w == b"x-note").unwrap();
    bytes.splice(at + 2..at + 3, [0xE9]); // "x-\u{e9}ote" in Latin-1
    std::fs::write(dir.join("apiDefinition.swagger.json"), &bytes).unwrap();
    let report = lint_dir_with(&dir, &ALL).unwrap();
    let hits = report.of_rule("JsonNotStrict");
    assert_eq!(hits.len(), 1, "{}", report.to_text());
    assert_eq!(hits[0].severity, Severity::Warning);
    for part in ["1 trailing comma(s), the first at line 3", "1 raw control character", "Latin-1"] {
        assert!(hits[0].message.contains(part), "{part}: {}", hits[0].message);
    }
    assert!(!report.has_errors(), "{}", report.to_text());
    // A missing comma is not something any reader accepts: bad input, with the position.
    std::fs::write(dir.join("apiDefinition.swagger.json"), "{\"swagger\": \"2.0\"\n \"info\": {}}").unwrap();
    let err = lint_dir_with(&dir, &ALL).unwrap_err();
    assert!(err.to_string().contains("at line 2 column 2"), "{err}");
}
