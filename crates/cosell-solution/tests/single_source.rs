//! The single source: every name the solution writes comes from cosell-core, and matches what the
//! form plugin and the connectors expect. A column, choice option or environment variable
//! renamed or added in cosell-core without the solution following fails here (or in the golden
//! comparison, which sees the new name in the generated files).

mod common;

use common::{doc_comment_of, file, package, read, string_constants};
use cosell_core::config::{vars, Config};
use cosell_core::dataverse::{self, solution, HelpNeeded, Visibility};
use cosell_solution::check::xmltree::{parse, Node};
use cosell_solution::env_vars::ENV_VARS;
use cosell_solution::{form, tables, OPTION_VALUE_PREFIX};

fn customizations() -> Node {
    parse(&file(&package(), "customizations.xml")).unwrap()
}

fn opportunity_form() -> Node {
    customizations().find_all("systemform").into_iter().next().unwrap().clone()
}

#[test]
fn every_core_name_has_solution_metadata() {
    let core = string_constants(&read("crates/cosell-core/src/dataverse.rs"));
    let tables_of: [(&str, &str); 4] = [
        ("opportunity", dataverse::opportunity::TABLE),
        ("lead", dataverse::lead::TABLE),
        ("solution", dataverse::solution::TABLE),
        ("solution_detail", dataverse::solution_detail::TABLE),
    ];
    let mut covered = 0;
    for (module, name, value) in &core {
        let Some((_, table)) = tables_of.iter().find(|(m, _)| m == module) else { continue };
        let new_table = tables::TABLES.iter().any(|t| t.name == *table && t.new.is_some());
        if matches!(name.as_str(), "TABLE" | "ENTITY_SET") || !(value.starts_with(dataverse::PREFIX) || new_table) {
            continue;
        }
        assert!(tables::find(table, value).is_some(), "{module}::{name} = {value:?} has no row in tables::COLUMNS");
        covered += 1;
    }
    assert_eq!(covered, tables::COLUMNS.len(), "every row of tables::COLUMNS is a name the core declares");
}

#[test]
fn every_column_is_written_with_its_table() {
    let doc = customizations();
    for entity in doc.find_all("Entity") {
        let table = entity.child_text("Name").unwrap().to_ascii_lowercase();
        let written: Vec<&str> = entity
            .find_all("attribute")
            .iter()
            .filter(|a| a.attr("PhysicalName").is_some())
            .map(|a| a.child_text("LogicalName").unwrap())
            .collect();
        let expected: Vec<&str> = tables::columns_of(&table).map(|c| c.name).collect();
        assert_eq!(written, expected, "{table}");
    }
}

#[test]
fn choices_carry_the_core_option_values_and_labels() {
    let doc = customizations();
    for (column, options) in [
        (dataverse::opportunity::HELP, HelpNeeded::OPTIONS.iter().map(|(_, v, l)| (*v, *l)).collect::<Vec<_>>()),
        (dataverse::opportunity::VISIBILITY, Visibility::OPTIONS.iter().map(|(_, v, l)| (*v, *l)).collect()),
    ] {
        let set = doc.find_all("optionset").into_iter().find(|s| s.attr("Name") == Some(column)).unwrap();
        let written: Vec<(i64, String)> = set
            .find_all("option")
            .iter()
            .map(|o| {
                (
                    o.attr("value").unwrap().parse().unwrap(),
                    o.find_all("label")[0].attr("description").unwrap().to_owned(),
                )
            })
            .collect();
        let expected: Vec<(i64, String)> = options.iter().map(|(v, l)| (*v, (*l).to_owned())).collect();
        assert_eq!(written, expected, "{column}");
        let base = i64::from(OPTION_VALUE_PREFIX) * 10000;
        assert!(
            options.iter().all(|(v, _)| (base..base + 10000).contains(v)),
            "{column} values use the publisher prefix"
        );
    }
}

#[test]
fn environment_variables_are_the_core_ones_with_its_defaults_and_doc_comments() {
    let source = read("crates/cosell-core/src/config.rs");
    let names: Vec<&str> = ENV_VARS.iter().map(|v| v.schema).collect();
    assert_eq!(names, vars::ALL);
    let package = package();
    for v in &ENV_VARS {
        let const_name = string_constants(&source).into_iter().find(|(_, _, value)| value == v.schema).unwrap().1;
        assert_eq!(v.description, doc_comment_of(&source, &const_name), "{} description", v.schema);
        let xml =
            file(&package, &format!("environmentvariabledefinitions/{}/environmentvariabledefinition.xml", v.schema));
        let doc = parse(&xml).unwrap();
        let default = doc.child_text("defaultvalue").unwrap();
        let mut env = serde_json::Map::new();
        env.insert(v.schema.to_owned(), serde_json::Value::String(default.to_owned()));
        assert_eq!(
            Config::from_environment(&env, "$").unwrap(),
            Config::default(),
            "{} default reads back as the core's",
            v.schema
        );
    }
}

#[test]
fn the_form_has_what_the_form_plugin_expects() {
    let controller = read("crates/cosell-form/src/controller.rs");
    let constants = string_constants(&controller);
    let value = |name: &str| constants.iter().find(|(_, n, _)| n == name).unwrap().2.clone();
    assert_eq!(form::SOLUTIONS_GRID, value("SOLUTIONS_GRID"));
    assert_eq!(form::READINESS_CONTROL, value("READINESS_CONTROL"));
    let form = opportunity_form();
    let control_ids: Vec<&str> = form.find_all("control").iter().filter_map(|c| c.attr("id")).collect();
    assert!(control_ids.contains(&form::SOLUTIONS_GRID) && control_ids.contains(&form::READINESS_CONTROL));

    // The handlers are what the loader defines and registers.
    let loader = read("crates/cosell-form/js/loader.js");
    for handler in [form::ON_LOAD, form::ON_SAVE] {
        let function = handler.rsplit('.').next().unwrap();
        assert!(loader.contains(&format!("api.{function} = function (context)")), "loader defines {handler}");
        assert!(loader.contains(handler), "loader documents {handler}");
    }
    assert!(loader.contains("CoSell.Opportunity = "));
    for handler in form.find_all("Handler") {
        assert_eq!(handler.attr("passExecutionContext"), Some("true"));
    }

    // Every column the plugin reads from the form is a control on it.
    let core = string_constants(&read("crates/cosell-core/src/dataverse.rs"));
    let record = read("crates/cosell-form/src/record.rs");
    let fields: Vec<&str> = form.find_all("control").iter().filter_map(|c| c.attr("datafieldname")).collect();
    let mut read_columns = 0;
    for token in record.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')) {
        let Some(name) = token.strip_prefix("opp::") else { continue };
        let value = &core.iter().find(|(m, n, _)| m == "opportunity" && n == name).unwrap().2;
        if name == "SYNC_STATE" || name == "ID" {
            continue;
        }
        assert!(fields.contains(&value.as_str()), "the form plugin reads {value}, which is not on the form");
        read_columns += 1;
    }
    assert!(read_columns >= 16, "record.rs names the form's columns through opp:: ({read_columns})");
}

#[test]
fn the_subgrid_and_the_lookup_navigation_follow_the_form_plugins_queries() {
    let doc = customizations();
    let webapi = read("crates/cosell-form/src/webapi.rs");
    // The plugin filters on `_cosell_opportunityid_value` and expands `cosell_solutiondetailid`.
    assert!(webapi.contains("solution::OPPORTUNITY") && webapi.contains("solution::SOLUTION_DETAIL"));
    let navigation: Vec<&str> = doc.find_all("NavigationPropertyName").iter().map(|n| n.text.trim()).collect();
    assert!(navigation.contains(&solution::SOLUTION_DETAIL), "{navigation:?}");
    let subgrid = opportunity_form()
        .find_all("control")
        .into_iter()
        .find(|c| c.attr("id") == Some(form::SOLUTIONS_GRID))
        .unwrap()
        .clone();
    let parameters = subgrid.child("parameters").unwrap();
    assert_eq!(parameters.child_text("TargetEntityType"), Some(solution::TABLE));
    let relationship = parameters.child_text("RelationshipName").unwrap();
    let node = doc.find_all("EntityRelationship").into_iter().find(|r| r.attr("Name") == Some(relationship)).unwrap();
    assert_eq!(node.child_text("ReferencingAttributeName"), Some(solution::OPPORTUNITY));
}

#[test]
fn connectors_come_from_the_connector_folder() {
    let package = package();
    let doc = parse(&file(&package, "customizations.xml")).unwrap();
    for (c, connector) in cosell_solution::connectors::CONNECTORS.iter().zip(doc.find_all("Connector")) {
        let swagger: serde_json::Value =
            serde_json::from_str(&read(&format!("connector/{}/apiDefinition.swagger.json", c.folder))).unwrap();
        let title = swagger["info"]["title"].as_str().unwrap();
        assert_eq!(connector.child_text("displayname"), Some(title));
        let openapi = connector.child_text("openapidefinition").unwrap().trim_start_matches('/');
        let shipped = package.files.iter().find(|f| f.path == openapi).unwrap();
        assert_eq!(shipped.bytes, read(&format!("connector/{}/apiDefinition.swagger.json", c.folder)).into_bytes());
        let properties: serde_json::Value =
            serde_json::from_str(&read(&format!("connector/{}/apiProperties.json", c.folder))).unwrap();
        let parameters = file(&package, connector.child_text("connectionparameters").unwrap().trim_start_matches('/'));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&parameters).unwrap(),
            properties["properties"]["connectionParameters"]
        );
    }
}
