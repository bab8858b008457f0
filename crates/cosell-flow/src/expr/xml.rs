//! The XML the `xml()` and `json()` functions exchange, converted the way the runtime's
//! Json.NET does it (`SerializeXmlNode`, `DeserializeXmlNode`): attributes become `@name`
//! properties, repeated elements arrays, mixed text `#text`, the declaration `?xml`.
//!
//! A small parser of its own (elements, attributes, text, CDATA, comments, the declaration,
//! character and the five predefined entity references); DTDs are skipped, not applied.

use serde_json::{Map, Value};

use super::cursor::Cursor;
use super::value::to_text;

/// A scalar as XML text: booleans as Json.NET writes them (`true`), the rest as `string()` does.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::Bool(b) => b.to_string(),
        other => to_text(other),
    }
}

/// An XML element.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Element {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub children: Vec<Child>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Child {
    Element(Element),
    Text(String),
}

/// A parsed document: the declaration's attributes, if any, and the root.
#[derive(Debug)]
pub(crate) struct Document {
    pub declaration: Option<Vec<(String, String)>>,
    pub root: Element,
}

const MAX_DEPTH: usize = 200;

struct Parser<'a> {
    c: Cursor<'a>,
}

impl<'a> Parser<'a> {
    fn fail<T>(&self, message: &str) -> Result<T, String> {
        Err(format!(
            "the XML is not well-formed at character {}: {message}",
            self.c.text.get(..self.c.at).map_or(0, |s| s.chars().count())
        ))
    }

    fn until(&mut self, end: &str) -> Result<&'a str, String> {
        match self.c.rest().find(end) {
            Some(found) => {
                let content = self.c.rest().get(..found).unwrap_or_default();
                self.c.at += found + end.len();
                Ok(content)
            }
            None => self.fail(&format!("'{end}' is missing")),
        }
    }

    fn name(&mut self) -> Result<String, String> {
        let rest = self.c.rest();
        let end = rest
            .char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')))
            .map_or(rest.len(), |(i, _)| i);
        if end == 0 || rest.chars().next().is_some_and(|c| c.is_ascii_digit() || matches!(c, '-' | '.')) {
            return self.fail("a name is expected");
        }
        self.c.at += end;
        Ok(rest.get(..end).unwrap_or_default().to_owned())
    }

    fn attributes(&mut self) -> Result<Vec<(String, String)>, String> {
        let mut attributes: Vec<(String, String)> = Vec::new();
        loop {
            self.c.whitespace();
            if self.c.rest().starts_with(['>', '/', '?']) || self.c.rest().is_empty() {
                return Ok(attributes);
            }
            let name = self.name()?;
            self.c.whitespace();
            if !self.c.eat("=") {
                return self.fail("'=' is expected after an attribute name");
            }
            self.c.whitespace();
            let quote = match self.c.rest().chars().next() {
                Some(q @ ('"' | '\'')) => q,
                _ => return self.fail("an attribute value must be quoted"),
            };
            self.c.at += 1;
            let raw = self.until(&quote.to_string())?;
            if attributes.iter().any(|(n, _)| *n == name) {
                return self.fail(&format!("the attribute '{name}' is repeated"));
            }
            attributes.push((name, unescape(raw)?));
        }
    }

    /// Comments, processing instructions and a DOCTYPE, which carry no content here.
    fn skip_misc(&mut self) -> Result<(), String> {
        loop {
            self.c.whitespace();
            if self.c.eat("<!--") {
                self.until("-->")?;
            } else if self.c.rest().starts_with("<?") {
                self.c.at += 2;
                self.until("?>")?;
            } else if self.c.eat("<!DOCTYPE") {
                self.until(">")?;
            } else {
                return Ok(());
            }
        }
    }

    fn element(&mut self, depth: usize) -> Result<Element, String> {
        if depth > MAX_DEPTH {
            return self.fail(&format!("elements nest deeper than {MAX_DEPTH} levels"));
        }
        if !self.c.eat("<") {
            return self.fail("an element is expected");
        }
        let name = self.name()?;
        let attributes = self.attributes()?;
        if self.c.eat("/>") {
            return Ok(Element { name, attributes, children: Vec::new() });
        }
        if !self.c.eat(">") {
            return self.fail("'>' is expected");
        }
        let mut children = Vec::new();
        loop {
            if self.c.eat("</") {
                let closing = self.name()?;
                self.c.whitespace();
                if closing != name || !self.c.eat(">") {
                    return self.fail(&format!("'</{name}>' is expected"));
                }
                return Ok(Element { name, attributes, children });
            }
            if self.c.eat("<!--") {
                self.until("-->")?;
            } else if self.c.eat("<![CDATA[") {
                let text = self.until("]]>")?.to_owned();
                push_text(&mut children, text);
            } else if self.c.rest().starts_with("<?") {
                self.c.at += 2;
                self.until("?>")?;
            } else if self.c.rest().starts_with('<') {
                children.push(Child::Element(self.element(depth + 1)?));
            } else if self.c.rest().is_empty() {
                return self.fail(&format!("'</{name}>' is missing"));
            } else {
                let end = self.c.rest().find('<').unwrap_or(self.c.rest().len());
                let raw = self.c.rest().get(..end).unwrap_or_default();
                self.c.at += end;
                push_text(&mut children, unescape(raw)?);
            }
        }
    }
}

/// Adjacent text and CDATA are one text node.
fn push_text(children: &mut Vec<Child>, text: String) {
    match children.last_mut() {
        Some(Child::Text(previous)) => previous.push_str(&text),
        _ => children.push(Child::Text(text)),
    }
}

fn unescape(raw: &str) -> Result<String, String> {
    if !raw.contains('&') {
        return Ok(raw.to_owned());
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or_default());
        let after = rest.get(amp + 1..).unwrap_or_default();
        let semi = after.find(';').ok_or_else(|| format!("the entity reference in '{raw}' has no ';'"))?;
        let entity = after.get(..semi).unwrap_or_default();
        let c = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .map(|hex| u32::from_str_radix(hex, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        out.push(c.ok_or_else(|| format!("'&{entity};' is not an entity this parser knows"))?);
        rest = after.get(semi + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    Ok(out)
}

pub(crate) fn parse(text: &str) -> Result<Document, String> {
    let mut parser = Parser { c: Cursor::new(text.trim_start_matches('\u{feff}')) };
    parser.c.whitespace();
    let mut declaration = None;
    if parser.c.eat("<?xml") {
        let attributes = parser.attributes()?;
        if !parser.c.eat("?>") {
            return parser.fail("'?>' is expected to end the declaration");
        }
        declaration = Some(attributes);
    }
    parser.skip_misc()?;
    let root = parser.element(0)?;
    parser.skip_misc()?;
    if !parser.c.rest().trim().is_empty() {
        return parser.fail("there is content after the root element");
    }
    Ok(Document { declaration, root })
}

/// Whether `text` is a well-formed XML document (for `xml()` given XML text).
pub(crate) fn check(text: &str) -> Result<(), String> {
    parse(text).map(drop)
}

fn attributes_json(attributes: &[(String, String)], map: &mut Map<String, Value>) {
    for (name, value) in attributes {
        map.insert(format!("@{name}"), Value::String(value.clone()));
    }
}

/// An element's value in Json.NET's mapping.
fn element_json(element: &Element) -> Value {
    let elements: Vec<&Element> =
        element.children.iter().filter_map(|c| if let Child::Element(e) = c { Some(e) } else { None }).collect();
    let texts: Vec<&str> = element
        .children
        .iter()
        .filter_map(|c| if let Child::Text(t) = c { Some(t.as_str()) } else { None })
        .filter(|t| !t.trim().is_empty())
        .collect();
    if element.attributes.is_empty() && elements.is_empty() {
        return match texts.as_slice() {
            [] => Value::Null,
            [one] => Value::String((*one).to_owned()),
            many => Value::Array(many.iter().map(|t| Value::String((*t).to_owned())).collect()),
        };
    }
    let mut map = Map::new();
    attributes_json(&element.attributes, &mut map);
    match texts.as_slice() {
        [] => {}
        [one] => {
            map.insert("#text".into(), Value::String((*one).to_owned()));
        }
        many => {
            map.insert("#text".into(), Value::Array(many.iter().map(|t| Value::String((*t).to_owned())).collect()));
        }
    }
    let mut order: Vec<&str> = Vec::new();
    for child in &elements {
        if !order.contains(&child.name.as_str()) {
            order.push(&child.name);
        }
    }
    for name in order {
        let same: Vec<Value> = elements.iter().filter(|e| e.name == name).map(|e| element_json(e)).collect();
        let value = match <[Value; 1]>::try_from(same) {
            Ok([one]) => one,
            Err(many) => Value::Array(many),
        };
        map.insert(name.to_owned(), value);
    }
    Value::Object(map)
}

/// XML text as JSON.
pub(crate) fn to_json(text: &str) -> Result<Value, String> {
    let document = parse(text)?;
    let mut map = Map::new();
    if let Some(declaration) = &document.declaration {
        let mut attributes = Map::new();
        attributes_json(declaration, &mut attributes);
        map.insert("?xml".into(), Value::Object(attributes));
    }
    map.insert(document.root.name.clone(), element_json(&document.root));
    Ok(Value::Object(map))
}

pub(crate) fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' if attribute => out.push_str("&quot;"),
            other => out.push(other),
        }
    }
    out
}

fn valid_name(name: &str) -> Result<(), String> {
    let first_ok = name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_');
    if first_ok && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')) {
        Ok(())
    } else {
        Err(format!("'{name}' cannot be an XML element or attribute name"))
    }
}

/// Writes `<name>` for `value` (arrays repeat the element).
fn write_element(name: &str, value: &Value, out: &mut String, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!("the object nests deeper than {MAX_DEPTH} levels"));
    }
    valid_name(name)?;
    match value {
        Value::Array(items) => {
            for item in items {
                write_element(name, item, out, depth + 1)?;
            }
            return Ok(());
        }
        Value::Null => {
            out.push_str(&format!("<{name} />"));
            return Ok(());
        }
        Value::Object(map) => {
            out.push('<');
            out.push_str(name);
            for (key, attribute) in map.iter().filter(|(k, _)| k.starts_with('@')) {
                let attribute_name = key.get(1..).unwrap_or_default();
                valid_name(attribute_name)?;
                out.push_str(&format!(" {attribute_name}=\"{}\"", escape(&scalar_text(attribute), true)));
            }
            out.push('>');
            for (key, child) in map.iter().filter(|(k, _)| !k.starts_with('@')) {
                if key == "#text" {
                    out.push_str(&escape(&scalar_text(child), false));
                } else {
                    write_element(key, child, out, depth + 1)?;
                }
            }
        }
        scalar => out.push_str(&format!("<{name}>{}", escape(&scalar_text(scalar), false))),
    }
    out.push_str(&format!("</{name}>"));
    Ok(())
}

/// A JSON object with one root property as XML text.
pub(crate) fn from_json(value: &Value) -> Result<String, String> {
    let Value::Object(map) = value else {
        return Err("only an object with one root property converts to XML".into());
    };
    let roots: Vec<(&String, &Value)> = map.iter().filter(|(k, _)| *k != "?xml").collect();
    let [(name, root)] = roots.as_slice() else {
        return Err(format!("the object must have exactly one root property to convert to XML, not {}", roots.len()));
    };
    if root.is_array() {
        return Err(
            "the root property cannot be an array (wrap it in an object, for example {\"root\": {\"array\": …}})"
                .into(),
        );
    }
    let mut out = String::new();
    if let Some(Value::Object(declaration)) = map.get("?xml") {
        out.push_str("<?xml");
        for (key, v) in declaration {
            out.push_str(&format!(" {}=\"{}\"", key.trim_start_matches('@'), escape(&scalar_text(v), true)));
        }
        out.push_str("?>");
    }
    write_element(name, root, &mut out, 0)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_net_mapping() {
        let value = to_json("<a x='1'><b>t</b><b/><c>&lt;&#65;<![CDATA[<>]]></c><!-- no --><d>  </d>tail</a>").unwrap();
        assert_eq!(value, json!({"a": {"@x": "1", "#text": "tail", "b": ["t", null], "c": "<A<>", "d": null}}));
    }

    #[test]
    fn round_trip() {
        let value =
            json!({"root": {"@id": "7", "item": [{"n": 1}, {"n": 2.5}], "flag": true, "none": null, "t": "a<b"}});
        let xml = from_json(&value).unwrap();
        assert_eq!(
            xml,
            "<root id=\"7\"><flag>true</flag><item><n>1</n></item><item><n>2.5</n></item><none /><t>a&lt;b</t></root>"
        );
        assert!(check(&xml).is_ok());
    }

    #[test]
    fn rejects_malformed_xml_and_unconvertible_json() {
        for bad in ["", "<a>", "<a></b>", "<a x=1/>", "<a/><b/>", "<a>&bogus;</a>", "text", "<1a/>", "<a x='1' x='2'/>"]
        {
            assert!(check(bad).is_err(), "{bad}");
        }
        assert!(check(&"<a>".repeat(300)).is_err());
        for bad in [json!([1]), json!({"a": 1, "b": 2}), json!({"a": [1, 2]}), json!({"a b": 1}), json!("x")] {
            assert!(from_json(&bad).is_err(), "{bad}");
        }
    }
}
