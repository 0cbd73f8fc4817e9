// The activity log: who changed which torrent, server or account (web UI,
// API key, qBittorrent client, rule), when, and how it went; filtered by
// server, kind of actor and text, a page at a time.

import { api } from '../api.js';
import { field, h, replaceChildren } from '../dom.js';
import * as format from '../format.js';

const PAGE = 50;
const ACTOR_KINDS = [
  ['', 'Anyone'], ['web', 'Web UI'], ['api_key', 'API key'],
  ['facade', 'qBittorrent client'], ['rule', 'Rule'], ['system', 'System'],
];

/** `/activity?…` for these filters; empty ones are left out. */
export function activityPath(filters) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (value !== '' && value !== null && value !== undefined) query.set(name, String(value));
  }
  return `/activity?${query}`;
}

/** A table of entries (shared with the torrent details' Activity tab). */
export function activityTable(items, { showTarget = true } = {}) {
  const titles = ['Time', 'Actor', 'Action', ...(showTarget ? ['Target'] : []), 'Outcome', 'Message'];
  return h('table.list.activity', {},
    h('thead', {}, h('tr', {}, titles.map((title) => h('th', { scope: 'col' }, title)))),
    h('tbody', {}, items.map((entry) => h('tr', { dataset: { id: entry.id, action: entry.action } },
      h('td', { 'data-label': 'Time', title: format.dateTime(entry.at) }, format.ago(entry.at)),
      h('td', { 'data-label': 'Actor', title: entry.actor.kind }, `${actorKindName(entry.actor.kind)}: ${entry.actor.name}`),
      h('td.activity-action', { 'data-label': 'Action' }, entry.action),
      showTarget ? h('td', { 'data-label': 'Target' }, targetOf(entry)) : null,
      h(entry.success ? 'td.activity-ok' : 'td.activity-failed', { 'data-label': 'Outcome' },
        entry.success ? 'ok' : 'failed'),
      h('td', { 'data-label': 'Message' }, entry.message)))));
}

function actorKindName(kind) {
  return ACTOR_KINDS.find(([value]) => value === kind)?.[1] ?? kind;
}

function targetOf(entry) {
  const torrent = entry.torrent_name ?? entry.info_hash;
  if (torrent && entry.server_name) return `${torrent} (${entry.server_name})`;
  return torrent ?? entry.server_name ?? '';
}

export function activityView() {
  const server = h('select', { name: 'server_id' }, h('option', { value: '' }, 'All servers'));
  const kind = h('select', { name: 'actor_kind' },
    ACTOR_KINDS.map(([value, label]) => h('option', { value }, label)));
  const search = h('input', { type: 'search', name: 'search', placeholder: 'torrent, server, action…' });
  const list = h('div.table-scroll');
  const status = h('span.muted.activity-count');
  const previous = h('button', { type: 'button', disabled: true }, 'Newer');
  const next = h('button', { type: 'button', disabled: true }, 'Older');
  let offset = 0;
  let loading = 0;

  const load = async () => {
    const current = ++loading;
    try {
      const page = await api.get(activityPath({
        server_id: server.value, actor_kind: kind.value, search: search.value.trim(),
        limit: PAGE, offset,
      }));
      if (current !== loading) return;
      replaceChildren(list, page.items.length
        ? activityTable(page.items)
        : h('p.muted', {}, 'No activity matches.'));
      const last = offset + page.items.length;
      status.textContent = page.total ? `${offset + 1}–${last} of ${page.total}` : '';
      previous.disabled = offset === 0;
      next.disabled = last >= page.total;
    } catch (failure) {
      if (current === loading) replaceChildren(list, h('p.error', {}, failure.message));
    }
  };
  const refilter = () => {
    offset = 0;
    load();
  };
  server.addEventListener('change', refilter);
  kind.addEventListener('change', refilter);
  let typing;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(refilter, 250);
  });
  previous.addEventListener('click', () => {
    offset = Math.max(0, offset - PAGE);
    load();
  });
  next.addEventListener('click', () => {
    offset += PAGE;
    load();
  });

  api.get('/servers').then((servers) => {
    server.append(...servers.map((s) => h('option', { value: s.id }, s.name)));
  }).catch(() => {});
  load();
  return {
    element: h('section.page', {},
      h('header.page-head', {}, h('h1', {}, 'Activity')),
      h('form.inline-form.activity-filters', { onsubmit: (event) => event.preventDefault() },
        field('Server', server), field('Who', kind), field('Search', search)),
      list,
      h('div.activity-paging', {}, previous, status, next)),
    title: 'Activity',
    destroy: () => clearTimeout(typing),
  };
}
