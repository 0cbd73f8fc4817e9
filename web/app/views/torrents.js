// The torrents page: toolbar, filter sidebar, the virtualised table (cards
// on phones), the status bar and the details panel, kept current by the
// live store. All repainting is coalesced into one animation frame.

import { closeContextMenu, showContextMenu } from './context-menu.js';
import { h, setText } from '../dom.js';
import { FacetCounts } from '../facets.js';
import * as format from '../format.js';
import { reloadServers } from '../live.js';
import { FILTER_FIELDS, initialQuery, rememberQuery, select } from '../query.js';
import { Selection } from '../selection.js';
import { store } from '../store.js';
import { VirtualTable } from '../table.js';
import { openAddTorrent } from './add-torrent.js';
import { canMoveToServer, openMoveToServer } from './move-to-server.js';
import { ColumnPrefs, columnChooser } from './column-chooser.js';
import { SpeedGraph } from './speed-graph.js';
import {
  bindShortcuts, canDownloadFiles, downloadFiles, downloadMetainfo, editLabels, moveData, removeTorrents, runBulk,
} from './torrent-actions.js';
import {
  CARD_COLUMNS, fitColumns, isNumericColumn, SORT_KEYS, SORTABLE_COLUMNS, sortValue, trackOf,
} from './torrent-columns.js';
import { FACET_QUERY_FIELDS, FilterSidebar } from './torrent-sidebar.js';

const ROW_HEIGHT = 34;
const CARD_HEIGHT = 66;
const SEARCH_DEBOUNCE_MS = 150;
const SERVERS_REFRESH_MS = 10_000;
const PHONE = window.matchMedia('(max-width: 600px)');

export function torrentsView() {
  const query = initialQuery(SORT_KEYS);
  const selection = new Selection();
  const facets = new FacetCounts();
  const prefs = new ColumnPrefs();
  let details = null; // the panel's modules load when it first opens
  const pending = { rows: false };
  let frame = 0;
  let totals = { down: 0, up: 0, perServer: new Map() };

  const selected = () => selection.resolve(store.torrents);
  const actions = {
    start: () => runBulk('start', selected()),
    stop: () => runBulk('stop', selected()),
    recheck: () => runBulk('recheck', selected()),
    reannounce: () => runBulk('reannounce', selected()),
    labels: () => editLabels(selected()),
    move: () => moveData(selected()),
    remove: async () => {
      if (await removeTorrents(selected())) selection.clear();
    },
    details: () => openDetails(selected()[0]),
  };

  // --- the table ---------------------------------------------------------------
  const selectAllBox = h('input', {
    type: 'checkbox', 'aria-label': 'Select all shown',
    onchange: () => (selectAllBox.checked ? selection.selectAll(table.rows) : selection.clear()),
  });
  const table = new VirtualTable([], {
    rowHeight: ROW_HEIGHT,
    label: 'Torrents',
    isSelected: (torrent) => selection.has(torrent),
    onRowClick: (index, modifiers) => {
      selection.click(table.rows, index, modifiers);
      // On a phone a tap on a card opens it; on a desktop an open panel follows the selection.
      if ((PHONE.matches && !modifiers.toggle && !modifiers.shift) || details?.isOpen) openDetails(table.rows[index]);
    },
    onActivate: (index) => openDetails(table.rows[index]),
    onSelectAll: () => selection.selectAll(table.rows),
    onSort: (key) => {
      query.descending = query.sortKey === key ? !query.descending : isNumericColumn(key);
      query.sortKey = key;
      queryChanged();
    },
    headerExtra: (key) => (key === 'select' ? selectAllBox : null),
    onContextMenu: (index, event) => openMenu(index, event),
    onColumnResize: (key, width, finished) => {
      prefs.widths[key] = width;
      table.setTracks(table.columns.map((column) => trackOf(column, prefs.widths)));
      if (finished) {
        prefs.save();
        fitToWidth();
      }
    },
  });

  /** The chosen columns that fit the table's width (cards on a phone). */
  function fitToWidth() {
    if (PHONE.matches) return;
    const fitted = fitColumns(table.element.clientWidth, prefs.hidden, prefs.widths);
    const keys = (columns) => columns.map((column) => column.key).join();
    if (keys(fitted) === keys(table.columns)) table.setTracks(fitted.map((column) => column.width));
    else table.setColumns(fitted);
    table.setSort(query.sortKey, query.descending);
  }

  function applyScreen() {
    layout.classList.toggle('phone', PHONE.matches);
    table.setRowHeight(PHONE.matches ? CARD_HEIGHT : ROW_HEIGHT);
    if (PHONE.matches) table.setColumns(CARD_COLUMNS);
    else table.columns = [];
    fitToWidth();
  }

  // --- toolbar, sidebar, status bar ----------------------------------------------
  const search = h('input.search', {
    type: 'search', placeholder: 'Search by name  ( / )', 'aria-label': 'Search by name', value: query.search,
  });
  let searchTimer = 0;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      query.search = search.value;
      queryChanged();
    }, SEARCH_DEBOUNCE_MS);
  });
  const bulkButtons = [
    h('button', { type: 'button', onclick: actions.start, title: 'Start (s)' }, 'Start'),
    h('button', { type: 'button', onclick: actions.stop, title: 'Stop (p)' }, 'Stop'),
    h('button', { type: 'button', onclick: actions.recheck, title: 'Recheck (r)' }, 'Recheck'),
    h('button', { type: 'button', onclick: actions.reannounce, title: 'Ask the trackers for peers now' }, 'Reannounce'),
    h('button', { type: 'button', onclick: actions.labels, title: 'Add or remove labels (l)' }, 'Labels…'),
    h('button', { type: 'button', onclick: actions.move, title: 'Move the data to another directory' }, 'Move data…'),
    h('button.danger', { type: 'button', onclick: actions.remove, title: 'Remove (Delete)' }, 'Remove'),
    h('button', { type: 'button', onclick: actions.details }, 'Details'),
  ];
  const addButton = h('button.primary.add-torrent-button', { type: 'button', onclick: () => openAddTorrent() }, '+ Add torrent');
  const addHint = h('small.hint.add-hint', { id: 'add-torrent-hint', hidden: true }, 'Add a server first');
  const filtersToggle = h('button.filters-toggle', {
    type: 'button', 'aria-expanded': 'false', 'aria-controls': 'torrent-filters',
    onclick: () => {
      const open = !layout.classList.contains('filters-open');
      layout.classList.toggle('filters-open', open);
      filtersToggle.setAttribute('aria-expanded', String(open));
    },
  }, 'Filters');
  const toolbar = h('div.toolbar', {},
    addButton, addHint,
    h('div.bulk', { role: 'group', 'aria-label': 'Selected torrents' }, bulkButtons),
    h('div.filters', {}, search, filtersToggle, columnChooser(prefs, fitToWidth)));

  const sidebar = new FilterSidebar({
    onPick: (facet, value) => {
      query[FACET_QUERY_FIELDS[facet]] = value;
      queryChanged();
    },
    onClear: () => {
      for (const field of Object.values(FACET_QUERY_FIELDS)) query[field] = '';
      queryChanged();
    },
    sortable: SORTABLE_COLUMNS,
    onSort: (key, descending) => {
      query.sortKey = key;
      query.descending = descending;
      queryChanged();
    },
  });
  sidebar.element.id = 'torrent-filters';

  const emptyText = h('p.empty-text');
  const addServerButton = h('button.primary', {
    type: 'button', hidden: true, onclick: () => { location.hash = '#/servers/new'; },
  }, 'Add your first server');
  const emptyNote = h('div.empty-note', { hidden: true }, emptyText, addServerButton);
  const statusText = h('span.status-text');
  const graph = new SpeedGraph(() => totals);
  const statusBar = h('footer.statusbar', { role: 'status' }, statusText, graph.canvas);
  const layout = h('section.torrents-view', {},
    toolbar,
    sidebar.element,
    h('div.table-area', {}, table.element, emptyNote),
    statusBar);

  // --- reacting to data: everything repaints once per frame ----------------------
  /** Repaint on the next frame; `rows`: filter and sort again first. */
  function schedule(rows) {
    pending.rows ||= rows;
    if (!frame) frame = requestAnimationFrame(flush);
  }

  function flush() {
    frame = 0;
    if (pending.rows) {
      pending.rows = false;
      dropStaleFilters();
      table.setRows(select(store.torrents.values(), query, sortValue));
      table.setSort(query.sortKey, query.descending);
    }
    // In this frame, not the next: the rows and the status bar agree. The same
    // rows with new values only repaint the ~30 visible ones.
    table.render();
    totals = sumRates();
    updateStatus();
    sidebar.render({
      facets, changes: facets.takeChanges(), query, servers: store.servers, totals: totals.perServer,
    });
  }

  /**
   * A filter on a server, label or tracker that no torrent has any more
   * (removed, server deleted) would hide everything while the sidebar no
   * longer offers it: it is dropped.
   */
  function dropStaleFilters() {
    if (!store.loaded) return;
    let dropped = false;
    if (query.serverId && !store.server(query.serverId)) {
      query.serverId = '';
      dropped = true;
    }
    for (const [facet, field] of [['label', 'label'], ['tracker', 'tracker']]) {
      if (query[field] && facets.count(facet, query[field]) === 0) {
        query[field] = '';
        dropped = true;
      }
    }
    if (dropped) rememberQuery(query, 'torrents');
  }

  function queryChanged() {
    rememberQuery(query, 'torrents');
    schedule(true);
  }

  function onTorrents({ detail }) {
    const { membership, fields } = detail;
    if (!fields) facets.reset(store.torrents.values());
    else facets.apply(detail, fields);
    if (membership) selection.prune(store.torrents);
    const reorders = membership || !fields || fields.has(query.sortKey)
      || [...fields].some((name) => FILTER_FIELDS.has(name));
    schedule(reorders);
    details?.refreshOverview();
  }

  function onServers() {
    schedule(true);
  }

  function sumRates() {
    const perServer = new Map();
    let down = 0;
    let up = 0;
    let current = null;
    for (const torrent of store.torrents.values()) {
      down += torrent.download_rate;
      up += torrent.upload_rate;
      // Torrents arrive grouped by server: one Map look-up per run, not per torrent.
      if (current?.id !== torrent.server_id) {
        current = perServer.get(torrent.server_id) ?? { id: torrent.server_id, down: 0, up: 0 };
        perServer.set(torrent.server_id, current);
      }
      current.down += torrent.download_rate;
      current.up += torrent.upload_rate;
    }
    return { down, up, perServer };
  }

  function updateStatus() {
    const total = store.torrents.size;
    const shown = table.rows.length;
    setText(statusText, [
      `${shown === total ? '' : `${shown} of `}${total} torrent${total === 1 ? '' : 's'}`,
      selection.size ? `${selection.size} selected` : '',
      `↓ ${format.bytes(totals.down)}/s`,
      `↑ ${format.bytes(totals.up)}/s`,
    ].filter(Boolean).join(' · '));
    for (const button of bulkButtons) button.disabled = selection.size === 0;
    layout.classList.toggle('has-selection', selection.size > 0);
    selectAllBox.checked = shown > 0 && selection.size >= shown;
    updateEmptyNote(total, shown);
  }

  function updateEmptyNote(total, shown) {
    let note = '';
    const noServer = store.loaded && !store.servers.length;
    if (!store.loaded) note = 'Loading torrents…';
    else if (noServer) note = 'No server yet. Torrents live on your torrent clients (rTorrent, Transmission, qBittorrent, Deluge): add one first.';
    else if (!total) note = 'No torrents yet. Add one, or drop .torrent files anywhere on this page.';
    else if (!shown) note = 'No torrent matches these filters.';
    setText(emptyText, note);
    emptyNote.hidden = !note;
    addServerButton.hidden = !noServer;
    addButton.disabled = noServer;
    addHint.hidden = !noServer;
    if (noServer) addButton.setAttribute('aria-describedby', addHint.id);
    else addButton.removeAttribute('aria-describedby');
  }

  // --- actions ---------------------------------------------------------------------
  async function openDetails(torrent) {
    if (!torrent) return;
    if (!details) {
      const { TorrentDetails } = await import('./details.js');
      if (!layout.isConnected) return; // the page was left meanwhile
      details ??= new TorrentDetails(() => layout.classList.remove('with-details'));
      layout.append(details.element);
    }
    layout.classList.add('with-details');
    details.show(torrent);
  }

  /** The row's menu; acting on a row outside the selection selects just that row. */
  function openMenu(index, event) {
    const torrent = table.rows[index];
    if (!torrent) return;
    if (!selection.has(torrent)) selection.click(table.rows, index, { shift: false, toggle: false });
    const count = selection.size;
    const many = count > 1 ? ` (${count})` : '';
    showContextMenu(event.clientX, event.clientY, [
      { label: `Start${many}`, action: actions.start },
      { label: `Stop${many}`, action: actions.stop },
      { label: `Recheck${many}`, action: actions.recheck },
      { label: `Reannounce${many}`, action: actions.reannounce },
      { label: `Labels…${many}`, action: actions.labels },
      { label: `Move data…${many}`, action: actions.move },
      ...(count === 1 && canMoveToServer(torrent)
        ? [{ label: 'Move to server…', action: () => openMoveToServer(torrent) }]
        : []),
      ...(count === 1 && torrent.has_metainfo
        ? [{ label: 'Download .torrent', action: () => downloadMetainfo(torrent) }]
        : []),
      ...(count === 1 && canDownloadFiles(torrent)
        ? [{ label: 'Download files', action: () => downloadFiles(torrent) }]
        : []),
      { label: `Remove${many}…`, action: actions.remove, danger: true },
      { label: 'Details', action: () => openDetails(torrent) },
    ], `Actions for ${count > 1 ? `${count} torrents` : torrent.name}`);
  }

  const unbindShortcuts = bindShortcuts({ ...actions, search: () => search.focus() });
  const onSelection = () => schedule(false);
  const onScreen = () => applyScreen();
  const resizeObserver = new ResizeObserver(() => fitToWidth());
  const serversTimer = setInterval(() => reloadServers().catch(() => {}), SERVERS_REFRESH_MS);
  selection.addEventListener('change', onSelection);
  store.addEventListener('torrents', onTorrents);
  store.addEventListener('servers', onServers);
  PHONE.addEventListener('change', onScreen);
  resizeObserver.observe(table.element);
  facets.reset(store.torrents.values());
  applyScreen();
  rememberQuery(query, 'torrents');
  schedule(true);

  return {
    element: layout,
    title: 'Torrents',
    destroy() {
      store.removeEventListener('torrents', onTorrents);
      store.removeEventListener('servers', onServers);
      PHONE.removeEventListener('change', onScreen);
      resizeObserver.disconnect();
      clearInterval(serversTimer);
      cancelAnimationFrame(frame);
      graph.stop();
      unbindShortcuts();
      closeContextMenu();
      details?.close();
    },
  };
}
