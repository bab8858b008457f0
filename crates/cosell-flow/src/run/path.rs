//! JSON paths for error messages (`$.properties.definition.actions['Get a row'].runAfter`).

/// The path of `key` under `parent`: `.key` for plain names, `['key']` otherwise.
pub fn child(parent: &str, key: &str) -> String {
    let plain = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if plain {
        format!("{parent}.{key}")
    } else {
        format!("{parent}['{}']", key.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

/// The path of array element `index` under `parent`.
pub fn index(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths() {
        assert_eq!(super::child("$", "actions"), "$.actions");
        assert_eq!(super::child("$.actions", "Get a row"), "$.actions['Get a row']");
        assert_eq!(super::child("$", "it's"), "$['it\\'s']");
        assert_eq!(super::child("$", "$connections"), "$.$connections");
        assert_eq!(super::child("$", "1st"), "$['1st']");
        assert_eq!(super::index("$.a", 3), "$.a[3]");
    }
}
