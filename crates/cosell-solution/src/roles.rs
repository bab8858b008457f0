//! The "Co-sell seller" security role: what a seller needs on top of their Sales role to attach
//! Partner Center Solutions to an opportunity. One row per privilege in [`SELLER_PRIVILEGES`].

use crate::guid::Guid;
use crate::xml::{el, El};
use cosell_core::dataverse::{opportunity, solution, solution_detail};

/// The role's name in Settings → Security → Security roles.
pub const SELLER_ROLE: &str = "Co-sell seller";

/// A privilege of a table: the action (`Create`, `Read`, `Write`, `Delete`, `Append`, `AppendTo`).
pub type Privilege = (&'static str, &'static str);

/// Every privilege of the role, all at organization level (`Global`): the new tables are
/// organization-owned, so no other depth applies to them.
pub const SELLER_PRIVILEGES: [Privilege; 9] = [
    ("Create", solution::TABLE),
    ("Read", solution::TABLE),
    ("Write", solution::TABLE),
    ("Delete", solution::TABLE),
    ("Append", solution::TABLE),
    ("AppendTo", solution::TABLE),
    ("Read", solution_detail::TABLE),
    ("AppendTo", solution_detail::TABLE),
    ("AppendTo", opportunity::TABLE),
];

/// The role's id.
pub fn seller_role_id() -> Guid {
    Guid::named("role:co-sell seller")
}

/// A privilege's name: `prv` + action + the table's schema name. UNCERTAIN: the rule Dataverse
/// follows for the privileges it makes with a table; our schema names are the logical names,
/// the standard opportunity's is `Opportunity`.
pub fn privilege_name((action, table): Privilege) -> String {
    let schema = if table == opportunity::TABLE { "Opportunity" } else { table };
    format!("prv{action}{schema}")
}

/// `<Roles>` of customizations.xml.
pub fn roles() -> El {
    let privileges =
        SELLER_PRIVILEGES.iter().map(|p| el("RolePrivilege").attr("name", privilege_name(*p)).attr("level", "Global"));
    el("Roles").child(
        el("Role")
            .attr("id", seller_role_id().braced())
            .attr("name", SELLER_ROLE)
            .child(el("RolePrivileges").children(privileges)),
    )
}
