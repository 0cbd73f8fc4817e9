// The servers page: each torrent client with its live health, speeds and
// free space, an enabled switch, and add / edit / test / delete. Cards are
// keyed by server and patched in place on live updates (a focused switch
// or button stays focused). `#/servers/new` opens the add form.

import { api } from '../api.js';
import { clientKind, loadClientKinds, transportDefaults } from '../client-kinds.js';
import { confirmDialog, notify } from '../dialog.js';
import { h, replaceChildren, setText } from '../dom.js';
import * as format from '../format.js';
import { reloadServers } from '../live.js';
import { store } from '../store.js';
import { categoriesPanel } from './categories.js';
import { openServerForm } from './server-form.js';

// The stream sends the server list when a server's health changes; free
// space (and "last poll … ago") change without that, so the page asks too.
const RELOAD_MS = 10_000;
const NEW_SERVER_ROUTE = '#/servers/new';

const STATUS_TEXT = {
  connecting: 'connecting…',
  connected: 'connected',
  failing: 'failing',
  disabled: 'disabled',
};

export async function serversView() {
  await loadClientKinds();
  const list = h('div.cards');
  const message = h('p.muted');
  const cards = new Map(); // server id → ServerCard
  // Test results survive the redraws that live health updates cause.
  const testResults = new Map();
  const categories = categoriesPanel();
  let serverNames = null;

  const draw = () => {
    message.hidden = store.loaded && store.servers.length > 0;
    message.textContent = store.loaded
      ? 'No server yet. Add the torrent client this manager should control.'
      : 'Loading servers…';
    const ids = new Set();
    const rates = ratesByServer();
    let previous = null;
    for (const server of store.loaded ? store.servers : []) {
      ids.add(server.id);
      let card = cards.get(server.id);
      if (!card) {
        card = new ServerCard({ test, remove, setEnabled });
        cards.set(server.id, card);
      }
      card.update(server, testResults.get(server.id), rates.get(server.id));
      const expected = previous ? previous.nextSibling : list.firstChild;
      if (expected !== card.element) list.insertBefore(card.element, expected);
      previous = card.element;
    }
    for (const [id, card] of cards) {
      if (!ids.has(id)) {
        card.element.remove();
        cards.delete(id);
      }
    }
    // Categories show server names: re-read them when a server is renamed or goes.
    const names = store.servers.map((server) => `${server.id}=${server.name}`).join('\n');
    if (store.loaded && names !== serverNames) {
      if (serverNames !== null) categories.refresh();
      serverNames = names;
    }
  };

  const test = async (server) => {
    testResults.set(server.id, { status: 'pending', message: 'Testing…' });
    draw();
    try {
      testResults.set(server.id, await api.post(`/servers/${encodeURIComponent(server.id)}/test`));
    } catch (error) {
      testResults.set(server.id, { status: 'failed', message: error.message });
    }
    draw();
  };

  const setEnabled = async (server, enabled, checkbox) => {
    try {
      await api.put(`/servers/${encodeURIComponent(server.id)}`, { enabled });
      notify(`${server.name} ${enabled ? 'enabled: polled again' : 'disabled: no longer polled'}.`);
      await reloadServers();
    } catch (error) {
      checkbox.checked = !enabled;
      notify(error.message, 'error');
    }
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

  // Leaving the form from `#/servers/new` comes back to the plain list.
  const leaveNewRoute = () => {
    if (location.hash === NEW_SERVER_ROUTE) history.replaceState(null, '', '#/servers');
  };
  const element = h('section.page', {},
    h('header.page-head', {}, h('h1', {}, 'Servers'),
      h('button.primary', { type: 'button', onclick: () => openServerForm() }, '+ Add server')),
    message,
    list,
    categories.element);
  // Speeds follow the torrents' deltas, at most once a frame.
  let ratesFrame = 0;
  const showRates = () => {
    if (ratesFrame) return;
    ratesFrame = requestAnimationFrame(() => {
      ratesFrame = 0;
      const rates = ratesByServer();
      for (const [id, card] of cards) card.showRates(rates.get(id));
    });
  };
  store.addEventListener('servers', draw);
  store.addEventListener('torrents', showRates);
  // A failed reload (offline: the live indicator says so) still redraws the ages.
  const reloadTimer = setInterval(() => reloadServers().catch(draw), RELOAD_MS);
  draw();
  // After the page is shown (which moves focus to it), so the form keeps focus.
  if (location.hash === NEW_SERVER_ROUTE) queueMicrotask(() => openServerForm(undefined, leaveNewRoute));
  return {
    element,
    title: 'Servers',
    destroy() {
      store.removeEventListener('servers', draw);
      store.removeEventListener('torrents', showRates);
      cancelAnimationFrame(ratesFrame);
      clearInterval(reloadTimer);
    },
  };
}

/** One server's card; `update` rewrites only the text that changed. */
class ServerCard {
  #server = null;

  constructor({ test, remove, setEnabled }) {
    this.name = h('h2');
    this.badge = h('span.badge');
    this.facts = h('dl.facts');
    this.client = this.#fact('Client');
    this.address = this.#fact('Address');
    this.rates = this.#fact('Speed', 'rates');
    this.freeSpace = this.#fact('Free space', 'free-space');
    this.lastPoll = this.#fact('Last poll');
    this.torrents = this.#fact('Torrents');
    this.isDefault = this.#fact('Default');
    this.lastError = h('p.error', { hidden: true });
    this.testResult = h('p.test-result', { role: 'status', hidden: true });
    this.enabled = h('input', {
      type: 'checkbox', name: 'enabled',
      onchange: () => setEnabled(this.#server, this.enabled.checked, this.enabled),
    });
    // Shown when the server has an HTTP location: its web server's files.
    this.filesLink = h('a.button.files-link', { hidden: true }, 'Files');
    this.element = h('article.card.server', {},
      h('header.card-head', {}, this.name,
        h('div.head-controls', {}, h('label.check.enabled-toggle', {}, this.enabled, 'Enabled'), this.badge)),
      this.facts, this.lastError, this.testResult,
      h('div.actions', {},
        h('button', { type: 'button', onclick: () => test(this.#server) }, 'Test connection'),
        this.filesLink,
        h('button', { type: 'button', onclick: () => openServerForm(this.#server) }, 'Edit'),
        h('button.danger', { type: 'button', onclick: () => remove(this.#server) }, 'Delete')));
  }

  /** A term and its value; returns the value element (hiding it hides both). */
  #fact(term, className = '') {
    const dt = h('dt', {}, term);
    const dd = h(`dd${className ? `.${className}` : ''}`);
    this.facts.append(dt, dd);
    return { dd, show: (text) => { dt.hidden = text === null; dd.hidden = text === null; if (text !== null) setText(dd, text); } };
  }

  /** A long URL wraps after its slashes rather than mid-word. */
  #showAddress(text) {
    const { dd } = this.address;
    if (dd.textContent === text) return;
    replaceChildren(dd, text.split('/').flatMap((part, index) => (index ? [h('wbr'), `/${part}`] : [part])));
  }

  showRates(rates = { down: 0, up: 0 }) {
    this.rates.show(`↓ ${format.rate(rates.down)} · ↑ ${format.rate(rates.up)}`);
  }

  update(server, testResult, rates) {
    this.#server = server;
    Object.assign(this.element.dataset, { serverId: server.id, status: server.status });
    setText(this.name, server.name);
    this.badge.dataset.status = server.status;
    setText(this.badge, STATUS_TEXT[server.status] ?? server.status);
    const kind = clientKind(server.server_type)?.name ?? server.server_type;
    this.client.show(`${kind}${server.client_version ? ` — ${server.client_version}` : ''}`);
    this.#showAddress(address(server));
    this.showRates(rates);
    this.freeSpace.show(server.free_space === null || server.free_space === undefined ? null : format.bytes(server.free_space));
    this.lastPoll.show(format.ago(server.last_success_at));
    this.torrents.show(String(server.torrent_count));
    this.isDefault.show(server.is_default ? 'new torrents go here' : null);
    this.filesLink.hidden = !server.http_enabled;
    this.filesLink.href = `#/files/${encodeURIComponent(server.id)}`;
    const failing = server.status === 'failing' && server.last_error;
    this.lastError.hidden = !failing;
    if (failing) setText(this.lastError, server.last_error);
    this.testResult.hidden = !testResult;
    if (testResult) {
      this.testResult.className = `test-result ${testResult.status}`;
      setText(this.testResult, testResult.message);
    }
    if (this.enabled.checked !== server.enabled) this.enabled.checked = server.enabled;
    this.enabled.setAttribute('aria-label', `${server.name} enabled`);
  }
}

/**
 * ↓/↑ per server id, summed over its torrents in the live store: the sums
 * ServerInfo's download_rate/upload_rate hold, but current with every delta
 * (the stream sends the server list only when a server's health changes).
 */
function ratesByServer() {
  const rates = new Map();
  for (const torrent of store.torrents.values()) {
    const sums = rates.get(torrent.server_id) ?? { down: 0, up: 0 };
    sums.down += torrent.download_rate;
    sums.up += torrent.upload_rate;
    rates.set(torrent.server_id, sums);
  }
  return rates;
}

/** Where the client listens, RPC path included (the default one when unset). */
function address(server) {
  if (server.transport === 'in_process') return 'in this process';
  if (server.transport === 'scgi_unix') return `SCGI socket ${server.socket_path ?? ''}`;
  if (server.transport === 'scgi') return `scgi://${server.host}:${server.port}`;
  if (server.transport === 'deluge_rpc') return `deluge://${server.host}:${server.port}`;
  const scheme = server.use_ssl ? 'https' : 'http';
  const path = server.rpc_path ?? transportDefaults(server.server_type, server.transport)?.default_path ?? '';
  return `${scheme}://${server.host}:${server.port}${path}`;
}
