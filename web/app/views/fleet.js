// What your servers hold in common: the same torrent on several servers
// (Duplicates) and the same files under different torrents, normally from
// other trackers (Cross-seed). One table per group, one row per copy.

import { api } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import * as format from '../format.js';

/** While file lists are still being fetched, the cross-seed page reloads this often. */
const PENDING_RELOAD_MS = 3000;

/** One group: a heading and a table of where each copy is. */
function groupTable(heading, columns, rows) {
  return h('section.fleet-group', {},
    h('h2', {}, heading),
    h('div.table-scroll', {}, h('table.list.fleet', {},
      h('thead', {}, h('tr', {}, columns.map(([title]) => h('th', { scope: 'col' }, title)))),
      h('tbody', {}, rows.map((row) => h('tr', { dataset: { server: row.server_id, hash: row.info_hash ?? '' } },
        columns.map(([title, value]) => h('td', { 'data-label': title }, value(row)))))))));
}

const SERVER = ['Server', (row) => row.server_name];
const STATE = ['State', (row) => row.state];
const DONE = ['Done', (row) => format.percent(row.progress)];

/** A page whose body `render` fills; it reloads while `render` resolves true. */
function fleetPage(title, intro, render) {
  const body = h('div.fleet-groups', {}, h('p.muted', {}, 'Loading…'));
  let timer;
  let destroyed = false;
  const load = async () => {
    try {
      const again = await render(body);
      if (again && !destroyed) timer = setTimeout(load, PENDING_RELOAD_MS);
    } catch (failure) {
      replaceChildren(body, h('p.error', {}, failure.message));
    }
  };
  load();
  return {
    element: h('section.page', {},
      h('header.page-head', {}, h('h1', {}, title)),
      h('p.muted', {}, intro),
      body),
    title,
    destroy: () => {
      destroyed = true;
      clearTimeout(timer);
    },
  };
}

export function duplicatesView() {
  return fleetPage('Duplicates', 'Torrents on more than one of your servers, and where each copy is.',
    async (body) => {
      const found = await api.get('/torrents/duplicates');
      replaceChildren(body, found.groups.length
        ? found.groups.map((group) => groupTable(
          `${group.name} · ${format.bytes(group.size)} · ${group.copies.length} copies`,
          [SERVER, ['Client', (copy) => copy.server_type], STATE, DONE, ['Path', (copy) => copy.save_path]],
          group.copies.map((copy) => ({ ...copy, info_hash: group.info_hash }))))
        : h('p.muted', {}, 'No torrent is on more than one server.'));
      return false;
    });
}

export function crossSeedView() {
  return fleetPage('Cross-seed',
    'Torrents with the same files (names and sizes) under different info hashes, normally from other trackers: what already seeds where, and what could be cross-seeded.',
    async (body) => {
      const found = await api.get('/torrents/cross-seed');
      const groups = found.groups.map((group) => groupTable(
        `${group.torrents[0].name} · ${format.bytes(group.size)} · ${group.files} ${group.files === 1 ? 'file' : 'files'}`,
        [['Torrent', (t) => t.name], SERVER, ['Tracker', (t) => t.tracker ?? '—'], STATE, DONE],
        group.torrents));
      const pending = found.pending
        ? h('p.muted.fleet-pending', {}, `${found.pending} torrents not compared yet: their file lists are being fetched.`)
        : null;
      replaceChildren(body, pending, ...(groups.length
        ? groups
        : [h('p.muted', {}, 'No torrents share their content.')]));
      return found.pending > 0;
    });
}
