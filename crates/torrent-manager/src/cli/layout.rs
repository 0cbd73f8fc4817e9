//! Tables that never wrap: the columns that can give way (names, paths,
//! messages) are cut with an ellipsis so that every row fits on one line.

use std::io::IsTerminal;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The width to fit when stdout is not a terminal and `COLUMNS` is not set.
const DEFAULT_WIDTH: usize = 120;
/// A column that gives way keeps at least this many characters.
const MIN_SHRUNK: usize = 8;
/// The borderless preset pads every cell with a space on each side.
pub const PADDING: usize = 2;
/// How many characters of an info hash or ID tables show.
pub const SHORT_ID: usize = 8;

/// `$COLUMNS`, else the terminal's width, else [`DEFAULT_WIDTH`].
pub fn terminal_width() -> usize {
    let from_env = std::env::var("COLUMNS")
        .ok()
        .and_then(|columns| columns.trim().parse::<usize>().ok())
        .filter(|columns| *columns > 0);
    from_env
        .or_else(|| {
            std::io::stdout()
                .is_terminal()
                .then(comfy_table::Table::new)
                .and_then(|table| table.width())
                .map(usize::from)
        })
        .unwrap_or(DEFAULT_WIDTH)
}

/// The columns' widths: each as wide as its content (`natural`), except that
/// the `shrinkable` ones share what the others leave of `width`, the
/// narrowest keeping all they need first.
pub fn fit_widths(natural: &[usize], shrinkable: &[bool], width: usize) -> Vec<usize> {
    let mut widths = natural.to_vec();
    let fixed: usize = natural
        .iter()
        .zip(shrinkable)
        .map(|(w, shrinks)| if *shrinks { PADDING } else { w + PADDING })
        .sum();
    let mut left = width.saturating_sub(fixed);
    let mut order: Vec<usize> = (0..natural.len()).filter(|i| shrinkable[*i]).collect();
    order.sort_by_key(|i| natural[*i]);
    let mut remaining = order.len();
    for i in order {
        let share = left / remaining;
        widths[i] = natural[i].min(share.max(MIN_SHRUNK));
        left = left.saturating_sub(widths[i]);
        remaining -= 1;
    }
    widths
}

/// `text` cut to `width` columns, ending with `…` when it was cut.
pub fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut cut = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        cut.push(c);
        used += w;
    }
    cut.push('…');
    cut
}

/// The first [`SHORT_ID`] characters of a hash or ID, as tables show it.
pub fn short_id(id: &str) -> &str {
    id.char_indices()
        .nth(SHORT_ID)
        .map_or(id, |(end, _)| &id[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_shrinkable_columns_give_way() {
        // Fits: every column as wide as its content.
        assert_eq!(fit_widths(&[30, 10], &[true, false], 80), vec![30, 10]);
        // 40 columns: 12 for the fixed one, 28 left for the name.
        assert_eq!(fit_widths(&[60, 10], &[true, false], 40), vec![26, 10]);
        // The narrow shrinkable column keeps its width; the wide one takes the rest.
        assert_eq!(
            fit_widths(&[10, 50, 4], &[true, true, false], 40),
            vec![10, 20, 4]
        );
        // Never below the minimum, even when nothing is left.
        assert_eq!(fit_widths(&[60, 50], &[true, false], 40), vec![8, 50]);
    }

    #[test]
    fn truncation_and_short_ids() {
        assert_eq!(truncate("ubuntu.iso", 20), "ubuntu.iso");
        assert_eq!(truncate("ubuntu-24.04-desktop.iso", 10), "ubuntu-24…");
        assert_eq!(truncate("ubuntu-24.04-desktop.iso", 10).width(), 10);
        // Wide characters count double.
        assert_eq!(truncate("日本語のファイル", 7), "日本語…");
        assert_eq!(short_id("0123456789abcdef"), "01234567");
        assert_eq!(short_id("0123"), "0123");
    }
}
