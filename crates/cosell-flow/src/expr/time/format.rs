//! .NET date and time format strings: the standard one-letter formats (`d`, `D`, `f`, `F`, `g`,
//! `G`, `M`, `o`, `R`, `s`, `t`, `T`, `u`, `U`, `Y`) and custom patterns (`yyyy`, `MM`, `dd`,
//! `HH`, `hh`, `mm`, `ss`, `fffffff`, `FFFFFFF`, `tt`, `zzz`, `K`, `MMM(M)`, `ddd(d)`, `g`,
//! `:` and `/`, quoted literals, `\` escapes, `%` for a one-letter custom pattern).

use std::fmt::Write;

use super::{Kind, Stamp};

/// Appends formatted text without an intermediate `String` (writing to a `String` cannot fail).
fn write_to(out: &mut String, args: std::fmt::Arguments<'_>) {
    let _ = out.write_fmt(args);
}
use crate::expr::culture::{self, Culture};

/// One element of a custom pattern; the number is how many letters were repeated.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Token {
    Year(usize),
    Month(usize),
    Day(usize),
    Hour24(usize),
    Hour12(usize),
    Minute(usize),
    Second(usize),
    /// `f` (true: always that many digits) or `F` (false: trailing zeros dropped).
    Fraction(usize, bool),
    Meridiem(usize),
    Offset(usize),
    Kind,
    Era,
    DateSeparator,
    TimeSeparator,
    Literal(String),
}

/// Splits a custom pattern into tokens.
pub(crate) fn tokens(pattern: &str) -> Vec<Token> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let run = chars.get(i..).map_or(1, |rest| rest.iter().take_while(|&&d| d == c).count());
        let (token, used) = match c {
            'y' => (Token::Year(run), run),
            'M' => (Token::Month(run.min(4)), run),
            'd' => (Token::Day(run.min(4)), run),
            'H' => (Token::Hour24(run.min(2)), run),
            'h' => (Token::Hour12(run.min(2)), run),
            'm' => (Token::Minute(run.min(2)), run),
            's' => (Token::Second(run.min(2)), run),
            'f' => (Token::Fraction(run.min(7), true), run),
            'F' => (Token::Fraction(run.min(7), false), run),
            't' => (Token::Meridiem(run.min(2)), run),
            'z' => (Token::Offset(run.min(3)), run),
            'K' => (Token::Kind, 1),
            'g' => (Token::Era, run),
            ':' => (Token::TimeSeparator, 1),
            '/' => (Token::DateSeparator, 1),
            '%' => (Token::Literal(String::new()), 1),
            '\\' => (Token::Literal(chars.get(i + 1).map(|c| c.to_string()).unwrap_or_default()), 2),
            '\'' | '"' => {
                let literal: String = chars.get(i + 1..).unwrap_or_default().iter().take_while(|&&q| q != c).collect();
                let used = literal.chars().count() + 2;
                (Token::Literal(literal), used)
            }
            other => (Token::Literal(other.to_string()), 1),
        };
        if token != Token::Literal(String::new()) {
            out.push(token);
        }
        i += used;
    }
    out
}

/// The custom pattern a one-letter standard format stands for in `culture`, or `None` if the
/// format is not a standard one.
pub(crate) fn expand_standard(format: &str, culture: &Culture) -> Option<String> {
    let mut chars = format.chars();
    let (Some(letter), None) = (chars.next(), chars.next()) else { return None };
    let pattern = match letter {
        'd' => culture.short_date.to_owned(),
        'D' => culture.long_date.to_owned(),
        'f' => format!("{} {}", culture.long_date, culture.short_time),
        'F' | 'U' => format!("{} {}", culture.long_date, culture.long_time),
        'g' => format!("{} {}", culture.short_date, culture.short_time),
        'G' => format!("{} {}", culture.short_date, culture.long_time),
        'm' | 'M' => culture.month_day.to_owned(),
        'o' | 'O' => "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK".to_owned(),
        'r' | 'R' => "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'".to_owned(),
        's' => "yyyy'-'MM'-'dd'T'HH':'mm':'ss".to_owned(),
        't' => culture.short_time.to_owned(),
        'T' => culture.long_time.to_owned(),
        'u' => "yyyy'-'MM'-'dd HH':'mm':'ss'Z'".to_owned(),
        'y' | 'Y' => culture.year_month.to_owned(),
        _ => return None,
    };
    Some(pattern)
}

/// The invariant culture's names for the formats that always use it (`o`, `r`, `s`, `u`).
fn culture_for(format: &str, culture: &'static Culture) -> &'static Culture {
    match format {
        "o" | "O" | "r" | "R" | "s" | "u" => culture::find(Some("")).unwrap_or(culture),
        _ => culture,
    }
}

/// Writes `stamp` with a .NET format string (the default `o` when `None`).
pub(crate) fn format(stamp: Stamp, format: Option<&str>, culture: &'static Culture) -> Result<String, String> {
    let format = format.unwrap_or("o");
    let single = format.chars().count() == 1;
    let pattern = match expand_standard(format, culture) {
        Some(pattern) => pattern,
        None if single => {
            return Err(format!("'{format}' is not a standard date format (write '%{format}' for the custom one)"))
        }
        None => format.to_owned(),
    };
    let culture = culture_for(format, culture);
    let civil = stamp.civil();
    let mut out = String::with_capacity(pattern.len() + 8);
    for token in tokens(&pattern) {
        match token {
            Token::Year(1) => out.push_str(&(civil.year % 100).to_string()),
            Token::Year(2) => write_to(&mut out, format_args!("{:02}", civil.year % 100)),
            Token::Year(n) => write_to(&mut out, format_args!("{:0n$}", civil.year)),
            Token::Month(1) => out.push_str(&civil.month.to_string()),
            Token::Month(2) => write_to(&mut out, format_args!("{:02}", civil.month)),
            Token::Month(n) => {
                let names = if n == 3 { &culture.months_abbr } else { &culture.months };
                out.push_str(names.get(civil.month as usize - 1).copied().unwrap_or_default());
            }
            Token::Day(1) => out.push_str(&civil.day.to_string()),
            Token::Day(2) => write_to(&mut out, format_args!("{:02}", civil.day)),
            Token::Day(n) => {
                let names = if n == 3 { &culture.days_abbr } else { &culture.days };
                out.push_str(names.get(stamp.day_of_week() as usize).copied().unwrap_or_default());
            }
            Token::Hour24(n) => write_to(&mut out, format_args!("{:0n$}", civil.hour)),
            Token::Hour12(n) => {
                let hour = if civil.hour.is_multiple_of(12) { 12 } else { civil.hour % 12 };
                out.push_str(&format!("{hour:0n$}"));
            }
            Token::Minute(n) => write_to(&mut out, format_args!("{:0n$}", civil.minute)),
            Token::Second(n) => write_to(&mut out, format_args!("{:0n$}", civil.second)),
            Token::Fraction(n, padded) => {
                let digits = format!("{:07}", civil.fraction);
                let digits = digits.get(..n).unwrap_or_default();
                if padded {
                    out.push_str(digits);
                } else {
                    let trimmed = digits.trim_end_matches('0');
                    if trimmed.is_empty() && out.ends_with('.') {
                        out.pop();
                    }
                    out.push_str(trimmed);
                }
            }
            Token::Meridiem(n) => {
                let designator = if civil.hour < 12 { culture.am } else { culture.pm };
                let text = if n == 1 {
                    designator.chars().next().map(String::from).unwrap_or_default()
                } else {
                    designator.to_owned()
                };
                out.push_str(&text);
            }
            // The server's local zone is UTC: both kinds write a zero offset.
            Token::Offset(1) => out.push_str("+0"),
            Token::Offset(2) => out.push_str("+00"),
            Token::Offset(_) => out.push_str("+00:00"),
            Token::Kind => {
                if stamp.kind == Kind::Utc {
                    out.push('Z');
                }
            }
            Token::Era => out.push_str("A.D."),
            Token::DateSeparator => out.push_str(culture.date_separator),
            Token::TimeSeparator => out.push_str(culture.time_separator),
            Token::Literal(text) => out.push_str(&text),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::time::parse;

    fn f(text: &str, format: &str) -> String {
        let culture = culture::find(None).unwrap();
        super::format(parse(text).unwrap(), Some(format), culture).unwrap()
    }

    #[test]
    fn standard_formats_in_en_us() {
        let t = "2009-06-15T13:45:30.0012300Z";
        assert_eq!(f(t, "o"), "2009-06-15T13:45:30.0012300Z");
        assert_eq!(f("2009-06-15T13:45:30", "o"), "2009-06-15T13:45:30.0000000");
        assert_eq!(f(t, "d"), "6/15/2009");
        assert_eq!(f(t, "D"), "Monday, June 15, 2009");
        assert_eq!(f(t, "f"), "Monday, June 15, 2009 1:45 PM");
        assert_eq!(f(t, "G"), "6/15/2009 1:45:30 PM");
        assert_eq!(f(t, "M"), "June 15");
        assert_eq!(f(t, "R"), "Mon, 15 Jun 2009 13:45:30 GMT");
        assert_eq!(f(t, "s"), "2009-06-15T13:45:30");
        assert_eq!(f(t, "u"), "2009-06-15 13:45:30Z");
        assert_eq!(f(t, "Y"), "June 2009");
    }

    #[test]
    fn custom_patterns() {
        let t = "2009-06-05T01:05:03.1200000Z";
        assert_eq!(f(t, "yyyy-MM-dd HH:mm:ss.fff"), "2009-06-05 01:05:03.120");
        assert_eq!(f(t, "h:m:s tt"), "1:5:3 AM");
        assert_eq!(f(t, "ss.FFFF"), "03.12");
        assert_eq!(f("2009-06-05T01:05:03Z", "ss.FFF"), "03");
        assert_eq!(f(t, "ddd d MMM yy"), "Fri 5 Jun 09");
        assert_eq!(f(t, "'Date:' yyyy\\-MM"), "Date: 2009-06");
        assert_eq!(f(t, "%d"), "5");
        assert_eq!(f(t, "zzz K"), "+00:00 Z");
        assert!(super::format(parse(t).unwrap(), Some("q"), culture::find(None).unwrap()).is_err());
    }
}
