//! The structure of a connector's Swagger document, as Microsoft's JSON schema
//! (`apiDefinition.swagger.schema.json`, 2020) defines it, written down as Rust tables so the
//! linter needs no file outside the connector folder.
//!
//! One row per object kind: the keys the schema allows there (`additionalProperties: false`,
//! plus any `x-` key that is not `x-ms-`). The vendored schema is only an extra check in the
//! tests (`tests/structure.rs` compares every row with the schema's definition).

use crate::catalog::Rule;
use crate::pointer::join;
use crate::rules::Sink;
use serde_json::{Map, Value};
use std::collections::HashSet;

/// An object kind of a connector document, named after the schema's definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Root,
    Info,
    Contact,
    License,
    ExternalDocs,
    Tag,
    SecurityScheme,
    PathItem,
    Operation,
    Response,
    Header,
    BodyParameter,
    HeaderParameter,
    QueryParameter,
    FormDataParameter,
    PathParameter,
    /// A schema nested in properties, items, allOf or a definition.
    Schema,
    /// The root schema of a body parameter, a response or a notification content.
    RootSchema,
    /// `items` of a non-body parameter or header.
    PrimitiveItems,
    Xml,
}

/// One row: a kind, the schema definition(s) it stands for, and the keys allowed there.
pub struct Shape {
    pub kind: Kind,
    /// The schema's definition names (`""` = the schema's root); several are merged.
    pub definitions: &'static [&'static str],
    pub keys: &'static [&'static str],
}

const VALUE_KEYWORDS: [&str; 16] = [
    "collectionFormat",
    "default",
    "enum",
    "exclusiveMaximum",
    "exclusiveMinimum",
    "format",
    "items",
    "maxItems",
    "maxLength",
    "maximum",
    "minItems",
    "minLength",
    "minimum",
    "multipleOf",
    "pattern",
    "uniqueItems",
];

/// Concatenates key lists at compile time (rows that share the schema's value keywords).
macro_rules! keys {
    ($($list:expr),* ; $($key:literal),* $(,)?) => {{
        const EXTRA: &[&str] = &[$($key),*];
        const N: usize = 0 $(+ $list.len())* + EXTRA.len();
        // Evaluated at compile time only: an out-of-range index is a build error, not a panic.
        #[allow(clippy::indexing_slicing)]
        const fn build() -> [&'static str; N] {
            let mut out = [""; N];
            let mut i = 0;
            $(
                let list = $list;
                let mut j = 0;
                while j < list.len() { out[i] = list[j]; i += 1; j += 1; }
            )*
            let mut j = 0;
            while j < EXTRA.len() { out[i] = EXTRA[j]; i += 1; j += 1; }
            out
        }
        const KEYS: [&str; N] = build();
        &KEYS
    }};
}

const NON_BODY_COMMON: [&str; 11] = [
    "description",
    "in",
    "name",
    "required",
    "type",
    "x-ms-dynamic-list",
    "x-ms-dynamic-values",
    "x-ms-enum-values",
    "x-ms-localizeDefaultValue",
    "x-ms-parameter-location",
    "x-ms-summary",
];
const NON_BODY_TAIL: [&str; 3] = ["x-ms-test-value", "x-ms-trigger-value", "x-ms-visibility"];

const SCHEMA_KEYS: [&str; 39] = [
    "$ref",
    "additionalProperties",
    "allOf",
    "default",
    "description",
    "discriminator",
    "enum",
    "example",
    "exclusiveMaximum",
    "exclusiveMinimum",
    "externalDocs",
    "format",
    "items",
    "maxItems",
    "maxLength",
    "maxProperties",
    "maximum",
    "minItems",
    "minLength",
    "minProperties",
    "minimum",
    "multipleOf",
    "pattern",
    "properties",
    "readOnly",
    "required",
    "title",
    "type",
    "uniqueItems",
    "x-ms-dynamic-list",
    "x-ms-dynamic-values",
    "x-ms-enum",
    "x-ms-enum-values",
    "x-ms-localizeDefaultValue",
    "x-ms-notification-url",
    "x-ms-summary",
    "x-ms-test-value",
    "x-ms-visibility",
    "xml",
];

/// Every object kind and its allowed keys (schema facts, see the module docs).
pub const SHAPES: &[Shape] = &[
    Shape {
        kind: Kind::Root,
        definitions: &[""],
        keys: &[
            "basePath",
            "consumes",
            "definitions",
            "externalDocs",
            "host",
            "info",
            "parameters",
            "paths",
            "produces",
            "responses",
            "schemes",
            "security",
            "securityDefinitions",
            "swagger",
            "tags",
            "x-ms-capabilities",
            "x-ms-connector-metadata",
            "x-ms-docs",
        ],
    },
    Shape {
        kind: Kind::Info,
        definitions: &["info"],
        keys: &[
            "contact",
            "description",
            "license",
            "termsOfService",
            "title",
            "version",
            "x-ms-api-annotation",
            "x-ms-deployment-version",
        ],
    },
    Shape { kind: Kind::Contact, definitions: &["contact"], keys: &["email", "name", "url"] },
    Shape { kind: Kind::License, definitions: &["license"], keys: &["name", "url"] },
    Shape { kind: Kind::ExternalDocs, definitions: &["externalDocs"], keys: &["description", "url"] },
    Shape { kind: Kind::Tag, definitions: &["tag"], keys: &["description", "externalDocs", "name"] },
    Shape {
        kind: Kind::SecurityScheme,
        definitions: &[
            "basicAuthenticationSecurity",
            "apiKeySecurity",
            "oauth2ImplicitSecurity",
            "oauth2PasswordSecurity",
            "oauth2ApplicationSecurity",
            "oauth2AccessCodeSecurity",
        ],
        keys: &["authorizationUrl", "description", "flow", "in", "name", "scopes", "tokenUrl", "type"],
    },
    Shape {
        kind: Kind::PathItem,
        definitions: &["pathItem"],
        keys: &[
            "$ref",
            "delete",
            "get",
            "head",
            "options",
            "parameters",
            "patch",
            "post",
            "put",
            "x-ms-notification-content",
        ],
    },
    Shape {
        kind: Kind::Operation,
        definitions: &["operation"],
        keys: &[
            "consumes",
            "deprecated",
            "description",
            "externalDocs",
            "operationId",
            "parameters",
            "produces",
            "responses",
            "schemes",
            "security",
            "summary",
            "tags",
            "x-ms-api-annotation",
            "x-ms-capabilities",
            "x-ms-no-generic-test",
            "x-ms-notification",
            "x-ms-operation-context",
            "x-ms-pageable",
            "x-ms-safe-operation",
            "x-ms-summary",
            "x-ms-trigger",
            "x-ms-trigger-hint",
            "x-ms-trigger-metadata",
            "x-ms-visibility",
        ],
    },
    Shape {
        kind: Kind::Response,
        definitions: &["response"],
        keys: &["description", "examples", "headers", "schema", "x-ms-summary"],
    },
    Shape {
        kind: Kind::Header,
        definitions: &["header"],
        keys: keys!(VALUE_KEYWORDS; "description", "type", "x-ms-summary", "x-ms-visibility"),
    },
    Shape {
        kind: Kind::BodyParameter,
        definitions: &["bodyParameter"],
        keys: &[
            "description",
            "in",
            "name",
            "required",
            "schema",
            "x-ms-dynamic-list",
            "x-ms-dynamic-values",
            "x-ms-summary",
            "x-ms-test-value",
            "x-ms-visibility",
        ],
    },
    Shape {
        kind: Kind::HeaderParameter,
        definitions: &["headerParameterSubSchema"],
        keys: keys!(VALUE_KEYWORDS, NON_BODY_COMMON, NON_BODY_TAIL;),
    },
    Shape {
        kind: Kind::QueryParameter,
        definitions: &["queryParameterSubSchema"],
        keys: keys!(VALUE_KEYWORDS, NON_BODY_COMMON, NON_BODY_TAIL; "allowEmptyValue", "x-ms-dynamic-tree", "x-ms-url-encoding"),
    },
    Shape {
        kind: Kind::FormDataParameter,
        definitions: &["formDataParameterSubSchema"],
        keys: keys!(VALUE_KEYWORDS, NON_BODY_COMMON, NON_BODY_TAIL; "allowEmptyValue"),
    },
    Shape {
        kind: Kind::PathParameter,
        definitions: &["pathParameterSubSchema"],
        keys: keys!(VALUE_KEYWORDS, NON_BODY_COMMON, NON_BODY_TAIL; "x-ms-dynamic-tree", "x-ms-skip-url-encoding", "x-ms-url-encoding"),
    },
    Shape { kind: Kind::Schema, definitions: &["schema"], keys: keys!(SCHEMA_KEYS, NESTED_DYNAMIC;) },
    Shape {
        kind: Kind::RootSchema,
        definitions: &["schema-dynamic-allowed"],
        keys: keys!(SCHEMA_KEYS; "x-ms-dynamic-properties", "x-ms-dynamic-schema", "x-ms-dynamic-tree", "x-ms-media-kind"),
    },
    Shape { kind: Kind::PrimitiveItems, definitions: &["primitivesItems"], keys: keys!(VALUE_KEYWORDS; "type") },
    Shape { kind: Kind::Xml, definitions: &["xml"], keys: &["attribute", "name", "namespace", "prefix", "wrapped"] },
];

/// Dynamic-schema extensions the 2020 schema allows only on a body or response root, but the
/// platform reads on nested properties too (hundreds of uses in accepted connectors: a nested
/// property whose shape comes from an operation). Added to [`Kind::Schema`] on top of the schema.
pub const NESTED_DYNAMIC: [&str; 3] = ["x-ms-dynamic-properties", "x-ms-dynamic-schema", "x-ms-dynamic-tree"];

/// Extensions newer than the 2020 schema that Microsoft accepts in certified connectors
/// (Copilot/AI plugin and designer metadata). UNCERTAIN: no published schema gives their
/// positions, so they are accepted anywhere.
pub const NEWER_EXTENSIONS: [&str; 8] = [
    "x-ms-openai-data",
    "x-ms-openai-manifest",
    "x-ms-openai-published-to-copilots",
    "x-ms-keywords",
    "x-ms-editor",
    "x-ms-editor-options",
    "x-ms-apihub-cached-response",
    "x-ms-apihub-obo",
];

/// Allowed values of the extensions whose values the schema restricts.
#[derive(Debug, Clone, Copy)]
pub enum Allowed {
    OneOf(&'static [&'static str]),
    Boolean,
    Text,
}

/// `(key, allowed value)` for every extension whose value the schema constrains.
pub const EXTENSION_VALUES: [(&str, Allowed); 10] = [
    ("x-ms-visibility", Allowed::OneOf(&["important", "advanced", "internal"])),
    ("x-ms-trigger", Allowed::OneOf(&["batch", "single"])),
    ("x-ms-url-encoding", Allowed::OneOf(&["double", "single"])),
    ("x-ms-media-kind", Allowed::OneOf(&["image", "audio"])),
    ("x-ms-summary", Allowed::Text),
    ("x-ms-trigger-hint", Allowed::Text),
    ("x-ms-safe-operation", Allowed::Boolean),
    ("x-ms-no-generic-test", Allowed::Boolean),
    ("x-ms-localizeDefaultValue", Allowed::Boolean),
    ("x-ms-notification-url", Allowed::Boolean),
];

/// The allowed `x-ms-api-annotation.status` values (info and operation).
pub const ANNOTATION_STATUS: [&str; 2] = ["Production", "Preview"];

/// The row for `kind`.
pub fn shape(kind: Kind) -> &'static [&'static str] {
    SHAPES.iter().find(|s| s.kind == kind).map_or(&[], |s| s.keys)
}

/// Every `x-ms-*` key the schema allows somewhere.
fn known_extensions() -> impl Iterator<Item = &'static str> {
    SHAPES.iter().flat_map(|s| s.keys.iter().copied()).filter(|k| k.starts_with("x-ms-"))
}

/// Checks every object of the document against its row.
pub(crate) fn check(doc: &Value, sink: &mut Sink) {
    let Some(root) = doc.as_object() else { return };
    let roots = root_definitions(doc);
    let mut walker = Walker { sink, root_definitions: roots };
    walker.object(root, "", Kind::Root);
}

/// Definitions used directly as a body, response or notification root (so the dynamic-schema
/// extensions are allowed in them: positions are judged where a definition is used).
fn root_definitions(doc: &Value) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut note = |schema: Option<&Value>| {
        if let Some(name) =
            schema.and_then(|s| s.get("$ref")).and_then(Value::as_str).and_then(|r| r.strip_prefix("#/definitions/"))
        {
            out.insert(name.replace("~1", "/").replace("~0", "~"));
        }
    };
    for p in doc.get("parameters").and_then(Value::as_object).into_iter().flatten() {
        note(p.1.get("schema"));
    }
    for r in doc.get("responses").and_then(Value::as_object).into_iter().flatten() {
        note(r.1.get("schema"));
    }
    for item in doc.get("paths").and_then(Value::as_object).into_iter().flat_map(|p| p.values()) {
        note(item.get("x-ms-notification-content").and_then(|c| c.get("schema")));
        let ops = crate::walk::METHODS.iter().filter_map(|m| item.get(*m));
        for holder in std::iter::once(item).chain(ops) {
            for p in holder.get("parameters").and_then(Value::as_array).into_iter().flatten() {
                note(p.get("schema"));
            }
            for r in holder.get("responses").and_then(Value::as_object).into_iter().flat_map(|r| r.values()) {
                note(r.get("schema"));
            }
        }
    }
    out
}

struct Walker<'s> {
    sink: &'s mut Sink,
    root_definitions: HashSet<String>,
}

impl Walker<'_> {
    fn object(&mut self, obj: &Map<String, Value>, pointer: &str, kind: Kind) {
        self.keys(obj, pointer, kind);
        for (key, value) in obj {
            let at = join(pointer, key);
            match (kind, key.as_str()) {
                (Kind::Root, "info") => self.child(value, &at, Kind::Info),
                (Kind::Root | Kind::Operation | Kind::Tag | Kind::Schema | Kind::RootSchema, "externalDocs") => {
                    self.child(value, &at, Kind::ExternalDocs)
                }
                (Kind::Info, "contact") => self.child(value, &at, Kind::Contact),
                (Kind::Info, "license") => self.child(value, &at, Kind::License),
                (Kind::Root, "tags") => self.each(value, &at, Kind::Tag),
                (Kind::Root, "securityDefinitions") => self.values(value, &at, |_, _| Some(Kind::SecurityScheme)),
                (Kind::Root, "paths") => {
                    self.values(value, &at, |name, _| name.starts_with('/').then_some(Kind::PathItem))
                }
                (Kind::Root, "definitions") => {
                    let roots = &self.root_definitions;
                    let kinds: Vec<(String, Kind)> = value
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(name, _)| {
                            let kind = if roots.contains(name) { Kind::RootSchema } else { Kind::Schema };
                            (name.clone(), kind)
                        })
                        .collect();
                    self.values(value, &at, |name, _| kinds.iter().find(|(n, _)| n == name).map(|(_, k)| *k))
                }
                (Kind::Root, "parameters") => self.values(value, &at, |_, p| parameter_kind(p)),
                (Kind::Root, "responses") => self.values(value, &at, |_, _| Some(Kind::Response)),
                (Kind::PathItem, m) if crate::walk::METHODS.contains(&m) => self.child(value, &at, Kind::Operation),
                (Kind::PathItem | Kind::Operation, "parameters") => {
                    for (i, p) in value.as_array().into_iter().flatten().enumerate() {
                        if let (Some(obj), Some(kind)) = (p.as_object(), parameter_kind(p)) {
                            self.object(obj, &join(&at, &i.to_string()), kind);
                        }
                    }
                }
                (Kind::PathItem, "x-ms-notification-content") => {
                    if let Some(schema) = value.get("schema") {
                        self.child(schema, &join(&at, "schema"), Kind::RootSchema);
                    }
                }
                (Kind::Operation, "responses") => {
                    self.values(value, &at, |code, _| (!code.starts_with("x-")).then_some(Kind::Response))
                }
                (Kind::Response, "schema") | (Kind::BodyParameter, "schema") => {
                    self.child(value, &at, Kind::RootSchema)
                }
                (Kind::Response, "headers") => self.values(value, &at, |_, _| Some(Kind::Header)),
                (Kind::Header | Kind::PrimitiveItems, "items")
                | (
                    Kind::HeaderParameter | Kind::QueryParameter | Kind::FormDataParameter | Kind::PathParameter,
                    "items",
                ) => self.child(value, &at, Kind::PrimitiveItems),
                (Kind::Schema | Kind::RootSchema, "properties") => self.values(value, &at, |_, _| Some(Kind::Schema)),
                (Kind::Schema | Kind::RootSchema, "items" | "additionalProperties") => {
                    self.child(value, &at, Kind::Schema)
                }
                (Kind::Schema | Kind::RootSchema, "allOf") => self.each(value, &at, Kind::Schema),
                (Kind::Schema | Kind::RootSchema, "xml") => self.child(value, &at, Kind::Xml),
                _ => {}
            }
        }
    }

    fn child(&mut self, value: &Value, pointer: &str, kind: Kind) {
        if let Some(obj) = value.as_object() {
            self.object(obj, pointer, kind);
        }
    }

    fn each(&mut self, value: &Value, pointer: &str, kind: Kind) {
        for (i, v) in value.as_array().into_iter().flatten().enumerate() {
            self.child(v, &join(pointer, &i.to_string()), kind);
        }
    }

    fn values(&mut self, value: &Value, pointer: &str, kind_of: impl Fn(&str, &Value) -> Option<Kind>) {
        for (name, v) in value.as_object().into_iter().flatten() {
            if let Some(kind) = kind_of(name, v) {
                self.child(v, &join(pointer, name), kind);
            }
        }
    }

    fn keys(&mut self, obj: &Map<String, Value>, pointer: &str, kind: Kind) {
        // A `$ref` object is a reference, not the object itself (its siblings are another rule).
        if obj.contains_key("$ref") && !matches!(kind, Kind::Schema | Kind::RootSchema | Kind::PathItem) {
            return;
        }
        let allowed = shape(kind);
        for (key, value) in obj {
            let at = join(pointer, key);
            if allowed.contains(&key.as_str()) {
                extension_value(key, value, &at, self.sink);
            } else if key.starts_with("x-ms-") {
                unknown_extension(key, kind, &at, self.sink);
            } else if !key.starts_with("x-") {
                self.sink.report(
                    Rule::AdditionalPropertyNotAllowed,
                    &at,
                    format!("'{key}' is not allowed in {} (Swagger 2.0 does not define it there).", describe(kind)),
                );
            }
        }
    }
}

fn parameter_kind(p: &Value) -> Option<Kind> {
    if p.get("$ref").is_some() {
        return None;
    }
    match p.get("in").and_then(Value::as_str) {
        Some("body") => Some(Kind::BodyParameter),
        Some("header") => Some(Kind::HeaderParameter),
        Some("query") => Some(Kind::QueryParameter),
        Some("formData") => Some(Kind::FormDataParameter),
        Some("path") => Some(Kind::PathParameter),
        _ => None,
    }
}

fn describe(kind: Kind) -> &'static str {
    match kind {
        Kind::Root => "the document root",
        Kind::Info => "'info'",
        Kind::Contact => "'info.contact'",
        Kind::License => "'info.license'",
        Kind::ExternalDocs => "'externalDocs'",
        Kind::Tag => "a tag",
        Kind::SecurityScheme => "a security definition",
        Kind::PathItem => "a path item",
        Kind::Operation => "an operation",
        Kind::Response => "a response",
        Kind::Header => "a response header",
        Kind::BodyParameter => "a body parameter",
        Kind::HeaderParameter => "a header parameter",
        Kind::QueryParameter => "a query parameter",
        Kind::FormDataParameter => "a formData parameter",
        Kind::PathParameter => "a path parameter",
        Kind::Schema => "a schema",
        Kind::RootSchema => "a body or response schema",
        Kind::PrimitiveItems => "the items of a non-body parameter",
        Kind::Xml => "'xml'",
    }
}

fn unknown_extension(key: &str, kind: Kind, pointer: &str, sink: &mut Sink) {
    if NEWER_EXTENSIONS.contains(&key) {
        return;
    }
    if known_extensions().any(|k| k == key) {
        sink.report(
            Rule::ExtensionNotAllowedHere,
            pointer,
            format!("'{key}' has no effect in {}; the platform reads it elsewhere.", describe(kind)),
        );
    } else if let Some(meant) = known_extensions().chain(NEWER_EXTENSIONS).find(|k| misspelled(key, k)) {
        sink.report(
            Rule::ExtensionNameMisspelled,
            pointer,
            format!("'{key}' is not an extension; did you mean '{meant}'?"),
        );
    } else {
        sink.report(
            Rule::ExtensionNotRecognized,
            pointer,
            format!("'{key}' is not a Power Platform extension; the platform ignores it."),
        );
    }
}

/// `key` is a slip of `known`: at most two edits apart, or `known` followed by junk.
fn misspelled(key: &str, known: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    let known_lower = known.to_ascii_lowercase();
    if lower == known_lower {
        return true;
    }
    if let Some(rest) = lower.strip_prefix(&known_lower) {
        return rest.starts_with(|c: char| !c.is_ascii_alphanumeric() && c != '-');
    }
    edit_distance(&lower, &known_lower) <= 2
}

/// Optimal-string-alignment distance (insert, delete, substitute, swap neighbours).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        if let Some(first) = row.first_mut() {
            *first = i;
        }
    }
    if let Some(first) = rows.first_mut() {
        for (j, cell) in first.iter_mut().enumerate() {
            *cell = j;
        }
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let at =
                |r: &Vec<Vec<usize>>, x: usize, y: usize| r.get(x).and_then(|row| row.get(y)).copied().unwrap_or(0);
            let same = a.get(i - 1) == b.get(j - 1);
            let mut best = (at(&rows, i - 1, j) + 1)
                .min(at(&rows, i, j - 1) + 1)
                .min(at(&rows, i - 1, j - 1) + usize::from(!same));
            if i > 1 && j > 1 && a.get(i - 1) == b.get(j - 2) && a.get(i - 2) == b.get(j - 1) {
                best = best.min(at(&rows, i - 2, j - 2) + 1);
            }
            if let Some(cell) = rows.get_mut(i).and_then(|row| row.get_mut(j)) {
                *cell = best;
            }
        }
    }
    rows.last().and_then(|row| row.last()).copied().unwrap_or(0)
}

fn extension_value(key: &str, value: &Value, pointer: &str, sink: &mut Sink) {
    if key == "x-ms-api-annotation" {
        if let Some(status) = value.get("status") {
            if !status.as_str().is_some_and(|s| ANNOTATION_STATUS.contains(&s)) {
                sink.report(
                    Rule::ExtensionValueNotAllowed,
                    &join(pointer, "status"),
                    format!("The status {status} is not one of {}.", ANNOTATION_STATUS.join(", ")),
                );
            }
        }
        return;
    }
    let Some((_, allowed)) = EXTENSION_VALUES.iter().find(|(k, _)| *k == key) else { return };
    let fits = match allowed {
        // UNCERTAIN: accepted connectors ship "" (91 uses); read as no visibility (the wizard's "none").
        Allowed::OneOf(_) if key == "x-ms-visibility" && value.as_str() == Some("") => true,
        Allowed::OneOf(values) => value.as_str().is_some_and(|v| values.contains(&v)),
        Allowed::Boolean => value.is_boolean(),
        Allowed::Text => value.is_string(),
    };
    if !fits {
        let expected = match allowed {
            Allowed::OneOf(values) => format!("one of {}", values.join(", ")),
            Allowed::Boolean => "true or false".to_owned(),
            Allowed::Text => "a string".to_owned(),
        };
        sink.report(Rule::ExtensionValueNotAllowed, pointer, format!("'{key}' is {value}; it must be {expected}."));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspellings_are_near_misses_only() {
        assert!(misspelled("x-ms-visibilty", "x-ms-visibility"));
        assert!(misspelled("x-ms-summary title", "x-ms-summary"));
        assert!(misspelled("x-ms-sumamry", "x-ms-summary"));
        assert!(!misspelled("x-ms-mutability", "x-ms-visibility"));
        assert!(!misspelled("x-ms-summary-extra", "x-ms-summary"));
        assert_eq!(edit_distance("abc", "acb"), 1);
        assert_eq!(edit_distance("", "ab"), 2);
    }

    #[test]
    fn merged_rows_hold_every_part() {
        let query = shape(Kind::QueryParameter);
        for key in ["maxLength", "x-ms-summary", "x-ms-visibility", "x-ms-url-encoding", "allowEmptyValue"] {
            assert!(query.contains(&key), "{key}");
        }
        assert!(!shape(Kind::HeaderParameter).contains(&"x-ms-url-encoding"));
        assert!(shape(Kind::RootSchema).contains(&"x-ms-media-kind"));
        assert!(!shape(Kind::Schema).contains(&"x-ms-media-kind"));
        assert!(shape(Kind::Schema).contains(&"x-ms-dynamic-schema"));
    }
}
