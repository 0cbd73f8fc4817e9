// Which table columns the user shows and how wide they made them, kept in
// localStorage; and the "Columns" menu that shows or hides them.

import { h } from '../dom.js';
import { TORRENT_COLUMNS } from './torrent-columns.js';

const STORAGE_KEY = 'tm.torrents.columns';

export class ColumnPrefs {
  hidden;
  widths;

  constructor() {
    let saved = null;
    try {
      saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    } catch {
      saved = null; // unreadable or storage disabled: the defaults
    }
    const hidden = Array.isArray(saved?.hidden) ? saved.hidden
      : TORRENT_COLUMNS.filter((column) => column.hidden).map((column) => column.key);
    this.hidden = new Set(hidden);
    this.widths = {};
    for (const [key, width] of Object.entries(saved?.widths ?? {})) {
      if (Number.isFinite(width) && width >= 40) this.widths[key] = width;
    }
  }

  save() {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify({ hidden: [...this.hidden], widths: this.widths }));
    } catch {
      // storage disabled: the choice lasts until the page reloads
    }
  }
}

/** A "Columns" drop-down of checkboxes; `onChange()` after each toggle. */
export function columnChooser(prefs, onChange) {
  const boxes = TORRENT_COLUMNS.filter((column) => !column.fixed).map((column) => {
    const box = h('input', {
      type: 'checkbox', checked: !prefs.hidden.has(column.key), dataset: { key: column.key },
      onchange: () => {
        if (box.checked) prefs.hidden.delete(column.key);
        else prefs.hidden.add(column.key);
        prefs.save();
        onChange();
      },
    });
    return h('label.check', {}, box, column.title);
  });
  return h('details.column-chooser', {},
    h('summary', { title: 'Show or hide columns' }, 'Columns'),
    h('div.column-menu', { role: 'group', 'aria-label': 'Columns shown' }, boxes));
}
