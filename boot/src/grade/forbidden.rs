//! Which forbidden names a student's file uses: its identifiers, outside comments, strings
//! and character literals (a helper can only be called by naming it or a path through it).

use std::collections::BTreeSet;

/// The names of `forbidden` that occur as identifiers in the Rust source `source`.
pub fn used<'a>(source: &str, forbidden: &[&'a str]) -> Vec<&'a str> {
    let identifiers = identifiers(source);
    forbidden
        .iter()
        .copied()
        .filter(|name| identifiers.contains(*name))
        .collect()
}

/// Every identifier of `source`, with comments, strings and char literals skipped.
fn identifiers(source: &str) -> BTreeSet<String> {
    let chars: Vec<char> = source.chars().collect();
    let mut found = BTreeSet::new();
    let mut at = 0;
    while at < chars.len() {
        let rest = &chars[at..];
        if rest.starts_with(&['/', '/']) {
            at += rest.iter().position(|&c| c == '\n').unwrap_or(rest.len());
        } else if rest.starts_with(&['/', '*']) {
            at += 2 + block_comment_len(&rest[2..]);
        } else if rest[0] == '"' {
            at += 1 + string_len(&rest[1..]);
        } else if let Some(len) = raw_string_len(rest) {
            at += len;
        } else if rest[0] == '\'' && rest.len() > 2 && (rest[2] == '\'' || rest[1] == '\\') {
            // A char literal ('a', '\n', '\u{..}'); a lifetime ('a) has no closing quote.
            at += 1 + rest[1..]
                .iter()
                .position(|&c| c == '\'')
                .map_or(1, |p| p + 1);
        } else if rest[0].is_alphabetic() || rest[0] == '_' {
            let len = rest
                .iter()
                .position(|&c| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            found.insert(rest[..len].iter().collect());
            at += len;
        } else {
            at += 1;
        }
    }
    found
}

/// The length of a block comment's body and end (`*/`), nested ones included.
fn block_comment_len(body: &[char]) -> usize {
    let mut depth = 1;
    let mut at = 0;
    while at < body.len() && depth > 0 {
        match (body[at], body.get(at + 1)) {
            ('/', Some('*')) => (depth, at) = (depth + 1, at + 2),
            ('*', Some('/')) => (depth, at) = (depth - 1, at + 2),
            _ => at += 1,
        }
    }
    at
}

/// The length of a raw string literal (`r"…"`, `r#"…"#`, `br##"…"##`) at the start of
/// `rest`, if one starts there.
fn raw_string_len(rest: &[char]) -> Option<usize> {
    let prefix = if rest.starts_with(&['b', 'r']) {
        2
    } else {
        usize::from(rest[0] == 'r')
    };
    if prefix == 0 {
        return None;
    }
    let hashes = rest[prefix..].iter().take_while(|&&c| c == '#').count();
    if rest.get(prefix + hashes) != Some(&'"') {
        return None;
    }
    let body = prefix + hashes + 1;
    let end: Vec<char> = std::iter::once('"')
        .chain(std::iter::repeat_n('#', hashes))
        .collect();
    let close = rest[body..]
        .windows(end.len())
        .position(|window| window == end.as_slice());
    Some(close.map_or(rest.len(), |at| body + at + end.len()))
}

/// The length of a string literal's body and closing quote, escapes included.
fn string_len(body: &[char]) -> usize {
    let mut at = 0;
    while at < body.len() {
        match body[at] {
            '\\' => at += 2,
            '"' => return at + 1,
            _ => at += 1,
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_names_in_code_but_not_in_comments_or_strings() {
        let source = r##"
            //! Do not call `memory::page_walk`.
            /* translate /* nested */ OffsetPageTable */
            use crate::memory::page_walk::translate as go;
            fn walk<'a>(x: &'a str) -> char { let _ = "Mapper"; '"' }
            let hidden = r#"a"b"#; Translate::go();
        "##;
        let forbidden = [
            "page_walk",
            "translate",
            "OffsetPageTable",
            "Mapper",
            "Translate",
        ];
        assert_eq!(
            used(source, &forbidden),
            ["page_walk", "translate", "Translate"]
        );
        assert!(used("fn walk() {}", &forbidden).is_empty());
    }
}
