//! The opportunity main form the solution adds: the standard opportunity columns, a Microsoft
//! Partner Center section, the solutions subgrid, the readiness page, and the form script.
//!
//! An added form, not a change to the standard "Information" form: an unmanaged import replaces
//! the whole form XML of a form it contains, so shipping the standard form would overwrite the
//! admin's own changes to it (a managed diff would merge, but we cannot build a managed package
//! offline; see docs/solution.md). UNCERTAIN: flip with `STANDARD_FORM_ID`.

use crate::guid::Guid;
use crate::tables::{self, Kind, OPPORTUNITY_SOLUTIONS};
use crate::web_resources::{self, FORM_LIBRARY, READINESS_PAGE};
use crate::xml::{el, leaf, El};
use cosell_core::config::Config;
use cosell_core::dataverse::{opportunity as opp, solution};

/// UNCERTAIN (see the module doc): `None` adds the "Co-sell" main form. `Some(formid)` of the
/// org's standard opportunity main form would change that form instead (replacing it on import).
pub const STANDARD_FORM_ID: Option<&str> = None;

/// The form's name in the form selector.
pub const FORM_NAME: &str = "Co-sell";
/// The subgrid of Partner Center Solution rows (`SOLUTIONS_GRID` in cosell-form).
pub const SOLUTIONS_GRID: &str = solution::ENTITY_SET;
/// The readiness web resource control (`READINESS_CONTROL` in cosell-form).
pub const READINESS_CONTROL: &str = "WebResource_cosell_readiness";
/// The form script's handlers (defined by the loader of cosell-form).
pub const ON_LOAD: &str = "CoSell.Opportunity.onLoad";
pub const ON_SAVE: &str = "CoSell.Opportunity.onSave";

/// Control class ids (FormXml `<control classid>`), as real exports write them.
pub mod classid {
    pub const TEXT: &str = "{4273EDBD-AC1D-40d3-9FB2-095C621B552D}";
    pub const MEMO: &str = "{E0DECE4B-6FC8-4a8f-A065-082708572369}";
    pub const CURRENCY: &str = "{533B9E00-756B-4312-95A0-DC888637AC78}";
    pub const DATE: &str = "{5B773807-9FB2-42db-97C3-7A91EFF8ADFF}";
    pub const LOOKUP: &str = "{270BD3DB-D9AF-4782-9025-509E298DEC0A}";
    pub const CHOICE: &str = "{3EF39988-22BB-4f0b-BBBE-64B5A3748AEE}";
    pub const TWO_OPTIONS: &str = "{67FAC785-CD58-4f9f-ABB3-4B7DDC6ED5ED}";
    pub const URL: &str = "{71716B6C-711E-476C-8AB8-5D11542BFB47}";
    pub const SUBGRID: &str = "{E7A81278-8635-4d9e-8D4D-59480B391C5B}";
    pub const WEB_RESOURCE: &str = "{9FDF5F91-88B1-47f4-AD53-C11EFC01A01D}";
}

/// The standard opportunity columns on the form's first section: (column, label, classid).
/// The deal value column is the configured default; the admin moves it if they configure another.
fn standard_columns(config: &Config) -> Vec<(String, &'static str, &'static str)> {
    vec![
        (opp::NAME.to_owned(), "Topic", classid::TEXT),
        (opp::PARENT_CONTACT.to_owned(), "Contact", classid::LOOKUP),
        (opp::PARENT_ACCOUNT.to_owned(), "Account", classid::LOOKUP),
        (opp::ESTIMATED_CLOSE_DATE.to_owned(), "Est. Close Date", classid::DATE),
        (opp::CURRENCY.to_owned(), "Currency", classid::LOOKUP),
        (config.deal_value_column.clone(), "Est. Revenue", classid::CURRENCY),
        (opp::DESCRIPTION.to_owned(), "Description", classid::MEMO),
    ]
}

/// The co-sell columns of the Partner Center section, in reading order.
pub const PARTNER_CENTER_COLUMNS: [&str; 8] = [
    opp::SYNC,
    opp::HELP,
    opp::VISIBILITY,
    opp::REFERRAL_ID,
    opp::REFERRAL_LINK,
    opp::MICROSOFT_CRM_ID,
    opp::PRODUCTS,
    opp::AUDIT,
];

/// The header: status reason and status, which the rules read.
const HEADER_COLUMNS: [(&str, &str); 2] = [(opp::STATUS, "Status Reason"), (opp::STATE, "Status")];

/// The form's id.
pub fn form_id() -> Guid {
    STANDARD_FORM_ID.and_then(Guid::parse).unwrap_or_else(|| Guid::named("form:opportunity:main:co-sell"))
}

fn id(part: &str) -> String {
    Guid::named(&format!("form:opportunity:main:co-sell:{part}")).braced()
}

/// The `<systemform>` node.
pub fn system_form(version: &str) -> El {
    let config = Config::default();
    el("systemform")
        .child(leaf("formid", form_id().braced()))
        .child(leaf("IntroducedVersion", version))
        .child(leaf("FormPresentation", "1"))
        .child(leaf("FormActivationState", "1"))
        .child(form(&config))
        .child(leaf("IsCustomizable", "1"))
        .child(leaf("CanBeDeleted", "1"))
        .labelled("LocalizedNames", "LocalizedName", FORM_NAME)
        .labelled(
            "Descriptions",
            "Description",
            "The opportunity with Microsoft Partner Center co-sell: referral, solutions and readiness.",
        )
}

fn form(config: &Config) -> El {
    let left = el("column").attr("width", "50%").child(el("sections").children([
        section(
            "opportunity",
            "Opportunity",
            standard_columns(config).into_iter().map(|(c, l, k)| cell(&c, l, k)).collect(),
        ),
        section(
            "cosell_partnercenter",
            "Microsoft Partner Center",
            PARTNER_CENTER_COLUMNS.iter().map(|c| column_cell(c)).collect(),
        ),
    ]));
    let right = el("column").attr("width", "50%").child(el("sections").children([
        section("cosell_solutions", "Partner Center Solutions", vec![subgrid_cell()]),
        section("cosell_readiness", "Co-sell readiness", vec![readiness_cell()]),
    ]));
    let tab = el("tab")
        .attr("name", "summary")
        .attr("verticallayout", "true")
        .attr("id", id("tab:summary"))
        .attr("IsUserDefined", "1")
        .attr("showlabel", "true")
        .attr("expanded", "true")
        .labelled("labels", "label", "Summary")
        .child(el("columns").child(left).child(right));
    let header = el("header")
        .attr("id", id("header"))
        .attr("celllabelposition", "Top")
        .attr("columns", "111")
        .attr("labelwidth", "115")
        .attr("celllabelalignment", "Left")
        .child(el("rows").child(el("row").children(HEADER_COLUMNS.iter().map(|(c, l)| {
            el("cell").attr("id", id(&format!("header:{c}"))).labelled("labels", "label", l).child(
                el("control")
                    .attr("id", format!("header_{c}"))
                    .attr("classid", classid::CHOICE)
                    .attr("datafieldname", *c)
                    .attr("disabled", "true"),
            )
        }))));
    let library = web_resources::find(FORM_LIBRARY).map(|w| w.id().braced()).unwrap_or_default();
    el("form")
        .child(el("tabs").child(tab))
        .child(header)
        .child(el("formLibraries").child(el("Library").attr("name", FORM_LIBRARY).attr("libraryUniqueId", library)))
        .child(el("events").child(event("onload", ON_LOAD)).child(event("onsave", ON_SAVE)))
        .child(el("DisplayConditions").attr("Order", "1").attr("FallbackForm", "false").child(el("Everyone")))
}

fn section(name: &str, label: &str, cells: Vec<El>) -> El {
    el("section")
        .attr("name", name)
        .attr("showlabel", "true")
        .attr("showbar", "false")
        .attr("IsUserDefined", "0")
        .attr("id", id(&format!("section:{name}")))
        .attr("columns", "1")
        .attr("labelwidth", "115")
        .attr("celllabelalignment", "Left")
        .attr("celllabelposition", "Left")
        .attr("layout", "varwidth")
        .labelled("labels", "label", label)
        .child(el("rows").children(cells.into_iter().map(|c| el("row").child(c))))
}

fn cell(column: &str, label: &str, classid: &str) -> El {
    el("cell")
        .attr("id", id(&format!("cell:{column}")))
        .labelled("labels", "label", label)
        .child(el("control").attr("id", column).attr("classid", classid).attr("datafieldname", column))
}

/// A cell for a column of the solution's table, with the label and control its type calls for.
fn column_cell(name: &str) -> El {
    let (label, class) = match tables::find(opp::TABLE, name) {
        Some(c) => (
            c.display,
            match c.kind {
                Kind::Text { url: true, .. } => classid::URL,
                Kind::Text { .. } | Kind::PrimaryKey => classid::TEXT,
                Kind::Memo { .. } => classid::MEMO,
                Kind::YesNo { .. } => classid::TWO_OPTIONS,
                Kind::Choice { .. } => classid::CHOICE,
                Kind::Lookup { .. } => classid::LOOKUP,
            },
        ),
        None => (name, classid::TEXT),
    };
    let read_only = opp::READ_ONLY.contains(&name);
    let control = el("control").attr("id", name).attr("classid", class).attr("datafieldname", name);
    let control = if read_only { control.attr("disabled", "true") } else { control };
    el("cell").attr("id", id(&format!("cell:{name}"))).labelled("labels", "label", label).child(control)
}

fn subgrid_cell() -> El {
    let parameters = [
        ("ViewId", crate::views::view_id(solution::TABLE).braced()),
        ("IsUserView", "false".to_owned()),
        ("RelationshipName", OPPORTUNITY_SOLUTIONS.to_owned()),
        ("TargetEntityType", solution::TABLE.to_owned()),
        ("AutoExpand", "Fixed".to_owned()),
        ("EnableQuickFind", "false".to_owned()),
        ("EnableViewPicker", "false".to_owned()),
        ("ViewIds", String::new()),
        ("EnableJumpBar", "false".to_owned()),
        ("ChartGridMode", "Grid".to_owned()),
        ("VisualizationId", String::new()),
        ("IsUserChart", "false".to_owned()),
        ("EnableChartPicker", "false".to_owned()),
        ("RecordsPerPage", "5".to_owned()),
    ];
    let control = el("control")
        .attr("id", SOLUTIONS_GRID)
        .attr("classid", classid::SUBGRID)
        .attr("indicationOfSubgrid", "true")
        .attr("uniqueid", id("control:subgrid"));
    wide_cell("subgrid", "Partner Center Solutions", 6, control, parameters)
}

fn readiness_cell() -> El {
    let web_resource = web_resources::find(READINESS_PAGE).map(|w| w.id().braced()).unwrap_or_default();
    let parameters = [
        ("Url", READINESS_PAGE.to_owned()),
        ("PassParameters", "false".to_owned()),
        ("ShowOnMobileClient", "false".to_owned()),
        ("Security", "false".to_owned()),
        ("Scrolling", "auto".to_owned()),
        ("Border", "false".to_owned()),
        ("WebResourceId", web_resource),
    ];
    let control = el("control").attr("id", READINESS_CONTROL).attr("classid", classid::WEB_RESOURCE);
    wide_cell("readiness", "Co-sell readiness", 12, control, parameters)
}

/// A cell without a label holding one control with `<parameters>`, `rows` rows high.
fn wide_cell(
    name: &str,
    label: &str,
    rows: u8,
    control: El,
    parameters: impl IntoIterator<Item = (&'static str, String)>,
) -> El {
    let parameters = el("parameters").children(parameters.into_iter().map(|(name, value)| leaf_or_empty(name, value)));
    el("cell")
        .attr("id", id(&format!("cell:{name}")))
        .attr("showlabel", "false")
        .attr("rowspan", rows.to_string())
        .labelled("labels", "label", label)
        .child(control.child(parameters))
}

fn leaf_or_empty(name: &str, value: String) -> El {
    if value.is_empty() {
        el(name)
    } else {
        leaf(name, value)
    }
}

/// An event with one handler of the form script, passing the execution context.
fn event(name: &str, function: &str) -> El {
    let library = FORM_LIBRARY;
    el("event").attr("name", name).attr("application", "false").attr("active", "false").child(
        el("Handlers").child(
            el("Handler")
                .attr("functionName", function)
                .attr("libraryName", library)
                .attr("handlerUniqueId", id(&format!("handler:{name}")))
                .attr("enabled", "true")
                .attr("parameters", "")
                .attr("passExecutionContext", "true"),
        ),
    )
}
