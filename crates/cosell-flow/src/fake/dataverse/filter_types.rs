//! Type-checks a `$filter` against a table's columns as Dataverse does before it runs a query:
//! a literal must have the column's type (a quoted GUID is not a lookup id, `'true'` is not a
//! boolean), and lookup navigation (`parentaccountid/name`), which the fake does not model, is
//! refused. Real Dataverse answers both with 400; so does the fake, and records a violation.

use super::tables::{ColumnKind, Table};
use crate::fake::odata::{Filter, Function, Op, Operand};
use serde_json::Value;

/// An OData primitive type, by its `Edm.` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edm {
    Guid,
    String,
    Int32,
    Int64,
    Decimal,
    Boolean,
    DateTimeOffset,
    Date,
}

impl Edm {
    fn name(self) -> &'static str {
        match self {
            Edm::Guid => "Edm.Guid",
            Edm::String => "Edm.String",
            Edm::Int32 => "Edm.Int32",
            Edm::Int64 => "Edm.Int64",
            Edm::Decimal => "Edm.Decimal",
            Edm::Boolean => "Edm.Boolean",
            Edm::DateTimeOffset => "Edm.DateTimeOffset",
            Edm::Date => "Edm.Date",
        }
    }

    fn numeric(self) -> bool {
        matches!(self, Edm::Int32 | Edm::Int64 | Edm::Decimal)
    }

    /// Whether a literal of type `literal` may stand against a column of this type: the same
    /// type, numbers with numbers (OData promotes them), a Date against a DateTimeOffset.
    /// UNCERTAIN: a Date literal against a date-time column is taken as midnight UTC.
    fn accepts(self, literal: Edm) -> bool {
        self == literal
            || (self.numeric() && literal.numeric())
            || (self == Edm::DateTimeOffset && literal == Edm::Date)
    }
}

/// The column's type; `_x_value` is the lookup's id.
fn column_type(t: &Table, name: &str) -> Option<Edm> {
    if let Some(lookup) = name.strip_prefix('_').and_then(|n| n.strip_suffix("_value")) {
        return matches!(t.column(lookup), Some(ColumnKind::Lookup(_))).then_some(Edm::Guid);
    }
    Some(match t.column(name)? {
        ColumnKind::Id | ColumnKind::Lookup(_) => Edm::Guid,
        ColumnKind::Text | ColumnKind::Memo => Edm::String,
        ColumnKind::Integer | ColumnKind::Choice(_) => Edm::Int32,
        ColumnKind::Decimal => Edm::Decimal,
        ColumnKind::Boolean => Edm::Boolean,
        ColumnKind::DateTime => Edm::DateTimeOffset,
        ColumnKind::System if name == "versionnumber" => Edm::Int64,
        ColumnKind::System => Edm::DateTimeOffset,
    })
}

/// The literal's type; None for `null`, which stands against any column.
fn literal_type(operand: &Operand) -> Option<Edm> {
    match operand {
        Operand::Path(_) | Operand::Literal(Value::Null) => None,
        Operand::Guid(_) => Some(Edm::Guid),
        Operand::Instant { date_only: true, .. } => Some(Edm::Date),
        Operand::Instant { .. } => Some(Edm::DateTimeOffset),
        Operand::Literal(Value::Bool(_)) => Some(Edm::Boolean),
        Operand::Literal(Value::Number(n)) if n.as_f64().is_some_and(|f| f.fract() == 0.0) => Some(Edm::Int32),
        Operand::Literal(Value::Number(_)) => Some(Edm::Decimal),
        Operand::Literal(_) => Some(Edm::String),
    }
}

fn operator_kind(op: Op) -> &'static str {
    match op {
        Op::Eq => "Equal",
        Op::Ne => "NotEqual",
        Op::Gt => "GreaterThan",
        Op::Ge => "GreaterThanOrEqual",
        Op::Lt => "LessThan",
        Op::Le => "LessThanOrEqual",
    }
}

/// Refuses navigation and operands of incompatible types, with Dataverse's wording.
pub(super) fn check(filter: &Filter, t: &Table) -> Result<(), String> {
    match filter {
        Filter::And(a, b) | Filter::Or(a, b) => check(a, t).and_then(|()| check(b, t)),
        Filter::Not(a) => check(a, t),
        Filter::Compare(a, op, b) => {
            no_navigation(a)?;
            no_navigation(b)?;
            let (column, literal) = match (a, b) {
                (Operand::Path(p), other) | (other, Operand::Path(p)) if !matches!(other, Operand::Path(_)) => {
                    (p, other)
                }
                _ => return Ok(()),
            };
            let (Some(column), Some(literal)) = (column.first().and_then(|c| column_type(t, c)), literal_type(literal))
            else {
                return Ok(());
            };
            if column.accepts(literal) {
                return Ok(());
            }
            let (left, right) = if matches!(a, Operand::Path(_)) { (column, literal) } else { (literal, column) };
            Err(format!(
                "A binary operator with incompatible types was detected. Found operand types '{}' and '{}' for operator kind '{}'.",
                left.name(),
                right.name(),
                operator_kind(*op)
            ))
        }
        Filter::Call(f, a, b) => {
            no_navigation(a)?;
            no_navigation(b)?;
            let text = |o: &Operand| match o {
                Operand::Path(p) => p.first().and_then(|c| column_type(t, c)) == Some(Edm::String),
                other => literal_type(other) == Some(Edm::String),
            };
            if text(a) && text(b) {
                Ok(())
            } else {
                let name = match f {
                    Function::StartsWith => "startswith",
                    Function::EndsWith => "endswith",
                    Function::Contains => "contains",
                };
                Err(format!(
                    "No function signature for the function with name '{name}' matches the specified arguments."
                ))
            }
        }
    }
}

fn no_navigation(operand: &Operand) -> Result<(), String> {
    match operand {
        Operand::Path(p) if p.len() > 1 => Err(format!(
            "'{}' navigates a lookup, which the fake Dataverse does not model in $filter; filter on _{}_value",
            p.join("/"),
            p.first().map_or("", String::as_str)
        )),
        _ => Ok(()),
    }
}
