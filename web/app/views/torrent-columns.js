// The torrent table's columns: what each shows and how it sorts; which are
// shown (the user's choice, then what fits the width); the phone card.

import { h, setText } from '../dom.js';
import * as format from '../format.js';
import { errorKind } from '../query.js';

const REM = 16;

function setTitle(cell, title) {
  if (cell.title !== title) cell.title = title;
}

/**
 * A column whose cell is one line of text. `width` is in rem (the name
 * column's is its minimum: it takes the rest). `titled`: the full text on
 * hover, for cells that can be cut short.
 */
function textColumn(key, title, width, text, extra = {}) {
  return {
    key,
    title,
    width,
    sortable: true,
    resizable: true,
    update(cell, torrent) {
      const value = text(torrent);
      setText(cell, value);
      if (extra.titled) setTitle(cell, value);
    },
    ...extra,
  };
}

const selectColumn = {
  key: 'select',
  title: '',
  width: 2.25,
  className: 'select',
  fixed: true,
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

/** Marks a cell with the torrent's kind of error (the icon is CSS), its message on hover. */
function markError(cell, torrent, title) {
  const kind = errorKind(torrent) ?? '';
  if ((cell.dataset.error ?? '') !== kind) {
    if (kind) cell.dataset.error = kind;
    else delete cell.dataset.error;
  }
  setTitle(cell, kind ? `${kind === 'tracker' ? 'Tracker error' : 'Error'}: ${torrent.error}\n${title}` : title);
}

const nameColumn = textColumn('name', 'Name', 12, (t) => t.name, {
  className: 'name',
  flexible: true,
  fixed: true,
  update(cell, torrent) {
    setText(cell, torrent.name);
    markError(cell, torrent, torrent.name);
  },
});

const progressColumn = {
  key: 'progress',
  title: 'Progress',
  width: 7,
  sortable: true,
  resizable: true,
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

const stateColumn = textColumn('state', 'State', 7.5, (t) => t.state, {
  className: 'state',
  fixed: true,
  update(cell, torrent) {
    if (cell.dataset.state !== torrent.state) cell.dataset.state = torrent.state;
    setText(cell, torrent.state);
    markError(cell, torrent, torrent.state);
  },
});

const number = (extra = {}) => ({ className: 'number', numeric: true, ...extra });

/**
 * Every column, in order. `fit`: the order in which columns give way when
 * the table is too narrow for all of them (lowest first); `hidden`: not
 * shown until chosen; `numeric`: sorts descending on the first click.
 */
export const TORRENT_COLUMNS = [
  selectColumn,
  nameColumn,
  textColumn('server_name', 'Server', 7, (t) => t.server_name, { titled: true, fit: 6 }),
  stateColumn,
  { ...progressColumn, numeric: true, fit: 9 },
  textColumn('size', 'Size', 5, (t) => format.bytes(t.size), number({ fit: 5 })),
  textColumn('download_rate', '↓ Speed', 5.5, (t) => format.rate(t.download_rate), number({ fixed: true })),
  textColumn('upload_rate', '↑ Speed', 5.5, (t) => format.rate(t.upload_rate), number({ fit: 8 })),
  textColumn('eta', 'ETA', 4.5, (t) => format.eta(t.eta), number({ fit: 4 })),
  textColumn('ratio', 'Ratio', 4, (t) => format.ratio(t.ratio), number({ fit: 2, hidden: true })),
  textColumn('peers', 'Peers/Seeds', 6.25, (t) => `${t.peers} / ${t.seeds}`, number({ fit: 1, hidden: true })),
  textColumn('tracker', 'Tracker', 8, (t) => t.tracker ?? '–', { titled: true, fit: 3, hidden: true }),
  // The trackers' health, the tracker's own message on hover.
  textColumn('tracker_status', 'Tracker status', 7.5, null, {
    fit: 2.5,
    hidden: true,
    update(cell, torrent) {
      const status = torrent.tracker_status ?? '';
      setText(cell, status ? status.replace('_', ' ') : '–');
      if ((cell.dataset.trackerStatus ?? '') !== status) cell.dataset.trackerStatus = status;
      setTitle(cell, torrent.tracker_message ?? status);
    },
  }),
  textColumn('labels', 'Labels', 8, (t) => t.labels.join(', '), { titled: true, fit: 7 }),
  // qBittorrent's category, which is not one of its labels (tags); chosen, it
  // makes way only after the labels.
  textColumn('category', 'Category', 7, (t) => t.category ?? '', { titled: true, fit: 7.5, hidden: true }),
  textColumn('added_at', 'Added', 8.5, null, number({
    fit: 3.5,
    // Date formatting is the dearest text here: only when the row shows another date.
    update(cell, torrent) {
      if (cell.addedAt === torrent.added_at) return;
      cell.addedAt = torrent.added_at;
      setText(cell, format.dateTime(torrent.added_at));
    },
  })),
];

export const SORTABLE_COLUMNS = TORRENT_COLUMNS.filter((column) => column.sortable);
export const SORT_KEYS = new Set(SORTABLE_COLUMNS.map((column) => column.key));

export function isNumericColumn(key) {
  return Boolean(TORRENT_COLUMNS.find((column) => column.key === key)?.numeric);
}

/** The value a column sorts by (raw numbers, not the formatted text). */
export function sortValue(key, torrent) {
  switch (key) {
    case 'labels': return torrent.labels.join(',');
    case 'eta': return torrent.eta ?? null;
    case 'tracker': return torrent.tracker ?? null;
    case 'tracker_status': return torrent.tracker_status ?? null;
    case 'category': return torrent.category ?? null;
    case 'added_at': return torrent.added_at ?? null; // RFC 3339 in UTC sorts as text
    default: return torrent[key];
  }
}

/** A column's width in px: the user's (resized) or its default. */
function widthOf(column, widths) {
  return widths[column.key] ?? column.width * REM;
}

/**
 * The columns to draw in `availablePx`: the chosen ones (not in `hidden`),
 * minus those that give way first until the rest fit, so that no column is
 * cut off and nothing scrolls sideways. Each gets its CSS grid track.
 */
export function fitColumns(availablePx, hidden, widths) {
  const chosen = TORRENT_COLUMNS.filter((column) => column.fixed || !hidden.has(column.key));
  const total = (columns) => columns.reduce((sum, column) => sum + widthOf(column, widths), 0);
  const yielding = chosen.filter((column) => !column.fixed).sort((a, b) => a.fit - b.fit);
  let shown = chosen;
  while (yielding.length && total(shown) > availablePx) {
    const dropped = yielding.shift();
    shown = shown.filter((column) => column !== dropped);
  }
  return shown.map((column) => ({ ...column, width: trackOf(column, widths) }));
}

/** A column's CSS grid track; the name column takes what is left. */
export function trackOf(column, widths) {
  return column.flexible ? `minmax(${widthOf(column, widths)}px, 1fr)` : `${widthOf(column, widths)}px`;
}

// --- phone: one two-line card per torrent ------------------------------------------
const cardColumn = {
  key: 'card',
  title: 'Torrents',
  width: 'minmax(0, 1fr)',
  className: 'card-cell',
  create(cell) {
    cell.append(
      h('div.card-name'),
      h('div.card-meta'),
      h('button.row-menu', { type: 'button', 'aria-label': 'Actions', tabindex: -1 }, '⋯'),
    );
  },
  update(cell, torrent) {
    const [name, meta] = cell.children;
    setText(name, torrent.name);
    markError(name, torrent, torrent.name);
    if (meta.dataset.state !== torrent.state) meta.dataset.state = torrent.state;
    setText(meta, [
      torrent.server_name,
      format.bytes(torrent.size),
      `↓ ${format.rate(torrent.download_rate)} ↑ ${format.rate(torrent.upload_rate)}`,
      Number.isFinite(torrent.eta) && torrent.eta >= 0 ? `ETA ${format.eta(torrent.eta)}` : '',
      `${torrent.state} ${format.percent(torrent.progress)}`,
    ].filter(Boolean).join(' · '));
  },
};

export const CARD_COLUMNS = [{ ...selectColumn, width: '2.25rem' }, cardColumn];
