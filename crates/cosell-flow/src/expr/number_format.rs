//! .NET numeric format strings for `formatNumber`: the standard ones (`C`, `D`, `E`, `F`, `G`,
//! `N`, `P`, `R`, `X`, each with an optional precision) and custom patterns (`0`, `#`, `.`, `,`,
//! `%`, `‰`, `E+0`, quoted literals, `\` escapes, `;` sections). Midpoints round away from zero,
//! as .NET does.

use super::culture::Culture;
use super::value::{format_float, Num};

pub(crate) fn format(number: Num, format: &str, culture: &Culture) -> Result<String, String> {
    let mut chars = format.chars();
    let standard = match (chars.next(), chars.as_str()) {
        (Some(letter), precision)
            if letter.is_ascii_alphabetic()
                && precision.len() <= 2
                && precision.chars().all(|c| c.is_ascii_digit()) =>
        {
            Some((letter, precision.parse::<usize>().ok()))
        }
        _ => None,
    };
    match standard {
        Some((letter, precision)) => standard_format(number, letter, precision, culture),
        None => Ok(custom(number.as_f64(), format, culture)),
    }
}

/// The digits of |value| rounded half away from zero to `decimals` places: (integer, fraction).
pub(crate) fn fixed(value: f64, decimals: usize) -> (String, String) {
    let text = format!("{:.*}", decimals + 25, value.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut digits: Vec<u8> = int.bytes().chain(frac.bytes().take(decimals)).collect();
    if frac.as_bytes().get(decimals).is_some_and(|&d| d >= b'5') {
        let mut carry = true;
        for d in digits.iter_mut().rev() {
            if *d == b'9' {
                *d = b'0';
            } else {
                *d += 1;
                carry = false;
                break;
            }
        }
        if carry {
            digits.insert(0, b'1');
        }
    }
    let split = digits.len() - decimals;
    let (int, frac) = digits.split_at(split);
    let int = String::from_utf8_lossy(int).trim_start_matches('0').to_owned();
    let int = if int.is_empty() { "0".to_owned() } else { int };
    (int, String::from_utf8_lossy(frac).into_owned())
}

fn group(int: &str, separator: &str) -> String {
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(c);
    }
    out
}

fn joined(int: String, frac: &str, culture: &Culture) -> String {
    if frac.is_empty() {
        int
    } else {
        format!("{int}{}{frac}", culture.decimal)
    }
}

fn is_negative(value: f64, int: &str, frac: &str) -> bool {
    value < 0.0 && (int != "0" || frac.bytes().any(|d| d != b'0'))
}

fn standard_format(number: Num, letter: char, precision: Option<usize>, culture: &Culture) -> Result<String, String> {
    let value = number.as_f64();
    let decimals = precision.unwrap_or(2);
    let text = match letter.to_ascii_uppercase() {
        'F' | 'N' | 'C' | 'P' => {
            let scaled = if letter.eq_ignore_ascii_case(&'P') { value * 100.0 } else { value };
            let (int, frac) = fixed(scaled, decimals);
            let negative = is_negative(scaled, &int, &frac);
            let grouped = if letter.eq_ignore_ascii_case(&'F') { int } else { group(&int, culture.group) };
            let body = joined(grouped, &frac, culture);
            match letter.to_ascii_uppercase() {
                'C' => currency(&body, negative, culture),
                'P' => {
                    let sign = if negative { "-" } else { "" };
                    let space = if culture.percent_positive == 0 { " " } else { "" };
                    format!("{sign}{body}{space}%")
                }
                _ if negative => format!("-{body}"),
                _ => body,
            }
        }
        'D' => {
            let Num::Int(i) = number else { return Err("the format 'D' needs an integer".into()) };
            let digits = format!("{:0>width$}", i.unsigned_abs(), width = precision.unwrap_or(0));
            if i < 0 {
                format!("-{digits}")
            } else {
                digits
            }
        }
        'X' => {
            let Num::Int(i) = number else { return Err("the format 'X' needs an integer".into()) };
            let width = precision.unwrap_or(0);
            if letter == 'X' {
                format!("{i:0>width$X}")
            } else {
                format!("{i:0>width$x}")
            }
        }
        'E' => exponential(value, precision.unwrap_or(6), letter, 3, culture),
        'G' => general(number, precision, culture),
        'R' => format_float(value).replace('.', culture.decimal),
        _ => return Err(format!("'{letter}' is not a standard number format")),
    };
    Ok(text)
}

fn currency(body: &str, negative: bool, culture: &Culture) -> String {
    let symbol = culture.currency;
    if negative {
        match culture.currency_negative {
            0 => format!("({symbol}{body})"),
            5 => format!("-{body}{symbol}"),
            8 => format!("-{body} {symbol}"),
            9 => format!("-{symbol} {body}"),
            12 => format!("{symbol} -{body}"),
            _ => format!("-{symbol}{body}"),
        }
    } else {
        match culture.currency_positive {
            1 => format!("{body}{symbol}"),
            2 => format!("{symbol} {body}"),
            3 => format!("{body} {symbol}"),
            _ => format!("{symbol}{body}"),
        }
    }
}

/// `d.dddE+ddd` with `decimals` digits after the point and at least `exponent_digits` digits.
fn exponential(value: f64, decimals: usize, letter: char, exponent_digits: usize, culture: &Culture) -> String {
    let text = format!("{:.*e}", decimals, value.abs());
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let sign = if value < 0.0 { "-" } else { "" };
    let exponent_sign = if exponent < 0 { '-' } else { '+' };
    let e = if letter.is_ascii_uppercase() { 'E' } else { 'e' };
    let mantissa = mantissa.replace('.', culture.decimal);
    format!("{sign}{mantissa}{e}{exponent_sign}{:0>exponent_digits$}", exponent.unsigned_abs())
}

fn general(number: Num, precision: Option<usize>, culture: &Culture) -> String {
    match (number, precision) {
        (Num::Int(i), None | Some(0)) => i.to_string(),
        (Num::Float(f), None | Some(0)) => format_float(f).replace('.', culture.decimal),
        (_, Some(digits)) => {
            let value = number.as_f64();
            if value == 0.0 {
                return "0".into();
            }
            let text = format!("{:.*e}", digits - 1, value);
            let rounded: f64 = text.parse().unwrap_or(value);
            let exponent: i64 = text.split_once('e').and_then(|(_, e)| e.parse().ok()).unwrap_or(0);
            if exponent >= digits as i64 || exponent <= -5 {
                let text = exponential(rounded, digits - 1, 'E', 2, culture);
                trim_mantissa(&text, culture)
            } else {
                format_float(rounded).replace('.', culture.decimal)
            }
        }
    }
}

/// `1.2300E+05` → `1.23E+05`.
fn trim_mantissa(text: &str, culture: &Culture) -> String {
    let (mantissa, exponent) = text.split_once('E').unwrap_or((text, ""));
    let mantissa = if mantissa.contains(culture.decimal) {
        mantissa.trim_end_matches('0').trim_end_matches(culture.decimal)
    } else {
        mantissa
    };
    format!("{mantissa}E{exponent}")
}

/// One token of a custom pattern.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Zero,
    Hash,
    Point,
    Comma,
    Percent,
    PerMille,
    Exponent { letter: char, always_sign: bool, digits: usize },
    Literal(String),
}

fn pieces(section: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut chars = section.chars().peekable();
    while let Some(c) = chars.next() {
        let piece = match c {
            '0' => Piece::Zero,
            '#' => Piece::Hash,
            '.' => Piece::Point,
            ',' => Piece::Comma,
            '%' => Piece::Percent,
            '‰' => Piece::PerMille,
            '\\' => Piece::Literal(chars.next().map(String::from).unwrap_or_default()),
            '\'' | '"' => Piece::Literal(chars.by_ref().take_while(|&q| q != c).collect()),
            'E' | 'e' if matches!(chars.peek(), Some('0' | '+' | '-')) => {
                let always_sign = chars.peek() == Some(&'+');
                if matches!(chars.peek(), Some('+' | '-')) {
                    chars.next();
                }
                let mut digits = 0;
                while chars.peek() == Some(&'0') {
                    chars.next();
                    digits += 1;
                }
                Piece::Exponent { letter: c, always_sign, digits: digits.max(1) }
            }
            other => Piece::Literal(other.to_string()),
        };
        out.push(piece);
    }
    out
}

/// Splits on `;` outside quotes and escapes.
fn sections(format: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quote = None;
    let mut escaped = false;
    for c in format.chars() {
        let current = out.last_mut();
        match (c, quote, escaped) {
            (_, _, true) => escaped = false,
            ('\\', None, false) => escaped = true,
            ('\'' | '"', None, _) => quote = Some(c),
            (q, Some(open), _) if q == open => quote = None,
            (';', None, _) => {
                out.push(String::new());
                continue;
            }
            _ => {}
        }
        if let Some(current) = current {
            current.push(c);
        }
    }
    out
}

fn custom(value: f64, format: &str, culture: &Culture) -> String {
    let sections = sections(format);
    let (section, signed) = match (sections.as_slice(), value) {
        ([_, _, zero, ..], 0.0) => (zero.clone(), false),
        ([_, negative, ..], v) if v < 0.0 && !negative.is_empty() => (negative.clone(), false),
        ([positive, ..], _) => (positive.clone(), true),
        _ => (String::new(), true),
    };
    let pieces = pieces(&section);
    let point = pieces.iter().position(|p| *p == Piece::Point);
    let digit = |p: &Piece| matches!(p, Piece::Zero | Piece::Hash);
    let int_end = point.unwrap_or(pieces.len());
    let int_pieces = pieces.get(..int_end).unwrap_or_default();
    let frac_pieces = point.and_then(|p| pieces.get(p + 1..)).unwrap_or_default();
    let exponent = pieces.iter().find_map(|p| match p {
        Piece::Exponent { letter, always_sign, digits } => Some((*letter, *always_sign, *digits)),
        _ => None,
    });
    let frac_until_exponent: Vec<&Piece> =
        frac_pieces.iter().take_while(|p| !matches!(p, Piece::Exponent { .. })).collect();
    let min_frac = frac_until_exponent.iter().filter(|p| ***p == Piece::Zero).count();
    let max_frac = frac_until_exponent.iter().filter(|p| digit(p)).count();
    let first_digit = int_pieces.iter().position(digit);
    let last_digit = int_pieces.iter().rposition(digit);
    let min_int = int_pieces.iter().skip_while(|p| **p != Piece::Zero).filter(|p| digit(p)).count();
    let grouped = match (first_digit, last_digit) {
        (Some(a), Some(b)) => int_pieces.get(a..b).is_some_and(|s| s.contains(&Piece::Comma)),
        _ => false,
    };
    let scale_commas = match last_digit {
        Some(b) => int_pieces.get(b + 1..).map_or(0, |s| s.iter().take_while(|p| **p == Piece::Comma).count()),
        None => 0,
    };
    let mut scaled = value.abs() / 1000f64.powi(i32::try_from(scale_commas).unwrap_or(0));
    for piece in &pieces {
        match piece {
            Piece::Percent => scaled *= 100.0,
            Piece::PerMille => scaled *= 1000.0,
            _ => {}
        }
    }
    let mut exponent_value = 0i32;
    if exponent.is_some() && scaled != 0.0 {
        let int_digits = i32::try_from(min_int.max(1)).unwrap_or(1);
        exponent_value = scaled.log10().floor() as i32 - (int_digits - 1);
        scaled /= 10f64.powi(exponent_value);
    }
    let (int, mut frac) = fixed(scaled, max_frac);
    while frac.len() > min_frac && frac.ends_with('0') {
        frac.pop();
    }
    let int = if int == "0" && min_int == 0 { String::new() } else { format!("{int:0>min_int$}") };
    let int = if grouped { group(&int, culture.group) } else { int };
    let negative = signed && is_negative(value, if int.is_empty() { "0" } else { &int }, &frac);

    let mut out = String::new();
    if negative {
        out.push('-');
    }
    let mut int_written = false;
    for (index, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Zero | Piece::Hash | Piece::Comma if index < int_end => {
                if !int_written && first_digit.is_some_and(|f| index >= f) {
                    out.push_str(&int);
                    int_written = true;
                }
            }
            Piece::Point => {
                if !int_written {
                    out.push_str(&int);
                    int_written = true;
                }
                if !frac.is_empty() {
                    out.push_str(culture.decimal);
                    out.push_str(&frac);
                }
            }
            Piece::Zero | Piece::Hash | Piece::Comma => {}
            Piece::Percent => out.push('%'),
            Piece::PerMille => out.push('‰'),
            Piece::Exponent { letter, always_sign, digits } => {
                if !int_written {
                    out.push_str(&int);
                    int_written = true;
                }
                let sign = match (exponent_value < 0, always_sign) {
                    (true, _) => "-",
                    (false, true) => "+",
                    (false, false) => "",
                };
                out.push_str(&format!("{letter}{sign}{:0>digits$}", exponent_value.unsigned_abs()));
            }
            Piece::Literal(text) => out.push_str(text),
        }
    }
    if !int_written {
        out.push_str(&int);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::culture::find;

    fn f(value: f64, pattern: &str) -> String {
        format(Num::Float(value), pattern, find(None).unwrap()).unwrap()
    }

    #[test]
    fn rounds_midpoints_away_from_zero() {
        assert_eq!(fixed(2.5, 0), ("3".into(), String::new()));
        assert_eq!(fixed(0.125, 2), ("0".into(), "13".into()));
        assert_eq!(fixed(9.995, 2).0, "9");
        assert_eq!(fixed(99.999, 2), ("100".into(), "00".into()));
    }

    #[test]
    fn custom_patterns() {
        assert_eq!(f(1234567.891, "#,##0.00"), "1,234,567.89");
        assert_eq!(f(1234567.891, "0,0.00"), "1,234,567.89");
        assert_eq!(f(0.5, "#.##"), ".5");
        assert_eq!(f(42.0, "00000"), "00042");
        assert_eq!(f(0.256, "0.0%"), "25.6%");
        assert_eq!(f(-5.0, "0.00;(0.00)"), "(5.00)");
        assert_eq!(f(0.0, "0.00;(0.00);zero"), "zero");
        assert_eq!(f(1234567.0, "#,##0,K"), "1,235K");
        assert_eq!(f(12345.0, "0.00E+00"), "1.23E+04");
        assert_eq!(f(-1.5, "0"), "-2");
    }

    #[test]
    fn standard_formats() {
        assert_eq!(f(1234.5678, "N"), "1,234.57");
        assert_eq!(f(1234.5678, "F1"), "1234.6");
        assert_eq!(f(-1234.5, "C"), "-$1,234.50");
        assert_eq!(f(0.1234, "P1"), "12.3%");
        assert_eq!(f(1234.5678, "E2"), "1.23E+003");
        assert_eq!(format(Num::Int(255), "X4", find(None).unwrap()).unwrap(), "00FF");
        assert_eq!(format(Num::Int(-42), "D5", find(None).unwrap()).unwrap(), "-00042");
        assert!(format(Num::Float(1.5), "D", find(None).unwrap()).is_err());
    }
}
