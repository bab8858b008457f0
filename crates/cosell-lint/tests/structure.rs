//! The built-in structure tables are Microsoft's schema facts: every row is compared with the
//! vendored `apiDefinition.swagger.schema.json` (skipped with a notice when it is absent).

mod support;

use cosell_lint::schemas::strip_line_comments;
use cosell_lint::structure::{Allowed, Kind, EXTENSION_VALUES, NESTED_DYNAMIC, NEWER_EXTENSIONS, SHAPES};
use serde_json::Value;
use std::collections::BTreeSet;

fn schema() -> Option<Value> {
    let dir = support::vendor("powerplatform-schemas")?;
    let text = std::fs::read_to_string(dir.join("apiDefinition.swagger.schema.json")).unwrap();
    Some(serde_json::from_str(&strip_line_comments(&text)).unwrap())
}

fn keys_of(schema: &Value, definition: &str) -> BTreeSet<String> {
    let node = if definition.is_empty() { schema } else { &schema["definitions"][definition] };
    let props = node["properties"].as_object().unwrap_or_else(|| panic!("{definition} has no properties"));
    props.keys().cloned().collect()
}

#[test]
fn every_row_lists_exactly_the_keys_the_schema_allows() {
    let Some(schema) = schema() else { return };
    for shape in SHAPES {
        let mut expected = BTreeSet::new();
        for definition in shape.definitions {
            expected.extend(keys_of(&schema, definition));
            // Every object the rows stand for is closed: only listed keys and `x-` (not `x-ms-`) ones.
            let node = if definition.is_empty() { &schema } else { &schema["definitions"][*definition] };
            assert_eq!(node["additionalProperties"], Value::Bool(false), "{definition} is not closed");
        }
        if shape.kind == Kind::Schema {
            expected.extend(NESTED_DYNAMIC.iter().map(|k| k.to_string()));
        }
        let actual: BTreeSet<String> = shape.keys.iter().map(|k| k.to_string()).collect();
        assert_eq!(actual.len(), shape.keys.len(), "{:?} lists a key twice", shape.kind);
        assert_eq!(actual, expected, "{:?} ({:?})", shape.kind, shape.definitions);
    }
}

#[test]
fn the_relaxations_are_only_what_the_schema_does_not_have() {
    let Some(schema) = schema() else { return };
    let nested = keys_of(&schema, "schema");
    let root = keys_of(&schema, "schema-dynamic-allowed");
    for key in NESTED_DYNAMIC {
        assert!(!nested.contains(key) && root.contains(key), "{key}");
    }
    let text = schema.to_string();
    for key in NEWER_EXTENSIONS {
        assert!(!text.contains(&format!("\"{key}\"")), "{key} is in the schema now");
    }
}

#[test]
fn extension_values_match_the_schema() {
    let Some(schema) = schema() else { return };
    for (key, allowed) in EXTENSION_VALUES {
        let definition = &schema["definitions"][key];
        match allowed {
            Allowed::OneOf(values) => {
                let expected: Vec<&str> =
                    definition["enum"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
                assert_eq!(expected, values.to_vec(), "{key}");
            }
            Allowed::Boolean => assert_eq!(definition["type"], "boolean", "{key}"),
            Allowed::Text => assert_eq!(definition["type"], "string", "{key}"),
        }
    }
    let status = &schema["definitions"]["x-ms-api-annotation<info>"]["properties"]["status"]["enum"];
    assert_eq!(status, &serde_json::json!(cosell_lint::structure::ANNOTATION_STATUS));
}
