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
        let api_definition = read_json(&dir.join(API_DEFINITION))?;
        let properties_path = dir.join(API_PROPERTIES);
        let api_properties = if properties_path.exists() { Some(read_json(&properties_path)?) } else { None };
        Ok(Connector { dir: dir.to_path_buf(), api_definition, api_properties })
    }
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
