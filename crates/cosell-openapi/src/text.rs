//! Designer text: Title Case summaries from wire names, sentences from doc comments.

/// Words written in capitals (or a fixed spelling) in a Title Case summary.
const SPELLINGS: [(&str, &str); 12] = [
    ("id", "ID"),
    ("ids", "IDs"),
    ("url", "URL"),
    ("uri", "URI"),
    ("utc", "UTC"),
    ("mpn", "MPN"),
    ("iot", "IoT"),
    ("msx", "MSX"),
    ("crm", "CRM"),
    ("odata", "OData"),
    ("psc", "PSC"),
    ("ms", "MS"),
];

/// `engagementId` → `Engagement ID`, `@odata.nextLink` → `OData Next Link`, `eTag` → `ETag`.
pub fn title_from_name(name: &str) -> String {
    if name.eq_ignore_ascii_case("etag") {
        return "ETag".into();
    }
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous: Option<char> = None;
    for c in name.chars() {
        let boundary = match previous {
            Some(p) => {
                (c.is_uppercase() && (p.is_lowercase() || p.is_ascii_digit()))
                    || (c.is_ascii_digit() && !p.is_ascii_digit())
                    || (!c.is_alphanumeric())
            }
            None => false,
        };
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        if c.is_alphanumeric() {
            current.push(c);
        }
        previous = Some(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
        .iter()
        .map(|w| {
            let lower = w.to_lowercase();
            match SPELLINGS.iter().find(|(k, _)| *k == lower) {
                Some((_, spelled)) => (*spelled).to_owned(),
                None => {
                    let mut chars = w.chars();
                    chars.next().map(|f| f.to_uppercase().chain(chars).collect()).unwrap_or_default()
                }
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A doc-comment text as a full sentence: capitalized, ending in punctuation.
pub fn sentence(text: &str) -> String {
    let text = text.trim();
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(f) => f.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_from_wire_names() {
        assert_eq!(title_from_name("engagementId"), "Engagement ID");
        assert_eq!(title_from_name("@odata.nextLink"), "OData Next Link");
        assert_eq!(title_from_name("addressLine1"), "Address Line 1");
        assert_eq!(title_from_name("eTag"), "ETag");
        assert_eq!(title_from_name("EventName"), "Event Name");
        assert_eq!(
            title_from_name("consentToShareReferralWithMicrosoftSellers"),
            "Consent To Share Referral With Microsoft Sellers"
        );
    }

    #[test]
    fn sentences_end_in_punctuation() {
        assert_eq!(sentence("the city"), "The city.");
        assert_eq!(sentence("Is it?"), "Is it?");
    }
}
