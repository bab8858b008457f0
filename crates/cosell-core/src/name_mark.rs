//! The ✔/✖ sync mark in the opportunity name.
//!
//! The seed solution puts a check mark next to a synced opportunity's name and a cross when the
//! sync fails. The exact characters and position are undocumented (UNCERTAIN); we choose a
//! prefix "✔ " / "✖ " and strip any known mark at either end before a name goes to Partner
//! Center or into a comparison, so a mark never echoes into the referral.

/// The mark after a successful sync.
pub const SYNCED: char = '✔';
/// The mark after a failed sync.
pub const FAILED: char = '✖';

/// Every character recognised as a mark (including look-alikes other tools write).
const MARKS: [char; 6] = ['✔', '✖', '✓', '✗', '❌', '✅'];

/// The name without any sync mark at its start or end, trimmed.
pub fn strip(name: &str) -> &str {
    name.trim_matches(|c: char| c.is_whitespace() || MARKS.contains(&c))
}

/// The name to show: the bare name with the mark for the sync outcome as a prefix.
pub fn with_mark(name: &str, synced_ok: bool) -> String {
    let mark = if synced_ok { SYNCED } else { FAILED };
    format!("{mark} {}", strip(name))
}

/// The name after a sync, honouring the `cosell_DisplayCheckMark` environment variable: marked
/// when it is Yes, bare (any old mark removed) when it is No.
pub fn decorate(name: &str, synced_ok: bool, display_check_mark: bool) -> String {
    if display_check_mark {
        with_mark(name, synced_ok)
    } else {
        strip(name).to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_marks_at_both_ends() {
        assert_eq!(strip("✔ Contoso deal"), "Contoso deal");
        assert_eq!(strip("Contoso deal ✖"), "Contoso deal");
        assert_eq!(strip("  ✅✔ Contoso ✓ deal ❌ "), "Contoso ✓ deal");
        assert_eq!(strip("Plain"), "Plain");
    }

    #[test]
    fn marking_replaces_the_old_mark() {
        assert_eq!(with_mark("✖ Deal", true), "✔ Deal");
        assert_eq!(with_mark("Deal", false), "✖ Deal");
        assert_eq!(with_mark(&with_mark("Deal", true), true), "✔ Deal");
    }

    #[test]
    fn decoration_honours_the_environment_variable() {
        assert_eq!(decorate("✔ Deal", false, true), "✖ Deal");
        assert_eq!(decorate("✔ Deal", true, false), "Deal");
        assert_eq!(decorate(&decorate("Deal", true, true), true, true), "✔ Deal", "idempotent");
    }
}
