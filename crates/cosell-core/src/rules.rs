//! Validation of an opportunity before it is synced.
use crate::snapshot::Snapshot;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// A stable rule identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleId {
    HelpNeedsContact,
}

/// One problem found.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: RuleId,
    pub severity: Severity,
    pub column: String,
    pub message: String,
    pub hint: String,
}

/// Runs every rule.
pub fn validate(_s: &Snapshot) -> Vec<Finding> {
    Vec::new()
}
