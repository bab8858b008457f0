//! The web resources: the form library and the readiness page the form plugin builds.

use crate::guid::Guid;
use crate::xml::{el, leaf, El};

/// One web resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebResource {
    /// The unique name, `cosell_/…` (also the URL path under /WebResources/).
    pub name: &'static str,
    pub display: &'static str,
    pub description: &'static str,
    /// `WebResourceType`: 1 HTML, 3 JScript.
    pub kind: u8,
    /// Web resources this one loads (written to `DependencyXml`).
    pub depends_on: &'static [&'static str],
}

/// The form library (`CoSell.Opportunity.onLoad/onSave`).
pub const FORM_LIBRARY: &str = "cosell_/opportunity.js";
/// The readiness checklist, shown in a web resource control on the form.
pub const READINESS_PAGE: &str = "cosell_/readiness.html";

/// Every web resource, in the order the solution lists them.
pub const WEB_RESOURCES: [WebResource; 2] = [
    WebResource {
        name: FORM_LIBRARY,
        display: "Co-sell opportunity form script",
        description: "Partner Center co-sell checks for the opportunity form (Rust compiled to WebAssembly, inlined).",
        kind: 3,
        depends_on: &[],
    },
    WebResource {
        name: READINESS_PAGE,
        display: "Co-sell readiness",
        description: "The co-sell readiness checklist and the referral preview, filled in by the form script.",
        kind: 1,
        depends_on: &[FORM_LIBRARY],
    },
];

impl WebResource {
    pub fn id(&self) -> Guid {
        Guid::named(&format!("webresource:{}", self.name))
    }

    /// The file in the package, named as exports name it: the name without `/` and `.`, then the id.
    pub fn file_name(&self) -> String {
        let stem: String = self.name.chars().filter(|c| *c != '/' && *c != '.').collect();
        format!("WebResources/{stem}{}", self.id())
    }

    /// The `<WebResource>` node of customizations.xml.
    pub fn node(&self, version: &str) -> El {
        el("WebResource")
            .child(leaf("WebResourceId", self.id().braced()))
            .child(leaf("Name", self.name))
            .child(leaf("DisplayName", self.display))
            .child(leaf("Description", self.description))
            .child(leaf("WebResourceType", self.kind.to_string()))
            .child(leaf("IntroducedVersion", version))
            .child(leaf("IsEnabledForMobileClient", "0"))
            .child(leaf("IsAvailableForMobileOffline", "0"))
            .child(leaf("DependencyXml", self.dependency_xml()))
            .child(leaf("IsCustomizable", "1"))
            .child(leaf("CanBeDeleted", "1"))
            .child(leaf("IsHidden", "0"))
            .child(leaf("FileName", format!("/{}", self.file_name())))
    }

    /// `<Dependencies>` as escaped text, as the platform stores it.
    fn dependency_xml(&self) -> String {
        let libraries = self.depends_on.iter().filter_map(|name| WEB_RESOURCES.iter().find(|w| w.name == *name));
        let dependency = el("Dependency").attr("componentType", "WebResource").children(libraries.map(|w| {
            el("Library")
                .attr("name", w.name)
                .attr("displayName", w.display)
                .attr("languagecode", "")
                .attr("description", "")
                .attr("libraryUniqueId", w.id().braced())
        }));
        el("Dependencies").child(dependency).to_fragment().lines().map(str::trim).collect()
    }
}

/// The web resource with this name.
pub fn find(name: &str) -> Option<&'static WebResource> {
    WEB_RESOURCES.iter().find(|w| w.name == name)
}
