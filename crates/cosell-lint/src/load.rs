//! Reading a connector folder.

use serde_json::Value;
use std::fmt;
use std::path::{Path, PathBuf};

/// The Swagger 2.0 definition file every connector has.
pub const API_DEFINITION: &str = "apiDefinition.swagger.json";
/// The connection/auth properties file.
pub const API_PROPERTIES: &str = "apiProperties.json";

/// A connector folder that cannot be linted: missing, unreadable or not JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: PathBuf,
    /// Where in the file (`line L column C` for syntax errors), if known.
    pub location: Option<String>,
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(at) = &self.location {
            write!(f, " at {at}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for InputError {}

/// The parsed JSON files of one connector.
#[derive(Debug, Clone)]
pub struct Connector {
    pub dir: PathBuf,
    pub api_definition: Value,
    /// `None` when the folder has no `apiProperties.json` (allowed: it is optional for some tools).
    pub api_properties: Option<Value>,
    /// Files that parsed only leniently (see [`Lenient`]): `(file name, what was tolerated)`.
    pub not_strict: Vec<(&'static str, String)>,
}

impl Connector {
    /// Reads `dir/apiDefinition.swagger.json` (required) and `dir/apiProperties.json` (optional).
    pub fn load(dir: &Path) -> Result<Connector, InputError> {
        if !dir.is_dir() {
            return Err(InputError {
                file: dir.to_path_buf(),
                location: None,
                message: "not a connector folder (no such directory)".into(),
            });
        }
        let mut not_strict = Vec::new();
        let (api_definition, lenient) = read_json_lenient(&dir.join(API_DEFINITION))?;
        not_strict.extend(lenient.describe().map(|d| (API_DEFINITION, d)));
        let properties_path = dir.join(API_PROPERTIES);
        let api_properties = if properties_path.exists() {
            let (value, lenient) = read_json_lenient(&properties_path)?;
            not_strict.extend(lenient.describe().map(|d| (API_PROPERTIES, d)));
            Some(value)
        } else {
            None
        };
        Ok(Connector { dir: dir.to_path_buf(), api_definition, api_properties, not_strict })
    }
}

/// What a lenient read tolerated. Microsoft's validator (a .NET JSON reader) accepts trailing
/// commas and raw control characters in strings; some accepted connectors are not UTF-8.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Lenient {
    /// `line L column C` of the first trailing comma, and how many there are.
    pub trailing_commas: Option<(String, usize)>,
    pub control_characters: usize,
    /// The file is not UTF-8; it was read as Latin-1. UNCERTAIN: the encoding is a guess.
    pub latin1: bool,
}

impl Lenient {
    fn describe(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some((at, n)) = &self.trailing_commas {
            parts.push(format!("{n} trailing comma(s), the first at {at}"));
        }
        if self.control_characters > 0 {
            parts.push(format!("{} raw control character(s) in strings", self.control_characters));
        }
        if self.latin1 {
            parts.push("bytes that are not UTF-8 (read as Latin-1)".to_owned());
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// Reads strict JSON, or else the leniently repaired text when that parses (the strict error
/// is reported when neither does).
pub fn read_json_lenient(path: &Path) -> Result<(Value, Lenient), InputError> {
    let bytes = std::fs::read(path).map_err(|e| InputError {
        file: path.to_path_buf(),
        location: None,
        message: format!("cannot read: {e}"),
    })?;
    let (text, latin1) = match String::from_utf8(bytes) {
        Ok(text) => (text, false),
        Err(e) => (e.into_bytes().iter().map(|&b| char::from(b)).collect(), true),
    };
    let strict = parse_json(path, &text);
    match strict {
        Ok(value) if !latin1 => Ok((value, Lenient::default())),
        strict => {
            let (repaired, mut lenient) = repair(text.strip_prefix('\u{feff}').unwrap_or(&text));
            lenient.latin1 = latin1;
            match serde_json::from_str(&repaired) {
                Ok(value) => Ok((value, lenient)),
                Err(_) => strict.map(|value| (value, lenient)),
            }
        }
    }
}

/// Blanks trailing commas and escapes raw control characters inside strings, keeping every
/// other character where it was (so positions in later messages stay right).
fn repair(text: &str) -> (String, Lenient) {
    let mut out = String::with_capacity(text.len());
    let mut lenient = Lenient::default();
    let (mut in_string, mut escaped) = (false, false);
    let (mut line, mut column) = (1, 0);
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        column += 1;
        if c == '\n' {
            line += 1;
            column = 0;
        }
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                c if u32::from(c) < 0x20 => {
                    lenient.control_characters += 1;
                    out.push_str(&format!("\\u{:04x}", u32::from(c)));
                    continue;
                }
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if c == ',' {
            let next = chars.iter().skip(i + 1).find(|n| !n.is_whitespace());
            if matches!(next, Some('}' | ']')) {
                let count = lenient.trailing_commas.as_ref().map_or(0, |(_, n)| *n);
                let first = lenient.trailing_commas.take().map(|(at, _)| at);
                lenient.trailing_commas = Some((first.unwrap_or(format!("line {line} column {column}")), count + 1));
                out.push(' ');
                continue;
            }
        }
        out.push(c);
    }
    (out, lenient)
}

/// Parses a JSON file, tolerating a UTF-8 byte-order mark (Microsoft Bookings ships one).
pub fn read_json(path: &Path) -> Result<Value, InputError> {
    let text = std::fs::read_to_string(path).map_err(|e| InputError {
        file: path.to_path_buf(),
        location: None,
        message: format!("cannot read: {e}"),
    })?;
    parse_json(path, &text)
}

/// Parses JSON text read from `path` (for error messages).
pub fn parse_json(path: &Path, text: &str) -> Result<Value, InputError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str(text).map_err(|e| InputError {
        file: path.to_path_buf(),
        location: Some(format!("line {} column {}", e.line(), e.column())),
        message: format!("invalid JSON: {}", e.to_string().split(" at line ").next().unwrap_or("syntax error")),
    })
}
