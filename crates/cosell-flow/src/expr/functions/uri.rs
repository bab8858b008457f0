//! URI parsing functions (`uriHost`, `uriPath`, …) over absolute URIs, as .NET's `System.Uri`
//! reads them.

use serde_json::Value;

use super::{row, Args, Builtin};

pub(super) const FUNCTIONS: &[Builtin] = &[
    row("uriHost", 1, 1, host),
    row("uriPath", 1, 1, path),
    row("uriPathAndQuery", 1, 1, path_and_query),
    row("uriPort", 1, 1, port),
    row("uriQuery", 1, 1, query),
    row("uriScheme", 1, 1, scheme),
];

/// The parts of an absolute URI.
struct Uri<'a> {
    scheme: &'a str,
    host: &'a str,
    port: Option<u16>,
    path: &'a str,
    query: &'a str,
}

/// Well-known default ports (.NET's table, the schemes a flow meets).
const DEFAULT_PORTS: &[(&str, u16)] = &[("http", 80), ("https", 443), ("ftp", 21), ("ws", 80), ("wss", 443)];

fn parse(text: &str) -> Result<Uri<'_>, String> {
    let invalid = || format!("'{text}' is not an absolute URI");
    let (scheme, rest) = text.split_once("://").ok_or_else(invalid)?;
    let scheme_ok = scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return Err(invalid());
    }
    let rest = rest.split('#').next().unwrap_or_default();
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match host_port.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => {
            let port = if port.is_empty() { None } else { Some(port.parse().map_err(|_| invalid())?) };
            (host, port)
        }
        _ => (host_port, None),
    };
    if host.is_empty() {
        return Err(invalid());
    }
    let (path, query) = match tail.find('?') {
        Some(q) => tail.split_at(q),
        None => (tail, ""),
    };
    Ok(Uri { scheme, host, port, path, query })
}

fn host(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(Value::String(parse(args.string(0)?)?.host.to_ascii_lowercase()))
}

fn path_or_root(uri: &Uri<'_>) -> String {
    if uri.path.is_empty() {
        "/".into()
    } else {
        uri.path.to_owned()
    }
}

fn path(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(Value::String(path_or_root(&parse(args.string(0)?)?)))
}

fn path_and_query(args: &mut Args<'_>) -> Result<Value, String> {
    let uri = parse(args.string(0)?)?;
    Ok(Value::String(format!("{}{}", path_or_root(&uri), uri.query)))
}

fn port(args: &mut Args<'_>) -> Result<Value, String> {
    let uri = parse(args.string(0)?)?;
    let scheme = uri.scheme.to_ascii_lowercase();
    let default = DEFAULT_PORTS.iter().find(|(s, _)| *s == scheme).map(|(_, p)| *p);
    let port = uri.port.or(default).map_or(-1, i64::from);
    Ok(Value::from(port))
}

fn query(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(Value::String(parse(args.string(0)?)?.query.to_owned()))
}

fn scheme(args: &mut Args<'_>) -> Result<Value, String> {
    Ok(Value::String(parse(args.string(0)?)?.scheme.to_ascii_lowercase()))
}
