//! Tables, columns, keys, relationships and choices, as customizations.xml writes them.

use crate::tables::{self, Cascade, Column, Kind, Table, KEYS, TABLES};
use crate::xml::{el, leaf, El};
use crate::{form, views, LANGUAGE};

/// The `<Entity>` node of a table.
pub fn entity(table: &Table, version: &str) -> El {
    let (display, plural) = match &table.new {
        Some(new) => (new.display, new.plural),
        None => standard_names(table.name),
    };
    let columns: Vec<&Column> = tables::columns_of(table.name).collect();
    // Exports name a table by its schema name: `Opportunity` for the standard one.
    let schema_name = if table.new.is_some() { table.name } else { display };
    let mut info = el("entity").attr("Name", schema_name);
    if table.new.is_none() {
        // Only extended: the standard table's own metadata is not part of the solution.
        info = info.attr("unmodified", "1");
    }
    info = info.labelled("LocalizedNames", "LocalizedName", display).labelled(
        "LocalizedCollectionNames",
        "LocalizedCollectionName",
        plural,
    );
    if let Some(new) = &table.new {
        info = info.labelled("Descriptions", "Description", new.description);
    }
    info = info.child(el("attributes").children(columns.iter().map(|c| attribute(c, version))));
    if let Some(new) = &table.new {
        info = info.children(new_table_settings(new.entity_set, version));
    }
    let keys: Vec<El> = KEYS.iter().filter(|k| k.0 == table.name).map(|k| key(k.1, k.2, k.3, version)).collect();
    if !keys.is_empty() {
        info = info.child(el("EntityKeys").children(keys));
    }
    let mut entity = el("Entity")
        .child(el("Name").attr("LocalizedName", display).attr("OriginalName", display).text(schema_name))
        .child(el("EntityInfo").child(info));
    if table.name == cosell_core::dataverse::opportunity::TABLE {
        entity = entity.child(el("FormXml").child(el("forms").attr("type", "main").child(form::system_form(version))));
    }
    if let Some(new) = &table.new {
        let view_columns: Vec<&str> =
            columns.iter().filter(|c| !matches!(c.kind, Kind::PrimaryKey) && !c.hidden).map(|c| c.name).collect();
        entity = entity.child(views::saved_queries(table.name, new, &view_columns, version));
    }
    entity
}

/// Display (also schema) and plural names of the standard tables the solution extends.
fn standard_names(name: &str) -> (&'static str, &'static str) {
    match name {
        "opportunity" => ("Opportunity", "Opportunities"),
        "lead" => ("Lead", "Leads"),
        _ => ("Table", "Tables"),
    }
}

/// The table-level settings of a new table. UNCERTAIN: organization-owned (no owner, business
/// unit or team columns); flip `OWNERSHIP` to `UserOwned` for per-user security on the rows.
const OWNERSHIP: &str = "OrgOwned";

fn new_table_settings(entity_set: &str, version: &str) -> Vec<El> {
    let flags = [
        ("IsDuplicateCheckSupported", "0"),
        ("IsBusinessProcessEnabled", "0"),
        ("IsRequiredOffline", "0"),
        ("IsInteractionCentricEnabled", "0"),
        ("IsCollaboration", "0"),
        ("AutoRouteToOwnerQueue", "0"),
        ("IsConnectionsEnabled", "0"),
        ("IsDocumentManagementEnabled", "0"),
        ("AutoCreateAccessTeams", "0"),
        ("IsOneNoteIntegrationEnabled", "0"),
        ("IsKnowledgeManagementEnabled", "0"),
        ("IsSLAEnabled", "0"),
        ("IsDocumentRecommendationsEnabled", "0"),
        ("IsBPFEntity", "0"),
        ("OwnershipTypeMask", OWNERSHIP),
        ("IsAuditEnabled", "1"),
        ("IsRetrieveAuditEnabled", "0"),
        ("IsRetrieveMultipleAuditEnabled", "0"),
        ("IsActivity", "0"),
        ("ActivityTypeMask", ""),
        ("IsActivityParty", "0"),
        ("IsReplicated", "0"),
        ("IsReplicationUserFiltered", "0"),
        ("IsMailMergeEnabled", "0"),
        ("IsVisibleInMobile", "0"),
        ("IsVisibleInMobileClient", "1"),
        ("IsReadOnlyInMobileClient", "0"),
        ("IsOfflineInMobileClient", "0"),
        ("DaysSinceRecordLastModified", "0"),
        ("MobileOfflineFilters", ""),
        ("IsMapiGridEnabled", "1"),
        ("IsReadingPaneEnabled", "1"),
        ("IsQuickCreateEnabled", "0"),
        ("SyncToExternalSearchIndex", "0"),
        ("IntroducedVersion", version),
        ("IsCustomizable", "1"),
        ("IsRenameable", "1"),
        ("IsMappable", "1"),
        ("CanModifyAuditSettings", "1"),
        ("CanModifyMobileVisibility", "1"),
        ("CanModifyMobileClientVisibility", "1"),
        ("CanModifyMobileClientReadOnly", "1"),
        ("CanModifyMobileClientOffline", "1"),
        ("CanModifyConnectionSettings", "1"),
        ("CanModifyDuplicateDetectionSettings", "1"),
        ("CanModifyMailMergeSettings", "1"),
        ("CanModifyQueueSettings", "1"),
        ("CanCreateAttributes", "1"),
        ("CanCreateForms", "1"),
        ("CanCreateCharts", "1"),
        ("CanCreateViews", "1"),
        ("CanModifyAdditionalSettings", "1"),
        ("CanEnableSyncToExternalSearchIndex", "1"),
        ("EnforceStateTransitions", "0"),
        ("EntityHelpUrlEnabled", "0"),
        ("ChangeTrackingEnabled", "1"),
        ("IsEnabledForExternalChannels", "0"),
    ];
    std::iter::once(leaf("EntitySetName", entity_set))
        .chain(flags.into_iter().map(|(name, value)| if value.is_empty() { el(name) } else { leaf(name, value) }))
        .collect()
}

/// One `<attribute>`: the elements Microsoft's exports write, for the column's kind.
fn attribute(c: &Column, version: &str) -> El {
    let type_name = type_of(c);
    let mask = match c.kind {
        Kind::PrimaryKey => "ValidForAdvancedFind|RequiredForGrid",
        _ if is_primary_name(c) => "PrimaryName|ValidForAdvancedFind|ValidForForm|ValidForGrid|RequiredForForm",
        _ if c.hidden => "ValidForAdvancedFind",
        _ => "ValidForAdvancedFind|ValidForForm|ValidForGrid",
    };
    let mut a = el("attribute")
        .attr("PhysicalName", c.name)
        .child(leaf("Type", type_name))
        .child(leaf("Name", c.name))
        .child(leaf("LogicalName", c.name))
        .child(leaf("RequiredLevel", c.required.xml()))
        .child(leaf("DisplayMask", mask))
        .child(leaf(
            "ImeMode",
            if matches!(c.kind, Kind::Text { .. } | Kind::Memo { .. }) { "auto" } else { "disabled" },
        ))
        .children(
            [
                ("ValidForUpdateApi", if matches!(c.kind, Kind::PrimaryKey) { "0" } else { "1" }),
                ("ValidForReadApi", "1"),
                ("ValidForCreateApi", "1"),
                ("IsCustomField", "1"),
                ("IsAuditEnabled", "1"),
                ("IsSecured", "0"),
            ]
            .map(|(n, v)| leaf(n, v)),
        )
        .child(leaf("IntroducedVersion", version))
        .child(leaf("IsCustomizable", "1"))
        .child(leaf("IsRenameable", "1"))
        .child(leaf("CanModifySearchSettings", "1"))
        .child(leaf("CanModifyRequirementLevelSettings", "1"))
        .child(leaf("CanModifyAdditionalSettings", "1"))
        .child(leaf("SourceType", "0"))
        .child(leaf("IsGlobalFilterEnabled", "0"))
        .child(leaf("IsSortableEnabled", "0"))
        .child(leaf("CanModifyGlobalFilterSettings", "1"))
        .child(leaf("CanModifyIsSortableSettings", "1"))
        .child(leaf("IsDataSourceSecret", "0"));
    a = match c.kind {
        Kind::PrimaryKey => a,
        Kind::Text { max, url } => a
            .child(leaf("Format", if url { "url" } else { "text" }))
            .child(leaf("MaxLength", max.to_string()))
            .child(leaf("Length", (max * 2).to_string())),
        Kind::Memo { max } => a
            .child(leaf("Format", "text"))
            .child(leaf("MaxLength", max.to_string()))
            .child(leaf("Length", (max * 2).to_string())),
        Kind::YesNo { default } => {
            a.child(leaf("AppDefaultValue", if default { "1" } else { "0" })).child(bit_options(c, version))
        }
        Kind::Choice { set, options } => {
            let a = a.child(leaf("AppDefaultValue", "-1"));
            if tables::is_shared(set) {
                a.child(leaf("OptionSetName", set))
            } else {
                a.child(option_set(set, c.display, c.description, &options(), false, version))
            }
        }
        Kind::Lookup { .. } => a.child(leaf("LookupStyle", "single")).child(el("LookupTypes")),
    };
    a.labelled("displaynames", "displayname", c.display).labelled("Descriptions", "Description", c.description)
}

fn type_of(c: &Column) -> &'static str {
    match c.kind {
        Kind::PrimaryKey => "primarykey",
        Kind::Text { .. } => "nvarchar",
        Kind::Memo { .. } => "ntext",
        Kind::YesNo { .. } => "bit",
        Kind::Choice { .. } => "picklist",
        Kind::Lookup { .. } => "lookup",
    }
}

fn is_primary_name(c: &Column) -> bool {
    TABLES.iter().any(|t| t.name == c.table && t.new.is_some_and(|n| n.primary_name == c.name))
}

/// A Yes/No column's local option set (`bit`).
fn bit_options(c: &Column, version: &str) -> El {
    let name = format!("{}_{}", c.table, c.name);
    el("optionset")
        .attr("Name", name)
        .child(leaf("OptionSetType", "bit"))
        .child(leaf("IntroducedVersion", version))
        .child(leaf("IsCustomizable", "1"))
        .labelled("displaynames", "displayname", c.display)
        .labelled("Descriptions", "Description", c.description)
        .child(el("options").children([(1, "Yes"), (0, "No")].map(|(v, l)| option(v, l))))
}

/// A choice's option set: local (inside the attribute) or global (under `<optionsets>`).
pub fn option_set(
    name: &str,
    display: &str,
    description: &str,
    options: &[(i64, &str)],
    global: bool,
    version: &str,
) -> El {
    el("optionset")
        .attr("Name", name)
        .attr("localizedName", display)
        .attr("description", description)
        .child(leaf("OptionSetType", "picklist"))
        .child(leaf("IsGlobal", if global { "1" } else { "0" }))
        .child(leaf("IntroducedVersion", version))
        .child(leaf("IsCustomizable", "1"))
        .labelled("displaynames", "displayname", display)
        .labelled("Descriptions", "Description", description)
        .child(el("options").children(options.iter().map(|(v, l)| option(*v, l))))
}

fn option(value: i64, label: &str) -> El {
    el("option").attr("value", value.to_string()).labelled("labels", "label", label)
}

/// Every choice more than one column uses, once, for `<optionsets>`.
pub fn global_option_sets(version: &str) -> Vec<El> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for c in &tables::COLUMNS {
        if let Kind::Choice { set, options } = c.kind {
            if tables::is_shared(set) && !seen.contains(&set) {
                seen.push(set);
                out.push(option_set(set, c.display, c.description, &options(), true, version));
            }
        }
    }
    out
}

fn key(name: &str, display: &str, column: &str, version: &str) -> El {
    el("EntityKey")
        .child(leaf("Name", name))
        .child(leaf("LogicalName", name))
        .child(leaf("IntroducedVersion", version))
        .child(leaf("IsCustomizable", "1"))
        .labelled("displaynames", "displayname", display)
        .child(el("EntityKeyAttributes").child(leaf("AttributeName", column)))
}

/// The 1:N relationships of every lookup column.
pub fn relationships(version: &str) -> Vec<El> {
    tables::COLUMNS
        .iter()
        .filter_map(|c| match c.kind {
            Kind::Lookup { target, relationship, cascade_delete } => {
                Some(relationship_node(c, target, relationship, cascade_delete, version))
            }
            _ => None,
        })
        .collect()
}

fn relationship_node(c: &Column, target: &str, name: &str, delete: Cascade, version: &str) -> El {
    let parental = delete == Cascade::Delete;
    let cascade = if parental { "Cascade" } else { "NoCascade" };
    el("EntityRelationship")
        .attr("Name", name)
        .child(leaf("EntityRelationshipType", "OneToMany"))
        .child(leaf("IsCustomizable", "1"))
        .child(leaf("IntroducedVersion", version))
        .child(leaf("IsHierarchical", "0"))
        .child(leaf("ReferencingEntityName", c.table))
        .child(leaf("ReferencedEntityName", target))
        .child(leaf("CascadeAssign", cascade))
        .child(leaf("CascadeDelete", if parental { "Cascade" } else { "RemoveLink" }))
        .child(leaf("CascadeReparent", cascade))
        .child(leaf("CascadeShare", cascade))
        .child(leaf("CascadeUnshare", cascade))
        .child(leaf("CascadeRollupView", "NoCascade"))
        .child(leaf("IsValidForAdvancedFind", "1"))
        .child(leaf("ReferencingAttributeName", c.name))
        .child(el("RelationshipDescription").labelled("Descriptions", "Description", c.description))
        .child(
            el("EntityRelationshipRoles")
                .child(
                    el("EntityRelationshipRole")
                        .child(leaf("NavPaneDisplayOption", "UseCollectionName"))
                        .child(leaf("NavPaneArea", "Details"))
                        .child(leaf("NavPaneOrder", "10000"))
                        // The Web API's single-valued navigation property: the form's $expand uses it.
                        .child(leaf("NavigationPropertyName", c.name))
                        .child(leaf("RelationshipRoleType", "1")),
                )
                .child(
                    el("EntityRelationshipRole")
                        .child(leaf("NavigationPropertyName", name))
                        .child(leaf("RelationshipRoleType", "0")),
                ),
        )
}

/// `<Languages>`: the one language of every label.
pub fn languages() -> El {
    el("Languages").child(leaf("Language", LANGUAGE))
}
