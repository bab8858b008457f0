//! What a rule reports.

use serde::Serialize;
use std::fmt;

/// How bad a finding is. Errors fail the lint (exit 1); warnings fail certification review only;
/// info is advice, reported only when asked for ([`crate::Options::info`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One rule violation, located by file and JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule id (Microsoft's where it has one), e.g. `OperationIdNotUnique`; see [`crate::Rule`].
    pub rule: &'static str,
    pub severity: Severity,
    /// `apiDefinition.swagger.json` or `apiProperties.json`.
    pub file: &'static str,
    /// RFC 6901 JSON pointer into `file` ("" = the whole document).
    pub pointer: String,
    pub message: String,
}

impl Finding {
    /// A finding of `rule`, with the rule's catalogue severity.
    pub fn new(rule: crate::catalog::Rule, file: &'static str, pointer: &str, message: String) -> Finding {
        Finding { rule: rule.id(), severity: rule.severity(), file, pointer: pointer.to_owned(), message }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} {}#{}: {}", self.severity, self.rule, self.file, self.pointer, self.message)
    }
}

/// Every finding of one lint run, errors first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
}

impl Report {
    /// Number of findings of `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity).count()
    }

    /// Whether any finding is an error (the lint fails).
    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// Findings of one rule (handy in tests).
    pub fn of_rule(&self, rule: &str) -> Vec<&Finding> {
        self.findings.iter().filter(|f| f.rule == rule).collect()
    }

    /// Human-readable text: one line per finding and a summary line
    /// (`E error(s), W warning(s)`, then `, I info` when there is info).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for f in &self.findings {
            out.push_str(&f.to_string());
            out.push('\n');
        }
        out.push_str(&format!(
            "{} error(s), {} warning(s)",
            self.count(Severity::Error),
            self.count(Severity::Warning)
        ));
        match self.count(Severity::Info) {
            0 => out.push('\n'),
            info => out.push_str(&format!(", {info} info\n")),
        }
        out
    }
}
