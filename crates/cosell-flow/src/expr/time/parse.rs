//! Reading timestamps: the forms .NET's `DateTime.Parse` accepts that flows meet (ISO 8601 with
//! or without zone, `M/d/yyyy h:mm:ss tt`, RFC 1123), and exact parsing with a .NET format.

use super::format::{tokens, Token};
use super::{Civil, Kind, Stamp, TICKS_PER_MINUTE};
use crate::expr::culture::Culture;
use crate::expr::cursor::Cursor as Reader;

fn invalid(text: &str) -> String {
    format!("'{text}' is not a timestamp this runtime can read (use ISO 8601, for example 2026-03-15T13:27:36Z)")
}

/// Reads a timestamp.
pub(crate) fn parse(text: &str) -> Result<Stamp, String> {
    let trimmed = text.trim();
    let mut reader = Reader::new(trimmed);
    let civil = date(&mut reader).ok_or_else(|| invalid(text))?;
    let (civil, zone) = time_and_zone(&mut reader, civil).ok_or_else(|| invalid(text))?;
    if !reader.done() {
        return Err(invalid(text));
    }
    finish(civil, zone).map_err(|e| format!("'{text}': {e}"))
}

/// Applies a zone: `None` unspecified, `Some(minutes)` an offset (converted to UTC).
fn finish(civil: Civil, zone: Option<i64>) -> Result<Stamp, String> {
    match zone {
        None => Stamp::from_civil(civil, Kind::Unspecified),
        Some(offset) => Stamp::from_civil(civil, Kind::Utc)?.add_ticks(-offset * TICKS_PER_MINUTE),
    }
}

fn midnight(year: i64, month: u32, day: u32) -> Civil {
    Civil { year, month, day, hour: 0, minute: 0, second: 0, fraction: 0 }
}

const RFC_MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

fn date(reader: &mut Reader<'_>) -> Option<Civil> {
    let start = reader.at;
    // RFC 1123: "Thu, 15 Mar 2018 13:00:00 GMT".
    if reader.rest().get(3..5) == Some(", ") {
        reader.at += 5;
        let (day, _) = reader.digits(1, 2)?;
        reader.spaces();
        let month = RFC_MONTHS.iter().position(|m| reader.eat_ignore_case(m))? as u32 + 1;
        reader.spaces();
        let (year, _) = reader.digits(4, 4)?;
        return Some(midnight(i64::from(year), month, day));
    }
    let (first, width) = reader.digits(1, 4)?;
    if width == 4 {
        // yyyy-MM-dd or yyyy/MM/dd
        let separator = reader.peek().filter(|c| matches!(c, '-' | '/'))?;
        reader.at += 1;
        let (month, _) = reader.digits(1, 2)?;
        if !reader.eat(&separator.to_string()) {
            return None;
        }
        let (day, _) = reader.digits(1, 2)?;
        return Some(midnight(i64::from(first), month, day));
    }
    // M/d/yyyy (en-US, the runtime's culture)
    if !reader.eat("/") {
        reader.at = start;
        return None;
    }
    let (day, _) = reader.digits(1, 2)?;
    reader.eat("/").then_some(())?;
    let (year, _) = reader.digits(4, 4)?;
    Some(midnight(i64::from(year), first, day))
}

fn time_and_zone(reader: &mut Reader<'_>, mut civil: Civil) -> Option<(Civil, Option<i64>)> {
    if reader.done() {
        return Some((civil, None));
    }
    if !(reader.eat("T") || reader.eat(" ")) {
        return zone(reader).map(|z| (civil, z));
    }
    reader.spaces();
    let (hour, _) = reader.digits(1, 2)?;
    reader.eat(":").then_some(())?;
    let (minute, _) = reader.digits(2, 2)?;
    civil.hour = hour;
    civil.minute = minute;
    if reader.eat(":") {
        civil.second = reader.digits(2, 2)?.0;
        if reader.eat(".") || reader.eat(",") {
            let digits: String = reader.rest().chars().take_while(char::is_ascii_digit).collect();
            if digits.is_empty() {
                return None;
            }
            reader.at += digits.len();
            let seven: String = digits.chars().chain(std::iter::repeat('0')).take(7).collect();
            civil.fraction = seven.parse().ok()?;
        }
    }
    let before_meridiem = reader.at;
    reader.spaces();
    if reader.eat_ignore_case("AM") || reader.eat_ignore_case("PM") {
        let pm = reader.text.get(reader.at - 2..reader.at).is_some_and(|m| m.eq_ignore_ascii_case("PM"));
        if !(1..=12).contains(&civil.hour) {
            return None;
        }
        civil.hour = civil.hour % 12 + if pm { 12 } else { 0 };
    } else {
        reader.at = before_meridiem;
    }
    zone(reader).map(|z| (civil, z))
}

/// `Z`, `GMT`, `UTC`, `±hh:mm`, `±hhmm`, `±hh`, or nothing; in minutes east of UTC.
fn zone(reader: &mut Reader<'_>) -> Option<Option<i64>> {
    reader.spaces();
    if reader.done() {
        return Some(None);
    }
    if reader.eat("Z") || reader.eat("z") || reader.eat("GMT") || reader.eat("UTC") {
        return Some(Some(0));
    }
    let sign = match reader.peek()? {
        '+' => 1,
        '-' => -1,
        _ => return None,
    };
    reader.at += 1;
    let (hours, _) = reader.digits(2, 2)?;
    reader.eat(":");
    let minutes = reader.digits(2, 2).map_or(0, |(m, _)| m);
    if hours > 14 || minutes > 59 {
        return None;
    }
    Some(Some(sign * (i64::from(hours) * 60 + i64::from(minutes))))
}

/// Reads `text` exactly as the .NET custom `format` writes it (`parseDateTime` with a format).
pub(crate) fn parse_exact(text: &str, format: &str, culture: &Culture) -> Result<Stamp, String> {
    let fail = || format!("'{text}' does not match the format '{format}'");
    let pattern = super::format::expand_standard(format, culture).unwrap_or_else(|| format.to_owned());
    let mut reader = Reader::new(text);
    let mut civil = midnight(1, 1, 1);
    let mut pm = None;
    let mut zone_minutes = None;
    let mut two_digit_year = false;
    for token in tokens(&pattern) {
        let ok = match token {
            Token::Year(n) => {
                let (min, max) = match n {
                    1 | 2 => (1, 2),
                    3 => (3, 4),
                    n => (n, n),
                };
                let (year, width) = reader.digits(min, max).ok_or_else(fail)?;
                two_digit_year = width <= 2 && n <= 2;
                civil.year = i64::from(year);
                true
            }
            Token::Month(n @ 1..=2) => reader.digits(n, 2).map(|(m, _)| civil.month = m).is_some(),
            Token::Month(n) => {
                let names = if n == 3 { &culture.months_abbr } else { &culture.months };
                let found = names.iter().position(|m| reader.eat_ignore_case(m));
                found.map(|i| civil.month = i as u32 + 1).is_some()
            }
            Token::Day(n @ 1..=2) => reader.digits(n, 2).map(|(d, _)| civil.day = d).is_some(),
            Token::Day(n) => {
                let names = if n == 3 { &culture.days_abbr } else { &culture.days };
                names.iter().any(|d| reader.eat_ignore_case(d))
            }
            Token::Hour24(n) => reader.digits(n, 2).map(|(h, _)| civil.hour = h).is_some(),
            Token::Hour12(n) => reader.digits(n, 2).map(|(h, _)| civil.hour = h % 12).is_some(),
            Token::Minute(n) => reader.digits(n, 2).map(|(m, _)| civil.minute = m).is_some(),
            Token::Second(n) => reader.digits(n, 2).map(|(s, _)| civil.second = s).is_some(),
            Token::Fraction(n, _) => match reader.digits(1, n) {
                Some((value, width)) => {
                    civil.fraction = value * 10u32.pow(7 - u32::try_from(width).unwrap_or(7).min(7));
                    true
                }
                None => matches!(token, Token::Fraction(_, false)),
            },
            Token::Meridiem(_) => {
                if reader.eat_ignore_case(culture.pm) || reader.eat_ignore_case("PM") {
                    pm = Some(true);
                    true
                } else {
                    pm = Some(false);
                    reader.eat_ignore_case(culture.am) || reader.eat_ignore_case("AM")
                }
            }
            Token::Offset(_) | Token::Kind => match zone(&mut reader) {
                Some(z) => {
                    zone_minutes = z;
                    true
                }
                None => false,
            },
            Token::DateSeparator => reader.eat(culture.date_separator),
            Token::TimeSeparator => reader.eat(culture.time_separator),
            Token::Literal(literal) if literal.trim().is_empty() => {
                reader.spaces();
                true
            }
            Token::Literal(literal) => reader.eat(&literal),
            Token::Era => reader.eat_ignore_case("A.D.") || reader.eat_ignore_case("AD"),
        };
        if !ok {
            return Err(fail());
        }
    }
    if !reader.done() {
        return Err(fail());
    }
    if two_digit_year {
        // .NET's default TwoDigitYearMax is 2049.
        civil.year += if civil.year <= 49 { 2000 } else { 1900 };
    }
    if pm == Some(true) {
        civil.hour += 12;
    }
    finish(civil, zone_minutes).map_err(|e| format!("'{text}': {e}"))
}

/// Reads a timestamp as .NET's `DateTime.Parse` with a culture does: ISO 8601 (and, in en-US,
/// `M/d/yyyy`) as [`parse`]; otherwise the numbers in the culture's day, month and year order
/// (from its short date pattern), month names in place of the month number, day names
/// ignored, and an optional `H:mm[:ss]` time.
pub(crate) fn parse_in(text: &str, culture: &Culture) -> Result<Stamp, String> {
    let leading_digits = text.trim().bytes().take_while(u8::is_ascii_digit).count();
    let starts_with_year = leading_digits == 4;
    if culture.name.is_empty() || culture.name == "en-us" || starts_with_year {
        return parse(text);
    }
    lenient(text, culture).ok_or_else(|| format!("'{text}' is not a timestamp in the culture '{}'", culture.name))
}

fn lenient(text: &str, culture: &Culture) -> Option<Stamp> {
    let mut civil = midnight(1, 1, 1);
    let mut numbers: Vec<(u32, usize)> = Vec::new();
    let mut month_word = None;
    let lower = text.to_lowercase();
    let mut chars = lower.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_ascii_digit() {
            let mut end = start + 1;
            while let Some(&(i, d)) = chars.peek() {
                if !d.is_ascii_digit() {
                    break;
                }
                end = i + 1;
                chars.next();
            }
            let digits = lower.get(start..end)?;
            if chars.peek().map(|&(_, c)| c) == Some(':') {
                // The time runs to the end of the text.
                let time = format!("T{}", lower.get(start..)?.trim());
                let (timed, zone) = time_and_zone(&mut Reader::new(&time), civil)?;
                if zone.is_some() {
                    return None;
                }
                civil = timed;
                break;
            }
            numbers.push((digits.parse().ok()?, digits.len()));
        } else if c.is_alphabetic() {
            let mut end = start + c.len_utf8();
            while let Some(&(i, d)) = chars.peek() {
                if !(d.is_alphabetic() || d == '.' || d == '-') {
                    break;
                }
                end = i + d.len_utf8();
                chars.next();
            }
            let word = lower.get(start..end)?.trim_end_matches('.');
            let same = |name: &&str| name.to_lowercase().trim_end_matches('.') == word;
            if let Some(m) = culture.months.iter().position(same).or_else(|| culture.months_abbr.iter().position(same))
            {
                month_word = Some(m as u32 + 1);
            } else if !(culture.days.iter().any(same) || culture.days_abbr.iter().any(same) || FILLERS.contains(&word))
            {
                return None;
            }
        }
    }
    let order = date_order(culture.short_date);
    let (year, month, day) = match (month_word, numbers.as_slice()) {
        (Some(month), [(a, wa), (b, _)]) if *wa == 4 => (*a, month, *b),
        (Some(month), [(a, _), (b, _)]) => (*b, month, *a),
        (None, [(a, 4), (b, _), (c, _)]) => (*a, *b, *c),
        (None, [a, b, c]) => {
            let pick = |field: char| order.iter().position(|&f| f == field).and_then(|i| [a, b, c].get(i).map(|n| n.0));
            (pick('y')?, pick('M')?, pick('d')?)
        }
        _ => return None,
    };
    let civil = Civil { year: i64::from(year), month, day, ..civil };
    Stamp::from_civil(civil, Kind::Unspecified).ok()
}

/// Words a long date has between its parts (`20 de octubre de 2020`).
const FILLERS: &[&str] = &["de", "del", "à", "um", "le", "el"];

/// The order of day (`d`), month (`M`) and year (`y`) in a date pattern.
fn date_order(pattern: &str) -> Vec<char> {
    let mut order = Vec::new();
    for c in pattern.chars() {
        if matches!(c, 'd' | 'M' | 'y') && !order.contains(&c) {
            order.push(c);
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn civil(text: &str) -> (Civil, Kind) {
        let stamp = parse(text).unwrap();
        (stamp.civil(), stamp.kind)
    }

    #[test]
    fn reads_the_common_forms() {
        let (c, kind) = civil("2018-03-15T13:00:00.1234567Z");
        assert_eq!((c.year, c.month, c.day, c.hour, c.fraction, kind), (2018, 3, 15, 13, 1_234_567, Kind::Utc));
        let (c, kind) = civil("03/15/2018 1:05:09 PM");
        assert_eq!((c.month, c.day, c.hour, c.minute, c.second, kind), (3, 15, 13, 5, 9, Kind::Unspecified));
        let (c, _) = civil("2018-03-15T13:00:00+02:00");
        assert_eq!(c.hour, 11);
        let (c, kind) = civil("Thu, 15 Mar 2018 13:00:00 GMT");
        assert_eq!((c.day, c.hour, kind), (15, 13, Kind::Utc));
        let (c, _) = civil("2018-03-15");
        assert_eq!((c.day, c.hour), (15, 0));
    }

    #[test]
    fn rejects_what_is_not_a_timestamp() {
        for bad in
            ["", "hello", "2018-13-01", "2018-02-30", "2018-03-15T25:00", "2018-03-15T13:00:00 trailing", "12/31"]
        {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
