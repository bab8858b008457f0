//! Conversion functions: between types, and between text, base64, data URIs, URI components
//! and binary content (`{"$content-type": …, "$content": base64}`).

use serde_json::Value;

use super::{row, Args, Builtin};
use crate::expr::culture;
use crate::expr::encoding::{base64_decode, base64_encode, uri_escape, uri_unescape};
use crate::expr::value::{binary, binary_content, float, to_text, Num};
use crate::expr::xml;

pub(super) const FUNCTIONS: &[Builtin] = &[
    row("array", 1, 1, array),
    row("base64", 1, 1, base64),
    row("base64ToBinary", 1, 1, base64_to_binary),
    row("base64ToString", 1, 1, base64_to_string),
    row("binary", 1, 1, to_binary),
    row("bool", 1, 1, to_bool),
    row("dataUri", 1, 1, data_uri),
    row("dataUriToBinary", 1, 1, data_uri_to_binary),
    row("dataUriToString", 1, 1, data_uri_to_string),
    row("decimal", 1, 1, decimal),
    row("decodeBase64", 1, 1, base64_to_string),
    row("decodeDataUri", 1, 1, data_uri_to_binary),
    row("decodeUriComponent", 1, 1, uri_component_to_string),
    row("encodeUriComponent", 1, 1, uri_component),
    row("float", 1, 2, to_float),
    row("int", 1, 1, int),
    row("json", 1, 1, json),
    row("string", 1, 1, string),
    row("uriComponent", 1, 1, uri_component),
    row("uriComponentToBinary", 1, 1, uri_component_to_binary),
    row("uriComponentToString", 1, 1, uri_component_to_string),
    row("xml", 1, 1, xml),
];

const OCTET_STREAM: &str = "application/octet-stream";
const XML: &str = "application/xml;charset=utf-8";

/// The bytes a value stands for: binary content decoded, anything else as its UTF-8 text.
pub(crate) fn bytes_of(value: &Value) -> Result<Vec<u8>, String> {
    if let Value::Object(map) = value {
        if let Some(bytes) = binary_content(map) {
            return bytes;
        }
    }
    Ok(to_text(value).into_bytes())
}

fn text_of(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn array(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(Value::Array(vec![args.take(0)]))
}

fn base64(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(Value::String(base64_encode(&bytes_of(args.get(0))?)))
}

fn base64_to_binary(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(binary(OCTET_STREAM, &base64_decode(args.string(0)?)?))
}

fn base64_to_string(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(Value::String(text_of(base64_decode(args.string(0)?)?)))
}

fn to_binary(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(binary(OCTET_STREAM, &bytes_of(args.get(0))?))
}

fn to_bool(args: &mut Args<'_>) -> Result<Value, String> {
    let value = match args.get(0) {
        Value::Bool(b) => *b,
        Value::Number(_) => Num::of(args.get(0)).is_some_and(|n| n.as_f64() != 0.0),
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => true,
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => false,
        _ => return Err(args.wrong(0, "a boolean, a number, or 'true' or 'false'")),
    };
    Ok(Value::Bool(value))
}

/// A data URI of a value: binary content keeps its content type, text is UTF-8 plain text.
fn data_uri(args: &mut Args<'_>) -> Result<Value, String> {
    let value = args.get(0);
    let media_type = match value {
        Value::Object(map) if binary_content(map).is_some() => {
            map.get("$content-type").and_then(Value::as_str).unwrap_or(OCTET_STREAM).to_owned()
        }
        _ => "text/plain;charset=utf-8".to_owned(),
    };
    Ok(Value::String(format!("data:{media_type};base64,{}", base64_encode(&bytes_of(value)?))))
}

/// A data URI's media type and bytes (`data:[<media type>][;base64],<data>`).
fn parse_data_uri(uri: &str) -> Result<(String, Vec<u8>), String> {
    let rest = uri
        .get(..5)
        .filter(|scheme| scheme.eq_ignore_ascii_case("data:"))
        .and_then(|_| uri.get(5..))
        .ok_or_else(|| format!("'{uri}' is not a data URI (it must start with 'data:')"))?;
    let (header, data) = rest.split_once(',').ok_or_else(|| format!("the data URI '{uri}' has no ','"))?;
    let (media_type, is_base64) = match header.strip_suffix(";base64") {
        Some(media_type) => (media_type, true),
        None => (header, false),
    };
    let media_type = if media_type.is_empty() { "text/plain;charset=US-ASCII" } else { media_type };
    let bytes = if is_base64 { base64_decode(data)? } else { uri_unescape(data).into_bytes() };
    Ok((media_type.to_owned(), bytes))
}

fn data_uri_to_binary(args: &mut Args<'_>) -> Result<Value, String> {
    let (media_type, bytes) = parse_data_uri(args.string(0)?)?;
    Ok(binary(&media_type, &bytes))
}

fn data_uri_to_string(args: &mut Args<'_>) -> Result<Value, String> {
    let (_, bytes) = parse_data_uri(args.string(0)?)?;
    Ok(Value::String(text_of(bytes)))
}

/// UNCERTAIN: the runtime's decimal keeps 28 digits; a JSON number here is a double (serde_json
/// without `arbitrary_precision`, which would change the whole workspace's output), so digits
/// past the 17th are rounded.
fn decimal(args: &mut Args<'_>) -> Result<Value, String> {
    match args.get(0) {
        Value::Number(_) => Ok(args.take(0)),
        Value::String(s) => {
            let parsed = culture::find(None)?.parse_number(s).ok_or_else(|| args.wrong(0, "a decimal number"))?;
            float(parsed)
        }
        _ => Err(args.wrong(0, "a number or a string")),
    }
}

fn to_float(args: &mut Args<'_>) -> Result<Value, String> {
    match args.get(0) {
        Value::Number(_) => float(args.number(0)?.as_f64()),
        Value::String(s) => {
            let culture = culture::find(args.optional_string(1)?)?;
            let parsed = culture.parse_number(s).ok_or_else(|| args.wrong(0, "a floating-point number"))?;
            float(parsed)
        }
        _ => Err(args.wrong(0, "a number or a string")),
    }
}

/// UNCERTAIN: a float with a fraction is an error (not truncated), as for a string such as '10.5'.
fn int(args: &mut Args<'_>) -> Result<Value, String> {
    match args.get(0) {
        Value::Number(_) => args.int(0).map(Value::from),
        Value::String(s) => s.trim().parse::<i64>().map(Value::from).map_err(|_| args.wrong(0, "an integer")),
        _ => Err(args.wrong(0, "a number or a string")),
    }
}

fn json(args: &mut Args<'_>) -> Result<Value, String> {
    let text = match args.get(0) {
        Value::String(s) => s.clone(),
        Value::Object(map) if binary_content(map).is_some() => {
            let is_xml = map.get("$content-type").and_then(Value::as_str).is_some_and(|t| t.contains("xml"));
            let text = text_of(bytes_of(args.get(0))?);
            if is_xml {
                return xml::to_json(&text);
            }
            text
        }
        // The reference: "If the string is null, the function returns an empty object."
        Value::Null => return Ok(Value::Object(serde_json::Map::new())),
        _ => return Ok(args.take(0)),
    };
    serde_json::from_str(&text).map_err(|e| format!("the text is not valid JSON: {e}"))
}

fn string(args: &mut Args<'_>) -> Result<Value, String> {
    match args.take(0) {
        Value::String(s) => Ok(Value::String(s)),
        other => Ok(Value::String(to_text(&other))),
    }
}

fn uri_component(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(Value::String(uri_escape(&text_of(bytes_of(args.get(0))?))))
}

fn uri_component_to_binary(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(binary(OCTET_STREAM, uri_unescape(args.string(0)?).as_bytes()))
}

fn uri_component_to_string(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(Value::String(uri_unescape(args.string(0)?)))
}

/// XML content from XML text (checked), from a string holding a JSON object, or from an object
/// (converted as Json.NET's `DeserializeXmlNode`).
fn xml(args: &mut Args<'_>) -> Result<Value, String> {
    let text = match args.get(0) {
        Value::String(s) if s.trim_start().starts_with('<') => {
            xml::check(s)?;
            s.clone()
        }
        Value::String(s) => {
            let object: Value = serde_json::from_str(s).map_err(|_| args.wrong(0, "XML or a JSON object"))?;
            xml::from_json(&object)?
        }
        Value::Object(map) if binary_content(map).is_some() => {
            let text = text_of(bytes_of(args.get(0))?);
            xml::check(&text)?;
            text
        }
        Value::Object(_) => xml::from_json(args.get(0))?,
        _ => return Err(args.wrong(0, "XML, a JSON object or a string holding one")),
    };
    Ok(binary(XML, text.as_bytes()))
}
