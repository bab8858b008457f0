//! One failing connector per rule (the clean fixture with one defect merged in), and the clean
//! fixture as the passing case of every rule.

mod support;

use cosell_lint::{lint_dir, lint_dir_with, Options, Severity};
use serde_json::{json, Value};

/// (rule, expected severity, swagger merge patch, apiProperties merge patch)
fn cases() -> Vec<(&'static str, Severity, Value, Value)> {
    use Severity::{Error as E, Info as I, Warning as W};
    let none = json!({});
    // Merge patches into the clean fixture's operations (arrays are replaced whole).
    let list_op = |patch: Value| json!({"paths": {"/tasks": {"get": patch}}});
    let get_task = |patch: Value| json!({"paths": {"/tasks/{taskId}": {"get": patch}}});
    let param = |p: Value| list_op(json!({"parameters": [p]}));
    let query = |extra: Value| {
        let mut p =
            json!({"name": "q", "in": "query", "type": "string", "x-ms-summary": "Query", "description": "A query."});
        support::merge(&mut p, &extra);
        param(p)
    };
    let task_prop = |name: &str, schema: Value| json!({"definitions": {"Task": {"properties": {name: schema}}}});
    // TaskEvent is used only as output (the notification content).
    let event_prop = |name: &str, schema: Value| json!({"definitions": {"TaskEvent": {"properties": {name: schema}}}});
    let body_schema = |patch: Value| {
        let mut schema = json!({"type": "object", "required": ["callbackUrl"], "properties": {
            "callbackUrl": {"type": "string", "x-ms-notification-url": true, "x-ms-visibility": "internal"}}});
        support::merge(&mut schema, &patch);
        json!({"paths": {"/subscriptions": {"post": {"parameters": [{"name": "body", "in": "body", "required": true, "schema": schema}]}}}})
    };
    vec![
        ("SpecificationVersionIncorrect", E, json!({"swagger": "3.0"}), none.clone()),
        ("HostNameNotValid", E, json!({"host": "api.contoso.example.com/v1"}), none.clone()),
        ("BasePathNotValid", E, json!({"basePath": "v1"}), none.clone()),
        ("SchemesArrayEmpty", E, json!({"schemes": []}), none.clone()),
        ("MimeTypeNotValid", W, json!({"consumes": ["application/xml"]}), none.clone()),
        ("TagRedefined", E, json!({"tags": [{"name": "Tasks"}, {"name": "Tasks"}]}), none.clone()),
        ("SecurityRequirementMustBeDefined", W, json!({"security": [{"apiKey": []}]}), none.clone()),
        ("SecurityRequirementMustHaveValue", E, json!({"security": [{"oauth2_auth": "all"}]}), none.clone()),
        (
            "SecurityRequirementMustHaveEmptyValue",
            E,
            json!({"securityDefinitions": {"key": {"type": "apiKey", "name": "k", "in": "header"}}, "security": [{"key": ["x"]}]}),
            none.clone(),
        ),
        (
            "OAuthSecurityRequirementValueMustBeScopeName",
            W,
            json!({"security": [{"oauth2_auth": ["Tasks.Read"]}]}),
            none.clone(),
        ),
        ("FieldLengthExceeded", W, json!({"info": {"title": "Contoso Tasks for Every Team Everywhere"}}), none.clone()),
        ("ValueContainsRestrictedWords", W, json!({"info": {"title": "Contoso Tasks API"}}), none.clone()),
        ("ValueMustEndWithAlphanumeric", W, json!({"info": {"title": "Contoso Tasks!"}}), none.clone()),
        ("FieldLengthNotInRange", W, json!({"info": {"description": "Tasks."}}), none.clone()),
        ("ContactEmailNotValid", E, json!({"info": {"contact": {"email": "support.contoso"}}}), none.clone()),
        ("ConnectorMetadataPropertiesMissing", W, json!({"x-ms-connector-metadata": []}), none.clone()),
        (
            "UrlNotValid",
            W,
            json!({"x-ms-connector-metadata": [{"propertyName": "Website", "propertyValue": "contoso"},
                {"propertyName": "Privacy policy", "propertyValue": "https://contoso.example.com/privacy"},
                {"propertyName": "Categories", "propertyValue": "Productivity"}]}),
            none.clone(),
        ),
        (
            "TooManyConnectorCategories",
            E,
            json!({"x-ms-connector-metadata": [{"propertyName": "Website", "propertyValue": "https://contoso.example.com"},
                {"propertyName": "Privacy policy", "propertyValue": "https://contoso.example.com/privacy"},
                {"propertyName": "Categories", "propertyValue": "Productivity;Collaboration;Data"}]}),
            none.clone(),
        ),
        (
            "InvalidConnectorCategory",
            E,
            json!({"x-ms-connector-metadata": [{"propertyName": "Website", "propertyValue": "https://contoso.example.com"},
                {"propertyName": "Privacy policy", "propertyValue": "https://contoso.example.com/privacy"},
                {"propertyName": "Categories", "propertyValue": "Tasks"}]}),
            none.clone(),
        ),
        ("OperationPathMustStartWithSlash", E, json!({"paths": {"tasks/all": {}}}), none.clone()),
        ("OperationPathMayNotContainQueryOrFragment", E, json!({"paths": {"/tasks?all=1": {}}}), none.clone()),
        ("OperationPathContainsUnsupportedCharacters", E, json!({"paths": {"/tasks/*": {}}}), none.clone()),
        ("OperationPathTemplateNotValid", E, json!({"paths": {"/tasks/{id": {}}}), none.clone()),
        ("PathRedefined", E, json!({"paths": {"/Tasks": {}}}), none.clone()),
        (
            "DuplicateOperationPath",
            E,
            json!({"paths": {"/tasks/{id}": {"get": {"operationId": "GetTaskById", "responses": {"200": {"description": "OK."}}}}}}),
            none.clone(),
        ),
        ("OperationIdRequired", E, list_op(json!({"operationId": null})), none.clone()),
        ("OperationIdNotUnique", E, list_op(json!({"operationId": "createTASK"})), none.clone()),
        ("OperationIdSanitized", W, list_op(json!({"operationId": "List_Tasks"})), none.clone()),
        ("OperationMustHaveResponse", E, list_op(json!({"responses": null})), none.clone()),
        (
            "OperationShouldHaveSuccessfulResponse",
            W,
            list_op(json!({"responses": {"200": null, "404": {"description": "Not found."}}})),
            none.clone(),
        ),
        (
            "ResponseMustBeDefaultOrHttpStatusCode",
            E,
            list_op(json!({"responses": {"2XX": {"description": "OK."}}})),
            none.clone(),
        ),
        (
            "OperationHasManyResponsesWithSchema",
            W,
            list_op(
                json!({"responses": {"200": {"schema": {"type": "string"}}, "202": {"description": "Later.", "schema": {"type": "string"}}}}),
            ),
            none.clone(),
        ),
        (
            "DefaultResponseHasSchema",
            W,
            list_op(json!({"responses": {"default": {"description": "Error.", "schema": {"type": "string"}}}})),
            none.clone(),
        ),
        ("OperationSummaryTooLong", E, list_op(json!({"summary": "List tasks ".repeat(12).trim()})), none.clone()),
        (
            "OperationStatusAheadOfConnector",
            E,
            {
                let mut p = list_op(json!({"x-ms-api-annotation": {"status": "Production"}}));
                support::merge(&mut p, &json!({"info": {"x-ms-api-annotation": {"status": "Preview"}}}));
                p
            },
            none.clone(),
        ),
        ("InvalidNextLinkNameValue", E, list_op(json!({"x-ms-pageable": {"nextLinkName": "next"}})), none.clone()),
        ("ConnectionIdParameterNotAllowed", E, query(json!({"name": "connectionId"})), none.clone()),
        (
            "BodyOrFormDataParameterInFetchOperationNotAllowed",
            W,
            param(json!({"name": "body", "in": "body", "schema": {"type": "object"}})),
            none.clone(),
        ),
        (
            "BodyParameterSchemaRequired",
            E,
            json!({"paths": {"/tasks": {"post": {"parameters": [{"name": "body", "in": "body", "required": true}]}}}}),
            none.clone(),
        ),
        ("NonBodyParameterSchemaNotValid", E, query(json!({"schema": {"type": "string"}})), none.clone()),
        (
            "PathParameterMustBeRequired",
            E,
            get_task(json!({"parameters": [{"name": "taskId", "in": "path", "type": "string", "required": false,
            "x-ms-url-encoding": "single", "x-ms-summary": "Task ID", "description": "The ID of the task."}]})),
            none.clone(),
        ),
        (
            "PathParameterNotDefinedInTemplate",
            E,
            param(json!({"name": "taskId", "in": "path", "type": "string", "required": true,
            "x-ms-url-encoding": "single", "x-ms-summary": "Task ID", "description": "The ID of the task."})),
            none.clone(),
        ),
        ("OperationMissingPathParameter", E, get_task(json!({"parameters": []})), none.clone()),
        (
            "PathParameterMissingEncoding",
            W,
            get_task(json!({"parameters": [{"name": "taskId", "in": "path", "type": "string", "required": true,
            "x-ms-summary": "Task ID", "description": "The ID of the task."}]})),
            none.clone(),
        ),
        ("QueryParameterEncodingNotSupported", W, query(json!({"x-ms-url-encoding": "single"})), none.clone()),
        (
            "CollectionFormatValueNotSupported",
            E,
            query(json!({"type": "array", "items": {"type": "string"}, "collectionFormat": "json"})),
            none.clone(),
        ),
        (
            "InternalRequiredParameterMissingDefault",
            E,
            query(json!({"required": true, "x-ms-visibility": "internal"})),
            none.clone(),
        ),
        (
            "InternalPropertyWithDefaultOptional",
            W,
            query(json!({"default": "x", "x-ms-visibility": "internal"})),
            none.clone(),
        ),
        (
            "OperationParametersContainDuplicateParameter",
            E,
            list_op(
                json!({"parameters": [{"name": "q", "in": "query", "type": "string", "x-ms-summary": "Query", "description": "A query."},
                {"name": "q", "in": "query", "type": "string", "x-ms-summary": "Query", "description": "A query."}]}),
            ),
            none.clone(),
        ),
        (
            "OperationParametersContainMultipleBodyParameters",
            E,
            json!({"paths": {"/tasks": {"post": {"parameters": [{"name": "a", "in": "body", "required": true, "schema": {"type": "object"}},
                {"name": "b", "in": "body", "required": true, "schema": {"type": "object"}}]}}}}),
            none.clone(),
        ),
        (
            "ParameterListContainsFormDataAndBody",
            E,
            json!({"paths": {"/tasks": {"post": {"parameters": [{"name": "a", "in": "body", "required": true, "schema": {"type": "object"}},
                {"name": "f", "in": "formData", "type": "string", "x-ms-summary": "File", "description": "A file."}]}}}}),
            none.clone(),
        ),
        ("ConsumesMissing", W, json!({"consumes": []}), none.clone()),
        ("SchemaReferenceNotValid", E, task_prop("owner", json!({"$ref": "#/definitions/Person"})), none.clone()),
        (
            "AdditionalPropertyNotAllowedAdjacentToRef",
            W,
            task_prop("owner", json!({"$ref": "#/definitions/TaskEvent", "description": "The owner."})),
            none.clone(),
        ),
        (
            "AdditionalPropertyNotAllowed",
            W,
            task_prop(
                "owner",
                json!({"type": "string", "nullable": true, "x-ms-summary": "Owner", "description": "The owner."}),
            ),
            none.clone(),
        ),
        ("ArrayHasNoItems", W, task_prop("tags", json!({"items": null})), none.clone()),
        ("UnrecognizedTypeFormat", W, task_prop("due", json!({"format": "datetime"})), none.clone()),
        ("EnumMustContainAtLeastOneElement", E, task_prop("title", json!({"enum": []})), none.clone()),
        ("ArrayDuplicateValue", W, task_prop("title", json!({"enum": ["a", "a"]})), none.clone()),
        ("DefaultValueMustMatchType", E, task_prop("title", json!({"default": 3})), none.clone()),
        (
            "InvalidEnumValuesExtensionValue",
            E,
            task_prop("title", json!({"enum": ["a"], "x-ms-enum-values": [{"value": "b", "displayName": "B"}]})),
            none.clone(),
        ),
        (
            "MissingEnumValuesDisplayName",
            E,
            task_prop("title", json!({"enum": ["a"], "x-ms-enum-values": [{"value": "a"}]})),
            none.clone(),
        ),
        ("RequiredPropertyArrayEmpty", W, json!({"definitions": {"TaskEvent": {"required": []}}}), none.clone()),
        (
            "RequiredPropertyDefinitionMissing",
            E,
            json!({"definitions": {"TaskEvent": {"required": ["when"]}}}),
            none.clone(),
        ),
        ("RequiredPropertyNotOnObject", W, task_prop("title", json!({"required": ["x"]})), none.clone()),
        ("SchemaTypeFileNotValid", E, task_prop("title", json!({"type": "file"})), none.clone()),
        (
            "SchemaRefLoopNotAllowed",
            E,
            json!({"definitions": {"A": {"$ref": "#/definitions/B"}, "B": {"$ref": "#/definitions/A"}}}),
            none.clone(),
        ),
        (
            "ParameterReferenceNotValid",
            E,
            list_op(json!({"parameters": [{"$ref": "#/definitions/Task"}]})),
            none.clone(),
        ),
        (
            "ResponseReferenceNotValid",
            E,
            list_op(json!({"responses": {"400": {"$ref": "#/responses/Missing"}}})),
            none.clone(),
        ),
        (
            "RequiredReadOnlyPropertyNotAllowedAsInput",
            W,
            body_schema(json!({"required": ["callbackUrl", "id"], "properties": {
                "id": {"type": "string", "readOnly": true, "x-ms-summary": "ID", "description": "The ID."}}})),
            none.clone(),
        ),
        (
            "NotificationUrlNotString",
            E,
            body_schema(json!({"properties": {"callbackUrl": {"type": "object"}}})),
            none.clone(),
        ),
        (
            "NotificationUrlNotInternal",
            E,
            body_schema(
                json!({"properties": {"callbackUrl": {"x-ms-visibility": null, "x-ms-summary": "Callback", "description": "The callback."}}}),
            ),
            none.clone(),
        ),
        ("NotificationUrlNotRequired", W, body_schema(json!({"required": null})), none.clone()),
        (
            "NotificationUrlNotAllowedInThisPosition",
            W,
            event_prop(
                "link",
                json!({"type": "string", "x-ms-notification-url": true, "x-ms-summary": "Link", "description": "A link."}),
            ),
            none.clone(),
        ),
        (
            "WebhookOperationsMissingNotificationUrlProperty",
            E,
            body_schema(json!({"properties": {"callbackUrl": {"x-ms-notification-url": null}}})),
            none.clone(),
        ),
        (
            "NotificationExtensionNotSupportedInWebhookOperation",
            E,
            json!({"paths": {"/subscriptions": {"post": {"x-ms-notification": {"operationId": "ListTasks"}}}}}),
            none.clone(),
        ),
        (
            "OperationMustHaveNotificationContentExtension",
            W,
            json!({"paths": {"/subscriptions": {"x-ms-notification-content": null}}}),
            none.clone(),
        ),
        (
            "SchemaDefinitionSetIncorrectly",
            W,
            json!({"paths": {"/subscriptions": {"x-ms-notification-content": null}}}),
            none.clone(),
        ),
        ("OperationDescriptionMissing", W, list_op(json!({"description": null})), none.clone()),
        ("OperationSummaryMissing", W, list_op(json!({"summary": " "})), none.clone()),
        ("OperationVisibilityMissing", I, list_op(json!({"x-ms-visibility": null})), none.clone()),
        ("SummaryOrDescriptionMissing", I, task_prop("title", json!({"description": null})), none.clone()),
        ("FieldLengthNotInRange", W, json!({"info": {"description": null}}), none.clone()),
        ("ExtensionNotAllowedHere", W, json!({"info": {"x-ms-summary": "Tasks"}}), none.clone()),
        ("ExtensionNameMisspelled", W, task_prop("title", json!({"x-ms-visibilty": "advanced"})), none.clone()),
        ("ExtensionNotRecognized", I, task_prop("title", json!({"x-ms-mutability": ["read"]})), none.clone()),
        ("ExtensionValueNotAllowed", W, task_prop("title", json!({"x-ms-visibility": "Advanced"})), none.clone()),
        (
            "ExtensionValueNotAllowed",
            W,
            list_op(json!({"x-ms-api-annotation": {"status": "production"}})),
            none.clone(),
        ),
        ("ExtensionValueNotAllowed", W, list_op(json!({"x-ms-safe-operation": "true"})), none.clone()),
        ("ExtensionValueNotAllowed", W, task_prop("title", json!({"x-ms-summary": 1})), none.clone()),
        ("AdditionalPropertyNotAllowed", W, json!({"basepath": "/v1"}), none.clone()),
        ("SummaryEqualsDescription", W, list_op(json!({"description": "List tasks"})), none.clone()),
        ("RestrictedCharactersInSummary", W, list_op(json!({"summary": "List/filter tasks"})), none.clone()),
        ("DescriptionNotSentence", W, list_op(json!({"description": "lists the tasks"})), none.clone()),
        ("SummaryNotTitleCase", W, task_prop("title", json!({"x-ms-summary": "task title"})), none.clone()),
        ("RequiredValueEmpty", E, json!({}), json!({"properties": {"iconBrandColor": null}})),
        ("InvalidIconBrandColor", W, json!({}), json!({"properties": {"iconBrandColor": "#ffffff"}})),
        (
            "ClientSecretNotAllowed",
            W,
            json!({}),
            json!({"properties": {"connectionParameters": {"token": {"oAuthSettings": {"clientSecret": "q8X~aZ3kP0vLmN7rT2wY5bC9"}}}}}),
        ),
        ("SecurityDefinitionMismatch", W, json!({}), json!({"properties": {"connectionParameters": null}})),
    ]
}

const WITH_INFO: Options<'static> = Options { schemas: None, info: true };

#[test]
fn the_clean_connector_has_no_finding() {
    let report = lint_dir_with(&support::fixture("clean"), &WITH_INFO).unwrap();
    assert!(report.findings.is_empty(), "{}", report.to_text());
}

#[test]
fn every_rule_fires_on_its_failing_connector() {
    let clean = lint_dir_with(&support::fixture("clean"), &WITH_INFO).unwrap();
    let mut failures = Vec::new();
    for (i, (rule, severity, swagger, properties)) in cases().into_iter().enumerate() {
        let dir = support::patched_connector(&format!("{i:02}-{rule}"), &swagger, &properties);
        let report = lint_dir_with(&dir, &WITH_INFO).unwrap();
        let hits = report.of_rule(rule);
        if !hits.iter().any(|f| f.severity == severity) {
            failures.push(format!("{rule} ({severity}) did not fire on {}:\n{}", dir.display(), report.to_text()));
        }
        // The rule is silent on the clean connector, so each rule has a passing case too.
        assert!(clean.of_rule(rule).is_empty());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_catalogued_rule_has_a_failing_case_or_is_schema_only() {
    let tested: std::collections::HashSet<&str> = cases().iter().map(|c| c.0).collect();
    let untested: Vec<&str> = cosell_lint::Rule::ALL
        .iter()
        .map(|r| r.id())
        // Rules about the files rather than their content have their cases in vendored.rs and classes.rs.
        .filter(|id| !tested.contains(id) && !["SchemaViolation", "JsonNotStrict"].contains(id))
        .collect();
    assert!(untested.is_empty(), "rules without a failing case: {untested:?}");
}

#[test]
fn info_findings_are_off_by_default() {
    let dir = support::patched_connector("info-default", &json!({"info": {"x-ms-unknown-thing": 1}}), &json!({}));
    assert!(lint_dir(&dir, None).unwrap().findings.is_empty());
    let report = lint_dir_with(&dir, &WITH_INFO).unwrap();
    assert_eq!(report.of_rule("ExtensionNotRecognized").len(), 1, "{}", report.to_text());
    assert!(report.to_text().ends_with("0 error(s), 0 warning(s), 1 info\n"), "{}", report.to_text());
}

#[test]
fn findings_carry_a_json_pointer_to_the_defect() {
    let dir = support::patched_connector(
        "pointer",
        &json!({"paths": {"/tasks/{taskId}": {"get": {"operationId": "ListTasks"}}}}),
        &json!({}),
    );
    let report = lint_dir(&dir, None).unwrap();
    let hit = report.of_rule("OperationIdNotUnique");
    assert_eq!(hit.len(), 1, "{}", report.to_text());
    assert_eq!(hit[0].pointer, "/paths/~1tasks~1{taskId}/get/operationId");
    assert_eq!(hit[0].file, "apiDefinition.swagger.json");
}

#[test]
fn bad_input_is_an_input_error_naming_the_file() {
    let missing = lint_dir(std::path::Path::new("/nonexistent/connector"), None).unwrap_err();
    assert!(missing.to_string().contains("/nonexistent/connector"));
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("lint-cases/broken-json");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("apiDefinition.swagger.json"), "{\n  \"swagger\": \"2.0\",\n  oops\n}").unwrap();
    let err = lint_dir(&dir, None).unwrap_err();
    assert!(err.to_string().contains("apiDefinition.swagger.json at line 3"), "{err}");
}
