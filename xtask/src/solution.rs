//! Dataverse solution tasks (issue 9): build the zip, check it, golden files. Owned by the solution work.

use crate::util;

/// Writes `dist/solution/cosell_<version>.zip` (after the form web resources are built).
pub fn dist() -> util::Result {
    Ok(())
}

/// Golden files, determinism, `cosell solution check`, XSD validation, ESLint on the web resources.
pub fn test() -> util::Result {
    Ok(())
}

/// Regenerates the checked-in `solution/` folder.
pub fn bless() -> util::Result {
    Ok(())
}
