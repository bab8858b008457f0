//! RFC 6901 JSON pointers for finding locations.

/// `base` + `/` + the escaped `token`.
pub fn join(base: &str, token: &str) -> String {
    format!("{base}/{}", token.replace('~', "~0").replace('/', "~1"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_slash_and_tilde() {
        assert_eq!(super::join("/paths", "/a/{id}~x"), "/paths/~1a~1{id}~0x");
    }
}
