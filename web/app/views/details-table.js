// A short list (peers, trackers) as a table whose rows are keyed: a refresh
// updates the text of the rows that stay, adds and removes the others, and
// never rebuilds the table (focus and scroll position stay where they are).
// Values never wrap; a cut value keeps its full text as the cell's title.

import { h, setText } from '../dom.js';

export class KeyedTable {
  #rows = new Map();

  /** columns: [{title, value(item) → string}]; key(item) → a unique string. */
  constructor({ columns, key, emptyText, className }) {
    this.columns = columns;
    this.key = key;
    this.tbody = h('tbody');
    this.scroller = h('div.table-scroll', { hidden: true },
      h(`table.list.values.${className}`, {},
        h('thead', {}, h('tr', {}, columns.map((column) => h('th', { scope: 'col' }, column.title)))),
        this.tbody));
    this.empty = h('p.muted', { hidden: true }, emptyText);
    this.element = h('div', {}, this.scroller, this.empty);
  }

  update(items) {
    const seen = new Set();
    let previous = null;
    for (const item of items) {
      const key = this.key(item);
      seen.add(key);
      let row = this.#rows.get(key);
      if (!row) {
        row = h('tr', { dataset: { key } }, this.columns.map(() => h('td')));
        this.#rows.set(key, row);
      }
      this.columns.forEach((column, index) => {
        const cell = row.cells[index];
        const text = column.value(item);
        setText(cell, text);
        if (cell.title !== text) cell.title = text;
      });
      const expected = previous ? previous.nextSibling : this.tbody.firstChild;
      if (expected !== row) this.tbody.insertBefore(row, expected);
      previous = row;
    }
    for (const [key, row] of this.#rows) {
      if (!seen.has(key)) {
        row.remove();
        this.#rows.delete(key);
      }
    }
    this.scroller.hidden = items.length === 0;
    this.empty.hidden = items.length > 0;
  }
}
