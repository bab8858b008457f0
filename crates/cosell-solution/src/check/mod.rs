//! The checker: reads any solution zip or unpacked folder and reports findings like `cosell
//! lint`'s (rule id, severity, file, XML path, message). See [`rules`] for the rule table.

pub mod load;
pub mod rules;
pub mod xmltree;
pub mod xsd;

use serde::Serialize;
use std::fmt;

pub use load::{load, Files, LoadError};

/// How bad a finding is: errors fail the check (exit 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One finding, located by file and XML path (or JSON pointer for JSON files).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub file: String,
    pub path: String,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} {}#{}: {}", self.severity, self.rule, self.file, self.path, self.message)
    }
}

/// Every finding of one check, errors first, plus notices (passes skipped and why).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub notices: Vec<String>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity).count()
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// Findings of one rule (handy in tests).
    pub fn of_rule(&self, rule: &str) -> Vec<&Finding> {
        self.findings.iter().filter(|f| f.rule == rule).collect()
    }

    /// One line per finding, then a summary line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for f in &self.findings {
            out.push_str(&f.to_string());
            out.push('\n');
        }
        out.push_str(&format!(
            "{} error(s), {} warning(s)\n",
            self.count(Severity::Error),
            self.count(Severity::Warning)
        ));
        out
    }

    fn sort(&mut self) {
        self.findings.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.file.cmp(&b.file)));
    }
}

/// Options of a check.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Microsoft's XSDs (`CustomizationsSolution.xsd` and its includes); `None` skips the XSD pass.
    pub schemas: Option<std::path::PathBuf>,
}

/// Checks a loaded package: the consistency rules, then the XSD pass when schemas are given.
pub fn check(files: &Files, options: &Options) -> Report {
    let mut report = Report { findings: rules::run(files), notices: Vec::new() };
    match &options.schemas {
        Some(dir) => match xsd::validate(files, dir) {
            Ok(findings) => report.findings.extend(findings),
            Err(notice) => report.notices.push(notice),
        },
        None => report.notices.push("XSD validation skipped: no schema folder".to_owned()),
    }
    report.sort();
    report
}
