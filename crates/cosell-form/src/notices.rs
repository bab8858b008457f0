//! Findings → notifications on controls and one form-level summary, changing only what changed.
//!
//! `setNotification` blocks saving, so it is used only for errors on a deal that will sync; every
//! other finding is a recommendation (`addNotification` with level RECOMMENDATION).

use crate::xrm::{Control, Form, FormLevel};
use cosell_core::{Finding, Severity};

/// The form-level summary's notification id.
pub const SUMMARY_ID: &str = "cosell-summary";

/// How a control notification is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Red X; blocks saving.
    Error,
    /// Advice; never blocks.
    Recommendation,
}

/// One notification on one control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: Kind,
    pub text: String,
}

/// Notification id → notice, for one column or control (small: plain vectors keep the bundle small).
pub type Notices = Vec<(String, Notice)>;

/// What the form shows now: per control name, its notices; and the summary.
#[derive(Debug, Default)]
pub struct Shown {
    controls: Vec<(String, Notices)>,
    summary: Option<(String, FormLevel)>,
}

fn lookup<'a, T>(pairs: &'a [(String, T)], key: &str) -> Option<&'a T> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// The notifications wanted for a set of findings. `blocking` is true when errors block saving
/// (Sync with Partner Center is Yes and the checks have complete data).
pub fn wanted(findings: &[Finding], blocking: bool) -> Vec<(String, Notices)> {
    let mut by_column: Vec<(String, Notices)> = Vec::new();
    for f in findings {
        let kind = if blocking && f.severity == Severity::Error { Kind::Error } else { Kind::Recommendation };
        let id = format!("cosell-{}", f.rule.as_str());
        let text = format!("{} {}", f.message, f.hint);
        if !by_column.iter().any(|(c, _)| *c == f.column) {
            by_column.push((f.column.clone(), Vec::new()));
        }
        let Some(slot) = by_column.iter_mut().find(|(c, _)| *c == f.column).map(|(_, n)| n) else { continue };
        match slot.iter_mut().find(|(k, _)| *k == id).map(|(_, n)| n) {
            Some(existing) => {
                existing.text.push(' ');
                existing.text.push_str(&f.message);
                if kind == Kind::Error {
                    existing.kind = Kind::Error;
                }
            }
            None => slot.push((id, Notice { kind, text })),
        }
    }
    by_column
}

/// The form summary for a set of findings, or `None` when there is nothing to say.
pub fn summary(findings: &[Finding], blocking: bool) -> Option<(String, FormLevel)> {
    if findings.is_empty() {
        return None;
    }
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let messages = findings.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join(" • ");
    let n = findings.len();
    let plural = if n == 1 { "" } else { "s" };
    if blocking && errors > 0 {
        let eplural = if errors == 1 { "" } else { "s" };
        Some((format!("Partner Center: fix {errors} problem{eplural} before saving (Sync with Partner Center is Yes): {messages}"), FormLevel::Error))
    } else {
        let level =
            if findings.iter().any(|f| f.severity != Severity::Info) { FormLevel::Warning } else { FormLevel::Info };
        Some((format!("Partner Center advice ({n} item{plural}; saving is not blocked): {messages}"), level))
    }
}

impl Shown {
    /// Brings the form from what it shows to what is wanted. `controls_for` gives the controls of a column.
    pub fn apply(
        &mut self,
        form: &Form,
        wanted_by_column: Vec<(String, Notices)>,
        wanted_summary: Option<(String, FormLevel)>,
        mut controls_for: impl FnMut(&str) -> Vec<Control>,
    ) {
        let mut next: Vec<(String, Notices)> = Vec::new();
        for (column, notices) in wanted_by_column {
            let controls = controls_for(&column);
            for control in controls {
                let Some(name) = control.name() else { continue };
                let before = lookup(&self.controls, &name);
                for (id, notice) in &notices {
                    if before.and_then(|b| lookup(b, id)) == Some(notice) {
                        continue;
                    }
                    control.clear_notification(id);
                    // A control without notifications (a subgrid) leaves the message to the summary.
                    match notice.kind {
                        Kind::Error => control.set_error(&notice.text, id),
                        Kind::Recommendation => control.add_recommendation(&notice.text, id),
                    };
                }
                if let Some(before) = before {
                    for (id, _) in before.iter().filter(|(id, _)| lookup(&notices, id).is_none()) {
                        control.clear_notification(id);
                    }
                }
                next.push((name, notices.clone()));
            }
        }
        for (name, before) in &self.controls {
            if lookup(&next, name).is_some() {
                continue;
            }
            if let Some(control) = form.control(name) {
                for (id, _) in before {
                    control.clear_notification(id);
                }
            }
        }
        self.controls = next;
        if self.summary != wanted_summary {
            match &wanted_summary {
                Some((text, level)) => form.set_form_notification(text, *level, SUMMARY_ID),
                None => form.clear_form_notification(SUMMARY_ID),
            }
            self.summary = wanted_summary;
        }
    }
}
