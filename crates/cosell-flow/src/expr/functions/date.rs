//! Date and time functions over timestamp strings. Results are written with .NET's `o` format
//! (`2018-03-15T13:00:00.0000000Z`) unless a format is given; the clock is the scope's.

use serde_json::Value;

use super::{row, Args, Builtin};
use crate::expr::culture;
use crate::expr::time::{
    self, format::format, zones, Civil, Stamp, TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MINUTE, TICKS_PER_SECOND,
};
use crate::expr::value::Num;

pub(super) const FUNCTIONS: &[Builtin] = &[
    row("addDays", 2, 3, add_days),
    row("addHours", 2, 3, add_hours),
    row("addMinutes", 2, 3, add_minutes),
    row("addSeconds", 2, 3, add_seconds),
    row("addToTime", 3, 4, add_to_time),
    row("convertFromUtc", 2, 3, convert_from_utc),
    row("convertTimeZone", 3, 4, convert_time_zone),
    row("convertToUtc", 2, 3, convert_to_utc),
    row("dateDifference", 2, 2, date_difference),
    row("dayOfMonth", 1, 1, day_of_month),
    row("dayOfWeek", 1, 1, day_of_week),
    row("dayOfYear", 1, 1, day_of_year),
    row("formatDateTime", 1, 3, format_date_time),
    row("getFutureTime", 2, 3, get_future_time),
    row("getPastTime", 2, 3, get_past_time),
    row("parseDateTime", 1, 3, parse_date_time),
    row("startOfDay", 1, 2, start_of_day),
    row("startOfHour", 1, 2, start_of_hour),
    row("startOfMonth", 1, 2, start_of_month),
    row("subtractFromTime", 3, 4, subtract_from_time),
    row("ticks", 1, 1, ticks),
    row("utcNow", 0, 1, utc_now),
];

fn stamp(args: &Args<'_>, index: usize) -> Result<Stamp, String> {
    time::parse(args.string(index)?)
}

/// The result as text, in the optional format argument at `index`.
fn written(args: &Args<'_>, stamp: Stamp, index: usize) -> Result<Value, String> {
    let culture = culture::find(None)?;
    format(stamp, args.optional_string(index)?, culture).map(Value::String)
}

/// Adds `amount` units of `ticks` each; a fractional amount is rounded to the millisecond, as
/// .NET's `AddDays(double)` does.
fn add_amount(stamp: Stamp, amount: Num, unit: i64) -> Result<Stamp, String> {
    let ticks = match amount {
        Num::Int(n) => n.checked_mul(unit).ok_or("the amount is too large")?,
        Num::Float(f) => {
            let millis = (f * (unit / 10_000) as f64).round();
            if millis.abs() > 1e15 {
                return Err("the amount is too large".into());
            }
            millis as i64 * 10_000
        }
    };
    stamp.add_ticks(ticks)
}

fn add_unit(args: &Args<'_>, unit: i64) -> Result<Value, String> {
    let result = add_amount(stamp(args, 0)?, args.number(1)?, unit)?;
    written(args, result, 2)
}

fn add_days(args: &mut Args<'_>) -> Result<Value, String> {
    add_unit(args, TICKS_PER_DAY)
}

fn add_hours(args: &mut Args<'_>) -> Result<Value, String> {
    add_unit(args, TICKS_PER_HOUR)
}

fn add_minutes(args: &mut Args<'_>) -> Result<Value, String> {
    add_unit(args, TICKS_PER_MINUTE)
}

fn add_seconds(args: &mut Args<'_>) -> Result<Value, String> {
    add_unit(args, TICKS_PER_SECOND)
}

/// Adds `interval` of a named unit (`Second` … `Year`, any case, singular or plural).
fn shift(stamp: Stamp, interval: i64, unit: &str) -> Result<Stamp, String> {
    let lower = unit.to_ascii_lowercase();
    let unit_name = lower.strip_suffix('s').unwrap_or(&lower);
    let months = |m: i64| interval.checked_mul(m).ok_or_else(|| "the interval is too large".to_owned());
    match unit_name {
        "second" => add_amount(stamp, Num::Int(interval), TICKS_PER_SECOND),
        "minute" => add_amount(stamp, Num::Int(interval), TICKS_PER_MINUTE),
        "hour" => add_amount(stamp, Num::Int(interval), TICKS_PER_HOUR),
        "day" => add_amount(stamp, Num::Int(interval), TICKS_PER_DAY),
        "week" => add_amount(stamp, Num::Int(interval), 7 * TICKS_PER_DAY),
        "month" => stamp.add_months(months(1)?),
        "year" => stamp.add_months(months(12)?),
        _ => Err(format!("'{unit}' is not a time unit (Second, Minute, Hour, Day, Week, Month or Year)")),
    }
}

fn add_to_time(args: &mut Args<'_>) -> Result<Value, String> {
    let result = shift(stamp(args, 0)?, args.int(1)?, args.string(2)?)?;
    written(args, result, 3)
}

fn subtract_from_time(args: &mut Args<'_>) -> Result<Value, String> {
    let interval = args.int(1)?.checked_neg().ok_or("the interval is too large")?;
    let result = shift(stamp(args, 0)?, interval, args.string(2)?)?;
    written(args, result, 3)
}

fn now(args: &Args<'_>) -> Result<Stamp, String> {
    Stamp::from_unix_millis(args.scope.now_unix_millis())
}

fn get_future_time(args: &mut Args<'_>) -> Result<Value, String> {
    let result = shift(now(args)?, args.int(0)?, args.string(1)?)?;
    written(args, result, 2)
}

fn get_past_time(args: &mut Args<'_>) -> Result<Value, String> {
    let interval = args.int(0)?.checked_neg().ok_or("the interval is too large")?;
    let result = shift(now(args)?, interval, args.string(1)?)?;
    written(args, result, 2)
}

fn utc_now(args: &mut Args<'_>) -> Result<Value, String> {
    written(args, now(args)?, 0)
}

/// UNCERTAIN: the timestamp's clock time is read in the source zone even when it ends in `Z`
/// (.NET would refuse a UTC-kind time with a non-UTC source zone; flows pass `utcNow()` here).
fn convert_time_zone(args: &mut Args<'_>) -> Result<Value, String> {
    let source = zones::find(args.string(1)?)?;
    let destination = zones::find(args.string(2)?)?;
    let utc = zones::to_utc(stamp(args, 0)?, &source)?;
    written(args, zones::from_utc(utc, &destination)?, 3)
}

fn convert_from_utc(args: &mut Args<'_>) -> Result<Value, String> {
    let destination = zones::find(args.string(1)?)?;
    written(args, zones::from_utc(stamp(args, 0)?, &destination)?, 2)
}

fn convert_to_utc(args: &mut Args<'_>) -> Result<Value, String> {
    let source = zones::find(args.string(1)?)?;
    written(args, zones::to_utc(stamp(args, 0)?, &source)?, 2)
}

/// `end - start` as .NET writes a `TimeSpan`: `[-][d.]hh:mm:ss[.fffffff]`.
fn date_difference(args: &mut Args<'_>) -> Result<Value, String> {
    let difference = stamp(args, 1)?.ticks - stamp(args, 0)?.ticks;
    let sign = if difference < 0 { "-" } else { "" };
    let t = difference.unsigned_abs();
    let day = TICKS_PER_DAY.unsigned_abs();
    let (days, rest) = (t / day, t % day);
    let hours = rest / TICKS_PER_HOUR.unsigned_abs();
    let minutes = rest % TICKS_PER_HOUR.unsigned_abs() / TICKS_PER_MINUTE.unsigned_abs();
    let seconds = rest % TICKS_PER_MINUTE.unsigned_abs() / TICKS_PER_SECOND.unsigned_abs();
    let fraction = rest % TICKS_PER_SECOND.unsigned_abs();
    let mut text = String::from(sign);
    if days > 0 {
        text.push_str(&format!("{days}."));
    }
    text.push_str(&format!("{hours:02}:{minutes:02}:{seconds:02}"));
    if fraction > 0 {
        text.push_str(&format!(".{fraction:07}"));
    }
    Ok(Value::String(text))
}

fn day_of_month(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(Value::from(stamp(args, 0)?.civil().day))
}

fn day_of_week(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(Value::from(stamp(args, 0)?.day_of_week()))
}

fn day_of_year(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(Value::from(stamp(args, 0)?.day_of_year()))
}

fn format_date_time(args: &mut Args<'_>) -> Result<Value, String> {
    let culture = culture::find(args.optional_string(2)?)?;
    format(stamp(args, 0)?, args.optional_string(1)?, culture).map(Value::String)
}

fn parse_date_time(args: &mut Args<'_>) -> Result<Value, String> {
    let text = args.string(0)?;
    let culture = culture::find(args.optional_string(1)?)?;
    let parsed = match args.optional_string(2)? {
        Some(pattern) => time::parse_exact(text, pattern, culture)?,
        None => time::parse_in(text, culture)?,
    };
    format(parsed, None, culture).map(Value::String)
}

fn truncated(args: &Args<'_>, keep: impl Fn(Civil) -> Civil) -> Result<Value, String> {
    let stamp = stamp(args, 0)?;
    written(args, Stamp::from_civil(keep(stamp.civil()), stamp.kind)?, 1)
}

fn start_of_day(args: &mut Args<'_>) -> Result<Value, String> {
    truncated(args, |c| Civil { hour: 0, minute: 0, second: 0, fraction: 0, ..c })
}

fn start_of_hour(args: &mut Args<'_>) -> Result<Value, String> {
    truncated(args, |c| Civil { minute: 0, second: 0, fraction: 0, ..c })
}

fn start_of_month(args: &mut Args<'_>) -> Result<Value, String> {
    truncated(args, |c| Civil { day: 1, hour: 0, minute: 0, second: 0, fraction: 0, ..c })
}

fn ticks(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(Value::from(stamp(args, 0)?.ticks))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::time::Kind;

    #[test]
    fn shift_units() {
        let start = time::parse("2018-01-31T00:00:00Z").unwrap();
        assert_eq!(shift(start, 1, "Month").unwrap().civil().day, 28);
        assert_eq!(shift(start, 2, "weeks").unwrap().civil().day, 14);
        assert_eq!(shift(start, -1, "Year").unwrap().civil().year, 2017);
        assert!(shift(start, 1, "Fortnight").is_err());
        assert_eq!(start.kind, Kind::Utc);
    }
}
