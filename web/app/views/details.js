// The details panel of one torrent: overview, files, peers, trackers,
// labels, settings and activity. A tab is built once when shown; while it stays open its lists
// are fetched again and patched in place (rows keyed by file, peer or
// tracker), so focus, an open dropdown or a half-made selection survive.

import { api, onServer, torrentPath } from '../api.js';
import { errorLine, h, replaceChildren } from '../dom.js';
import * as format from '../format.js';
import { keyOf, store } from '../store.js';
import { FilesTab } from './details-files.js';
import { LabelsTab } from './details-labels.js';
import { SettingsTab } from './details-settings.js';
import { KeyedTable } from './details-table.js';

const REFRESH_MS = 5000;

/**
 * Each tab: `create(torrent, capabilities)` → {element, load?(torrent) →
 * data, apply?(data), periodic?}; `offered(capabilities)`: whether the
 * torrent's client has it (capabilities may be null: not known yet).
 */
const TABS = {
  overview: { title: 'Overview', create: () => new OverviewTab() },
  files: { title: 'Files', create: (torrent, capabilities) => new FilesTab(torrent, capabilities) },
  peers: { title: 'Peers', create: () => peersTab(), offered: (c) => c?.peers !== false },
  trackers: { title: 'Trackers', create: () => trackersTab(), offered: (c) => c?.trackers !== false },
  labels: {
    title: 'Labels',
    create: (torrent, capabilities) => new LabelsTab(torrent, capabilities),
    offered: (c) => c?.labels !== 'none',
  },
  settings: { title: 'Settings', create: (torrent) => new SettingsTab(torrent) },
  activity: { title: 'Activity', create: () => activityTab() },
};

export class TorrentDetails {
  isOpen = false;
  #key = null;
  #tab = 'overview';
  #view = null;
  #timer = 0;
  #generation = 0; // answers for a torrent or tab no longer shown are dropped

  constructor(onClose) {
    this.onClose = onClose;
    this.title = h('h2.details-title');
    this.problem = errorLine();
    this.body = h('div.details-body', { role: 'tabpanel' });
    this.tabButtons = Object.entries(TABS).map(([id, tab]) => h('button.tab', {
      type: 'button', role: 'tab', dataset: { tab: id }, onclick: () => this.#select(id),
    }, tab.title));
    this.element = h('aside.details', {
      hidden: true, 'aria-label': 'Torrent details',
      onkeydown: (event) => { if (event.key === 'Escape') this.close(); },
    },
    h('header.details-head', {}, this.title,
      h('button.icon', { type: 'button', 'aria-label': 'Close details', onclick: () => this.close() }, '×')),
    h('div.tabs', { role: 'tablist' }, this.tabButtons),
    this.problem.element,
    this.body);
  }

  show(torrent) {
    const key = keyOf(torrent);
    if (this.isOpen && key === this.#key) return;
    this.#key = key;
    this.isOpen = true;
    this.element.hidden = false;
    this.#mount();
    clearInterval(this.#timer);
    this.#timer = setInterval(() => {
      if (this.#view?.periodic && !document.hidden) this.#refresh();
    }, REFRESH_MS);
  }

  close() {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.#key = null;
    this.element.hidden = true;
    clearInterval(this.#timer);
    this.onClose();
  }

  /** Live values changed: update the overview if it is what is shown. */
  refreshOverview() {
    if (this.isOpen && this.#tab === 'overview') this.#refresh();
  }

  #select(tab) {
    this.#tab = tab;
    this.#mount();
  }

  /** Builds the chosen tab for the current torrent and fills it. */
  #mount() {
    this.#generation += 1;
    this.problem.show('');
    const torrent = store.torrents.get(this.#key);
    // Only the tabs the torrent's client has; a hidden tab falls back to the overview.
    const capabilities = torrent ? store.capabilitiesOf(torrent.server_id) : null;
    for (const button of this.tabButtons) {
      button.hidden = !(TABS[button.dataset.tab].offered?.(capabilities) ?? true);
      if (button.hidden && button.dataset.tab === this.#tab) this.#tab = 'overview';
    }
    for (const button of this.tabButtons) {
      button.setAttribute('aria-selected', String(button.dataset.tab === this.#tab));
    }
    if (!torrent) {
      this.#view = null;
      this.title.textContent = 'Torrent removed';
      replaceChildren(this.body, h('p.muted', {}, 'This torrent is no longer on its server.'));
      return;
    }
    this.title.textContent = torrent.name;
    this.#view = TABS[this.#tab].create(torrent, capabilities);
    replaceChildren(this.body, this.#view.element);
    this.#refresh();
  }

  async #refresh() {
    const view = this.#view;
    const torrent = store.torrents.get(this.#key);
    if (!view) return;
    if (!torrent) {
      this.#mount(); // says it is gone
      return;
    }
    const generation = this.#generation;
    try {
      const data = view.load ? await view.load(torrent) : torrent;
      if (generation !== this.#generation) return;
      view.apply(data);
      this.problem.show('');
    } catch (error) {
      if (generation === this.#generation) this.problem.show(error.message);
    }
  }
}

/** Name/value pairs; values are patched in place on live updates. */
class OverviewTab {
  #values = new Map();

  constructor() {
    this.element = h('dl.facts');
  }

  apply(torrent) {
    for (const [term, value] of overviewFacts(torrent)) {
      let dd = this.#values.get(term);
      if (!dd) {
        dd = h('dd');
        this.#values.set(term, dd);
        this.element.append(h('dt', {}, term), dd);
      }
      if (dd.textContent !== value) dd.textContent = value;
    }
  }
}

function overviewFacts(torrent) {
  return [
    ['State', torrent.state + (torrent.error ? ` — ${torrent.error}` : '')],
    ['Progress', `${format.percent(torrent.progress)} of ${format.bytes(torrent.size)}`],
    ['Downloaded', format.bytes(torrent.downloaded)],
    ['Uploaded', `${format.bytes(torrent.uploaded)} (ratio ${format.ratio(torrent.ratio)})`],
    ['Speed', `↓ ${format.rate(torrent.download_rate)} · ↑ ${format.rate(torrent.upload_rate)}`],
    ['Peers', `${torrent.peers} connected, ${torrent.seeds} seeds`],
    ['Server', `${torrent.server_name} (${torrent.server_type})`],
    ...(torrent.category ? [['Category', torrent.category]] : []),
    ['Saved in', torrent.save_path],
    ['Info hash', torrent.info_hash],
    ['.torrent', torrent.has_metainfo ? 'Stored (menu: Download .torrent)' : 'Not stored'],
    ['Added', format.dateTime(torrent.added_at)],
    ['Completed', format.dateTime(torrent.completed_at)],
  ];
}

function peersTab() {
  const table = new KeyedTable({
    className: 'peers',
    key: (peer) => peer.address,
    emptyText: 'No connected peers.',
    columns: [
      { title: 'Address', value: (peer) => peer.address },
      { title: 'Client', value: (peer) => peer.client },
      { title: 'Has', value: (peer) => format.percent(peer.progress) },
      { title: '↓', value: (peer) => format.rate(peer.download_rate) },
      { title: '↑', value: (peer) => format.rate(peer.upload_rate) },
    ],
  });
  return {
    element: table.element,
    periodic: true,
    load: async (torrent) => (await api.get(torrentPath(torrent, 'peers'), onServer(torrent))).peers,
    apply: (peers) => table.update(peers),
  };
}

function trackersTab() {
  const table = new KeyedTable({
    className: 'trackers',
    key: (tracker) => tracker.url,
    emptyText: 'No trackers.',
    columns: [
      { title: 'Tracker', value: (tracker) => tracker.url },
      { title: 'Status', value: (tracker) => tracker.status.replace('_', ' ') },
      { title: 'Message', value: (tracker) => tracker.message ?? '' },
      { title: 'Seeds', value: (tracker) => String(tracker.seeds ?? '–') },
      { title: 'Peers', value: (tracker) => String(tracker.peers ?? '–') },
    ],
  });
  return {
    element: table.element,
    periodic: true,
    load: async (torrent) => (await api.get(torrentPath(torrent, 'trackers'), onServer(torrent))).trackers,
    apply: (trackers) => table.update(trackers),
  };
}

/** Who changed this torrent, newest first (the activity log, this torrent only). */
function activityTab() {
  const table = new KeyedTable({
    className: 'activity',
    key: (entry) => entry.id,
    emptyText: 'No changes recorded.',
    columns: [
      { title: 'Time', value: (entry) => format.dateTime(entry.at) },
      { title: 'Actor', value: (entry) => `${entry.actor.kind}: ${entry.actor.name}` },
      { title: 'Action', value: (entry) => entry.action },
      { title: 'Outcome', value: (entry) => (entry.success ? 'ok' : 'failed') },
      { title: 'Message', value: (entry) => entry.message },
    ],
  });
  return {
    element: table.element,
    periodic: true,
    load: async (torrent) => (await api.get('/activity',
      { info_hash: torrent.info_hash, server_id: torrent.server_id, limit: 50 })).items,
    apply: (items) => table.update(items),
  };
}
