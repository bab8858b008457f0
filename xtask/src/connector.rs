//! Connector and OpenAPI tasks (issue 4): golden files, lint, dist copy.

use crate::util;
use std::path::Path;

const CONNECTORS: [&str; 2] = ["partner-center-referrals", "partner-center-events"];

/// Copies the generated connector packages into `dist/connector/`.
pub fn dist() -> util::Result {
    let root = util::root();
    for name in CONNECTORS {
        let from = root.join("connector").join(name);
        let to = root.join("dist/connector").join(name);
        std::fs::create_dir_all(&to).map_err(|e| format!("create {}: {e}", to.display()))?;
        let entries = std::fs::read_dir(&from).map_err(|e| format!("read {}: {e}", from.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if let Some(file) = path.file_name() {
                std::fs::copy(&path, to.join(file)).map_err(|e| format!("copy {}: {e}", path.display()))?;
            }
        }
        println!("dist/connector/{name}");
    }
    Ok(())
}

/// Checks the generated files are up to date and both connectors lint clean (errors and
/// warnings), with Microsoft's vendored schemas as the extra pass when they are present.
pub fn test() -> util::Result {
    util::cosell(&["generate", "--check"])?;
    let schemas = util::root().join("../shared/vendor/powerplatform-schemas");
    let schemas = if schemas.is_dir() {
        Some(schemas.to_string_lossy().into_owned())
    } else {
        println!("notice: {} is absent; linting with the built-in rules only", schemas.display());
        None
    };
    for name in CONNECTORS {
        let dir = Path::new("connector").join(name).to_string_lossy().into_owned();
        let mut args = vec!["lint", dir.as_str()];
        if let Some(schemas) = &schemas {
            args.extend(["--schemas", schemas.as_str()]);
        }
        let output = util::cosell_output(&args)?;
        if !output.trim_end().ends_with("0 error(s), 0 warning(s)") {
            return Err(format!("connector/{name} is not lint clean:\n{output}"));
        }
        println!("connector/{name}: lint clean");
    }
    Ok(())
}

/// Regenerates `openapi/` and `connector/`.
pub fn bless() -> util::Result {
    util::cosell(&["generate"])
}
