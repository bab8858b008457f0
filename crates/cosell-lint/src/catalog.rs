//! Every rule the linter knows: one row per rule id, with its one severity, its source and its
//! meaning. Rules report by [`Rule`] variant; the severity is decided here, nowhere else.
//!
//! Severity policy: **error** only when Microsoft's validator rejects the same thing and every
//! accepted connector we measured passes it (1,010 certified and independent-publisher
//! connectors of microsoft/PowerPlatformConnectors); **warning** when an author should act on it
//! (certification review, a designer defect, a rule Microsoft documents but does not enforce);
//! **info** for advice that is off by default (shown with `--info`).

use crate::finding::Severity;
use std::fmt;

/// Where a rule comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Microsoft's "Fix Swagger Validator errors" page (the hosted validator's rule ids).
    Validator,
    /// Microsoft's certification guidance (submission checklist, string guidance, coding standards).
    Certification,
    /// Microsoft's "OpenAPI extensions" page.
    Extensions,
    /// Microsoft's published JSON schema (`apiDefinition.swagger.schema.json`, 2020), as Rust tables.
    Schema,
    /// cosell's own rule.
    Ours,
}

impl Source {
    /// The document the rule is taken from.
    pub fn reference(self) -> &'static str {
        match self {
            Source::Validator => {
                "https://learn.microsoft.com/connectors/custom-connectors/certification-swagger-validator-rules"
            }
            Source::Certification => "https://learn.microsoft.com/connectors/custom-connectors/certification-submission",
            Source::Extensions => "https://learn.microsoft.com/connectors/custom-connectors/openapi-extensions",
            Source::Schema => {
                "https://github.com/microsoft/PowerPlatformConnectors/blob/dev/schemas/apiDefinition.swagger.schema.json"
            }
            Source::Ours => "docs/lint.md (cosell's own rules)",
        }
    }

    /// A short name for tables.
    pub fn name(self) -> &'static str {
        match self {
            Source::Validator => "validator",
            Source::Certification => "certification",
            Source::Extensions => "extensions",
            Source::Schema => "schema",
            Source::Ours => "cosell",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

macro_rules! rules {
    ($($id:ident: $severity:ident, $source:ident, $meaning:literal;)*) => {
        /// A rule id. Each variant has exactly one meaning and one severity.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Rule { $($id,)* }

        impl Rule {
            /// Every rule, in catalogue order.
            pub const ALL: &'static [Rule] = &[$(Rule::$id,)*];

            /// The stable id printed in findings (Microsoft's where Microsoft has one).
            pub fn id(self) -> &'static str {
                match self { $(Rule::$id => stringify!($id),)* }
            }

            pub fn severity(self) -> Severity {
                match self { $(Rule::$id => Severity::$severity,)* }
            }

            pub fn source(self) -> Source {
                match self { $(Rule::$id => Source::$source,)* }
            }

            /// What a finding of this rule means, in one sentence.
            pub fn meaning(self) -> &'static str {
                match self { $(Rule::$id => $meaning,)* }
            }
        }
    };
}

rules! {
    // Document
    SpecificationVersionIncorrect: Error, Validator, "The 'swagger' property is not the string \"2.0\".";
    HostNameNotValid: Error, Validator, "'host' is missing or not a host name (a placeholder host is allowed with a dynamichosturl policy).";
    BasePathNotValid: Error, Validator, "'basePath' does not start with '/' or holds a query, fragment or template.";
    SchemesArrayEmpty: Error, Validator, "'schemes' is an empty array.";
    MimeTypeNotValid: Warning, Validator, "A 'consumes' MIME type is not one the designer can send.";
    TagRedefined: Error, Validator, "Two tags have the same name.";
    SecurityRequirementMustBeDefined: Warning, Validator, "A security requirement names no 'securityDefinitions' entry (documented, not enforced: the connection comes from apiProperties.json).";
    SecurityRequirementMustHaveValue: Error, Validator, "A security requirement's value is not an array.";
    SecurityRequirementMustHaveEmptyValue: Error, Validator, "A non-OAuth security requirement lists scopes.";
    OAuthSecurityRequirementValueMustBeScopeName: Warning, Validator, "An OAuth security requirement lists a scope its definition does not declare.";
    RequiredValueEmpty: Error, Validator, "A value the platform requires is missing: 'info.title', apiProperties 'properties' or 'iconBrandColor'.";
    FieldLengthExceeded: Warning, Certification, "A title (over 30 characters) or summary (over 80) is too long.";
    FieldLengthNotInRange: Warning, Certification, "The connector description is missing or not 30 to 500 characters long.";
    ValueContainsRestrictedWords: Warning, Certification, "The connector title contains 'API', 'Connector' or a Power Platform product name.";
    ValueMustEndWithAlphanumeric: Warning, Certification, "A title or summary ends with punctuation or a space.";
    ContactEmailNotValid: Error, Validator, "'info.contact.email' is not an email address.";
    ConnectorMetadataPropertiesMissing: Warning, Certification, "'x-ms-connector-metadata' lacks 'Website', 'Privacy policy' or 'Categories'.";
    UrlNotValid: Warning, Validator, "A 'Website' or 'Privacy policy' value is not an http(s) URL.";
    TooManyConnectorCategories: Error, Validator, "More than two connector categories.";
    InvalidConnectorCategory: Error, Validator, "A category is not one of Microsoft's list (compared case-insensitively).";
    // Paths and operations
    OperationPathMustStartWithSlash: Error, Validator, "A path does not start with '/'.";
    OperationPathMayNotContainQueryOrFragment: Error, Validator, "A path contains '?' or '#'.";
    OperationPathContainsUnsupportedCharacters: Error, Validator, "A path contains '*'.";
    OperationPathTemplateNotValid: Error, Validator, "A path template has unbalanced, nested or empty braces.";
    PathRedefined: Error, Validator, "Two paths differ only in letter case.";
    DuplicateOperationPath: Error, Validator, "Two paths differ only in their variable names and both define the same HTTP method.";
    OperationIdRequired: Error, Validator, "An operation has no 'operationId'.";
    OperationIdNotUnique: Error, Validator, "Two operations share an 'operationId' (case-insensitively).";
    OperationIdSanitized: Warning, Certification, "An 'operationId' is not PascalCase alphanumeric.";
    OperationMustHaveResponse: Error, Validator, "An operation has no 'responses' object.";
    OperationShouldHaveSuccessfulResponse: Warning, Validator, "An operation (other than a webhook trigger) defines no 2xx response.";
    ResponseMustBeDefaultOrHttpStatusCode: Error, Validator, "A response key is neither 'default' nor a three-digit status code.";
    OperationHasManyResponsesWithSchema: Warning, Validator, "Several 2xx responses have a schema; the designer uses only one.";
    DefaultResponseHasSchema: Warning, Certification, "The 'default' response has a schema.";
    OperationSummaryTooLong: Error, Validator, "An operation summary is 120 characters or longer.";
    OperationStatusAheadOfConnector: Error, Validator, "An operation is 'Production' while the connector is 'Preview'.";
    InvalidNextLinkNameValue: Error, Validator, "'x-ms-pageable.nextLinkName' is not 'nextLink' or '@odata.nextLink' (compared case-insensitively).";
    // Parameters
    ConnectionIdParameterNotAllowed: Error, Validator, "A parameter is named 'connectionId'.";
    BodyOrFormDataParameterInFetchOperationNotAllowed: Warning, Validator, "A GET operation has a body or formData parameter (documented, not enforced).";
    BodyParameterSchemaRequired: Error, Validator, "A body parameter has no 'schema'.";
    NonBodyParameterSchemaNotValid: Error, Validator, "A non-body parameter has a 'schema'.";
    PathParameterMustBeRequired: Error, Validator, "A path parameter is not required.";
    PathParameterNotDefinedInTemplate: Error, Validator, "A path parameter is not a variable of its path.";
    OperationMissingPathParameter: Error, Validator, "A path variable has no path parameter.";
    PathParameterMissingEncoding: Warning, Validator, "A path parameter does not declare 'x-ms-url-encoding'.";
    QueryParameterEncodingNotSupported: Warning, Validator, "A query parameter declares 'x-ms-url-encoding'.";
    CollectionFormatValueNotSupported: Error, Validator, "A 'collectionFormat' is not supported at its location.";
    InternalRequiredParameterMissingDefault: Error, Extensions, "An internal required parameter has no default value to send.";
    InternalPropertyWithDefaultOptional: Warning, Validator, "An internal parameter has a default but is optional, so the default may never be sent.";
    OperationParametersContainDuplicateParameter: Error, Validator, "A parameter list declares the same parameter twice.";
    OperationParametersContainMultipleBodyParameters: Error, Validator, "An operation has more than one body parameter.";
    ParameterListContainsFormDataAndBody: Error, Validator, "An operation has both body and formData parameters.";
    ConsumesMissing: Warning, Validator, "An operation with a body declares no 'consumes'.";
    // Schemas
    SchemaReferenceNotValid: Error, Validator, "A schema '$ref' does not resolve to an entry of '#/definitions/'.";
    ParameterReferenceNotValid: Error, Validator, "A parameter '$ref' does not resolve to an entry of '#/parameters/'.";
    ResponseReferenceNotValid: Error, Validator, "A response '$ref' does not resolve to an entry of '#/responses/'.";
    SchemaRefLoopNotAllowed: Error, Validator, "Definitions that are only '$ref's form a loop.";
    AdditionalPropertyNotAllowedAdjacentToRef: Warning, Validator, "A schema has keywords beside '$ref' (they are ignored).";
    AdditionalPropertyNotAllowed: Warning, Schema, "A key Swagger 2.0 does not define at this position (for example 'oneOf' or 'nullable' in a schema, 'basepath' at the root).";
    ExtensionNotAllowedHere: Warning, Schema, "A Power Platform 'x-ms-*' extension is used where the platform does not read it.";
    ExtensionNameMisspelled: Warning, Schema, "An 'x-ms-*' key is one letter away from a Power Platform extension, so it has no effect.";
    ExtensionNotRecognized: Info, Schema, "An 'x-ms-*' key the Power Platform does not define (AutoRest extensions are ignored).";
    ExtensionValueNotAllowed: Warning, Schema, "An extension has a value outside its allowed set (for example 'x-ms-visibility: Advanced').";
    SchemaTypeFileNotValid: Error, Validator, "A schema of type 'file' is used as an input.";
    ArrayHasNoItems: Warning, Validator, "An array schema has no 'items'.";
    UnrecognizedTypeFormat: Warning, Validator, "A 'type' or 'format' is not one the platform knows.";
    EnumMustContainAtLeastOneElement: Error, Validator, "An 'enum' is empty.";
    ArrayDuplicateValue: Warning, Validator, "An 'enum' or 'required' array lists a value twice.";
    DefaultValueMustMatchType: Error, Validator, "A default value cannot be read as its type (\"true\" for a boolean and \"10\" for an integer can; null means no default).";
    InvalidEnumValuesExtensionValue: Error, Validator, "An 'x-ms-enum-values' entry is not one of the 'enum' values.";
    MissingEnumValuesDisplayName: Error, Validator, "An 'x-ms-enum-values' entry has no 'displayName'.";
    RequiredPropertyArrayEmpty: Warning, Validator, "A 'required' array is empty.";
    RequiredPropertyNotOnObject: Warning, Validator, "A 'required' list sits on a schema that is not an object (documented, not enforced).";
    RequiredPropertyDefinitionMissing: Error, Validator, "A 'required' name is not in 'properties'.";
    RequiredReadOnlyPropertyNotAllowedAsInput: Warning, Validator, "A read-only property is required in an input.";
    SchemaViolation: Warning, Schema, "The document fails Microsoft's 2020 JSON schema where no built-in rule explains why (only with --schemas).";
    // Webhooks
    NotificationUrlNotString: Error, Validator, "The notification URL property declares a type other than string.";
    NotificationUrlNotInternal: Error, Validator, "Neither the notification URL property nor a parent is internal.";
    NotificationUrlNotRequired: Warning, Validator, "The notification URL property is not required all the way up its schema chain.";
    NotificationUrlNotAllowedInThisPosition: Warning, Validator, "'x-ms-notification-url' is used outside an input body, where it has no effect (judged where a definition is used; documented, not enforced).";
    WebhookOperationsMissingNotificationUrlProperty: Error, Validator, "A trigger with 'x-ms-notification-content' has no notification URL property.";
    NotificationExtensionNotSupportedInWebhookOperation: Error, Validator, "A webhook trigger has 'x-ms-notification'.";
    OperationMustHaveNotificationContentExtension: Warning, Validator, "A webhook trigger's path item has no 'x-ms-notification-content'.";
    SchemaDefinitionSetIncorrectly: Warning, Validator, "A webhook trigger has no output schema (no 200/201 schema and no notification content).";
    // Strings (certification content)
    OperationSummaryMissing: Warning, Certification, "An operation has no summary (the designer shows its operationId).";
    OperationDescriptionMissing: Warning, Certification, "An operation has no description.";
    OperationVisibilityMissing: Info, Certification, "An operation has no 'x-ms-visibility' (the checklist asks for one; absent means normal).";
    SummaryOrDescriptionMissing: Info, Certification, "A parameter or property has no 'x-ms-summary' or no 'description'.";
    SummaryEqualsDescription: Warning, Certification, "An operation's summary and description are the same text.";
    RestrictedCharactersInSummary: Warning, Certification, "A summary contains characters other than letters, digits, spaces and simple punctuation.";
    DescriptionNotSentence: Warning, Certification, "A description does not end in sentence punctuation.";
    SummaryNotTitleCase: Warning, Certification, "An 'x-ms-summary' is not in Title Case.";
    // Files
    JsonNotStrict: Warning, Ours, "A file parses only leniently (trailing commas, raw control characters in strings, not UTF-8): Microsoft's validator accepts it, paconn and other strict JSON tools do not.";
    // apiProperties.json
    InvalidIconBrandColor: Warning, Certification, "'iconBrandColor' is not #RRGGBB, or is #007ee5 or #ffffff.";
    ClientSecretNotAllowed: Warning, Ours, "apiProperties.json holds a client secret that is not a placeholder.";
    SecurityDefinitionMismatch: Warning, Ours, "The swagger declares OAuth 2.0 but apiProperties.json has no oauthSetting parameter.";
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Looks a rule up by its id.
pub fn by_id(id: &str) -> Option<Rule> {
    Rule::ALL.iter().copied().find(|r| r.id() == id)
}

/// The catalogue as a text table (`cosell lint --rules`): id, severity, source, meaning.
pub fn table() -> String {
    let width = Rule::ALL.iter().map(|r| r.id().len()).max().unwrap_or(0);
    let mut out = String::new();
    for rule in Rule::ALL {
        out.push_str(&format!(
            "{:width$}  {:7}  {:13}  {}\n",
            rule.id(),
            rule.severity().to_string(),
            rule.source().name(),
            rule.meaning()
        ));
    }
    out
}

/// The catalogue as a Markdown table (the rule list in `docs/lint.md`, checked by a test).
pub fn markdown() -> String {
    let mut out = String::from("| Rule | Severity | Source | Meaning |\n|---|---|---|---|\n");
    for rule in Rule::ALL {
        let source = match rule.source() {
            Source::Ours => "cosell".to_owned(),
            other => format!("[{}]({})", other.name(), other.reference()),
        };
        out.push_str(&format!(
            "| `{}` | {} | {source} | {} |\n",
            rule.id(),
            rule.severity(),
            rule.meaning().replace('|', "\\|")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_found() {
        let ids: HashSet<_> = Rule::ALL.iter().map(|r| r.id()).collect();
        assert_eq!(ids.len(), Rule::ALL.len());
        assert_eq!(by_id("OperationIdRequired"), Some(Rule::OperationIdRequired));
        assert_eq!(by_id("Nope"), None);
    }

    #[test]
    fn table_has_one_line_per_rule() {
        let table = table();
        assert_eq!(table.lines().count(), Rule::ALL.len());
        assert!(table.lines().any(|l| l.starts_with("ExtensionNotRecognized ") && l.contains(" info ")));
    }
}
