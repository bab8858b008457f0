//! A small XML tree the generator builds and writes: elements in the order they are added,
//! attributes in the order they are given, two-space indentation, `\r\n`-free output. The same
//! tree always gives the same bytes.

use quick_xml::escape::{escape, partial_escape};

/// An element: name, attributes, and either text or child elements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct El {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: Option<String>,
    pub children: Vec<El>,
}

/// A new element with no attributes and no content.
pub fn el(name: &str) -> El {
    El { name: name.to_owned(), attrs: Vec::new(), text: None, children: Vec::new() }
}

/// `<name>text</name>`.
pub fn leaf(name: &str, text: impl Into<String>) -> El {
    el(name).text(text)
}

impl El {
    pub fn attr(mut self, name: &str, value: impl Into<String>) -> El {
        self.attrs.push((name.to_owned(), value.into()));
        self
    }

    pub fn text(mut self, text: impl Into<String>) -> El {
        self.text = Some(text.into());
        self
    }

    pub fn child(mut self, child: El) -> El {
        self.children.push(child);
        self
    }

    pub fn children(mut self, children: impl IntoIterator<Item = El>) -> El {
        self.children.extend(children);
        self
    }

    /// `<labels><label description="…" languagecode="1033" /></labels>` and its many cousins
    /// (`displaynames/displayname`, `Descriptions/Description`, `LocalizedNames/LocalizedName`).
    pub fn labelled(self, list: &str, item: &str, description: &str) -> El {
        self.child(el(list).child(el(item).attr("description", description).attr("languagecode", crate::LANGUAGE)))
    }

    /// The document: an XML declaration, then this element.
    pub fn to_document(&self) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        self.write(&mut out, 0);
        out
    }

    /// This element alone, without a declaration (environment variable files are written so).
    pub fn to_fragment(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out
    }

    fn write(&self, out: &mut String, depth: usize) {
        let indent = "  ".repeat(depth);
        out.push_str(&indent);
        out.push('<');
        out.push_str(&self.name);
        for (name, value) in &self.attrs {
            out.push(' ');
            out.push_str(name);
            out.push_str("=\"");
            out.push_str(&escape(value.as_str()));
            out.push('"');
        }
        match (&self.text, self.children.is_empty()) {
            (None, true) => out.push_str(" />\n"),
            (Some(text), true) => {
                out.push('>');
                out.push_str(&partial_escape(text.as_str()));
                out.push_str("</");
                out.push_str(&self.name);
                out.push_str(">\n");
            }
            (_, false) => {
                out.push_str(">\n");
                for child in &self.children {
                    child.write(out, depth + 1);
                }
                out.push_str(&indent);
                out.push_str("</");
                out.push_str(&self.name);
                out.push_str(">\n");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_elements_text_and_escaped_attributes() {
        let doc = el("a")
            .attr("x", "1 < \"2\" & 3")
            .child(leaf("b", "T&C <here>"))
            .child(el("c"))
            .labelled("labels", "label", "Hi");
        assert_eq!(
            doc.to_document(),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<a x=\"1 &lt; &quot;2&quot; &amp; 3\">\n  <b>T&amp;C &lt;here&gt;</b>\n  <c />\n  <labels>\n    <label description=\"Hi\" languagecode=\"1033\" />\n  </labels>\n</a>\n"
        );
    }
}
