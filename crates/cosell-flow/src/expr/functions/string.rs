//! String functions. Positions and lengths count UTF-16 code units, as .NET strings do (so an
//! emoji has length 2, as in the real runtime).

use serde_json::Value;

use super::{row, Args, Builtin, ANY};
use crate::expr::value::to_text;

pub(super) const FUNCTIONS: &[Builtin] = &[
    row("concat", 1, ANY, concat),
    row("endsWith", 2, 2, ends_with),
    row("formatNumber", 2, 3, format_number),
    row("guid", 0, 1, guid),
    row("indexOf", 2, 2, index_of),
    row("isFloat", 1, 2, is_float),
    row("isInt", 1, 1, is_int),
    row("lastIndexOf", 2, 2, last_index_of),
    row("nthIndexOf", 3, 3, nth_index_of),
    row("replace", 3, 3, replace),
    row("slice", 2, 3, slice),
    row("split", 2, 2, split),
    row("startsWith", 2, 2, starts_with),
    row("substring", 2, 3, substring),
    row("toLower", 1, 1, to_lower),
    row("toUpper", 1, 1, to_upper),
    row("trim", 1, 1, trim),
];

pub(crate) fn units(text: &str) -> Vec<u16> {
    text.encode_utf16().collect()
}

pub(crate) fn from_units(units: &[u16]) -> String {
    String::from_utf16_lossy(units)
}

/// Length in UTF-16 code units.
pub(crate) fn length(text: &str) -> usize {
    text.encode_utf16().count()
}

fn position(index: Option<usize>) -> Value {
    index.map_or(Value::from(-1), Value::from)
}

fn concat(args: &mut Args<'_>) -> Result<Value, String> {
    let mut out = String::new();
    for value in &args.values {
        match value {
            Value::String(s) => out.push_str(s),
            other => out.push_str(&to_text(other)),
        }
    }
    Ok(Value::String(out))
}

/// Case-insensitive (ordinal, ignoring case), as the reference says for these four functions.
fn folded(args: &Args<'_>) -> Result<(Vec<u16>, Vec<u16>), String> {
    let text = args.string_or_empty(0)?.to_lowercase();
    let search = args.string_or_empty(1)?.to_lowercase();
    Ok((units(&text), units(&search)))
}

fn ends_with(args: &mut Args<'_>) -> Result<Value, String> {
    let (text, search) = folded(args)?;
    Ok(Value::Bool(text.ends_with(&search)))
}

fn starts_with(args: &mut Args<'_>) -> Result<Value, String> {
    let (text, search) = folded(args)?;
    Ok(Value::Bool(text.starts_with(&search)))
}

/// Every start of `search` in `text`, in order (overlapping, as .NET's repeated IndexOf finds).
fn occurrences<'a>(text: &'a [u16], search: &'a [u16]) -> impl Iterator<Item = usize> + 'a {
    (0..=text.len().saturating_sub(search.len()))
        .filter(move |&i| search.len() <= text.len() && text.get(i..i + search.len()) == Some(search))
}

fn index_of(args: &mut Args<'_>) -> Result<Value, String> {
    let (text, search) = folded(args)?;
    let found = occurrences(&text, &search).next();
    Ok(position(found))
}

fn last_index_of(args: &mut Args<'_>) -> Result<Value, String> {
    let (text, search) = folded(args)?;
    if search.is_empty() {
        // The reference: both empty gives 0, an empty search the text's length minus 1.
        return Ok(Value::from(text.len().saturating_sub(1)));
    }
    let found = occurrences(&text, &search).last();
    Ok(position(found))
}

fn nth_index_of(args: &mut Args<'_>) -> Result<Value, String> {
    let (text, search) = folded(args)?;
    let n = args.int(2)?;
    let found: Vec<usize> = occurrences(&text, &search).collect();
    let index = match n {
        0 => return Err("argument 3 (the occurrence) must not be 0".into()),
        n if n > 0 => usize::try_from(n - 1).ok().and_then(|i| found.get(i)),
        n => usize::try_from(-n).ok().and_then(|i| found.len().checked_sub(i)).and_then(|i| found.get(i)),
    };
    Ok(position(index.copied()))
}

fn replace(args: &mut Args<'_>) -> Result<Value, String> {
    let text = args.string_or_empty(0)?;
    let old = args.string(1)?;
    let new = args.string_or_empty(2)?;
    if old.is_empty() {
        return Err("argument 2 (the text to replace) must not be empty".into());
    }
    Ok(Value::String(text.replace(old, new)))
}

/// Resolves a `slice` index: negative counts from the end; the result is clamped to the text.
fn slice_index(index: i64, len: usize) -> usize {
    let len_i = i64::try_from(len).unwrap_or(i64::MAX);
    let resolved = if index < 0 { len_i.saturating_add(index) } else { index };
    usize::try_from(resolved.clamp(0, len_i)).unwrap_or(0)
}

fn slice(args: &mut Args<'_>) -> Result<Value, String> {
    let text = units(args.string_or_empty(0)?);
    let start = slice_index(args.int(1)?, text.len());
    let end = match args.optional_int(2)? {
        Some(end) => slice_index(end, text.len()),
        None => text.len(),
    };
    Ok(Value::String(text.get(start..end.max(start)).map(from_units).unwrap_or_default()))
}

/// UNCERTAIN: the separator is the whole string (`split('a::b', '::')` is `["a", "b"]`), as
/// .NET's `Split(string)`; the reference speaks of a delimiter "character" and has no example
/// with a longer one.
fn split(args: &mut Args<'_>) -> Result<Value, String> {
    let text = args.string_or_empty(0)?;
    let separator = args.string(1)?;
    if separator.is_empty() {
        return Ok(Value::Array(vec![Value::String(text.to_owned())]));
    }
    Ok(Value::Array(text.split(separator).map(|s| Value::String(s.to_owned())).collect()))
}

fn substring(args: &mut Args<'_>) -> Result<Value, String> {
    let text = units(args.string_or_empty(0)?);
    let start = args.count(1)?;
    let length = match args.optional(2) {
        Some(_) => args.count(2)?,
        None => text.len().saturating_sub(start),
    };
    let end = start.checked_add(length).filter(|&end| end <= text.len()).ok_or_else(|| {
        format!(
            "the start index ({start}) and the length ({length}) must stay within the text of {} characters",
            text.len()
        )
    })?;
    Ok(Value::String(text.get(start..end).map(from_units).unwrap_or_default()))
}

fn to_lower(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(Value::String(args.string_or_empty(0)?.to_lowercase()))
}

fn to_upper(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(Value::String(args.string_or_empty(0)?.to_uppercase()))
}

fn trim(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(Value::String(args.string_or_empty(0)?.trim().to_owned()))
}

fn is_int(args: &mut Args<'_>) -> Result<Value, String> {
    let text = args.string(0)?.trim();
    Ok(Value::Bool(text.parse::<i64>().is_ok()))
}

fn is_float(args: &mut Args<'_>) -> Result<Value, String> {
    let text = args.string(0)?;
    let culture = crate::expr::culture::find(args.optional_string(1)?)?;
    Ok(Value::Bool(culture.parse_number(text).is_some()))
}

fn format_number(args: &mut Args<'_>) -> Result<Value, String> {
    let number = args.number(0)?;
    let format = args.string(1)?;
    let culture = crate::expr::culture::find(args.optional_string(2)?)?;
    crate::expr::number_format::format(number, format, culture).map(Value::String)
}

/// A version 4 GUID from two of the scope's random numbers; `N`, `D` (default), `B`, `P`, `X`.
fn guid(args: &mut Args<'_>) -> Result<Value, String> {
    let format = args.optional_string(0)?.unwrap_or("D");
    let high = args.scope.next_random();
    let low = args.scope.next_random();
    let high = (high & 0xffff_ffff_ffff_0fff) | 0x4000;
    let low = (low & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    let hex = format!("{high:016x}{low:016x}");
    let part = |from: usize, to: usize| hex.get(from..to).unwrap_or_default();
    let dashed = format!("{}-{}-{}-{}-{}", part(0, 8), part(8, 12), part(12, 16), part(16, 20), part(20, 32));
    let text = match format {
        "N" | "n" => hex.clone(),
        "D" | "d" => dashed,
        "B" | "b" => format!("{{{dashed}}}"),
        "P" | "p" => format!("({dashed})"),
        "X" | "x" => format!(
            "{{0x{},0x{},0x{},{{{}}}}}",
            part(0, 8),
            part(8, 12),
            part(12, 16),
            (16..32).step_by(2).map(|i| format!("0x{}", part(i, i + 2))).collect::<Vec<_>>().join(",")
        ),
        other => return Err(format!("'{other}' is not a GUID format (N, D, B, P or X)")),
    };
    Ok(Value::String(text))
}
