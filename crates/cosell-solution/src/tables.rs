//! The tables and columns the solution adds: one row per column, keyed by cosell-core's names.
//! Everything the generator writes about a column (type, label, description, length, required
//! level) comes from this table; `tests::every_core_name_has_solution_metadata` fails when the
//! core declares a column this table does not describe.

use cosell_core::dataverse::{self, lead, opportunity, solution, solution_detail, HelpNeeded, Visibility};

/// The sync-state column's length: the core's, sized for the sync's base.
const SYNC_STATE_MAX_LENGTH: u32 = {
    assert!(dataverse::SYNC_STATE_MAX_LENGTH <= 1_048_576, "Dataverse's limit for a multiline text column");
    dataverse::SYNC_STATE_MAX_LENGTH as u32
};

/// A table the solution adds to or creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    pub name: &'static str,
    /// `Some` for a table the solution creates; `None` for a standard table it only extends.
    pub new: Option<NewTable>,
}

/// What a new table needs beyond its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewTable {
    pub entity_set: &'static str,
    pub display: &'static str,
    pub plural: &'static str,
    pub description: &'static str,
    pub primary_key: &'static str,
    pub primary_name: &'static str,
}

/// Every table, in the order the solution lists them.
pub const TABLES: [Table; 4] = [
    Table { name: opportunity::TABLE, new: None },
    Table { name: lead::TABLE, new: None },
    Table {
        name: solution::TABLE,
        new: Some(NewTable {
            entity_set: solution::ENTITY_SET,
            display: "Partner Center Solution",
            plural: "Partner Center Solutions",
            description: "A co-sell solution attached to an opportunity; sent to Partner Center with the referral.",
            primary_key: solution::ID,
            primary_name: solution::NAME,
        }),
    },
    Table {
        name: solution_detail::TABLE,
        new: Some(NewTable {
            entity_set: solution_detail::ENTITY_SET,
            display: "Solution Details",
            plural: "Solution Details",
            description: "The catalogue of co-sell ready and Microsoft solutions sellers pick from.",
            primary_key: solution_detail::ID,
            primary_name: solution_detail::NAME,
        }),
    },
];

/// How much a column must be filled in (`RequiredLevel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Required {
    None,
    Application,
    System,
}

impl Required {
    pub fn xml(self) -> &'static str {
        match self {
            Required::None => "none",
            Required::Application => "applicationrequired",
            Required::System => "systemrequired",
        }
    }
}

/// A choice's options: (value, label), from cosell-core.
pub type Options = fn() -> Vec<(i64, &'static str)>;

/// A column's type and the facts that go with it.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    PrimaryKey,
    /// Single line of text; `url` gives it the URL format.
    Text {
        max: u32,
        url: bool,
    },
    /// Multiple lines of text.
    Memo {
        max: u32,
    },
    YesNo {
        default: bool,
    },
    /// A choice; `set` names its option set (global when more than one column uses it).
    Choice {
        set: &'static str,
        options: Options,
    },
    /// A lookup to `target`, through the 1:N relationship `relationship`.
    Lookup {
        target: &'static str,
        relationship: &'static str,
        cascade_delete: Cascade,
    },
}

/// What deleting the parent row does to the child rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cascade {
    /// Parental: children go with the parent.
    Delete,
    /// Referential: the lookup is cleared.
    RemoveLink,
}

/// One column on one table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub table: &'static str,
    pub name: &'static str,
    pub kind: Kind,
    pub display: &'static str,
    pub description: &'static str,
    pub required: Required,
    /// Hidden columns are not valid for views (only the sync and the form script read them; the
    /// form holds them in an invisible cell).
    pub hidden: bool,
    /// Whether changes are audited: not for the columns the sync rewrites on every run (its base
    /// and its trail, up to 100,000 characters), which would bloat the audit log.
    pub audited: bool,
}

const fn column(
    table: &'static str,
    name: &'static str,
    kind: Kind,
    display: &'static str,
    description: &'static str,
) -> Column {
    Column { table, name, kind, display, description, required: Required::None, hidden: false, audited: true }
}

const fn required(mut c: Column, level: Required) -> Column {
    c.required = level;
    c
}

/// A column only the sync writes: hidden, and not audited.
const fn hidden(mut c: Column) -> Column {
    c.hidden = true;
    unaudited(c)
}

const fn unaudited(mut c: Column) -> Column {
    c.audited = false;
    c
}

/// The 1:N relationship from opportunity to its Partner Center Solution rows (the form's subgrid).
pub const OPPORTUNITY_SOLUTIONS: &str = "cosell_opportunity_cosell_partnercentersolution";
/// The 1:N relationship from a Solution Details row to the solutions that use it.
pub const DETAIL_SOLUTIONS: &str = "cosell_solutiondetail_cosell_partnercentersolution";

/// Option set names (the column's name: a shared choice keeps the name of its first column).
const HELP_SET: &str = opportunity::HELP;
const VISIBILITY_SET: &str = opportunity::VISIBILITY;

const SYNC_DESCRIPTION: &str =
    "Yes sends this record to Partner Center as a co-sell referral and keeps both in sync; No leaves it in Dynamics 365 only.";
const REFERRAL_ID_DESCRIPTION: &str = "The Partner Center referral ID, set by the sync (read-only).";
const REFERRAL_LINK_DESCRIPTION: &str = "The referral in Partner Center, set by the sync (read-only).";
const SYNC_STATE_DESCRIPTION: &str =
    "The base of the last sync (eTag, status and the synced values; see docs/sync.md), written by the sync; not for people.";

/// Every column the solution adds or creates, grouped by table.
pub const COLUMNS: [Column; 23] = [
    // opportunity
    column(
        opportunity::TABLE,
        opportunity::SYNC,
        Kind::YesNo { default: false },
        "Sync with Partner Center",
        SYNC_DESCRIPTION,
    ),
    column(
        opportunity::TABLE,
        opportunity::REFERRAL_ID,
        Kind::Text { max: 100, url: false },
        "Referral Identifier",
        REFERRAL_ID_DESCRIPTION,
    ),
    column(
        opportunity::TABLE,
        opportunity::REFERRAL_LINK,
        Kind::Text { max: 500, url: true },
        "Referral Link",
        REFERRAL_LINK_DESCRIPTION,
    ),
    column(
        opportunity::TABLE,
        opportunity::HELP,
        Kind::Choice { set: HELP_SET, options: help_options },
        "How can Microsoft help?",
        "The help the seller asks of Microsoft; any option needs a customer contact and a visible referral.",
    ),
    column(
        opportunity::TABLE,
        opportunity::VISIBILITY,
        Kind::Choice { set: VISIBILITY_SET, options: visibility_options },
        "Referral Visibility",
        "Whether Microsoft sellers see the referral. One-way: once visible, always visible.",
    ),
    column(
        opportunity::TABLE,
        opportunity::MICROSOFT_CRM_ID,
        Kind::Text { max: 100, url: false },
        "Microsoft CRM Identifier",
        "Microsoft's own ID of the co-sell once Microsoft accepts it, set by the sync (read-only).",
    ),
    column(
        opportunity::TABLE,
        opportunity::PRODUCTS,
        Kind::Memo { max: 2000 },
        "Products (obsolete)",
        "Kept for backward compatibility; the Partner Center Solutions below replace it.",
    ),
    unaudited(column(
        opportunity::TABLE,
        opportunity::AUDIT,
        Kind::Memo { max: 100_000 },
        "Audit",
        "The sync's trail of successes and failures (read-only).",
    )),
    hidden(column(
        opportunity::TABLE,
        opportunity::SYNC_STATE,
        Kind::Memo { max: SYNC_STATE_MAX_LENGTH },
        "Sync State",
        SYNC_STATE_DESCRIPTION,
    )),
    // lead: a referral that is not accepted yet is found again by its ID
    column(lead::TABLE, lead::SYNC, Kind::YesNo { default: false }, "Sync with Partner Center", SYNC_DESCRIPTION),
    column(
        lead::TABLE,
        lead::REFERRAL_ID,
        Kind::Text { max: 100, url: false },
        "Referral Identifier",
        REFERRAL_ID_DESCRIPTION,
    ),
    column(
        lead::TABLE,
        lead::REFERRAL_LINK,
        Kind::Text { max: 500, url: true },
        "Referral Link",
        REFERRAL_LINK_DESCRIPTION,
    ),
    hidden(column(
        lead::TABLE,
        lead::SYNC_STATE,
        Kind::Memo { max: SYNC_STATE_MAX_LENGTH },
        "Sync State",
        SYNC_STATE_DESCRIPTION,
    )),
    // Partner Center Solution
    required(
        column(
            solution::TABLE,
            solution::ID,
            Kind::PrimaryKey,
            "Partner Center Solution",
            "Unique identifier of the row.",
        ),
        Required::System,
    ),
    required(
        column(solution::TABLE, solution::NAME, Kind::Text { max: 200, url: false }, "Name", "The solution's name."),
        Required::Application,
    ),
    required(
        column(
            solution::TABLE,
            solution::SOLUTION_ID,
            Kind::Text { max: 100, url: false },
            "Solution ID",
            "The Partner Center solution ID, such as SOL-34104-EBB.",
        ),
        Required::Application,
    ),
    required(
        column(
            solution::TABLE,
            solution::OPPORTUNITY,
            Kind::Lookup {
                target: opportunity::TABLE,
                relationship: OPPORTUNITY_SOLUTIONS,
                cascade_delete: Cascade::Delete,
            },
            "Opportunity",
            "The opportunity this solution is attached to.",
        ),
        Required::Application,
    ),
    column(
        solution::TABLE,
        solution::SOLUTION_DETAIL,
        Kind::Lookup {
            target: solution_detail::TABLE,
            relationship: DETAIL_SOLUTIONS,
            cascade_delete: Cascade::RemoveLink,
        },
        "Solution Details",
        "The catalogue row this solution was picked from.",
    ),
    // Solution Details
    required(
        column(
            solution_detail::TABLE,
            solution_detail::ID,
            Kind::PrimaryKey,
            "Solution Details",
            "Unique identifier of the row.",
        ),
        Required::System,
    ),
    required(
        column(
            solution_detail::TABLE,
            solution_detail::NAME,
            Kind::Text { max: 200, url: false },
            "Name",
            "The solution's name.",
        ),
        Required::Application,
    ),
    required(
        column(
            solution_detail::TABLE,
            solution_detail::SOLUTION_ID,
            Kind::Text { max: 100, url: false },
            "Solution ID",
            "The Partner Center solution ID, such as SOL-34104-EBB.",
        ),
        Required::Application,
    ),
    column(
        solution_detail::TABLE,
        solution_detail::PUBLISHER_NAME,
        Kind::Text { max: 200, url: false },
        "Publisher Name",
        "Who publishes the solution: the partner or Microsoft.",
    ),
    column(
        solution_detail::TABLE,
        solution_detail::SOLUTION_TYPE,
        Kind::Text { max: 100, url: false },
        "Solution Type",
        "Free text such as 1P or 3P, as Partner Center reports it.",
    ),
];

/// Alternate keys, for upserts by a natural ID: (table, key name, display name, column).
pub const KEYS: [(&str, &str, &str, &str); 3] = [
    (opportunity::TABLE, "cosell_referralidentifier_key", "Referral Identifier", opportunity::REFERRAL_ID),
    (lead::TABLE, "cosell_referralidentifier_key", "Referral Identifier", lead::REFERRAL_ID),
    (solution_detail::TABLE, "cosell_solutionid_key", "Solution ID", solution_detail::SOLUTION_ID),
];

fn help_options() -> Vec<(i64, &'static str)> {
    HelpNeeded::OPTIONS.iter().map(|(_, value, label)| (*value, *label)).collect()
}

fn visibility_options() -> Vec<(i64, &'static str)> {
    Visibility::OPTIONS.iter().map(|(_, value, label)| (*value, *label)).collect()
}

/// The columns the solution writes for `table`.
pub fn columns_of(table: &str) -> impl Iterator<Item = &'static Column> + '_ {
    COLUMNS.iter().filter(move |c| c.table == table)
}

/// A column by table and name.
pub fn find(table: &str, name: &str) -> Option<&'static Column> {
    COLUMNS.iter().find(|c| c.table == table && c.name == name)
}

/// Whether more than one column uses the option set `set` (then it is a global choice).
pub fn is_shared(set: &str) -> bool {
    COLUMNS.iter().filter(|c| matches!(c.kind, Kind::Choice { set: s, .. } if s == set)).count() > 1
}
