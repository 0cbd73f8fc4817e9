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
/// Optional columns are dropped while a name would be cut shorter than this.
const READABLE: usize = 24;

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

/// How a column gives way when the rows are wider than the terminal.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Give {
    /// Always whole (states, sizes, short IDs).
    Never,
    /// Cut before the others (server names, addresses).
    First,
    /// Cut last (torrent names, paths: what people read a row for).
    Last,
}

/// The columns' widths: each as wide as its content (`natural`), except
/// that the columns that give way share what the others leave of `width`:
/// those that give way last first, leaving the others their minimum.
pub fn fit_widths(natural: &[usize], give: &[Give], width: usize) -> Vec<usize> {
    let fixed: usize = natural
        .iter()
        .zip(give)
        .map(|(w, give)| {
            if *give == Give::Never {
                w + PADDING
            } else {
                PADDING
            }
        })
        .sum();
    let left = width.saturating_sub(fixed);
    let of =
        |tier: Give| -> Vec<usize> { (0..natural.len()).filter(|i| give[*i] == tier).collect() };
    let (first, last) = (of(Give::First), of(Give::Last));
    let reserved: usize = first.iter().map(|i| natural[*i].min(MIN_SHRUNK)).sum();
    let mut widths = natural.to_vec();
    let used = share(&mut widths, &last, left.saturating_sub(reserved));
    share(&mut widths, &first, left.saturating_sub(used));
    widths
}

/// Which columns to show: optional ones (with a rank in `optional`; the
/// lowest rank goes first) are dropped, one at a time, while the columns
/// that give way last would be cut below [`READABLE`] characters.
pub fn shown_columns(
    natural: &[usize],
    give: &[Give],
    optional: &[Option<u8>],
    width: usize,
) -> Vec<bool> {
    let mut shown = vec![true; natural.len()];
    let mut droppable: Vec<usize> = (0..natural.len())
        .filter(|i| optional[*i].is_some())
        .collect();
    droppable.sort_by_key(|i| std::cmp::Reverse(optional[*i]));
    loop {
        let kept: Vec<usize> = (0..natural.len()).filter(|i| shown[*i]).collect();
        let widths = fit_widths(
            &kept.iter().map(|i| natural[*i]).collect::<Vec<_>>(),
            &kept.iter().map(|i| give[*i]).collect::<Vec<_>>(),
            width,
        );
        let cramped = kept
            .iter()
            .zip(&widths)
            .any(|(i, w)| give[*i] == Give::Last && *w < natural[*i].min(READABLE));
        match droppable.pop() {
            Some(next) if cramped => shown[next] = false,
            _ => return shown,
        }
    }
}

/// Shares `space` among the `columns`, the narrowest keeping all they need
/// first; returns how much they took.
fn share(widths: &mut [usize], columns: &[usize], space: usize) -> usize {
    let mut order = columns.to_vec();
    order.sort_by_key(|i| widths[*i]);
    let (mut left, mut taken) = (space, 0);
    for (done, i) in order.iter().enumerate() {
        let fair = left / (order.len() - done);
        widths[*i] = widths[*i].min(fair.max(MIN_SHRUNK));
        left = left.saturating_sub(widths[*i]);
        taken += widths[*i];
    }
    taken
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
    fn only_columns_that_give_way_are_cut() {
        use Give::{First, Last, Never};
        // Fits: every column as wide as its content.
        assert_eq!(fit_widths(&[30, 10], &[Last, Never], 80), vec![30, 10]);
        // 40 columns: 12 for the fixed one and 2 of padding, 26 for the name.
        assert_eq!(fit_widths(&[60, 10], &[Last, Never], 40), vec![26, 10]);
        // The narrow column keeps its width; the wide one takes the rest.
        assert_eq!(
            fit_widths(&[10, 50, 4], &[Last, Last, Never], 40),
            vec![10, 20, 4]
        );
        // Names before servers: the server is cut to the minimum first.
        assert_eq!(
            fit_widths(&[60, 30, 4], &[Last, First, Never], 50),
            vec![32, 8, 4]
        );
        assert_eq!(
            fit_widths(&[20, 30, 4], &[Last, First, Never], 50),
            vec![20, 20, 4]
        );
        // Never below the minimum, even when nothing is left.
        assert_eq!(fit_widths(&[60, 50], &[Last, Never], 40), vec![8, 50]);
    }

    #[test]
    fn optional_columns_go_before_names_are_cramped() {
        use Give::{Last, Never};
        let give = [Last, Never, Never, Never];
        let optional = [None, Some(2), Some(1), None];
        // Room for everything.
        assert_eq!(
            shown_columns(&[40, 10, 10, 10], &give, &optional, 120),
            vec![true; 4]
        );
        // The name would get 22: rank 1 goes, then it gets 34.
        assert_eq!(
            shown_columns(&[40, 10, 10, 10], &give, &optional, 60),
            vec![true, true, false, true]
        );
        // Still cramped: rank 2 goes too, the mandatory column stays.
        assert_eq!(
            shown_columns(&[40, 10, 10, 10], &give, &optional, 45),
            vec![true, false, false, true]
        );
        // A short name that fits whole keeps every column.
        assert_eq!(
            shown_columns(&[10, 10, 10, 10], &give, &optional, 60),
            vec![true; 4]
        );
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
