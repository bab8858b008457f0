//! Virtual time: instants are milliseconds since 1970-01-01T00:00:00Z, chosen by the caller and
//! advanced only by the engine (retry waits, timeouts). Nothing here reads the real clock.

/// Formats an instant the way the runtime reports times (`2026-03-15T13:27:36.0000000Z`).
pub fn format_instant(unix_millis: i64) -> String {
    let days = unix_millis.div_euclid(86_400_000);
    let in_day = unix_millis.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let (h, rest) = (in_day / 3_600_000, in_day % 3_600_000);
    let (min, rest) = (rest / 60_000, rest % 60_000);
    let (s, ms) = (rest / 1000, rest % 1000);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{ms:03}0000Z")
}

/// Reads an ISO 8601 instant with a `Z` or `±hh:mm` offset (`2026-03-15T13:27:36Z`,
/// `2026-03-15T13:27:36.123+01:00`) or a plain date (`2026-03-15`, midnight UTC).
pub fn parse_instant(text: &str) -> Option<i64> {
    let (date, time) = match text.split_once(['T', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let mut parts = date.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let days = days_from_civil(y, m, d);
    let Some(time) = time else { return Some(days * 86_400_000) };
    let (clock, offset_minutes) = split_offset(time)?;
    let mut hms = clock.splitn(3, ':');
    let h: i64 = hms.next()?.parse().ok()?;
    let min: i64 = hms.next()?.parse().ok()?;
    let (s, frac) = match hms.next() {
        Some(sec) => match sec.split_once('.') {
            Some((s, f)) => (s.parse::<i64>().ok()?, f),
            None => (sec.parse::<i64>().ok()?, ""),
        },
        None => (0, ""),
    };
    if h > 23 || min > 59 || s > 60 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let ms: i64 = format!("{frac:0<3}").get(..3)?.parse().ok()?;
    Some(days * 86_400_000 + ((h * 60 + min - offset_minutes) * 60 + s) * 1000 + ms)
}

fn split_offset(time: &str) -> Option<(&str, i64)> {
    if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    match time.rfind(['+', '-']) {
        Some(at) => {
            let (clock, offset) = time.split_at(at);
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let (oh, om) = offset.get(1..)?.split_once(':').unwrap_or((offset.get(1..)?, "0"));
            Some((clock, sign * (oh.parse::<i64>().ok()? * 60 + om.parse::<i64>().ok()?)))
        }
        None => Some((time, 0)),
    }
}

/// Reads an ISO 8601 duration (`PT20S`, `PT1H30M`, `P1D`, `P1DT12H`, `PT0.5S`) as milliseconds.
/// Years and months are not fixed lengths and are refused.
pub fn parse_duration(text: &str) -> Option<i64> {
    let rest = text.strip_prefix(['P', 'p'])?;
    let (date, time) = match rest.split_once(['T', 't']) {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    let mut total = 0f64;
    let mut any = false;
    for (part, units) in [
        (date, &[('W', 604_800_000f64), ('D', 86_400_000f64)][..]),
        (time.unwrap_or(""), &[('H', 3_600_000f64), ('M', 60_000f64), ('S', 1000f64)][..]),
    ] {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' || c == ',' {
                number.push(if c == ',' { '.' } else { c });
                continue;
            }
            let unit = units.iter().find(|(u, _)| u.eq_ignore_ascii_case(&c))?;
            total += number.parse::<f64>().ok()? * unit.1;
            number.clear();
            any = true;
        }
        if !number.is_empty() {
            return None;
        }
    }
    if time == Some("") || !any {
        return None;
    }
    Some(total.round() as i64)
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from(if m > 2 { m - 3 } else { m + 9 });
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A small deterministic pseudo-random generator (SplitMix64), seeded by the caller.
#[derive(Debug, Clone, Copy)]
pub struct Random(u64);

impl Random {
    pub fn new(seed: u64) -> Random {
        Random(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A GUID-shaped identifier (version 4 layout) from the next two numbers.
    pub fn guid(&mut self) -> String {
        let (a, b) = (self.next_u64(), self.next_u64());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0x0fff,
            ((b >> 48) & 0x3fff) | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_round_trip() {
        let t = parse_instant("2026-03-15T13:27:36Z").unwrap();
        assert_eq!(format_instant(t), "2026-03-15T13:27:36.0000000Z");
        assert_eq!(parse_instant("1970-01-01T00:00:00.5Z"), Some(500));
        assert_eq!(parse_instant("2026-03-15T14:27:36+01:00"), Some(t));
        assert_eq!(parse_instant("2026-03-15"), Some(t - (13 * 3600 + 27 * 60 + 36) * 1000));
        assert_eq!(format_instant(-1), "1969-12-31T23:59:59.9990000Z");
        assert_eq!(
            parse_instant("2024-02-29T00:00:00Z").map(format_instant).as_deref(),
            Some("2024-02-29T00:00:00.0000000Z")
        );
        for bad in ["", "2026-13-01", "2026-01-01T25:00:00Z", "tomorrow", "2026-01-01T10:00:00.x1Z"] {
            assert_eq!(parse_instant(bad), None, "{bad}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("PT20S"), Some(20_000));
        assert_eq!(parse_duration("PT1H30M"), Some(5_400_000));
        assert_eq!(parse_duration("P1DT12H"), Some(129_600_000));
        assert_eq!(parse_duration("PT7.5S"), Some(7_500));
        assert_eq!(parse_duration("P1W"), Some(604_800_000));
        for bad in ["", "P", "PT", "20S", "P1Y", "PT5X", "PT5"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn random_is_seeded() {
        let (mut a, mut b) = (Random::new(7), Random::new(7));
        assert_eq!(a.next_u64(), b.next_u64());
        let g = a.guid();
        assert_eq!(g.len(), 36);
        assert_eq!(g.chars().nth(14), Some('4'));
        assert_ne!(Random::new(8).next_u64(), Random::new(7).next_u64());
    }
}
