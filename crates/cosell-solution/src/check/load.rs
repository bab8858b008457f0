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

/// How much a zip may unpack to: each entry, and all entries together. A solution is a few
/// megabytes; a zip bomb (1.5 MB holding 1.5 GB) stops here instead of filling memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub entry: u64,
    pub total: u64,
}

/// 256 MiB each and in all.
pub const LIMITS: Limits = Limits { entry: 256 << 20, total: 256 << 20 };

/// Reads the entries of a zip held in memory, within [`LIMITS`].
pub fn from_zip(bytes: &[u8]) -> Result<Files, String> {
    from_zip_within(bytes, LIMITS)
}

/// Reads the entries of a zip held in memory; an entry past `limits` is an error naming it. The
/// cap counts the bytes read, not the sizes the zip declares (which a crafted zip can fake).
pub fn from_zip_within(bytes: &[u8], limits: Limits) -> Result<Files, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a zip file (or a damaged one): {e}"))?;
    let mut entries = Vec::new();
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|e| format!("zip entry {i}: {e}"))?;
        if entry.is_dir() {
            continue;
        }
        let entry_name = entry.name().replace('\\', "/");
        let room = limits.entry.min(limits.total.saturating_sub(total));
        let mut content = Vec::new();
        entry.take(room.saturating_add(1)).read_to_end(&mut content).map_err(|e| format!("{entry_name}: {e}"))?;
        let read = content.len() as u64;
        if read > limits.entry {
            return Err(format!("{entry_name}: unpacks to more than {} bytes, the cap of one entry", limits.entry));
        }
        if read > room {
            return Err(format!("{entry_name}: the zip unpacks to more than {} bytes in all, the cap", limits.total));
        }
        total += read;
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
