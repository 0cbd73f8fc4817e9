// The torrents page: toolbar, filters, the virtualised table, the status
// bar and the details panel, kept current by the live store.

import { api } from '../api.js';
import { confirmDialog, notify } from '../dialog.js';
import { h, replaceChildren, setText } from '../dom.js';
import * as format from '../format.js';
import { emptyQuery, FILTER_FIELDS, select } from '../query.js';
import { Selection } from '../selection.js';
import { store } from '../store.js';
import { VirtualTable } from '../table.js';
import { openAddTorrent } from './add-torrent.js';
import { TorrentDetails } from './details.js';
import { columnsFor, sortValue } from './torrent-columns.js';

const ROW_HEIGHT = 34;
const SEARCH_DEBOUNCE_MS = 150;
const STATES = ['downloading', 'seeding', 'paused', 'queued', 'checking', 'error', 'metadata'];
const NARROW = window.matchMedia('(max-width: 720px)');

export function torrentsView() {
  const query = emptyQuery();
  const selection = new Selection();
  const details = new TorrentDetails(() => layout.classList.remove('with-details'));
  let requeryFrame = 0;

  const selectAllBox = h('input', {
    type: 'checkbox', 'aria-label': 'Select all shown',
    onchange: () => (selectAllBox.checked ? selection.selectAll(table.rows) : selection.clear()),
  });
  const table = new VirtualTable(columnsFor(NARROW.matches), {
    rowHeight: ROW_HEIGHT,
    label: 'Torrents',
    isSelected: (torrent) => selection.has(torrent),
    onRowClick: (index, modifiers) => {
      selection.click(table.rows, index, modifiers);
      if (details.isOpen) details.show(table.rows[index]);
    },
    onActivate: (index) => openDetails(table.rows[index]),
    onSelectAll: () => selection.selectAll(table.rows),
    onSort: (key) => {
      query.descending = query.sortKey === key ? !query.descending : false;
      query.sortKey = key;
      requery();
    },
    headerExtra: (key) => (key === 'select' ? selectAllBox : null),
  });

  // --- toolbar and filters -------------------------------------------------
  const search = h('input.search', { type: 'search', placeholder: 'Search by name', 'aria-label': 'Search by name' });
  let searchTimer = 0;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      query.search = search.value;
      requery();
    }, SEARCH_DEBOUNCE_MS);
  });
  const serverFilter = filterSelect('Server', 'All servers', (value) => { query.serverId = value; });
  const stateFilter = filterSelect('State', 'All states', (value) => { query.state = value; });
  const labelFilter = filterSelect('Label', 'All labels', (value) => { query.label = value; });
  setOptions(stateFilter, STATES.map((state) => [state, state]));

  const bulkButtons = [
    h('button', { type: 'button', onclick: () => bulk('start') }, 'Start'),
    h('button', { type: 'button', onclick: () => bulk('stop') }, 'Stop'),
    h('button.danger', { type: 'button', onclick: removeSelected }, 'Remove'),
    h('button', { type: 'button', onclick: () => openDetailsOfSelection() }, 'Details'),
  ];
  const toolbar = h('div.toolbar', {},
    h('button.primary', { type: 'button', onclick: () => openAddTorrent() }, '+ Add torrent'),
    h('div.bulk', { role: 'group', 'aria-label': 'Selected torrents' }, bulkButtons),
    h('div.filters', {}, search, serverFilter.element, stateFilter.element, labelFilter.element));

  const emptyNote = h('div.empty-note', { hidden: true });
  const statusBar = h('footer.statusbar', { role: 'status' });
  const layout = h('section.torrents-view', {},
    toolbar,
    h('div.table-area', {}, table.element, emptyNote),
    statusBar,
    details.element);

  function filterSelect(label, allText, assign) {
    const element = h('select', { 'aria-label': label }, h('option', { value: '' }, allText));
    element.addEventListener('change', () => {
      assign(element.value);
      requery();
    });
    return { element, allText };
  }

  function setOptions(filter, pairs) {
    const current = filter.element.value;
    replaceChildren(filter.element, h('option', { value: '' }, filter.allText),
      pairs.map(([value, text]) => h('option', { value }, text)));
    filter.element.value = pairs.some(([value]) => value === current) ? current : '';
  }

  // --- reacting to data ----------------------------------------------------
  /** Filter and sort again, once per frame however many triggers. */
  function requery() {
    if (requeryFrame) return;
    requeryFrame = requestAnimationFrame(() => {
      requeryFrame = 0;
      table.setRows(select(store.torrents.values(), query, sortValue));
      table.setSort(query.sortKey, query.descending);
      updateStatus();
    });
  }

  function onTorrents({ detail: { membership, fields } }) {
    if (membership) selection.prune(store.torrents);
    if (membership || !fields) {
      refreshLabelOptions();
      requery();
      return;
    }
    if (fields.has('labels')) refreshLabelOptions();
    const reorders = fields.has(query.sortKey) || [...fields].some((name) => FILTER_FIELDS.has(name));
    if (reorders) requery();
    else {
      table.schedule(); // same rows, new values: repaint only the visible ones
      updateStatus();
    }
    details.refreshOverview();
  }

  function onServers() {
    setOptions(serverFilter, store.servers.map((server) => [server.id, server.name]));
    updateStatus();
  }

  function refreshLabelOptions() {
    setOptions(labelFilter, store.labels().map((label) => [label, label]));
  }

  function updateStatus() {
    let down = 0;
    let up = 0;
    for (const torrent of store.torrents.values()) {
      down += torrent.download_rate;
      up += torrent.upload_rate;
    }
    const total = store.torrents.size;
    const shown = table.rows.length;
    setText(statusBar, [
      `${shown === total ? '' : `${shown} of `}${total} torrent${total === 1 ? '' : 's'}`,
      selection.size ? `${selection.size} selected` : '',
      `↓ ${format.bytes(down)}/s`,
      `↑ ${format.bytes(up)}/s`,
    ].filter(Boolean).join(' · '));
    for (const button of bulkButtons) button.disabled = selection.size === 0;
    selectAllBox.checked = shown > 0 && selection.size >= shown;
    updateEmptyNote(total, shown);
  }

  function updateEmptyNote(total, shown) {
    let note = '';
    if (!store.loaded) note = 'Loading torrents…';
    else if (!store.servers.length) note = 'No server yet. Add your torrent client under Servers.';
    else if (!total) note = 'No torrents yet. Add one, or drop .torrent files anywhere on this page.';
    else if (!shown) note = 'No torrent matches these filters.';
    setText(emptyNote, note);
    emptyNote.hidden = !note;
  }

  // --- actions ---------------------------------------------------------------
  function openDetails(torrent) {
    if (!torrent) return;
    layout.classList.add('with-details');
    details.show(torrent);
  }

  function openDetailsOfSelection() {
    const [first] = selection.resolve(store.torrents);
    openDetails(first);
  }

  async function bulk(action) {
    await runBulk(action, selection.resolve(store.torrents));
  }

  async function removeSelected() {
    const torrents = selection.resolve(store.torrents);
    if (!torrents.length) return;
    const { confirmed, option: deleteData } = await confirmDialog({
      title: 'Remove torrents',
      message: torrents.length === 1
        ? `Remove “${torrents[0].name}” from its server?`
        : `Remove ${torrents.length} torrents from their servers?`,
      option: { label: 'Also delete the downloaded data' },
      confirmLabel: 'Remove',
      danger: true,
    });
    if (!confirmed) return;
    await runBulk('remove', torrents, { delete_data: deleteData });
    selection.clear();
  }

  /** One request for the whole selection (the server groups it per client); one summary. */
  async function runBulk(action, torrents, extra = {}) {
    if (!torrents.length) return;
    const names = new Map(torrents.map((t) => [`${t.server_id}/${t.info_hash}`, t.name]));
    let answer;
    try {
      answer = await api.post('/torrents/actions', {
        action,
        torrents: torrents.map(({ server_id, info_hash }) => ({ server_id, info_hash })),
        ...extra,
      });
    } catch (error) {
      notify(error.message, 'error');
      return;
    }
    const doneWord = { start: 'Started', stop: 'Stopped', remove: 'Removed', recheck: 'Rechecking' }[action];
    if (answer.success_count) {
      notify(`${doneWord} ${answer.success_count} torrent${answer.success_count === 1 ? '' : 's'}.`);
    }
    const failures = answer.results.filter((r) => !r.success)
      .map((r) => `${names.get(`${r.server_id}/${r.info_hash}`) ?? r.info_hash}: ${r.message}`);
    if (failures.length) notify(failures.slice(0, 3).join('\n') + (failures.length > 3 ? '\n…' : ''), 'error');
  }

  const onSelection = () => {
    table.schedule();
    updateStatus();
  };
  const onNarrow = () => table.setColumns(columnsFor(NARROW.matches));
  selection.addEventListener('change', onSelection);
  store.addEventListener('torrents', onTorrents);
  store.addEventListener('servers', onServers);
  NARROW.addEventListener('change', onNarrow);
  onServers();
  refreshLabelOptions();
  requery();

  return {
    element: layout,
    title: 'Torrents',
    destroy() {
      store.removeEventListener('torrents', onTorrents);
      store.removeEventListener('servers', onServers);
      NARROW.removeEventListener('change', onNarrow);
      details.close();
    },
  };
}
