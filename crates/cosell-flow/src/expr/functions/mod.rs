//! The function table: every function the evaluator runs itself, one row each (name, arity,
//! body), grouped by the reference's categories. Workflow functions (`body`, `variables`, …) are
//! not here: they go to [`crate::expr::Scope::runtime`].

mod collection;
mod conversion;
mod date;
mod logical;
mod math;
mod object;
mod string;
mod uri;

use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::value::{type_name, Num};
use super::Scope;

/// One function of the language.
#[derive(Debug)]
pub(crate) struct Builtin {
    /// As the reference spells it (lookup ignores case).
    pub name: &'static str,
    pub min: usize,
    /// `None`: any number of arguments from `min` on.
    pub max: Option<usize>,
    pub run: Run,
}

/// How a function gets its arguments.
#[derive(Debug)]
pub(crate) enum Run {
    /// All arguments evaluated first, left to right.
    Eager(fn(&mut Args<'_>) -> Result<Value, String>),
    /// The evaluator evaluates only what is needed (see [`Lazy`]).
    Lazy(Lazy),
}

/// Functions that do not evaluate every argument.
///
/// UNCERTAIN: the Logic Apps runtime short-circuits `if`, `and`, `or` and `coalesce` (a false
/// `if` branch that would fail does not fail the run; reported behaviour, not documented). Making
/// one of them eager is a one-line change in its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lazy {
    If,
    And,
    Or,
    Coalesce,
}

impl Builtin {
    pub(crate) fn check_arity(&self, given: usize) -> Result<(), String> {
        let ok = given >= self.min && self.max.is_none_or(|max| given <= max);
        if ok {
            return Ok(());
        }
        let wanted = match self.max {
            Some(max) if max == self.min => format!("{max}"),
            Some(max) => format!("{} to {max}", self.min),
            None => format!("at least {}", self.min),
        };
        let plural = if wanted == "1" { "" } else { "s" };
        Err(format!("{}() takes {wanted} argument{plural}, not {given}", self.name))
    }
}

/// Table row shorthand: `row(name, min, max, body)`, `max` `usize::MAX` for "any number".
pub(crate) const fn row(
    name: &'static str,
    min: usize,
    max: usize,
    body: fn(&mut Args<'_>) -> Result<Value, String>,
) -> Builtin {
    Builtin { name, min, max: if max == usize::MAX { None } else { Some(max) }, run: Run::Eager(body) }
}

pub(crate) const ANY: usize = usize::MAX;

const LAZY: &[Builtin] = &[
    Builtin { name: "if", min: 3, max: Some(3), run: Run::Lazy(Lazy::If) },
    Builtin { name: "and", min: 1, max: None, run: Run::Lazy(Lazy::And) },
    Builtin { name: "or", min: 1, max: None, run: Run::Lazy(Lazy::Or) },
    Builtin { name: "coalesce", min: 1, max: None, run: Run::Lazy(Lazy::Coalesce) },
];

/// Every category's rows.
fn tables() -> [&'static [Builtin]; 9] {
    [
        LAZY,
        collection::FUNCTIONS,
        conversion::FUNCTIONS,
        date::FUNCTIONS,
        logical::FUNCTIONS,
        math::FUNCTIONS,
        object::FUNCTIONS,
        string::FUNCTIONS,
        uri::FUNCTIONS,
    ]
}

/// Every function the evaluator implements, in table order.
pub fn all() -> impl Iterator<Item = &'static str> {
    tables().into_iter().flatten().map(|b| b.name)
}

/// The function named `name`, ignoring ASCII case (a binary search over the sorted names, so
/// parsing allocates nothing to find a function).
pub(crate) fn lookup(name: &str) -> Option<&'static Builtin> {
    static INDEX: OnceLock<Vec<&'static Builtin>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut all: Vec<&'static Builtin> = tables().into_iter().flatten().collect();
        all.sort_by(|a, b| folded_cmp(a.name, b.name));
        all
    });
    index.binary_search_by(|b| folded_cmp(b.name, name)).ok().and_then(|i| index.get(i).copied())
}

fn folded_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// The evaluated arguments of one call, with typed accessors whose errors name the argument.
pub(crate) struct Args<'s> {
    pub values: Vec<Value>,
    pub scope: &'s dyn Scope,
}

pub(crate) fn wrong(index: usize, wanted: &str, found: &Value) -> String {
    format!("argument {} must be {wanted}, not {}", index + 1, describe(found))
}

/// A value for an error message: its type, and short values themselves.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Array(_) | Value::Object(_) => format!("an {}", type_name(value)),
        _ => {
            let text = value.to_string();
            let article = if matches!(value, Value::Number(n) if n.is_i64() || n.is_u64()) { "an" } else { "a" };
            if text.chars().count() > 40 {
                format!("{article} {}", type_name(value))
            } else {
                format!("{article} {} ({text})", type_name(value))
            }
        }
    }
}

impl Args<'_> {
    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }

    pub(crate) fn get(&self, index: usize) -> &Value {
        self.values.get(index).unwrap_or(&Value::Null)
    }

    /// The argument, moved out (null if absent).
    pub(crate) fn take(&mut self, index: usize) -> Value {
        self.values.get_mut(index).map(std::mem::take).unwrap_or(Value::Null)
    }

    /// An optional argument: absent and null are both "not given".
    pub(crate) fn optional(&self, index: usize) -> Option<&Value> {
        self.values.get(index).filter(|v| !v.is_null())
    }

    pub(crate) fn string(&self, index: usize) -> Result<&str, String> {
        match self.get(index) {
            Value::String(s) => Ok(s),
            other => Err(wrong(index, "a string", other)),
        }
    }

    pub(crate) fn optional_string(&self, index: usize) -> Result<Option<&str>, String> {
        self.optional(index).map(|_| self.string(index)).transpose()
    }

    /// A string argument where null reads as the empty string (the documented rule for
    /// comparisons and the string functions that accept null).
    pub(crate) fn string_or_empty(&self, index: usize) -> Result<&str, String> {
        match self.get(index) {
            Value::Null => Ok(""),
            _ => self.string(index),
        }
    }

    pub(crate) fn int(&self, index: usize) -> Result<i64, String> {
        match Num::of(self.get(index)) {
            Some(Num::Int(i)) => Ok(i),
            Some(Num::Float(f)) if f.fract() == 0.0 && f.abs() < 9.0e18 => Ok(f as i64),
            _ => Err(wrong(index, "an integer", self.get(index))),
        }
    }

    pub(crate) fn optional_int(&self, index: usize) -> Result<Option<i64>, String> {
        self.optional(index).map(|_| self.int(index)).transpose()
    }

    /// An integer argument used as a count or position: negative is an error.
    pub(crate) fn count(&self, index: usize) -> Result<usize, String> {
        let i = self.int(index)?;
        usize::try_from(i).map_err(|_| format!("argument {} must not be negative, not {i}", index + 1))
    }

    pub(crate) fn number(&self, index: usize) -> Result<Num, String> {
        Num::of(self.get(index)).ok_or_else(|| wrong(index, "a number", self.get(index)))
    }

    pub(crate) fn bool(&self, index: usize) -> Result<bool, String> {
        match self.get(index) {
            Value::Bool(b) => Ok(*b),
            other => Err(wrong(index, "a boolean", other)),
        }
    }

    pub(crate) fn array(&self, index: usize) -> Result<&Vec<Value>, String> {
        match self.get(index) {
            Value::Array(items) => Ok(items),
            other => Err(wrong(index, "an array", other)),
        }
    }

    pub(crate) fn object(&self, index: usize) -> Result<&Map<String, Value>, String> {
        match self.get(index) {
            Value::Object(map) => Ok(map),
            other => Err(wrong(index, "an object", other)),
        }
    }

    pub(crate) fn wrong(&self, index: usize, wanted: &str) -> String {
        wrong(index, wanted, self.get(index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_ignoring_case() {
        let mut names: Vec<String> = all().map(str::to_ascii_lowercase).collect();
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count);
    }

    #[test]
    fn lookup_ignores_case() {
        assert_eq!(lookup("TOLOWER").map(|b| b.name), Some("toLower"));
        assert!(lookup("body").is_none());
    }
}
