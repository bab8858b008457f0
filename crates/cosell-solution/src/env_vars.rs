//! The environment variable definitions: one row per variable cosell-core's `config::vars`
//! declares, with its type and the default `Config::default()` gives.

use cosell_core::config::{vars, Config};

/// Dataverse's environment variable types (`type` option values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarType {
    String,
    Number,
    /// Stored as the strings `yes` and `no`.
    Boolean,
    Json,
}

impl VarType {
    /// The option value of `environmentvariabledefinition.type`. UNCERTAIN: the codes come from
    /// third-party generators (Microsoft documents the labels, not the numbers).
    pub fn code(self) -> u32 {
        match self {
            VarType::String => 100_000_000,
            VarType::Number => 100_000_001,
            VarType::Boolean => 100_000_002,
            VarType::Json => 100_000_003,
        }
    }
}

/// One environment variable definition.
#[derive(Debug, Clone, Copy)]
pub struct EnvVar {
    pub schema: &'static str,
    pub display: &'static str,
    pub kind: VarType,
    /// The default value as Dataverse stores it, from the core's defaults.
    pub default: fn(&Config) -> String,
    /// The doc comment of the constant in cosell-core's `config::vars` (a test keeps them equal).
    pub description: &'static str,
}

fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.to_owned()
}

/// Every environment variable, in the core's order.
pub const ENV_VARS: [EnvVar; 5] = [
    EnvVar {
        schema: vars::DISPLAY_CHECK_MARK,
        display: "Display check mark",
        kind: VarType::Boolean,
        default: |c| yes_no(c.display_check_mark),
        description: "Yes/No, default Yes: show ✔/✖ in the opportunity name after a sync.",
    },
    EnvVar {
        schema: vars::DEAL_VALUE_COLUMN,
        display: "Deal value column",
        kind: VarType::String,
        default: |c| c.deal_value_column.clone(),
        description: "Column logical name, default `estimatedvalue`: the opportunity column holding the deal value.",
    },
    EnvVar {
        schema: vars::COUNTRY_CODE_COLUMN,
        display: "Country code column",
        kind: VarType::String,
        default: |c| c.country_code_column.clone(),
        description:
            "Column logical name, default `address1_country`: the account column holding the ISO country code.",
    },
    EnvVar {
        schema: vars::SYNC_COSELL_ONLY,
        display: "Sync co-sell referrals only",
        kind: VarType::Boolean,
        default: |c| yes_no(c.sync_cosell_only),
        description: "Yes/No, default No: bring only co-sell referrals (help requested or shared) from Partner Center.",
    },
    EnvVar {
        schema: vars::REFERRAL_LINK_TEMPLATE,
        display: "Referral link template",
        kind: VarType::String,
        default: |c| c.referral_link_template.clone(),
        description:
            "Text, default Partner Center's referral page: the link template for Referral Link, `{id}` replaced.",
    },
];
