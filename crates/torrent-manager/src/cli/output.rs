//! How results reach the terminal: aligned tables (coloured only on a
//! terminal) for people, JSON for scripts.

use std::io::IsTerminal;

use comfy_table::presets::NOTHING;
use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table};
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use super::layout::{Give, fit_widths, shown_columns, terminal_width, truncate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Tables and sentences for people.
    Table,
    /// The API's JSON answers, for scripts.
    Json,
}

pub struct Output {
    format: Format,
    colour: bool,
}

impl Output {
    pub fn new(format: Format) -> Output {
        // https://no-color.org: any non-empty NO_COLOR turns colour off.
        let no_colour = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Output {
            format,
            colour: std::io::stdout().is_terminal() && !no_colour,
        }
    }

    pub fn is_json(&self) -> bool {
        self.format == Format::Json
    }

    /// Prints `value` as JSON, or `render`'s text for people.
    pub fn show<T: Serialize + ?Sized>(
        &self,
        value: &T,
        render: impl FnOnce() -> String,
    ) -> anyhow::Result<()> {
        match self.format {
            Format::Json => println!("{}", serde_json::to_string_pretty(value)?),
            Format::Table => println!("{}", render()),
        }
        Ok(())
    }

    /// A borderless table with `header`; [`rows`] makes it fit the terminal.
    fn table(&self, header: &[&str]) -> Table {
        let mut table = Table::new();
        table
            .load_style(NOTHING)
            .set_content_arrangement(ContentArrangement::Disabled);
        if !self.colour {
            table.force_no_tty();
        }
        table.set_header(header.iter().map(|title| self.label(title)));
        table
    }

    /// A two-column table of labelled values.
    pub fn details(&self, rows: Vec<(&str, String)>) -> Table {
        let mut table = Table::new();
        table
            .load_style(NOTHING)
            .set_content_arrangement(ContentArrangement::Dynamic);
        if !self.colour {
            table.force_no_tty();
        }
        for (label, value) in rows {
            table.add_row(vec![self.label(label), Cell::new(value)]);
        }
        table
    }

    pub fn coloured(&self, text: impl ToString, colour: Color) -> Cell {
        let cell = Cell::new(text);
        if self.colour { cell.fg(colour) } else { cell }
    }

    /// A header or row label: bold on a terminal.
    pub fn label(&self, text: &str) -> Cell {
        let cell = Cell::new(text);
        if self.colour {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    }
}

/// A column of a listing: its title, and how it gives way (cut with an
/// ellipsis) when the rows are wider than the terminal.
#[derive(Clone, Copy)]
pub struct Column {
    title: &'static str,
    give: Give,
    /// Set for a column dropped when names would be cramped; lower goes first.
    drop_rank: Option<u8>,
}

/// A column that always shows its values whole (states, sizes, short IDs).
pub const fn fixed(title: &'static str) -> Column {
    Column {
        title,
        give: Give::Never,
        drop_rank: None,
    }
}

/// A column that gives way, last (names, paths, messages).
pub const fn shrinking(title: &'static str) -> Column {
    Column {
        title,
        give: Give::Last,
        drop_rank: None,
    }
}

/// A column that gives way before the [`shrinking`] ones (server names).
pub const fn secondary(title: &'static str) -> Column {
    Column {
        title,
        give: Give::First,
        drop_rank: None,
    }
}

/// A column shown whole while there is room, dropped (lowest `rank` first)
/// when the names would otherwise be cut short (ratios, ETAs, rates: the
/// `Sum:` line still has the totals).
pub const fn optional(title: &'static str, rank: u8) -> Column {
    Column {
        title,
        give: Give::Never,
        drop_rank: Some(rank),
    }
}

/// A table of `items`, one per row, that fits the terminal's width without
/// wrapping; an empty list says `empty` instead.
pub fn rows<T>(
    out: &Output,
    items: &[T],
    empty: &str,
    columns: &[Column],
    row: impl Fn(&T) -> Vec<Cell>,
) -> String {
    if items.is_empty() {
        return empty.to_string();
    }
    let cells: Vec<Vec<Cell>> = items.iter().map(row).collect();
    let mut natural: Vec<usize> = columns.iter().map(|c| c.title.width()).collect();
    for row in &cells {
        for (width, cell) in natural.iter_mut().zip(row) {
            *width = (*width).max(cell.content().width());
        }
    }
    let give: Vec<Give> = columns.iter().map(|c| c.give).collect();
    let ranks: Vec<Option<u8>> = columns.iter().map(|c| c.drop_rank).collect();
    let shown = shown_columns(&natural, &give, &ranks, terminal_width());
    let kept: Vec<usize> = (0..columns.len()).filter(|i| shown[*i]).collect();
    let natural: Vec<usize> = kept.iter().map(|i| natural[*i]).collect();
    let give: Vec<Give> = kept.iter().map(|i| give[*i]).collect();
    let widths = fit_widths(&natural, &give, terminal_width());
    let header: Vec<&str> = kept.iter().map(|i| columns[*i].title).collect();
    let mut table = out.table(&header);
    for row in cells {
        let row = row.into_iter().enumerate().filter(|(i, _)| shown[*i]);
        table.add_row(row.zip(&widths).map(|((_, cell), width)| {
            let content = cell.content();
            if content.width() > *width {
                Cell::new(truncate(&content, *width))
            } else {
                cell
            }
        }));
    }
    table.trim_fmt()
}
