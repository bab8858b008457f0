//! One public view per new table: the subgrid on the form shows it, and a new table needs a
//! default view. UNCERTAIN: which views the platform creates by itself for a table made by an
//! import; shipping the default public view makes the subgrid's `ViewId` resolve either way.

use crate::guid::Guid;
use crate::tables::NewTable;
use crate::xml::{el, leaf, El};

/// The id of `table`'s default public view.
pub fn view_id(table: &str) -> Guid {
    Guid::named(&format!("savedquery:{table}:active"))
}

/// `<SavedQueries>` of a new table: its default public view, sorted by name.
pub fn saved_queries(table: &str, new: &NewTable, columns: &[&str], version: &str) -> El {
    let layout = el("grid")
        .attr("name", "resultset")
        .attr("jump", new.primary_name)
        .attr("select", "1")
        .attr("icon", "1")
        .attr("preview", "1")
        .child(
            el("row")
                .attr("name", "result")
                .attr("id", new.primary_key)
                .children(columns.iter().map(|c| el("cell").attr("name", *c).attr("width", "200"))),
        );
    let fetch = el("fetch").attr("version", "1.0").attr("mapping", "logical").child(
        el("entity")
            .attr("name", table)
            .children(columns.iter().map(|c| el("attribute").attr("name", *c)))
            .child(el("attribute").attr("name", new.primary_key))
            .child(el("order").attr("attribute", new.primary_name).attr("descending", "false")),
    );
    let query = el("savedquery")
        .child(leaf("IsCustomizable", "1"))
        .child(leaf("CanBeDeleted", "0"))
        .child(leaf("isquickfindquery", "0"))
        .child(leaf("isprivate", "0"))
        .child(leaf("isdefault", "1"))
        .child(leaf("savedqueryid", view_id(table).braced()))
        .child(el("layoutxml").child(layout))
        .child(leaf("querytype", "0"))
        .child(el("fetchxml").child(fetch))
        .child(leaf("IntroducedVersion", version))
        .labelled("LocalizedNames", "LocalizedName", &format!("Active {}", new.plural));
    el("SavedQueries").child(el("savedqueries").child(query))
}
