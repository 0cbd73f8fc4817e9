// What a rule would do (preview), did just now (run) and did before
// (history, a page at a time), as tables.

import { api } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import * as format from '../format.js';
import { store, torrentKey } from '../store.js';

const HISTORY_PAGE = 50;

function headRow(titles) {
  return h('thead', {}, h('tr', {}, titles.map((title) => h('th', { scope: 'col' }, title))));
}

/** Names for ids: servers from the page's list, torrents from the live store. */
export function namer(servers) {
  const serverNames = new Map(servers.map((server) => [server.id, server.name]));
  return {
    server: (id) => serverNames.get(id) ?? id,
    torrent: (serverId, infoHash) => store.torrents.get(torrentKey(serverId, infoHash))?.name ?? infoHash,
  };
}

/** `POST /rules/{id}/preview`'s answer. */
export function previewTable(preview, names) {
  const shown = preview.matches.length;
  const summary = preview.total === 0
    ? 'No torrent matches now.'
    : `${preview.total} torrent${preview.total === 1 ? '' : 's'} match${preview.total === 1 ? 'es' : ''}${shown < preview.total ? ` (first ${shown} shown)` : ''}. Nothing was changed.`;
  return h('div.rule-preview', {},
    h('p.rule-summary', {}, summary),
    shown ? h('div.table-scroll', {}, h('table.list.rule-matches', {}, headRow(['Torrent', 'Server', 'Would do']),
      h('tbody', {}, preview.matches.map((match) => h('tr', { dataset: { hash: match.info_hash } },
        h('td.match-name', { 'data-label': 'Torrent' }, match.name),
        h('td', { 'data-label': 'Server' }, names.server(match.server_id)),
        h('td.match-actions', { 'data-label': 'Would do' },
          match.actions.length ? match.actions.join(', ') : 'nothing (already done)')))))) : null);
}

/** Action records (a run's or the history's). */
function recordsTable(records, names) {
  return h('table.list.rule-records', {}, headRow(['Time', 'Torrent', 'Server', 'Action', 'Outcome', 'Message']),
    h('tbody', {}, records.map((record) => h('tr', { dataset: { outcome: record.outcome, hash: record.info_hash } },
      h('td', { 'data-label': 'Time', title: format.dateTime(record.at) }, format.ago(record.at)),
      h('td', { 'data-label': 'Torrent' }, names.torrent(record.server_id, record.info_hash)),
      h('td', { 'data-label': 'Server' }, names.server(record.server_id)),
      h('td.record-action', { 'data-label': 'Action' }, record.action),
      h(`td.outcome.${record.outcome}`, { 'data-label': 'Outcome' }, record.outcome.replaceAll('_', ' ')),
      h('td', { 'data-label': 'Message' }, record.message)))));
}

/** `POST /rules/{id}/run`'s answer. */
export function runTable(result, names) {
  return h('div.rule-run', {},
    h('p.rule-summary', {}, `Matched ${result.matched}; ${result.actions.length} action${result.actions.length === 1 ? '' : 's'} recorded.`),
    result.actions.length ? h('div.table-scroll', {}, recordsTable(result.actions, names)) : null);
}

/** The history panel of rule `id`; `refresh()` reloads its first page. */
export function historyPanel(id, names) {
  const list = h('div.table-scroll');
  const status = h('span.muted.history-count');
  const newer = h('button', { type: 'button', disabled: true }, 'Newer');
  const older = h('button', { type: 'button', disabled: true }, 'Older');
  let offset = 0;
  let loading = 0;
  const load = async () => {
    const current = ++loading;
    try {
      const page = await api.get(`/rules/${encodeURIComponent(id)}/history`, { limit: HISTORY_PAGE, offset });
      if (current !== loading) return;
      replaceChildren(list, page.entries.length
        ? recordsTable(page.entries, names)
        : h('p.muted', {}, 'The rule has done nothing yet.'));
      const last = offset + page.entries.length;
      status.textContent = page.total ? `${offset + 1}–${last} of ${page.total}` : '';
      newer.disabled = offset === 0;
      older.disabled = last >= page.total;
    } catch (failure) {
      if (current === loading) replaceChildren(list, h('p.error', {}, failure.message));
    }
  };
  newer.addEventListener('click', () => {
    offset = Math.max(0, offset - HISTORY_PAGE);
    load();
  });
  older.addEventListener('click', () => {
    offset += HISTORY_PAGE;
    load();
  });
  load();
  return {
    element: h('section.card.rule-history', { id: 'history' }, h('h2', {}, 'History'), list,
      h('div.activity-paging', {}, newer, status, older)),
    refresh() {
      offset = 0;
      return load();
    },
  };
}
