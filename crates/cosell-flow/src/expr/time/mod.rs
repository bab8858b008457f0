//! Timestamps as .NET's `DateTime` holds them: 100-nanosecond ticks since 0001-01-01 and a
//! kind (UTC, or unspecified when the text had no zone), with parsing of the forms flows meet,
//! .NET format strings ([`format`]) and Windows time zones ([`zones`]).

pub(crate) mod format;
mod parse;
pub(crate) mod zones;

pub(crate) use parse::{parse, parse_exact, parse_in};

pub(crate) const TICKS_PER_SECOND: i64 = 10_000_000;
pub(crate) const TICKS_PER_MINUTE: i64 = 60 * TICKS_PER_SECOND;
pub(crate) const TICKS_PER_HOUR: i64 = 60 * TICKS_PER_MINUTE;
pub(crate) const TICKS_PER_DAY: i64 = 24 * TICKS_PER_HOUR;
/// 9999-12-31T23:59:59.9999999, .NET's `DateTime.MaxValue`.
pub(crate) const MAX_TICKS: i64 = 3_155_378_975_999_999_999;
/// Days from 0001-01-01 to 1970-01-01.
const UNIX_EPOCH_DAYS: i64 = 719_162;

/// Whether a timestamp is known to be UTC.
///
/// UNCERTAIN: a text with an explicit offset (`+02:00`) is converted to UTC, as .NET's
/// `DateTime.Parse` does on a server whose local zone is UTC (Azure's); its output then ends in `Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Utc,
    Unspecified,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub ticks: i64,
    pub kind: Kind,
}

/// A timestamp's calendar fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// Ticks within the second (0..10,000,000).
    pub fraction: u32,
}

const OUT_OF_RANGE: &str = "the date is outside the years 1 to 9999";

/// Days since 0001-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468 + UNIX_EPOCH_DAYS
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days - UNIX_EPOCH_DAYS + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

pub(crate) fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Stamp {
    pub(crate) fn new(ticks: i64, kind: Kind) -> Result<Stamp, String> {
        if (0..=MAX_TICKS).contains(&ticks) {
            Ok(Stamp { ticks, kind })
        } else {
            Err(OUT_OF_RANGE.into())
        }
    }

    pub(crate) fn from_civil(civil: Civil, kind: Kind) -> Result<Stamp, String> {
        let valid = (1..=9999).contains(&civil.year)
            && (1..=12).contains(&civil.month)
            && (1..=days_in_month(civil.year, civil.month)).contains(&civil.day)
            && civil.hour < 24
            && civil.minute < 60
            && civil.second < 60
            && i64::from(civil.fraction) < TICKS_PER_SECOND;
        if !valid {
            return Err("the date or time is not valid".into());
        }
        let days = days_from_civil(civil.year, civil.month, civil.day);
        let ticks = days * TICKS_PER_DAY
            + i64::from(civil.hour) * TICKS_PER_HOUR
            + i64::from(civil.minute) * TICKS_PER_MINUTE
            + i64::from(civil.second) * TICKS_PER_SECOND
            + i64::from(civil.fraction);
        Stamp::new(ticks, kind)
    }

    pub(crate) fn from_unix_millis(millis: i64) -> Result<Stamp, String> {
        let ticks = millis
            .checked_mul(10_000)
            .and_then(|t| t.checked_add(UNIX_EPOCH_DAYS * TICKS_PER_DAY))
            .ok_or(OUT_OF_RANGE)?;
        Stamp::new(ticks, Kind::Utc)
    }

    /// Seconds and nanoseconds since 1970 (for the time zone database).
    pub(crate) fn unix(self) -> (i64, i32) {
        let since = self.ticks - UNIX_EPOCH_DAYS * TICKS_PER_DAY;
        (since.div_euclid(TICKS_PER_SECOND), (since.rem_euclid(TICKS_PER_SECOND) * 100) as i32)
    }

    pub(crate) fn civil(self) -> Civil {
        let days = self.ticks.div_euclid(TICKS_PER_DAY);
        let rest = self.ticks.rem_euclid(TICKS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: (rest / TICKS_PER_HOUR) as u32,
            minute: (rest % TICKS_PER_HOUR / TICKS_PER_MINUTE) as u32,
            second: (rest % TICKS_PER_MINUTE / TICKS_PER_SECOND) as u32,
            fraction: (rest % TICKS_PER_SECOND) as u32,
        }
    }

    /// 0 is Sunday, as .NET's `DayOfWeek`.
    pub(crate) fn day_of_week(self) -> u32 {
        // 0001-01-01 was a Monday.
        ((self.ticks.div_euclid(TICKS_PER_DAY) + 1) % 7) as u32
    }

    pub(crate) fn day_of_year(self) -> u32 {
        let civil = self.civil();
        (days_from_civil(civil.year, civil.month, civil.day) - days_from_civil(civil.year, 1, 1) + 1) as u32
    }

    pub(crate) fn add_ticks(self, ticks: i64) -> Result<Stamp, String> {
        Stamp::new(self.ticks.checked_add(ticks).ok_or(OUT_OF_RANGE)?, self.kind)
    }

    /// Adds calendar months, keeping the day where the month has it and else its last day (as
    /// .NET's `AddMonths`).
    pub(crate) fn add_months(self, months: i64) -> Result<Stamp, String> {
        let civil = self.civil();
        let index = civil.year.checked_mul(12).and_then(|m| m.checked_add(i64::from(civil.month) - 1 + months));
        let index = index.ok_or(OUT_OF_RANGE)?;
        let (year, month) = (index.div_euclid(12), (index.rem_euclid(12) + 1) as u32);
        if !(1..=9999).contains(&year) {
            return Err(OUT_OF_RANGE.into());
        }
        let day = civil.day.min(days_in_month(year, month));
        Stamp::from_civil(Civil { year, month, day, ..civil }, self.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_match_dotnet() {
        // DateTime(1970, 1, 1).Ticks and DateTime(2018, 3, 15, 13, 0, 0).Ticks.
        let epoch = Stamp::from_civil(
            Civil { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, fraction: 0 },
            Kind::Utc,
        );
        assert_eq!(epoch.map(|s| s.ticks), Ok(621_355_968_000_000_000));
        let stamp = Stamp::from_unix_millis(0).unwrap();
        assert_eq!(stamp.day_of_week(), 4);
        assert_eq!(Stamp::new(MAX_TICKS, Kind::Utc).unwrap().civil().year, 9999);
    }

    #[test]
    fn civil_round_trips() {
        for ticks in [0, 1, TICKS_PER_DAY * 59, TICKS_PER_DAY * 365 * 400 + 17, MAX_TICKS] {
            let stamp = Stamp::new(ticks, Kind::Utc).unwrap();
            assert_eq!(Stamp::from_civil(stamp.civil(), Kind::Utc), Ok(stamp));
        }
    }

    #[test]
    fn months_clamp_to_the_last_day() {
        let jan31 = Stamp::from_civil(
            Civil { year: 2024, month: 1, day: 31, hour: 0, minute: 0, second: 0, fraction: 0 },
            Kind::Utc,
        )
        .unwrap();
        assert_eq!(jan31.add_months(1).unwrap().civil().day, 29);
        assert!(jan31.add_months(12 * 8000).is_err());
    }
}
