// The servers page: each torrent client with its live health, and
// add / edit / test / delete.

import { api } from '../api.js';
import { confirmDialog, notify } from '../dialog.js';
import { h, replaceChildren } from '../dom.js';
import * as format from '../format.js';
import { reloadServers } from '../live.js';
import { store } from '../store.js';
import { openServerForm } from './server-form.js';

const AGO_REFRESH_MS = 10_000;

const STATUS_TEXT = {
  connecting: 'connecting…',
  connected: 'connected',
  failing: 'failing',
  disabled: 'disabled',
};

export function serversView() {
  const list = h('div.cards');
  // Test results survive the redraws that live health updates cause.
  const testResults = new Map();

  const draw = () => {
    if (!store.loaded) {
      replaceChildren(list, h('p.muted', {}, 'Loading servers…'));
      return;
    }
    if (!store.servers.length) {
      replaceChildren(list, h('p.muted', {}, 'No server yet. Add the torrent client this manager should control.'));
      return;
    }
    replaceChildren(list, store.servers.map((server) => card(server)));
  };

  const card = (server) => {
    const result = testResults.get(server.id);
    return h('article.card.server', { dataset: { serverId: server.id, status: server.status } },
      h('header.card-head', {},
        h('h2', {}, server.name),
        h('span.badge', { dataset: { status: server.status } }, STATUS_TEXT[server.status] ?? server.status)),
      h('dl.facts', {},
        h('dt', {}, 'Client'), h('dd', {}, `${server.server_type}${server.client_version ? ` — ${server.client_version}` : ''}`),
        h('dt', {}, 'Address'), h('dd', {}, address(server)),
        h('dt', {}, 'Last poll'), h('dd', {}, format.ago(server.last_success_at)),
        h('dt', {}, 'Torrents'), h('dd', {}, String(server.torrent_count)),
        server.is_default ? [h('dt', {}, 'Default'), h('dd', {}, 'new torrents go here')] : null),
      server.last_error && server.status === 'failing' ? h('p.error', {}, server.last_error) : null,
      result ? h(`p.test-result.${result.status}`, { role: 'status' }, result.message) : null,
      h('div.actions', {},
        h('button', { type: 'button', onclick: () => test(server) }, 'Test connection'),
        h('button', { type: 'button', onclick: () => openServerForm(server) }, 'Edit'),
        h('button.danger', { type: 'button', onclick: () => remove(server) }, 'Delete')));
  };

  const test = async (server) => {
    testResults.set(server.id, { status: 'pending', message: 'Testing…' });
    draw();
    try {
      const answer = await api.post(`/servers/${encodeURIComponent(server.id)}/test`);
      testResults.set(server.id, answer);
    } catch (error) {
      testResults.set(server.id, { status: 'failed', message: error.message });
    }
    draw();
  };

  const remove = async (server) => {
    const { confirmed } = await confirmDialog({
      title: 'Delete server',
      message: `Delete “${server.name}”? Its torrents stay on the client; the manager just stops managing them.`,
      confirmLabel: 'Delete', danger: true,
    });
    if (!confirmed) return;
    try {
      await api.delete(`/servers/${encodeURIComponent(server.id)}`);
      await reloadServers();
      notify(`Deleted ${server.name}.`);
    } catch (error) {
      notify(error.message, 'error');
    }
  };

  const element = h('section.page', {},
    h('header.page-head', {}, h('h1', {}, 'Servers'),
      h('button.primary', { type: 'button', onclick: () => openServerForm() }, '+ Add server')),
    list);
  store.addEventListener('servers', draw);
  const agoTimer = setInterval(draw, AGO_REFRESH_MS);
  draw();
  return {
    element,
    title: 'Servers',
    destroy() {
      store.removeEventListener('servers', draw);
      clearInterval(agoTimer);
    },
  };
}

function address(server) {
  if (server.transport === 'scgi_unix') return `SCGI socket ${server.socket_path ?? ''}`;
  const scheme = server.transport === 'scgi' ? 'scgi' : server.use_ssl ? 'https' : 'http';
  return `${scheme}://${server.host}:${server.port}${server.transport === 'http' ? server.rpc_path ?? '' : ''}`;
}
