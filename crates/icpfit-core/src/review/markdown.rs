//! The review as Markdown (charts are left to the HTML form).

use super::Review;
use super::doc::{Block, blocks};

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Render `r` as Markdown.
pub(crate) fn render(r: &Review) -> String {
    let mut out = String::new();
    for b in blocks(r) {
        match b {
            Block::Heading(level, text) => {
                out.push_str(&"#".repeat(usize::from(level)));
                out.push(' ');
                out.push_str(&text);
                out.push_str("\n\n");
            }
            Block::Para(text) => {
                out.push_str(&text);
                out.push_str("\n\n");
            }
            Block::List(items) => {
                if items.is_empty() {
                    continue;
                }
                for i in items {
                    out.push_str("- ");
                    out.push_str(&i);
                    out.push('\n');
                }
                out.push('\n');
            }
            Block::Table(head, rows) => {
                if rows.is_empty() {
                    continue;
                }
                out.push_str(&format!(
                    "| {} |\n",
                    head.iter().map(|h| cell(h)).collect::<Vec<_>>().join(" | ")
                ));
                out.push_str(&format!("|{}\n", "---|".repeat(head.len())));
                for row in rows {
                    out.push_str(&format!(
                        "| {} |\n",
                        row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
                    ));
                }
                out.push('\n');
            }
            Block::Chart(_) => {}
        }
    }
    out
}
