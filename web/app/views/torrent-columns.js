// The torrent table's columns: what each shows and how it sorts.

import { h, setText } from '../dom.js';
import * as format from '../format.js';

/** A column whose cell is one line of text. */
function textColumn(key, title, width, text, extra = {}) {
  return { key, title, width, sortable: true, update: (cell, torrent) => setText(cell, text(torrent)), ...extra };
}

const selectColumn = {
  key: 'select',
  title: '',
  width: '2.25rem',
  className: 'select',
  essential: true,
  create(cell) {
    cell.append(h('input', { type: 'checkbox', tabindex: -1, 'aria-label': 'Select' }));
  },
  // The checkbox mirrors the row's aria-selected, set by the table.
  update(cell) {
    const checkbox = cell.firstChild;
    const selected = cell.parentElement.getAttribute('aria-selected') === 'true';
    if (checkbox.checked !== selected) checkbox.checked = selected;
  },
};

const progressColumn = {
  key: 'progress',
  title: 'Progress',
  width: '8rem',
  phoneWidth: '4rem',
  sortable: true,
  essential: true,
  create(cell) {
    cell.append(h('div.progress', {}, h('div.progress-bar'), h('span.progress-text')));
  },
  update(cell, torrent) {
    const [bar, text] = cell.firstChild.children;
    const label = format.percent(torrent.progress);
    if (text.textContent === label) return;
    text.textContent = label;
    bar.style.transform = `scaleX(${Math.min(100, Math.max(0, torrent.progress)) / 100})`;
  },
};

const stateColumn = textColumn('state', 'State', '6.5rem', (t) => t.state, {
  className: 'state',
  essential: true,
  phoneWidth: '4.75rem',
  update(cell, torrent) {
    if (cell.dataset.state !== torrent.state) cell.dataset.state = torrent.state;
    setText(cell, torrent.state);
    const title = torrent.error ?? '';
    if (cell.title !== title) cell.title = title;
  },
});

export const TORRENT_COLUMNS = [
  selectColumn,
  textColumn('name', 'Name', 'minmax(14rem, 1fr)', (t) => t.name,
    { className: 'name', essential: true, phoneWidth: 'minmax(7rem, 1fr)' }),
  textColumn('server_name', 'Server', '7rem', (t) => t.server_name),
  stateColumn,
  progressColumn,
  textColumn('size', 'Size', '5.5rem', (t) => format.bytes(t.size), { className: 'number' }),
  textColumn('download_rate', '↓ Speed', '5.5rem', (t) => format.rate(t.download_rate),
    { className: 'number', essential: true, phoneWidth: '4.5rem' }),
  textColumn('upload_rate', '↑ Speed', '5.5rem', (t) => format.rate(t.upload_rate), { className: 'number' }),
  textColumn('eta', 'ETA', '4.5rem', (t) => format.eta(t.eta), { className: 'number' }),
  textColumn('ratio', 'Ratio', '4rem', (t) => format.ratio(t.ratio), { className: 'number' }),
  textColumn('peers', 'Peers/Seeds', '6.25rem', (t) => `${t.peers} / ${t.seeds}`, { className: 'number' }),
  textColumn('labels', 'Labels', '7rem', (t) => t.labels.join(', ')),
  textColumn('added_at', 'Added', '8.5rem', (t) => format.dateTime(t.added_at)),
];

/** The value a column sorts by (raw numbers, not the formatted text). */
export function sortValue(key, torrent) {
  switch (key) {
    case 'labels': return torrent.labels.join(',');
    case 'eta': return torrent.eta ?? null;
    case 'added_at': return torrent.added_at ?? null; // RFC 3339 in UTC sorts as text
    default: return torrent[key];
  }
}

/** Columns for a narrow (phone) screen: the essential ones, tighter. */
export function columnsFor(narrow) {
  if (!narrow) return TORRENT_COLUMNS;
  return TORRENT_COLUMNS.filter((column) => column.essential)
    .map((column) => (column.phoneWidth ? { ...column, width: column.phoneWidth } : column));
}
