//! The referral status machine (Partner Center `referral-resources`, "status transition" table).
//!
//! | Status | Allowed next status | Allowed substatus |
//! |---|---|---|
//! | New | New, Active, Closed | Pending, Received |
//! | Active | Active, Closed | Accepted |
//! | Closed | Closed (terminal) | Won, Lost, Declined, Expired |

use crate::referral::{ReferralStatus as S, ReferralSubstatus as Sub};
use std::fmt;

/// Why a status change is not allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionError {
    /// The substatus does not belong to the status (e.g. Active/Won).
    SubstatusNotAllowed { status: String, substatus: String },
    /// The status cannot follow the current one (e.g. Active → New, Closed → anything else).
    StatusNotAllowed { from: String, to: String },
    /// The referral is closed; nothing may change any more.
    Terminal { substatus: String },
    /// A status or substatus this version does not know.
    Unknown { value: String },
}

impl fmt::Display for TransitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransitionError::SubstatusNotAllowed { status, substatus } => {
                write!(f, "substatus {substatus} is not allowed with status {status}")
            }
            TransitionError::StatusNotAllowed { from, to } => {
                write!(f, "a referral cannot go from {from} to {to}")
            }
            TransitionError::Terminal { substatus } => {
                write!(f, "the referral is closed ({substatus}); no further change is allowed")
            }
            TransitionError::Unknown { value } => write!(f, "unknown status or substatus {value}"),
        }
    }
}

/// The substatuses allowed with a status.
pub fn allowed_substatuses(status: &S) -> &'static [Sub] {
    match status {
        S::New => &[Sub::Pending, Sub::Received],
        S::Active => &[Sub::Accepted],
        S::Closed => &[Sub::Won, Sub::Lost, Sub::Declined, Sub::Expired],
        S::None | S::Other(_) => &[],
    }
}

/// The statuses a referral may move to from a status (including staying).
pub fn allowed_next(status: &S) -> &'static [S] {
    match status {
        S::New => &[S::New, S::Active, S::Closed],
        S::Active => &[S::Active, S::Closed],
        S::Closed => &[S::Closed],
        S::None | S::Other(_) => &[],
    }
}

/// Checks that (status, substatus) is a valid pair.
pub fn check_pair(status: &S, substatus: &Sub) -> Result<(), TransitionError> {
    if let S::Other(v) = status {
        return Err(TransitionError::Unknown { value: v.clone() });
    }
    if let Sub::Other(v) = substatus {
        return Err(TransitionError::Unknown { value: v.clone() });
    }
    if allowed_substatuses(status).contains(substatus) {
        Ok(())
    } else {
        Err(TransitionError::SubstatusNotAllowed { status: status.to_string(), substatus: substatus.to_string() })
    }
}

/// Checks a change from one (status, substatus) to another.
///
/// Staying exactly where the referral is, is always allowed (a no-op). A closed referral is
/// terminal: any other change is refused.
pub fn check_transition(from: (&S, &Sub), to: (&S, &Sub)) -> Result<(), TransitionError> {
    if from == to {
        return Ok(());
    }
    check_pair(to.0, to.1)?;
    if *from.0 == S::Closed {
        return Err(TransitionError::Terminal { substatus: from.1.to_string() });
    }
    if let S::Other(v) = from.0 {
        return Err(TransitionError::Unknown { value: v.clone() });
    }
    // `None` is the status of a referral that does not exist yet: anything valid may start.
    if *from.0 == S::None || allowed_next(from.0).contains(to.0) {
        Ok(())
    } else {
        Err(TransitionError::StatusNotAllowed { from: from.0.to_string(), to: to.0.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_pair_is_valid() {
        for (s, subs) in [
            (S::New, vec![Sub::Pending, Sub::Received]),
            (S::Active, vec![Sub::Accepted]),
            (S::Closed, vec![Sub::Won, Sub::Lost, Sub::Declined, Sub::Expired]),
        ] {
            for sub in subs {
                assert_eq!(check_pair(&s, &sub), Ok(()), "{s}/{sub}");
            }
        }
    }

    #[test]
    fn mismatched_pairs_are_refused() {
        assert!(matches!(check_pair(&S::Active, &Sub::Won), Err(TransitionError::SubstatusNotAllowed { .. })));
        assert!(matches!(check_pair(&S::New, &Sub::Accepted), Err(TransitionError::SubstatusNotAllowed { .. })));
        assert!(matches!(check_pair(&S::Closed, &Sub::Pending), Err(TransitionError::SubstatusNotAllowed { .. })));
        assert!(matches!(check_pair(&S::None, &Sub::None), Err(TransitionError::SubstatusNotAllowed { .. })));
        assert!(matches!(check_pair(&S::Other("Paused".into()), &Sub::Pending), Err(TransitionError::Unknown { .. })));
    }

    #[test]
    fn forward_transitions_are_allowed() {
        assert_eq!(check_transition((&S::New, &Sub::Pending), (&S::Active, &Sub::Accepted)), Ok(()));
        assert_eq!(check_transition((&S::New, &Sub::Pending), (&S::New, &Sub::Received)), Ok(()));
        assert_eq!(check_transition((&S::New, &Sub::Received), (&S::Closed, &Sub::Declined)), Ok(()));
        assert_eq!(check_transition((&S::Active, &Sub::Accepted), (&S::Closed, &Sub::Won)), Ok(()));
        assert_eq!(check_transition((&S::None, &Sub::None), (&S::New, &Sub::Pending)), Ok(()));
    }

    #[test]
    fn backward_and_post_close_transitions_are_refused() {
        assert!(matches!(
            check_transition((&S::Active, &Sub::Accepted), (&S::New, &Sub::Pending)),
            Err(TransitionError::StatusNotAllowed { .. })
        ));
        assert!(matches!(
            check_transition((&S::Closed, &Sub::Won), (&S::Active, &Sub::Accepted)),
            Err(TransitionError::Terminal { .. })
        ));
        assert!(matches!(
            check_transition((&S::Closed, &Sub::Won), (&S::Closed, &Sub::Lost)),
            Err(TransitionError::Terminal { .. })
        ));
        assert_eq!(check_transition((&S::Closed, &Sub::Won), (&S::Closed, &Sub::Won)), Ok(()));
    }
}
