//! `parse`: syn parses every file of the corpus into a syntax tree (all trees stay alive, as
//! in a compiler), then prints each tree back into tokens and counts them. Files syn cannot
//! parse (newer syntax, test fixtures) are counted and skipped.

use super::corpus::Source;
use quote::ToTokens;
use std::fmt::Write;

/// Parses and re-prints the corpus; the summary counts files, items and tokens.
pub fn run(corpus: &[Source]) -> String {
    let mut failed = 0;
    let trees: Vec<syn::File> = corpus
        .iter()
        .filter_map(|source| {
            let tree = syn::parse_file(&source.text).ok();
            failed += usize::from(tree.is_none());
            tree
        })
        .collect();
    let items: usize = trees.iter().map(|tree| tree.items.len()).sum();
    let tokens: usize = trees.iter().map(|tree| count(tree.to_token_stream())).sum();
    let mut summary = String::new();
    let _ = writeln!(
        summary,
        "parse: {} files ({failed} not parsed), {items} items, {tokens} tokens",
        trees.len()
    );
    summary
}

/// Tokens in `stream`, counting inside groups.
fn count(stream: proc_macro2::TokenStream) -> usize {
    stream
        .into_iter()
        .map(|token| match token {
            proc_macro2::TokenTree::Group(group) => 1 + count(group.stream()),
            _ => 1,
        })
        .sum()
}
