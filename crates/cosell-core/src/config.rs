//! The solution's environment variables, parsed strictly from the strings Dataverse stores.

use crate::dataverse::{account, opportunity};
use crate::json::{push_key, InputError};
use serde_json::{Map, Value};

/// Schema names of the environment variables, with their defaults.
pub mod vars {
    /// Yes/No, default Yes: show ✔/✖ in the opportunity name after a sync.
    pub const DISPLAY_CHECK_MARK: &str = "cosell_DisplayCheckMark";
    /// Column logical name, default `estimatedvalue`: the opportunity column holding the deal value.
    pub const DEAL_VALUE_COLUMN: &str = "cosell_DealValueColumn";
    /// Column logical name, default `address1_country`: the account column holding the ISO country code.
    pub const COUNTRY_CODE_COLUMN: &str = "cosell_CountryCodeColumn";
    /// Yes/No, default No: bring only co-sell referrals (help requested or shared) from Partner Center.
    pub const SYNC_COSELL_ONLY: &str = "cosell_SyncCoSellOnly";
    /// Text, default Partner Center's referral page: the link template for Referral Link, `{id}` replaced.
    pub const REFERRAL_LINK_TEMPLATE: &str = "cosell_ReferralLinkTemplate";

    /// Every variable this version knows.
    pub const ALL: [&str; 5] =
        [DISPLAY_CHECK_MARK, DEAL_VALUE_COLUMN, COUNTRY_CODE_COLUMN, SYNC_COSELL_ONLY, REFERRAL_LINK_TEMPLATE];
}

/// Default link template for the Referral Link column. UNCERTAIN: Partner Center's exact deep-link
/// format is not documented; this is the referrals workspace with the ID. Change it with the
/// `cosell_ReferralLinkTemplate` environment variable.
pub const DEFAULT_REFERRAL_LINK_TEMPLATE: &str =
    "https://partner.microsoft.com/dashboard/referrals/v2/opportunities/{id}";

/// The configuration the rules and the mapping read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Show ✔/✖ in the opportunity name.
    pub display_check_mark: bool,
    /// Logical name of the opportunity column holding the deal value.
    pub deal_value_column: String,
    /// Logical name of the account column holding the ISO 3166-1 alpha-2 country code.
    pub country_code_column: String,
    /// Only co-sell referrals come from Partner Center into Dynamics 365.
    pub sync_cosell_only: bool,
    /// Template of the Referral Link; `{id}` is replaced by the referral ID.
    pub referral_link_template: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            display_check_mark: true,
            deal_value_column: opportunity::ESTIMATED_VALUE.to_owned(),
            country_code_column: account::COUNTRY.to_owned(),
            sync_cosell_only: false,
            referral_link_template: DEFAULT_REFERRAL_LINK_TEMPLATE.to_owned(),
        }
    }
}

impl Config {
    /// The column an environment variable names (`cosell_DealValueColumn`, `cosell_CountryCodeColumn`).
    pub fn column(&self, variable: &str) -> Option<&str> {
        match variable {
            vars::DEAL_VALUE_COLUMN => Some(&self.deal_value_column),
            vars::COUNTRY_CODE_COLUMN => Some(&self.country_code_column),
            _ => None,
        }
    }

    /// Reads the environment variables (schema name → value string). Missing or null values
    /// take the default. `path` is the JSON path of the object, for error messages.
    ///
    /// Strict: a Yes/No variable takes only yes/no/true/false (any case), a column variable
    /// only a logical name, and an unknown `cosell_` variable is an error (it is a typo).
    pub fn from_environment(env: &Map<String, Value>, path: &str) -> Result<Config, InputError> {
        let mut config = Config::default();
        for (key, value) in env {
            let mut at = path.to_owned();
            push_key(&mut at, key);
            let text = match value {
                Value::Null => continue,
                // Dataverse gives an unset current value as an empty string: the default applies.
                Value::String(s) if s.trim().is_empty() => continue,
                Value::String(s) => s.trim(),
                other => {
                    return Err(InputError::new(
                        at,
                        format!("environment variable values are strings, found {}", crate::wire::kind(other)),
                    ))
                }
            };
            // Schema names are matched without regard to case, as Dataverse does.
            let known = vars::ALL.iter().find(|v| v.eq_ignore_ascii_case(key)).copied();
            match known.unwrap_or(key.as_str()) {
                vars::DISPLAY_CHECK_MARK => config.display_check_mark = parse_yes_no(text, &at)?,
                vars::SYNC_COSELL_ONLY => config.sync_cosell_only = parse_yes_no(text, &at)?,
                vars::DEAL_VALUE_COLUMN => config.deal_value_column = parse_column(text, &at)?,
                vars::COUNTRY_CODE_COLUMN => config.country_code_column = parse_column(text, &at)?,
                vars::REFERRAL_LINK_TEMPLATE => {
                    if !text.starts_with("https://") || !text.contains("{id}") {
                        return Err(InputError::new(at, "expected an https:// URL containing {id}"));
                    }
                    config.referral_link_template = text.to_owned();
                }
                other if other.to_ascii_lowercase().starts_with(crate::dataverse::PREFIX) => {
                    return Err(InputError::new(
                        at,
                        format!("unknown environment variable (known: {})", vars::ALL.join(", ")),
                    ))
                }
                _ => {}
            }
        }
        Ok(config)
    }

    /// The Referral Link for a referral ID.
    pub fn referral_link(&self, referral_id: &str) -> String {
        self.referral_link_template.replace("{id}", referral_id)
    }
}

/// Dataverse stores Yes/No environment variables as the strings "yes" and "no".
fn parse_yes_no(text: &str, at: &str) -> Result<bool, InputError> {
    match text.to_ascii_lowercase().as_str() {
        "yes" | "true" => Ok(true),
        "no" | "false" => Ok(false),
        _ => Err(InputError::new(at, format!("expected yes or no, found {:?}", text))),
    }
}

/// A column's logical name: lower-case letters, digits and underscores, starting with a letter.
fn parse_column(text: &str, at: &str) -> Result<String, InputError> {
    let ok = text.len() <= 64
        && text.starts_with(|c: char| c.is_ascii_lowercase())
        && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(text.to_owned())
    } else {
        Err(InputError::new(
            at,
            format!("expected a column logical name such as estimatedvalue (not a display name), found {:?}", text),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn env(v: Value) -> Result<Config, InputError> {
        match v {
            Value::Object(m) => Config::from_environment(&m, "$.environment"),
            _ => unreachable!(),
        }
    }

    #[test]
    fn defaults_match_the_seed_solution() {
        let c = env(json!({})).unwrap();
        assert!(c.display_check_mark);
        assert_eq!(c.deal_value_column, "estimatedvalue");
        assert_eq!(c.country_code_column, "address1_country");
        assert!(!c.sync_cosell_only);
    }

    #[test]
    fn values_are_read() {
        let c = env(json!({
            "cosell_DisplayCheckMark": "No", "cosell_SyncCoSellOnly": "yes",
            "cosell_DealValueColumn": "new_dealvalue", "cosell_CountryCodeColumn": "new_isocountry",
            "cosell_ReferralLinkTemplate": "https://example.test/r/{id}", "other_Var": "ignored"
        }))
        .unwrap();
        assert!(!c.display_check_mark && c.sync_cosell_only);
        assert_eq!(c.deal_value_column, "new_dealvalue");
        assert_eq!(c.country_code_column, "new_isocountry");
        assert_eq!(c.referral_link("r1"), "https://example.test/r/r1");
    }

    #[test]
    fn null_and_empty_take_the_default() {
        assert!(env(json!({ "cosell_DisplayCheckMark": null })).unwrap().display_check_mark);
        assert!(env(json!({ "cosell_DisplayCheckMark": " " })).unwrap().display_check_mark);
    }

    #[test]
    fn names_match_without_case() {
        assert!(!env(json!({ "COSELL_displaycheckmark": "no" })).unwrap().display_check_mark);
    }

    #[test]
    fn bad_values_name_the_variable() {
        let e = env(json!({ "cosell_DisplayCheckMark": "maybe" })).unwrap_err();
        assert_eq!(e.path, "$.environment.cosell_DisplayCheckMark");
        let e = env(json!({ "cosell_DealValueColumn": "Est. Revenue" })).unwrap_err();
        assert!(e.message.contains("logical name"));
        let e = env(json!({ "cosell_SyncCoSellOnly": true })).unwrap_err();
        assert!(e.message.contains("strings"));
        let e = env(json!({ "cosell_DisplayCheckmark2": "yes" })).unwrap_err();
        assert!(e.message.contains("unknown environment variable"));
        let e = env(json!({ "cosell_ReferralLinkTemplate": "http://x/{id}" })).unwrap_err();
        assert!(e.message.contains("https://"));
    }
}
