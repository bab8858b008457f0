//! The lossless wire layer every Partner Center object is built on.
//!
//! Partner Center's legacy PUT replaces the whole referral, so a property we drop is data the
//! partner loses. Every wire object therefore:
//! - keeps unknown properties verbatim in `extra` and writes them back;
//! - accepts property names case-insensitively (the service is ASP.NET and the docs mix
//!   `ConsentToContact` with `consentToShareReferralWithMicrosoftSellers`) and writes the
//!   canonical spelling;
//! - keeps an explicit `null` of a known property (it reads as `None`, and is written back as `null`);
//! - keeps numbers' values and kinds (integers stay integers), while their spelling becomes
//!   canonical. Floats round-trip bit for bit when serde_json's `float_roundtrip` feature is on,
//!   as it is in the CLI and the tests; the WebAssembly form, which never writes a referral back,
//!   leaves it off for size.
//!
//! A known property with a value of the wrong type (`"favorite": "yes"`) is bad input: the read
//! fails with the JSON path, rather than guessing.
//!
//! Enumerations are open: an unknown value is kept as `Other(String)`, never an error.

use serde::de::{self, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// Properties a model does not know, kept verbatim for the round trip.
pub type Extra = Map<String, Value>;

/// Error for a property that appears twice under spellings that differ only in case.
#[doc(hidden)]
pub fn duplicate<E: de::Error>(canonical: &str) -> E {
    E::custom(format_args!("duplicate property `{canonical}` (names are matched case-insensitively)"))
}

/// Declares a lossless, case-insensitive wire object. See the module docs.
///
/// ```ignore
/// wire_object! {
///     /// Doc comment (becomes the schema description).
///     pub struct Address {
///         /// The city.
///         city: String => "city",
///     }
/// }
/// ```
#[macro_export]
#[doc(hidden)]
macro_rules! wire_object {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                $field:ident : $ty:ty => $json:literal,
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[cfg_attr(feature = "schema", schemars(rename = $json))]
                pub $field: Option<$ty>,
            )*
            /// Properties this model does not know, kept verbatim and written back unchanged.
            #[cfg_attr(feature = "schema", schemars(skip))]
            pub extra: $crate::wire::Extra,
        }

        impl $name {
            /// The canonical (written) property names, in the order they are written.
            pub const PROPERTIES: &'static [&'static str] = &[$($json),*];
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(None)?;
                $(
                    if let Some(value) = &self.$field {
                        serde::ser::SerializeMap::serialize_entry(&mut map, $json, value)?;
                    }
                )*
                for (key, value) in &self.extra {
                    // A known property set in code wins over a kept `null` of the same name.
                    let shadowed = false $(|| (self.$field.is_some() && key.eq_ignore_ascii_case($json)))*;
                    if !shadowed {
                        serde::ser::SerializeMap::serialize_entry(&mut map, key, value)?;
                    }
                }
                serde::ser::SerializeMap::end(map)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct ObjectVisitor;
                impl<'de> serde::de::Visitor<'de> for ObjectVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " object"))
                    }
                    #[allow(unused_mut)]
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$name, A::Error> {
                        let mut out = $name::default();
                        while let Some(key) = map.next_key::<$crate::wire::Key>()? {
                            let key = key.0;
                            $(
                                if key.eq_ignore_ascii_case($json) {
                                    if out.$field.is_some() || out.extra.contains_key($json) {
                                        return Err($crate::wire::duplicate($json));
                                    }
                                    match map.next_value::<Option<$ty>>()? {
                                        Some(v) => out.$field = Some(v),
                                        None => {
                                            out.extra.insert($json.to_owned(), serde_json::Value::Null);
                                        }
                                    }
                                    continue;
                                }
                            )*
                            let value = map.next_value::<serde_json::Value>()?;
                            out.extra.insert(key, value);
                        }
                        Ok(out)
                    }
                }
                deserializer.deserialize_map(ObjectVisitor)
            }
        }
    };
}

/// A string (a map key or an enum value) read as an owned string, borrowed or escaped alike.
#[doc(hidden)]
pub struct Key(pub String);

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(Key(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key, E> {
                Ok(Key(v))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// Declares an open enumeration: known wire values as variants, anything else kept as `Other`.
///
/// Each variant carries its wire value and a display name (used for `x-ms-enum-values`).
#[macro_export]
#[doc(hidden)]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $wire:literal / $display:literal,
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $(
                $(#[$vmeta])*
                $variant,
            )*
            /// A value this version does not know, kept verbatim.
            Other(String),
        }

        impl $name {
            /// Every known value: (wire value, display name, description).
            pub const VALUES: &'static [(&'static str, &'static str)] = &[$(($wire, $display)),*];

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Other(s) => s,
                }
            }

            /// Reads a wire value; an unknown one becomes `Other`.
            pub fn parse(s: &str) -> Self {
                match s {
                    $($wire => Self::$variant,)*
                    other => Self::Other(other.to_owned()),
                }
            }

            /// Whether the value is one this version knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let key = <$crate::wire::Key as serde::Deserialize>::deserialize(d)?;
                Ok(Self::parse(&key.0))
            }
        }

        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "enum": [$($wire),*],
                    "x-enum-display-names": [$($display),*],
                    "description": $crate::wire::first_doc(&[$(stringify!($meta)),*]),
                })
            }
        }
    };
}

/// The text of the first `doc = "..."` attribute among stringified attributes (for enum schemas).
#[doc(hidden)]
pub fn first_doc(attrs: &[&str]) -> String {
    let mut text = String::new();
    for a in attrs {
        let a = a.trim();
        if let Some(rest) = a.strip_prefix("doc = ") {
            let rest = rest.trim();
            let rest = rest.strip_prefix('r').unwrap_or(rest).trim_matches('#');
            let line = rest.trim_matches('"').trim();
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&line.replace("\\\"", "\"").replace("\\'", "'"));
        }
    }
    text
}

/// A money amount as the wire carries it: a JSON number, or (as in the PATCH docs' samples)
/// a numeric string. Which of the two it was is kept, so a round trip writes a string back as the
/// same string and a number as a number of the same value and kind (integer or float); a
/// number's spelling becomes canonical (`1e3` is written `1000.0`), as everywhere in serde_json.
#[derive(Debug, Clone, PartialEq)]
pub enum Amount {
    /// A JSON number, kept with its integer/float form.
    Number(serde_json::Number),
    /// A JSON string holding a number, e.g. `"10000"`.
    Text(String),
}

impl Amount {
    /// The amount as a float, or `None` when a text amount is not a number.
    pub fn value(&self) -> Option<f64> {
        match self {
            Amount::Number(n) => n.as_f64(),
            Amount::Text(s) => s.trim().parse::<f64>().ok().filter(|v| v.is_finite()),
        }
    }

    /// An amount from a float; integral values are written without a fraction.
    pub fn from_f64(v: f64) -> Option<Self> {
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            // Exact: the value is integral and within the range an i64 holds exactly.
            #[allow(clippy::cast_possible_truncation)]
            return Some(Amount::Number(serde_json::Number::from(v as i64)));
        }
        serde_json::Number::from_f64(v).map(Amount::Number)
    }
}

impl serde::Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Amount::Number(n) => n.serialize(s),
            Amount::Text(t) => s.serialize_str(t),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::Number(n) => Ok(Amount::Number(n)),
            Value::String(s) if s.trim().parse::<f64>().is_ok_and(f64::is_finite) => Ok(Amount::Text(s)),
            other => Err(de::Error::custom(format_args!("expected a number, found {}", kind(&other)))),
        }
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Amount {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Amount".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "number", "format": "double" })
    }
}

/// A short name for a JSON value's kind, for error messages.
pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
