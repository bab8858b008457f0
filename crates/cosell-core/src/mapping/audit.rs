//! The Audit column: a bounded trail of sync outcomes, one line per entry, newest last.
//!
//! The core has no clock: the caller (the flow) passes the entry's timestamp. Lines are dropped
//! oldest first so the column never exceeds its length; the length is counted in UTF-16 code
//! units, as Dataverse counts text.

use crate::referral::ApiError;

/// The length of the Audit column (`cosell_audit`, multiple lines of text). Our choice, like the
/// seed's Salesforce field (Long Text Area 100000); the solution must define the column with it.
pub const AUDIT_MAX_CHARS: usize = 100_000;

/// Which way the sync went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditDirection {
    ToPartnerCenter,
    FromPartnerCenter,
}

/// What the sync did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditOutcome {
    Success,
    Failure,
    /// Nothing to do: no difference, an echo of the sync's own write, or excluded by configuration.
    Skipped,
}

/// One audit entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// When it happened, as the caller formats it (ISO 8601 UTC recommended).
    pub timestamp: String,
    pub direction: AuditDirection,
    pub outcome: AuditOutcome,
    /// The error code, such as Partner Center's `preconditionFailed`, for failures.
    pub code: Option<String>,
    pub message: String,
}

impl AuditEntry {
    /// A failure entry from a Partner Center error body (its code and message, and the inner
    /// error's message when there is one).
    pub fn from_api_error(timestamp: &str, direction: AuditDirection, error: &ApiError) -> AuditEntry {
        let detail = error.error.as_ref();
        let mut message = detail.and_then(|d| d.message.clone()).unwrap_or_else(|| "unknown error".to_owned());
        if let Some(inner) = detail.and_then(|d| d.inner_error.as_ref()).and_then(|i| i.message.as_deref()) {
            message = format!("{message} ({inner})");
        }
        AuditEntry {
            timestamp: timestamp.to_owned(),
            direction,
            outcome: AuditOutcome::Failure,
            code: detail.and_then(|d| d.code.clone()),
            message,
        }
    }

    /// The entry as one line: `2026-11-26T22:05:52Z ✖ Dynamics 365 → Partner Center failed [code]: message`.
    pub fn line(&self) -> String {
        let (mark, verb) = match self.outcome {
            AuditOutcome::Success => ('✔', "synced"),
            AuditOutcome::Failure => ('✖', "failed"),
            AuditOutcome::Skipped => ('–', "skipped"),
        };
        let route = match self.direction {
            AuditDirection::ToPartnerCenter => "Dynamics 365 → Partner Center",
            AuditDirection::FromPartnerCenter => "Partner Center → Dynamics 365",
        };
        let code = self.code.as_deref().map(|c| format!(" [{}]", one_line(c))).unwrap_or_default();
        format!("{} {mark} {route} {verb}{code}: {}", one_line(&self.timestamp), one_line(&self.message))
    }
}

/// The Audit column's new text: the existing lines plus the entry, oldest lines dropped so the
/// text fits in `max_len` UTF-16 units. An entry longer than the column on its own is cut.
pub fn append_audit(existing: Option<&str>, entry: &AuditEntry, max_len: usize) -> String {
    let line = truncate(&entry.line(), max_len);
    let mut lines: Vec<&str> = existing.unwrap_or("").lines().filter(|l| !l.trim().is_empty()).collect();
    let mut total: usize = lines.iter().map(|l| utf16_len(l) + 1).sum::<usize>() + utf16_len(&line);
    let mut drop = 0;
    while total > max_len && drop < lines.len() {
        total -= lines.get(drop).map_or(0, |l| utf16_len(l) + 1);
        drop += 1;
    }
    lines.drain(..drop);
    lines.push(&line);
    lines.join("\n")
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text cut to at most `max_len` UTF-16 units, ending in `…` when cut.
fn truncate(s: &str, max_len: usize) -> String {
    if utf16_len(s) <= max_len {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut len = 0;
    for c in s.chars() {
        if len + c.len_utf16() + 1 > max_len {
            break;
        }
        len += c.len_utf16();
        out.push(c);
    }
    if max_len > 0 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(outcome: AuditOutcome, message: &str) -> AuditEntry {
        AuditEntry {
            timestamp: "2026-11-26T22:05:52Z".into(),
            direction: AuditDirection::ToPartnerCenter,
            outcome,
            code: None,
            message: message.into(),
        }
    }

    #[test]
    fn lines_say_when_which_way_and_what() {
        assert_eq!(
            entry(AuditOutcome::Success, "referral r1 created").line(),
            "2026-11-26T22:05:52Z ✔ Dynamics 365 → Partner Center synced: referral r1 created"
        );
        let mut e = entry(AuditOutcome::Failure, "eTag\nmismatch");
        e.code = Some("preconditionFailed".into());
        e.direction = AuditDirection::FromPartnerCenter;
        assert_eq!(
            e.line(),
            "2026-11-26T22:05:52Z ✖ Partner Center → Dynamics 365 failed [preconditionFailed]: eTag mismatch"
        );
        assert!(entry(AuditOutcome::Skipped, "echo").line().contains("skipped"));
    }

    #[test]
    fn api_errors_give_code_and_messages() {
        let error: ApiError = crate::json::from_str(
            r#"{"error":{"code":"unAuthorized","message":"Caller is not authorized","innerError":{"code":"x","message":"Unauthorized referral access"}}}"#,
        )
        .unwrap();
        let e = AuditEntry::from_api_error("t", AuditDirection::ToPartnerCenter, &error);
        assert_eq!(e.code.as_deref(), Some("unAuthorized"));
        assert_eq!(e.message, "Caller is not authorized (Unauthorized referral access)");
        assert_eq!(
            AuditEntry::from_api_error("t", AuditDirection::ToPartnerCenter, &ApiError::default()).message,
            "unknown error"
        );
    }

    #[test]
    fn entries_append_newest_last() {
        let one = append_audit(None, &entry(AuditOutcome::Success, "a"), AUDIT_MAX_CHARS);
        let two = append_audit(Some(&one), &entry(AuditOutcome::Success, "b"), AUDIT_MAX_CHARS);
        assert_eq!(two.lines().count(), 2);
        assert!(two.ends_with(": b"));
    }

    #[test]
    fn oldest_lines_are_dropped_to_fit() {
        let mut text = String::new();
        for i in 0..50 {
            text = append_audit(Some(&text), &entry(AuditOutcome::Success, &format!("entry {i}")), 300);
            assert!(utf16_len(&text) <= 300, "{}", utf16_len(&text));
        }
        assert!(text.ends_with("entry 49"));
        assert!(!text.contains("entry 0\n"));
        let kept: Vec<_> = text.lines().collect();
        assert!(kept.len() > 1 && kept.len() < 50);
    }

    #[test]
    fn an_entry_longer_than_the_column_is_cut() {
        let long = "✖".repeat(500);
        let text = append_audit(Some("old"), &entry(AuditOutcome::Failure, &long), 120);
        assert!(utf16_len(&text) <= 120);
        assert!(text.ends_with('…') && !text.contains("old"));
        assert_eq!(append_audit(None, &entry(AuditOutcome::Failure, "x"), 0), "");
    }
}
