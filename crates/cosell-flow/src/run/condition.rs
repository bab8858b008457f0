//! Conditions of If, Until and Query: either an expression string (`@equals(…)`) or the
//! designer's condition object (`{"and": [{"equals": ["@…", "@true"]}]}`). Each comparison in an
//! object becomes the expression function of the same name applied to the evaluated operands,
//! so its type rules are the evaluator's, not a second copy here.

use super::engine::Run;
use crate::expr::{evaluate_expression, ExprError};
use serde_json::Value;

/// Comparisons the designer writes; each is the expression function of the same name.
const COMPARISONS: &[&str] =
    &["equals", "greater", "greaterOrEquals", "less", "lessOrEquals", "contains", "startsWith", "endsWith"];

impl Run<'_> {
    /// Evaluates a condition to a boolean.
    pub fn condition(&self, condition: &Value) -> Result<bool, ExprError> {
        match condition {
            Value::Bool(b) => Ok(*b),
            Value::Object(map) if map.len() == 1 => {
                let Some((op, operand)) = map.iter().next() else { return Err(bad("an empty condition")) };
                match (op.as_str(), operand) {
                    ("and", Value::Array(items)) => {
                        for item in items {
                            if !self.condition(item)? {
                                return Ok(false);
                            }
                        }
                        Ok(true)
                    }
                    ("or", Value::Array(items)) => {
                        for item in items {
                            if self.condition(item)? {
                                return Ok(true);
                            }
                        }
                        Ok(false)
                    }
                    ("not", inner) => self.condition(inner).map(|b| !b),
                    (op, Value::Array(args)) if COMPARISONS.contains(&op) => {
                        let literals =
                            args.iter().map(|a| self.eval(a).map(|v| literal(&v))).collect::<Result<Vec<_>, _>>()?;
                        truth(evaluate_expression(&format!("{op}({})", literals.join(", ")), self)?)
                    }
                    (op, _) => Err(bad(&format!("{op} is not a condition (and, or, not, {})", COMPARISONS.join(", ")))),
                }
            }
            other => truth(self.eval(other)?),
        }
    }
}

fn truth(value: Value) -> Result<bool, ExprError> {
    match value {
        Value::Bool(b) => Ok(b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        other => Err(bad(&format!("the condition must be a boolean, found {}", super::schema::kind(&other)))),
    }
}

fn bad(message: &str) -> ExprError {
    ExprError { position: 0, message: message.to_owned() }
}

/// A JSON value as an expression literal: strings quoted with `''` escapes, objects and arrays
/// through `json('…')`.
pub(super) fn literal(value: &Value) -> String {
    match value {
        Value::String(s) => format!("'{}'", s.replace('\'', "''")),
        Value::Array(_) | Value::Object(_) => format!("json('{}')", value.to_string().replace('\'', "''")),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::literal;
    use serde_json::json;

    #[test]
    fn literals() {
        assert_eq!(literal(&json!("it's")), "'it''s'");
        assert_eq!(literal(&json!(3)), "3");
        assert_eq!(literal(&json!(null)), "null");
        assert_eq!(literal(&json!(true)), "true");
        assert_eq!(literal(&json!({"a": "b'c"})), "json('{\"a\":\"b''c\"}')");
    }
}
