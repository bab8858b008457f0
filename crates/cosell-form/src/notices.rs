//! Findings → notifications on controls and one form-level summary, changing only what changed.
//!
//! `setNotification` blocks saving, so it is used only for errors the seller can fix now on a deal
//! that will sync; every other finding is a recommendation (`addNotification`, level
//! RECOMMENDATION, the title as its message and what to do as its action's body).

use crate::texts::FORM_MAX;
use crate::xrm::{Control, Form, FormLevel};

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

/// One notification on one control: a title (≤ 50 characters) and what to do (≤ 100).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: Kind,
    pub title: String,
    pub body: String,
}

/// One finding as the form shows it (the controller decides kind and texts).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The column (or the solutions table) whose controls show it.
    pub column: String,
    /// The notification id, one per rule.
    pub id: String,
    pub notice: Notice,
    /// Not an error: advice or information (for the summary's level).
    pub info_only: bool,
    /// The seller cannot act on it from a control now (its step then leads the summary).
    pub not_now: bool,
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

/// The notifications wanted per column: one per rule (the first finding of a rule on a column).
pub fn wanted(items: &[Item]) -> Vec<(String, Notices)> {
    let mut by_column: Vec<(String, Notices)> = Vec::new();
    for item in items {
        if !by_column.iter().any(|(c, _)| *c == item.column) {
            by_column.push((item.column.clone(), Vec::new()));
        }
        let Some(slot) = by_column.iter_mut().find(|(c, _)| *c == item.column).map(|(_, n)| n) else { continue };
        match slot.iter_mut().find(|(k, _)| *k == item.id).map(|(_, n)| n) {
            Some(existing) if item.notice.kind == Kind::Error => existing.kind = Kind::Error,
            Some(_) => {}
            None => slot.push((item.id.clone(), item.notice.clone())),
        }
    }
    by_column
}

/// The form summary, or `None` when there is nothing to say. One sentence of counts, then the
/// most useful detail when the whole text fits in 150 characters: the first blocking error, else
/// what to do about something that cannot be fixed on a control now, else the first title.
pub fn summary(items: &[Item]) -> Option<(String, FormLevel)> {
    let first = items.first()?;
    let errors: Vec<&Item> = items.iter().filter(|i| i.notice.kind == Kind::Error).collect();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let (head, detail, level) = if let Some(error) = errors.first() {
        let n = errors.len();
        (
            format!("Partner Center: fix {n} problem{} before saving.", plural(n)),
            error.notice.title.clone(),
            FormLevel::Error,
        )
    } else {
        let n = items.len();
        let detail =
            items.iter().find(|i| i.not_now).map_or_else(|| first.notice.title.clone(), |i| i.notice.body.clone());
        let level = if items.iter().all(|i| i.info_only) { FormLevel::Info } else { FormLevel::Warning };
        (format!("Partner Center advice ({n} item{}, saving is not blocked).", plural(n)), detail, level)
    };
    let text = format!("{head} {}.", detail.trim().trim_end_matches('.'));
    Some((if text.len() <= FORM_MAX { text } else { head }, level))
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
                // A control whose notices changed gets its whole set again, errors first: some
                // clients (xrm-mock among them) drop a control's other notices on setNotification.
                if before != Some(&notices) {
                    for (id, _) in before.into_iter().flatten() {
                        control.clear_notification(id);
                    }
                    let errors_first = notices.iter().filter(|(_, n)| n.kind == Kind::Error);
                    for (id, notice) in errors_first.chain(notices.iter().filter(|(_, n)| n.kind != Kind::Error)) {
                        // A control without notifications (a subgrid) leaves the message to the summary.
                        match notice.kind {
                            Kind::Error => control.set_error(&format!("{}. {}", notice.title, notice.body), id),
                            Kind::Recommendation => control.add_recommendation(&notice.title, &notice.body, id),
                        };
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
            // Cleared first: some clients keep the old text when an id is set again.
            form.clear_form_notification(SUMMARY_ID);
            if let Some((text, level)) = &wanted_summary {
                form.set_form_notification(text, *level, SUMMARY_ID);
            }
            self.summary = wanted_summary;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(column: &str, id: &str, kind: Kind, title: &str, not_now: bool) -> Item {
        let body = format!("Do something about {title}.");
        Item {
            column: column.into(),
            id: id.into(),
            notice: Notice { kind, title: title.into(), body },
            info_only: false,
            not_now,
        }
    }

    #[test]
    fn one_notice_per_rule_and_column_an_error_wins() {
        let items = [
            item("a", "r1", Kind::Recommendation, "First", false),
            item("a", "r1", Kind::Error, "Second", false),
            item("b", "r1", Kind::Recommendation, "Third", false),
        ];
        let wanted = wanted(&items);
        assert_eq!(wanted.len(), 2);
        let (column, notices) = &wanted[0];
        assert_eq!((column.as_str(), notices.len()), ("a", 1));
        assert_eq!((notices[0].1.kind, notices[0].1.title.as_str()), (Kind::Error, "First"));
    }

    #[test]
    fn the_summary_counts_and_leads_with_what_matters() {
        assert_eq!(summary(&[]), None);
        let blocking =
            [item("a", "r1", Kind::Recommendation, "Advice", false), item("b", "r2", Kind::Error, "Broken", false)];
        let (text, level) = summary(&blocking).unwrap();
        assert_eq!(level, FormLevel::Error);
        assert_eq!(text, "Partner Center: fix 1 problem before saving. Broken.");
        let later = [
            item("a", "r1", Kind::Recommendation, "Advice", false),
            item("t", "r2", Kind::Recommendation, "Later", true),
        ];
        let (text, level) = summary(&later).unwrap();
        assert_eq!(level, FormLevel::Warning);
        assert_eq!(text, "Partner Center advice (2 items, saving is not blocked). Do something about Later.");
        let long = [item("a", "r1", Kind::Error, &"word ".repeat(40), false)];
        let (text, _) = summary(&long).unwrap();
        assert_eq!(
            text, "Partner Center: fix 1 problem before saving.",
            "a detail that does not fit is left out whole"
        );
    }
}
