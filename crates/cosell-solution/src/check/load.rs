//! Reading a solution: a zip, or a folder holding the zip's entries.

use std::fmt;
use std::io::Read;
use std::path::Path;

/// The entries of a solution, by path inside the package (`/` separators), in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Files {
    pub entries: Vec<(String, Vec<u8>)>,
}

impl Files {
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        let path = path.trim_start_matches('/');
        self.entries.iter().find(|(p, _)| p.eq_ignore_ascii_case(path)).map(|(_, b)| b.as_slice())
    }

    pub fn text(&self, path: &str) -> Option<String> {
        self.get(path).map(|b| String::from_utf8_lossy(b).into_owned())
    }
}

/// Why a solution could not be read at all (exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub file: String,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

/// Reads a zip file or a folder.
pub fn load(path: &Path) -> Result<Files, LoadError> {
    let name = path.display().to_string();
    let fail = |message: String| LoadError { file: name.clone(), message };
    if path.is_dir() {
        let mut entries = Vec::new();
        walk(path, path, &mut entries).map_err(|e| fail(e.to_string()))?;
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        return Ok(Files { entries });
    }
    let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read the file: {e}")))?;
    from_zip(&bytes).map_err(fail)
}

/// Reads the entries of a zip held in memory.
pub fn from_zip(bytes: &[u8]) -> Result<Files, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a zip file (or a damaged one): {e}"))?;
    let mut entries = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| format!("zip entry {i}: {e}"))?;
        if entry.is_dir() {
            continue;
        }
        let entry_name = entry.name().replace('\\', "/");
        let mut content = Vec::new();
        entry.read_to_end(&mut content).map_err(|e| format!("{entry_name}: {e}"))?;
        entries.push((entry_name, content));
    }
    Ok(Files { entries })
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(root, &path, out)?;
        } else {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let name = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            out.push((name, std::fs::read(&path)?));
        }
    }
    Ok(())
}
