// The details panel of one torrent: overview, files (with priorities),
// peers, trackers and labels. Lists come from the API and refresh while
// the panel is open; the overview follows the live store.

import { api, onServer, torrentPath } from '../api.js';
import { notify } from '../dialog.js';
import { errorLine, h, replaceChildren } from '../dom.js';
import * as format from '../format.js';
import { keyOf, store } from '../store.js';

const REFRESH_MS = 5000;
const PRIORITIES = ['skip', 'low', 'normal', 'high'];

const TABS = {
  overview: { title: 'Overview', render: renderOverview },
  files: { title: 'Files', render: renderFiles },
  peers: { title: 'Peers', render: renderPeers },
  trackers: { title: 'Trackers', render: renderTrackers },
  labels: { title: 'Labels', render: renderLabels },
};

export class TorrentDetails {
  isOpen = false;
  #key = null;
  #tab = 'overview';
  #timer = 0;
  #generation = 0; // answers for a torrent or tab no longer shown are dropped

  constructor(onClose) {
    this.onClose = onClose;
    this.title = h('h2.details-title');
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
    this.body);
  }

  show(torrent) {
    this.#key = keyOf(torrent);
    this.isOpen = true;
    this.element.hidden = false;
    this.#render();
    clearInterval(this.#timer);
    this.#timer = setInterval(() => {
      if (this.#tab !== 'overview' && this.#tab !== 'labels' && !document.hidden) this.#render();
    }, REFRESH_MS);
  }

  close() {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.element.hidden = true;
    clearInterval(this.#timer);
    this.onClose();
  }

  /** Live values changed: redraw the overview if it is what is shown. */
  refreshOverview() {
    if (this.isOpen && this.#tab === 'overview') this.#render();
  }

  #select(tab) {
    this.#tab = tab;
    this.#render();
  }

  async #render() {
    const generation = ++this.#generation;
    for (const button of this.tabButtons) {
      button.setAttribute('aria-selected', String(button.dataset.tab === this.#tab));
    }
    const torrent = store.torrents.get(this.#key);
    if (!torrent) {
      this.title.textContent = 'Torrent removed';
      replaceChildren(this.body, h('p.muted', {}, 'This torrent is no longer on its server.'));
      return;
    }
    this.title.textContent = torrent.name;
    try {
      const content = await TABS[this.#tab].render(torrent);
      if (generation === this.#generation) replaceChildren(this.body, content);
    } catch (error) {
      if (generation === this.#generation) replaceChildren(this.body, h('p.error', {}, error.message));
    }
  }
}

function definitionList(pairs) {
  return h('dl.facts', {}, pairs.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}

function renderOverview(torrent) {
  return definitionList([
    ['State', torrent.state + (torrent.error ? ` — ${torrent.error}` : '')],
    ['Progress', `${format.percent(torrent.progress)} of ${format.bytes(torrent.size)}`],
    ['Downloaded', format.bytes(torrent.downloaded)],
    ['Uploaded', `${format.bytes(torrent.uploaded)} (ratio ${format.ratio(torrent.ratio)})`],
    ['Speed', `↓ ${format.rate(torrent.download_rate)} · ↑ ${format.rate(torrent.upload_rate)}`],
    ['Peers', `${torrent.peers} connected, ${torrent.seeds} seeds`],
    ['Server', `${torrent.server_name} (${torrent.server_type})`],
    ['Saved in', torrent.save_path],
    ['Info hash', torrent.info_hash],
    ['Added', format.dateTime(torrent.added_at)],
    ['Completed', format.dateTime(torrent.completed_at)],
  ]);
}

/** A plain table (these lists are short: no virtualisation needed). */
function listTable(headers, rows, emptyText) {
  if (!rows.length) return h('p.muted', {}, emptyText);
  return h('div.table-scroll', {}, h('table.list', {},
    h('thead', {}, h('tr', {}, headers.map((title) => h('th', { scope: 'col' }, title)))),
    h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((cell) => h('td', {}, cell)))))));
}

async function renderFiles(torrent) {
  const { files } = await api.get(torrentPath(torrent, 'files'), onServer(torrent));
  return listTable(['File', 'Size', 'Done', 'Priority'], files.map((file) => [
    file.path,
    format.bytes(file.size),
    format.percent(file.progress),
    prioritySelect(torrent, file),
  ]), 'No files (the metadata may still be on its way).');
}

function prioritySelect(torrent, file) {
  const element = h('select', { 'aria-label': `Priority of ${file.path}` },
    PRIORITIES.map((priority) => h('option', { value: priority, selected: priority === file.priority }, priority)));
  element.addEventListener('change', async () => {
    try {
      await api.put(torrentPath(torrent, 'files'),
        { priorities: [{ index: file.index, priority: element.value }] }, onServer(torrent));
      file.priority = element.value;
    } catch (error) {
      element.value = file.priority;
      notify(`Priority not changed: ${error.message}`, 'error');
    }
  });
  return element;
}

async function renderPeers(torrent) {
  const { peers } = await api.get(torrentPath(torrent, 'peers'), onServer(torrent));
  return listTable(['Address', 'Client', 'Has', '↓', '↑'], peers.map((peer) => [
    peer.address, peer.client, format.percent(peer.progress),
    format.rate(peer.download_rate), format.rate(peer.upload_rate),
  ]), 'No connected peers.');
}

async function renderTrackers(torrent) {
  const { trackers } = await api.get(torrentPath(torrent, 'trackers'), onServer(torrent));
  return listTable(['Tracker', 'Status', 'Message', 'Seeds', 'Peers'], trackers.map((tracker) => [
    tracker.url, tracker.status, tracker.message ?? '', tracker.seeds ?? '–', tracker.peers ?? '–',
  ]), 'No trackers.');
}

async function renderLabels(torrent) {
  const { labels } = await api.get(torrentPath(torrent, 'labels'), onServer(torrent));
  const current = [...labels];
  const chips = h('ul.chips', { 'aria-label': 'Labels' });
  const input = h('input', { type: 'text', placeholder: 'New label', 'aria-label': 'New label' });
  const error = errorLine();

  const save = async (next) => {
    try {
      const answer = await api.put(torrentPath(torrent, 'labels'), { labels: next }, onServer(torrent));
      current.splice(0, current.length, ...answer.labels);
      error.show('');
      draw();
    } catch (failure) {
      error.show(failure.message);
    }
  };
  const draw = () => replaceChildren(chips, current.length
    ? current.map((label) => h('li.chip', {}, label,
      h('button.icon', {
        type: 'button', 'aria-label': `Remove label ${label}`,
        onclick: () => save(current.filter((other) => other !== label)),
      }, '×')))
    : h('li.muted', {}, 'No labels.'));
  draw();

  const form = h('form.inline-form', {}, input, h('button', { type: 'submit' }, 'Add label'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const label = input.value.trim();
    if (!label) return;
    input.value = '';
    if (!current.includes(label)) save([...current, label]);
  });
  return h('div', {}, chips, form, error.element);
}
