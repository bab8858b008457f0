//! Retry policies as Logic Apps documents them ("Handle errors and exceptions", retry policies):
//! a request that ends in 408, 429, 5xx or a timeout is sent again per the policy; the waits are
//! virtual time and random intervals come from the caller's seed.

use super::clock::parse_duration;
use serde_json::Value;

/// A parsed `retryPolicy`.
#[derive(Debug, Clone, PartialEq)]
pub enum RetryPolicy {
    None,
    Fixed { count: u32, interval_millis: i64 },
    Exponential { count: u32, interval_millis: i64, minimum_millis: i64, maximum_millis: i64 },
}

/// The documented limit on `count`.
const MAX_COUNT: i64 = 90;

impl RetryPolicy {
    /// The policy used when none is given: up to four retries, exponential, scaled by 7.5 s and
    /// capped between 5 and 45 s (the docs' prose; their JSON sample says PT7S and PT1H).
    /// UNCERTAIN: 7.5 s / 5 s / 45 s taken from the prose.
    pub const DEFAULT: RetryPolicy =
        RetryPolicy::Exponential { count: 4, interval_millis: 7_500, minimum_millis: 5_000, maximum_millis: 45_000 };

    /// Reads an evaluated `retryPolicy` value (absent or null: the default policy).
    pub fn from_value(value: Option<&Value>) -> Result<RetryPolicy, String> {
        let Some(value) = value.filter(|v| !v.is_null()) else { return Ok(RetryPolicy::DEFAULT) };
        let kind = value.get("type").and_then(Value::as_str).ok_or("retryPolicy needs a type")?;
        let count = || -> Result<u32, String> {
            let c = value.get("count").ok_or("retryPolicy needs a count")?;
            let c = c
                .as_i64()
                .or_else(|| c.as_str().and_then(|s| s.parse().ok()))
                .ok_or("retryPolicy count must be an integer")?;
            if !(1..=MAX_COUNT).contains(&c) {
                return Err(format!("retryPolicy count must be between 1 and {MAX_COUNT}, found {c}"));
            }
            u32::try_from(c).map_err(|_| "retryPolicy count is out of range".to_owned())
        };
        let duration = |key: &str, default: Option<i64>| -> Result<i64, String> {
            match value.get(key) {
                None => default.ok_or_else(|| format!("retryPolicy needs {key}")),
                Some(v) => v
                    .as_str()
                    .and_then(parse_duration)
                    .ok_or_else(|| format!("retryPolicy {key} must be an ISO 8601 duration")),
            }
        };
        match kind.to_ascii_lowercase().as_str() {
            "none" => Ok(RetryPolicy::None),
            "fixed" => Ok(RetryPolicy::Fixed { count: count()?, interval_millis: duration("interval", None)? }),
            "exponential" => Ok(RetryPolicy::Exponential {
                count: count()?,
                interval_millis: duration("interval", None)?,
                minimum_millis: duration("minimumInterval", Some(0))?,
                maximum_millis: duration("maximumInterval", Some(i64::MAX))?,
            }),
            other => Err(format!("retryPolicy type {other} is not one of none, fixed, exponential")),
        }
    }

    /// Retries allowed after the first request.
    pub fn count(&self) -> u32 {
        match self {
            RetryPolicy::None => 0,
            RetryPolicy::Fixed { count, .. } | RetryPolicy::Exponential { count, .. } => *count,
        }
    }

    /// The wait before retry number `retry` (1-based). Exponential: uniform in the documented
    /// range `[max((2^(n-2))·interval, minimum), min(2^(n-1)·interval, maximum)]` (retry 1 starts at
    /// `max(0, minimum)`), drawn from `random`.
    pub fn wait_millis(&self, retry: u32, random: u64) -> i64 {
        match self {
            RetryPolicy::None => 0,
            RetryPolicy::Fixed { interval_millis, .. } => *interval_millis,
            RetryPolicy::Exponential { interval_millis, minimum_millis, maximum_millis, .. } => {
                let scale = |power: u32| interval_millis.saturating_mul(1i64.checked_shl(power).unwrap_or(i64::MAX));
                let low = if retry <= 1 { 0 } else { scale(retry - 2) }.max(*minimum_millis);
                let high = scale(retry.saturating_sub(1)).min(*maximum_millis);
                if high <= low {
                    return high.max(0);
                }
                let span = u64::try_from(high - low).unwrap_or(0).saturating_add(1);
                low + i64::try_from(random % span).unwrap_or(0)
            }
        }
    }
}

/// Whether an answer is worth sending again: 408, 429, any 5xx, or no answer.
pub fn is_retryable(status: Option<u16>) -> bool {
    match status {
        None => true,
        Some(s) => s == 408 || s == 429 || (500..600).contains(&s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn policies_parse() {
        assert_eq!(RetryPolicy::from_value(None), Ok(RetryPolicy::DEFAULT));
        assert_eq!(RetryPolicy::from_value(Some(&json!({"type": "none"}))), Ok(RetryPolicy::None));
        assert_eq!(
            RetryPolicy::from_value(Some(&json!({"type": "fixed", "count": 2, "interval": "PT30S"}))),
            Ok(RetryPolicy::Fixed { count: 2, interval_millis: 30_000 })
        );
        assert_eq!(
            RetryPolicy::from_value(Some(&json!({"type": "exponential", "count": 20, "interval": "PT20S"}))),
            Ok(RetryPolicy::Exponential {
                count: 20,
                interval_millis: 20_000,
                minimum_millis: 0,
                maximum_millis: i64::MAX
            })
        );
        for bad in [
            json!({"type": "fixed", "count": 0, "interval": "PT1S"}),
            json!({"type": "fixed", "count": 91, "interval": "PT1S"}),
            json!({"type": "fixed", "count": 2}),
            json!({"type": "sometimes"}),
            json!({"count": 2}),
            json!({"type": "fixed", "count": 2, "interval": "30 seconds"}),
        ] {
            assert!(RetryPolicy::from_value(Some(&bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn exponential_waits_stay_in_the_documented_ranges() {
        let p = RetryPolicy::Exponential {
            count: 6,
            interval_millis: 10_000,
            minimum_millis: 5_000,
            maximum_millis: 45_000,
        };
        for random in [0u64, 1, 7, 12_345, u64::MAX] {
            assert!((5_000..=10_000).contains(&p.wait_millis(1, random)));
            assert!((10_000..=20_000).contains(&p.wait_millis(2, random)));
            assert!((20_000..=40_000).contains(&p.wait_millis(3, random)));
            assert_eq!(p.wait_millis(5, random), 45_000, "capped by the maximum");
        }
        assert_eq!(p.wait_millis(2, 0), 10_000);
        assert_eq!(RetryPolicy::Fixed { count: 1, interval_millis: 30_000 }.wait_millis(3, 99), 30_000);
        assert_eq!(RetryPolicy::DEFAULT.count(), 4);
    }

    #[test]
    fn retryable_statuses() {
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(is_retryable(Some(s)), "{s}");
        }
        for s in [200, 400, 401, 403, 404, 409, 412] {
            assert!(!is_retryable(Some(s)), "{s}");
        }
        assert!(is_retryable(None));
    }
}
