//! The forms of the two new tables: a main form each, and a quick-create form for Partner Center
//! Solution, so the opportunity subgrid's "+ New" opens a short form where the seller picks the
//! catalogue row. One row per form in [`TABLE_FORMS`].

use crate::form::{classid_of, FORM_NAME};
use crate::guid::Guid;
use crate::tables;
use crate::xml::{el, leaf, El};
use cosell_core::dataverse::{solution, solution_detail};

/// A form kind: the `<forms type>` it goes under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Main,
    QuickCreate,
}

impl FormKind {
    pub fn xml(self) -> &'static str {
        match self {
            FormKind::Main => "main",
            FormKind::QuickCreate => "quickCreate",
        }
    }
}

/// A form of a new table: table, kind, name, columns in reading order.
pub type TableForm = (&'static str, FormKind, &'static str, &'static [&'static str]);

const SOLUTION_COLUMNS: [&str; 4] =
    [solution::NAME, solution::SOLUTION_DETAIL, solution::SOLUTION_ID, solution::OPPORTUNITY];
const DETAIL_COLUMNS: [&str; 4] = [
    solution_detail::NAME,
    solution_detail::SOLUTION_ID,
    solution_detail::PUBLISHER_NAME,
    solution_detail::SOLUTION_TYPE,
];

/// Every form of the new tables (the opportunity's "Co-sell" form is in [`crate::form`]).
pub const TABLE_FORMS: [TableForm; 3] = [
    (solution::TABLE, FormKind::Main, "Information", &SOLUTION_COLUMNS),
    (solution::TABLE, FormKind::QuickCreate, "Quick Create", &SOLUTION_COLUMNS),
    (solution_detail::TABLE, FormKind::Main, "Information", &DETAIL_COLUMNS),
];

/// Whether `table` has a quick-create form (then `IsQuickCreateEnabled` is 1).
pub fn has_quick_create(table: &str) -> bool {
    TABLE_FORMS.iter().any(|f| f.0 == table && f.1 == FormKind::QuickCreate)
}

/// The id of a form of the table.
pub fn form_id(table: &str, kind: FormKind) -> Guid {
    Guid::named(&format!("form:{table}:{}", kind.xml()))
}

/// `<FormXml>` of a new table, or `None` when it has no form.
pub fn form_xml(table: &str, version: &str) -> Option<El> {
    let groups: Vec<El> = [FormKind::Main, FormKind::QuickCreate]
        .into_iter()
        .filter_map(|kind| {
            let forms: Vec<El> = TABLE_FORMS
                .iter()
                .filter(|f| f.0 == table && f.1 == kind)
                .map(|(table, kind, name, columns)| system_form(table, *kind, name, columns, version))
                .collect();
            (!forms.is_empty()).then(|| el("forms").attr("type", kind.xml()).children(forms))
        })
        .collect();
    (!groups.is_empty()).then(|| el("FormXml").children(groups))
}

fn system_form(table: &str, kind: FormKind, name: &str, columns: &[&str], version: &str) -> El {
    let id = |part: &str| Guid::named(&format!("form:{table}:{}:{part}", kind.xml())).braced();
    let cells = columns.iter().map(|column| {
        let (label, class) = tables::find(table, column)
            .map_or((*column, crate::form::classid::TEXT), |c| (c.display, classid_of(c.kind)));
        el("row").child(
            el("cell")
                .attr("id", id(&format!("cell:{column}")))
                .labelled("labels", "label", label)
                .child(el("control").attr("id", *column).attr("classid", class).attr("datafieldname", *column)),
        )
    });
    let section = el("section")
        .attr("name", "general")
        .attr("showlabel", "false")
        .attr("showbar", "false")
        .attr("IsUserDefined", "0")
        .attr("id", id("section:general"))
        .attr("columns", "1")
        .labelled("labels", "label", "General")
        .child(el("rows").children(cells));
    let tab = el("tab")
        .attr("name", "general")
        .attr("verticallayout", "true")
        .attr("id", id("tab:general"))
        .attr("IsUserDefined", "0")
        .attr("showlabel", "true")
        .attr("expanded", "true")
        .labelled("labels", "label", "General")
        .child(el("columns").child(el("column").attr("width", "100%").child(el("sections").child(section))));
    el("systemform")
        .child(leaf("formid", form_id(table, kind).braced()))
        .child(leaf("IntroducedVersion", version))
        .child(leaf("FormPresentation", "1"))
        .child(leaf("FormActivationState", "1"))
        .child(el("form").child(el("tabs").child(tab)))
        .child(leaf("IsCustomizable", "1"))
        .child(leaf("CanBeDeleted", "1"))
        .labelled("LocalizedNames", "LocalizedName", name)
        .labelled("Descriptions", "Description", &format!("{name} form of the table, from the {FORM_NAME} solution."))
}
