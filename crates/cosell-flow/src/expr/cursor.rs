//! A cursor over text being read by hand (timestamps, XML): where it is, and small steps.

pub(crate) struct Cursor<'a> {
    pub text: &'a str,
    /// Byte offset into `text`.
    pub at: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Cursor { text, at: 0 }
    }

    pub(crate) fn rest(&self) -> &'a str {
        self.text.get(self.at..).unwrap_or_default()
    }

    pub(crate) fn done(&self) -> bool {
        self.at >= self.text.len()
    }

    pub(crate) fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    pub(crate) fn eat(&mut self, literal: &str) -> bool {
        if self.rest().starts_with(literal) {
            self.at += literal.len();
            true
        } else {
            false
        }
    }

    pub(crate) fn eat_ignore_case(&mut self, literal: &str) -> bool {
        let rest = self.rest();
        if rest.get(..literal.len()).is_some_and(|s| s.eq_ignore_ascii_case(literal)) {
            self.at += literal.len();
            true
        } else {
            false
        }
    }

    /// Skips ASCII spaces only (date text separates its parts with them).
    pub(crate) fn spaces(&mut self) {
        while self.rest().starts_with(' ') {
            self.at += 1;
        }
    }

    /// Skips any white space.
    pub(crate) fn whitespace(&mut self) {
        let trimmed = self.rest().trim_start();
        self.at = self.text.len() - trimmed.len();
    }

    /// Between `min` and `max` ASCII digits: their value and how many there were.
    pub(crate) fn digits(&mut self, min: usize, max: usize) -> Option<(u32, usize)> {
        let count = self.rest().bytes().take(max).take_while(u8::is_ascii_digit).count();
        if count < min {
            return None;
        }
        let value = self.rest().get(..count)?.parse().ok()?;
        self.at += count;
        Some((value, count))
    }
}
