//! JSON schemas of the core wire types, derived with schemars and reshaped for connectors.
//!
//! schemars writes `Option<T>` as `type: [T, "null"]` / `anyOf: [ref, null]` and open enums with
//! `x-enum-display-names`. Power Platform (Swagger 2.0) has no null, `anyOf` or sibling keys
//! next to `$ref`, so every schema is rewritten here: nulls dropped, nested types inlined (so each
//! property keeps its own description, `x-ms-summary` and `x-ms-visibility`), recursion kept as a
//! `$ref`, display names turned into `x-ms-enum-values`.

use crate::text::{sentence, title_from_name};
use schemars::JsonSchema;
use serde_json::{json, Map, Value};

/// Where a `$ref` to a named schema points (OpenAPI 3 components).
pub const REF_PREFIX: &str = "#/components/schemas/";

/// Properties the flow designer shows first.
const IMPORTANT: [&str; 10] = [
    "id",
    "name",
    "status",
    "substatus",
    "customerProfile",
    "details",
    "dealValue",
    "currency",
    "closingDateTime",
    "notes",
];

/// Bookkeeping properties the designer tucks under "advanced".
const ADVANCED: [&str; 14] = [
    "@odata.context",
    "@odata.nextLink",
    "links",
    "lastRunId",
    "lastModifiedVia",
    "trackingInfo",
    "tags",
    "favorite",
    "quality",
    "isSpam",
    "createdVia",
    "mpnId",
    "dealSensitivity",
    "lastModifiedTimestamp",
];

/// The schemas of a set of root types, keyed by name, ready for `components.schemas`.
pub struct ModelSchemas {
    raw: Map<String, Value>,
    /// Open enumerations stay open: no `enum` (responses carry values the model does not know).
    open_enums: bool,
    pub schemas: Map<String, Value>,
}

impl ModelSchemas {
    pub fn new() -> Self {
        ModelSchemas { raw: Map::new(), open_enums: false, schemas: Map::new() }
    }

    /// Adds `T` as an input schema named `name` (enumerations closed, so the designer offers
    /// a dropdown); returns the name.
    pub fn add_input<T: JsonSchema>(&mut self, name: &str) -> String {
        self.open_enums = false;
        let added = self.add_inner::<T>();
        let shaped = self.schemas.get(&added).cloned();
        self.open_enums = true;
        if let Some(shaped) = shaped {
            self.schemas.insert(name.to_owned(), shaped);
        }
        name.to_owned()
    }

    /// Adds `T` (and, inlined, everything it contains) under its schema name as an output
    /// schema (enumerations open); returns that name.
    pub fn add<T: JsonSchema>(&mut self) -> String {
        self.open_enums = true;
        self.add_inner::<T>()
    }

    fn add_inner<T: JsonSchema>(&mut self) -> String {
        let mut generator = schemars::generate::SchemaSettings::openapi3().into_generator();
        let root = generator.root_schema_for::<T>();
        let name = T::schema_name().into_owned();
        for (k, v) in generator.definitions() {
            self.raw.insert(k.clone(), v.clone());
        }
        let mut root = root.to_value();
        if let Value::Object(map) = &mut root {
            map.remove("$schema");
            map.remove("title");
            map.remove("definitions");
            map.remove("$defs");
            map.remove("components");
        }
        self.raw.insert(name.clone(), root);
        let mut stack = vec![name.clone()];
        let shaped = self.shape_named(&name, &mut stack);
        self.schemas.insert(name.clone(), shaped);
        // Recursive types are referred to by name: give each its own entry.
        while let Some(missing) = self.referenced_but_missing() {
            let mut stack = vec![missing.clone()];
            let shaped = self.shape_named(&missing, &mut stack);
            self.schemas.insert(missing, shaped);
        }
        name
    }

    fn referenced_but_missing(&self) -> Option<String> {
        let mut refs = Vec::new();
        for schema in self.schemas.values() {
            collect_refs(schema, &mut refs);
        }
        refs.into_iter().find(|r| !self.schemas.contains_key(r))
    }

    fn shape_named(&self, name: &str, stack: &mut Vec<String>) -> Value {
        let raw = self.raw.get(name).cloned().unwrap_or_else(|| json!({}));
        self.shape(&raw, None, stack)
    }

    /// One schema in connector shape. `property` is the property name it describes, if any.
    fn shape(&self, schema: &Value, property: Option<&str>, stack: &mut Vec<String>) -> Value {
        let Some(obj) = schema.as_object() else { return json!({}) };
        let mut obj = obj.clone();
        // `anyOf: [X, {type: null}]` → X (keeping this level's description).
        if let Some(Value::Array(variants)) = obj.remove("anyOf") {
            let inner = variants.into_iter().find(|v| v.get("type") != Some(&json!("null")));
            if let Some(Value::Object(inner)) = inner {
                for (k, v) in inner {
                    obj.entry(k).or_insert(v);
                }
            }
        }
        if let Some(Value::String(target)) = obj.remove("$ref") {
            let name = target.trim_start_matches(REF_PREFIX).to_owned();
            if stack.contains(&name) {
                // Recursion (an inner error inside an error): refer to the named schema.
                return json!({ "$ref": format!("{REF_PREFIX}{name}") });
            }
            stack.push(name.clone());
            let mut inlined = self.shape_named(&name, stack);
            stack.pop();
            if let (Value::Object(target), Some(desc)) = (&mut inlined, obj.get("description")) {
                target.insert("description".into(), desc.clone());
            }
            return self.label(inlined, property);
        }
        if let Some(Value::Array(types)) = obj.get("type").cloned() {
            let t = types.into_iter().find(|t| t != "null").unwrap_or(json!("string"));
            obj.insert("type".into(), t);
        }
        obj.remove("nullable");
        if obj.get("type") == Some(&json!("integer")) && !obj.contains_key("format") {
            obj.insert("format".into(), json!("int64"));
        }
        if obj.get("format") == Some(&json!("uint64")) || obj.get("format") == Some(&json!("uint32")) {
            obj.insert("format".into(), json!("int64"));
        }
        obj.remove("minimum");
        if let Some(Value::Array(names)) = obj.remove("x-enum-display-names") {
            let values = obj.get("enum").and_then(Value::as_array).cloned().unwrap_or_default();
            let entries: Vec<Value> =
                values.iter().zip(names.iter()).map(|(v, n)| json!({ "value": v, "displayName": n })).collect();
            obj.insert("x-ms-enum-values".into(), Value::Array(entries));
        }
        if self.open_enums && obj.contains_key("x-ms-enum-values") {
            let known: Vec<String> = obj
                .get("enum")
                .and_then(Value::as_array)
                .map(|v| v.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default();
            obj.remove("enum");
            obj.remove("x-ms-enum-values");
            let desc = obj.get("description").and_then(Value::as_str).unwrap_or("").trim_end_matches('.').to_owned();
            let text = format!("{desc}; known values: {}.", known.join(", "));
            obj.insert("description".into(), json!(text));
        }
        if let Some(Value::Object(props)) = obj.remove("properties") {
            let shaped: Map<String, Value> =
                props.iter().map(|(k, v)| (k.clone(), self.shape(v, Some(k), stack))).collect();
            obj.insert("properties".into(), Value::Object(shaped));
            obj.entry("type").or_insert(json!("object"));
        }
        if let Some(items) = obj.remove("items") {
            obj.insert("items".into(), self.shape(&items, None, stack));
        }
        if obj.get("additionalProperties") == Some(&Value::Bool(true)) {
            obj.remove("additionalProperties");
        } else if let Some(extra) = obj.remove("additionalProperties") {
            obj.insert("additionalProperties".into(), self.shape(&extra, None, stack));
        }
        self.label(Value::Object(obj), property)
    }

    /// Adds `x-ms-summary`, a sentence description and `x-ms-visibility` to a property schema.
    fn label(&self, schema: Value, property: Option<&str>) -> Value {
        let Value::Object(mut obj) = schema else { return schema };
        if obj.contains_key("$ref") {
            return Value::Object(obj);
        }
        if let Some(desc) = obj.get("description").and_then(Value::as_str) {
            obj.insert("description".into(), json!(sentence(desc)));
        }
        if let Some(name) = property {
            obj.insert("x-ms-summary".into(), json!(title_from_name(name)));
            if !obj.contains_key("description") {
                obj.insert("description".into(), json!(format!("The {}.", title_from_name(name).to_lowercase())));
            }
            if IMPORTANT.contains(&name) {
                obj.insert("x-ms-visibility".into(), json!("important"));
            } else if ADVANCED.contains(&name) {
                obj.insert("x-ms-visibility".into(), json!("advanced"));
            }
        }
        Value::Object(obj)
    }
}

fn collect_refs(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(target) = map.get("$ref").and_then(Value::as_str) {
                out.push(target.trim_start_matches(REF_PREFIX).to_owned());
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

impl Default for ModelSchemas {
    fn default() -> Self {
        Self::new()
    }
}
