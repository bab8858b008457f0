//! Name-based GUIDs (RFC 4122 version 5): every component id is a function of its name, so the
//! package is byte-identical on every build and an upgrade keeps the ids of the last one.

use std::fmt;

/// A GUID, written the way solution files write it: lower case, hyphenated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Guid([u8; 16]);

/// The namespace of every cosell id: the version 5 GUID of the project URL in the RFC's URL
/// namespace. Changing it changes every id in the solution (an import would then duplicate them).
const COSELL_NAMESPACE: Guid =
    Guid([0x6e, 0x0c, 0x3e, 0x1b, 0x5a, 0x3f, 0x5b, 0x2e, 0x9d, 0x41, 0x2f, 0x8a, 0x7c, 0x10, 0x5e, 0x93]);

impl Guid {
    /// The version 5 GUID of `name` in `namespace`.
    pub fn v5(namespace: Guid, name: &str) -> Guid {
        let mut sha = sha1_smol::Sha1::new();
        sha.update(&namespace.0);
        sha.update(name.as_bytes());
        let digest = sha.digest().bytes();
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(digest.get(..16).unwrap_or(&[0; 16]));
        bytes[6] = (bytes[6] & 0x0f) | 0x50;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        Guid(bytes)
    }

    /// The id of a cosell component, from a name that says what it is (`"form:opportunity:main"`).
    pub fn named(name: &str) -> Guid {
        Guid::v5(COSELL_NAMESPACE, name)
    }

    /// `{…}`, as `formid`, `WebResourceId` and `WorkflowId` are written.
    pub fn braced(self) -> String {
        format!("{{{self}}}")
    }

    /// Upper case without braces, as in `Workflows/<Name>-<GUID>.json`.
    pub fn upper(self) -> String {
        self.to_string().to_ascii_uppercase()
    }

    /// Parses `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, with or without braces, any case.
    pub fn parse(text: &str) -> Option<Guid> {
        let inner = match text.strip_prefix('{') {
            Some(rest) => rest.strip_suffix('}')?,
            None => text,
        };
        let groups: Vec<&str> = inner.split('-').collect();
        if groups.iter().map(|g| g.len()).collect::<Vec<_>>() != [8, 4, 4, 4, 12] {
            return None;
        }
        let hex: String = groups.concat();
        let mut bytes = [0u8; 16];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()?;
        }
        Some(Guid(bytes))
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// RFC 4122 appendix C's DNS namespace.
    const DNS: &str = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";

    #[test]
    fn matches_the_python_uuid5_reference() {
        // Python's documentation: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org').
        let ns = Guid::parse(DNS).unwrap();
        assert_eq!(Guid::v5(ns, "python.org").to_string(), "886313e1-3b8a-5372-9b90-0c9aee199e5d");
    }

    #[test]
    fn formats_as_solution_files_do() {
        let g = Guid::parse("{E023EACA-B557-499A-BD5F-C975FB1C5FF1}").unwrap();
        assert_eq!(g.braced(), "{e023eaca-b557-499a-bd5f-c975fb1c5ff1}");
        assert_eq!(g.upper(), "E023EACA-B557-499A-BD5F-C975FB1C5FF1");
    }

    #[test]
    fn rejects_malformed_text() {
        for bad in [
            "",
            "{}",
            "e023eaca-b557-499a-bd5f",
            "{e023eaca-b557-499a-bd5f-c975fb1c5ff1",
            "g023eaca-b557-499a-bd5f-c975fb1c5ff1",
        ] {
            assert_eq!(Guid::parse(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn named_ids_are_version_5_and_round_trip(name in ".{0,40}") {
            let g = Guid::named(&name);
            let text = g.to_string();
            prop_assert_eq!(text.chars().nth(14), Some('5'));
            prop_assert!(matches!(text.chars().nth(19), Some('8' | '9' | 'a' | 'b')));
            prop_assert_eq!(Guid::parse(&g.braced()), Some(g));
            prop_assert_eq!(Guid::named(&name), g);
        }
    }
}
