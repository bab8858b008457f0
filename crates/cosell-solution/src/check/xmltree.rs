//! A read-only XML tree for the checker: elements with attributes, text, children and the line
//! each starts on, plus an XPath-like path for findings (`/ImportExportXml/Entities/Entity[2]`).

use quick_xml::escape::unescape;
use quick_xml::events::Event;
use quick_xml::Reader;

/// One element read from a document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Node>,
    /// 1-based line of the start tag.
    pub line: usize,
    /// The element's path from the root, with 1-based positions among same-named siblings.
    pub path: String,
}

impl Node {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of a child, if present.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim())
    }

    /// Every element below this one (depth first, document order), this one included.
    pub fn descendants(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            out.push(node);
            stack.extend(node.children.iter().rev());
        }
        out
    }

    /// Elements below this one named `name`.
    pub fn find_all<'a>(&'a self, name: &str) -> Vec<&'a Node> {
        self.descendants().into_iter().filter(|n| n.name == name).collect()
    }

    /// The innermost element that starts on or before `line`.
    pub fn at_line(&self, line: usize) -> &Node {
        let mut best = self;
        for n in self.descendants() {
            if n.line <= line {
                best = n;
            }
        }
        best
    }
}

/// Parses a document; the error is the line and a message.
pub fn parse(text: &str) -> Result<Node, (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let line_at = |pos: u64| {
        text.get(..usize::try_from(pos).unwrap_or(usize::MAX).min(text.len()))
            .map_or(1, |t| t.matches('\n').count() + 1)
    };
    loop {
        let position = reader.buffer_position();
        let event = reader.read_event().map_err(|e| (line_at(reader.buffer_position()), e.to_string()))?;
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(start) | Event::Empty(start) => {
                let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                let mut attrs = Vec::new();
                for attr in start.attributes() {
                    let attr = attr.map_err(|e| (line_at(position), e.to_string()))?;
                    let key = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
                    let raw = String::from_utf8_lossy(&attr.value).into_owned();
                    let value = unescape(&raw).map_err(|e| (line_at(position), e.to_string()))?.into_owned();
                    attrs.push((key, value));
                }
                let path = child_path(stack.last(), &name);
                let node = Node {
                    name,
                    attrs,
                    line: line_at(position) + leading_newlines(text, position),
                    path,
                    ..Node::default()
                };
                if empty {
                    close(node, &mut stack, &mut root)?;
                } else {
                    stack.push(node);
                }
            }
            Event::End(_) => {
                let node = stack.pop().ok_or((line_at(position), "unexpected end tag".to_owned()))?;
                close(node, &mut stack, &mut root)?;
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::GeneralRef(r) => {
                if let Some(top) = stack.last_mut() {
                    let entity = format!("&{};", String::from_utf8_lossy(&r));
                    let piece = unescape(&entity).map_err(|e| (line_at(position), e.to_string()))?;
                    top.text.push_str(&piece);
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err((open.line, format!("element <{}> is not closed", open.name)));
    }
    root.ok_or((1, "the document has no root element".to_owned()))
}

/// Newlines between `position` and the `<` of the tag (the reader reports the position before
/// any whitespace it skipped).
fn leading_newlines(text: &str, position: u64) -> usize {
    let start = usize::try_from(position).unwrap_or(usize::MAX).min(text.len());
    text.get(start..).map_or(0, |rest| rest.chars().take_while(|c| *c != '<').filter(|c| *c == '\n').count())
}

fn child_path(parent: Option<&Node>, name: &str) -> String {
    match parent {
        None => format!("/{name}"),
        Some(p) => {
            let index = p.children.iter().filter(|c| c.name == name).count() + 1;
            format!("{}/{name}[{index}]", p.path)
        }
    }
}

fn close(node: Node, stack: &mut [Node], root: &mut Option<Node>) -> Result<(), (usize, String)> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(node),
        None if root.is_none() => *root = Some(node),
        None => return Err((node.line, "more than one root element".to_owned())),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_elements_paths_and_lines() {
        let doc =
            parse("<?xml version=\"1.0\"?>\n<a>\n  <b x=\"1 &amp; 2\">t</b>\n  <b/>\n  <c><![CDATA[<raw>]]></c>\n</a>")
                .unwrap();
        assert_eq!(doc.children.len(), 3);
        let b2 = &doc.children[1];
        assert_eq!((b2.path.as_str(), b2.line), ("/a/b[2]", 4));
        assert_eq!(doc.children[0].attr("x"), Some("1 & 2"));
        assert_eq!(doc.child_text("c"), Some("<raw>"));
        assert_eq!(doc.at_line(4).path, "/a/b[2]");
    }

    #[test]
    fn reports_malformed_documents_with_a_line() {
        assert_eq!(parse("<a>\n<b></a>").unwrap_err().0, 2);
        assert!(parse("<a>").is_err());
        assert!(parse("").is_err());
        assert!(parse("<a/><b/>").is_err());
    }
}
