// The filter sidebar: states, errors, tracker statuses, servers (with their
// speeds and free space), labels and trackers, each with how many torrents it has; a click
// filters by it, a second click stops. Lists are rebuilt only when their
// values change; otherwise only the numbers are written.

import { h, setText } from '../dom.js';
import * as format from '../format.js';
import { TRACKER_STATUSES } from '../query.js';

const STATES = ['downloading', 'seeding', 'paused', 'queued', 'checking', 'error', 'metadata'];
const ERRORS = [['any', 'Any error'], ['tracker', 'Tracker error'], ['client', 'Client error']];
const TRACKER_STATUS_NAMES = {
  working: 'Working', updating: 'Updating', not_contacted: 'Not contacted',
  unregistered: 'Unregistered', tracker_down: 'Tracker down', error: 'Tracker message',
};

/** facet → the query field it sets. */
export const FACET_QUERY_FIELDS = {
  state: 'state', error: 'error', trackerStatus: 'trackerStatus', server: 'serverId', label: 'label', tracker: 'tracker',
};

const SECTIONS = [['state', 'States'], ['error', 'Errors'], ['trackerStatus', 'Tracker status'], ['server', 'Servers'],
  ['label', 'Labels'], ['tracker', 'Trackers']];

export class FilterSidebar {
  #sections = {};
  #serversShape = '';
  #queryShape = null;

  /**
   * onPick(facet, value): filter by it ('' clears); onClear(): clear every
   * filter; sortable: [{key, title}]; onSort(key, descending).
   */
  constructor({ onPick, onClear, sortable, onSort }) {
    this.onPick = onPick;
    this.clearButton = h('button.link.clear-filters', { type: 'button', onclick: onClear, hidden: true }, 'Clear filters');
    this.sortSelect = h('select', {
      'aria-label': 'Sort by',
      onchange: () => onSort(this.sortSelect.value.replace(/^-/, ''), this.sortSelect.value.startsWith('-')),
    }, sortable.flatMap(({ key, title }) => [
      h('option', { value: key }, `${title} ↑`), h('option', { value: `-${key}` }, `${title} ↓`)]));
    this.element = h('aside.sidebar', { 'aria-label': 'Filters' }, this.clearButton,
      h('label.sort-choice', {}, 'Sort', this.sortSelect),
      SECTIONS.map(([facet, title]) => {
        const list = h('ul.facet-list', { 'aria-label': title });
        this.#sections[facet] = { list, items: new Map() };
        return h('section.facet-section', { dataset: { facet } }, h('h2.facet-title', {}, title), list);
      }));
    this.#rebuild('state', STATES.map((state) => [state, state]));
    this.#rebuild('error', ERRORS);
    this.#rebuild('trackerStatus', TRACKER_STATUSES.map((status) => [status, TRACKER_STATUS_NAMES[status]]));
  }

  /**
   * facets: FacetCounts; changes: its takeChanges() (dirty: counts changed,
   * reshaped: facets whose values changed); servers: the store's; totals:
   * Map(server_id → {down, up}) from the torrents.
   */
  render({ facets, changes, query, servers, totals }) {
    const serversShape = servers.map((server) => `${server.id}\u0000${server.name}`).join('\u0001');
    const sort = `${query.descending ? '-' : ''}${query.sortKey}`;
    const queryShape = [...Object.values(FACET_QUERY_FIELDS).map((field) => query[field]), sort].join('\u0000');
    for (const server of servers) this.#showFleet(server, totals.get(server.id));
    // A live tick that changed no count and no filter (the common case) ends here.
    if (!changes.dirty && serversShape === this.#serversShape && queryShape === this.#queryShape) return;
    this.#queryShape = queryShape;
    if (this.sortSelect.value !== sort) this.sortSelect.value = sort;
    const { reshaped } = changes;
    if (serversShape !== this.#serversShape) {
      this.#serversShape = serversShape;
      this.#rebuild('server', servers.map((server) => [server.id, server.name]), true);
      for (const server of servers) this.#showFleet(server, totals.get(server.id));
    }
    for (const facet of ['label', 'tracker']) {
      if (reshaped.has(facet)) {
        const values = [...facets.counts[facet].keys()].sort((a, b) => a.localeCompare(b));
        this.#rebuild(facet, values.map((value) => [value, value]));
      }
    }
    let filtering = false;
    for (const [facet, section] of Object.entries(this.#sections)) {
      const active = query[FACET_QUERY_FIELDS[facet]];
      filtering ||= Boolean(active);
      for (const [value, item] of section.items) {
        const count = facets.count(facet, value);
        setText(item.count, String(count));
        item.button.classList.toggle('empty', count === 0);
        const pressed = String(value === active);
        if (item.button.getAttribute('aria-pressed') !== pressed) item.button.setAttribute('aria-pressed', pressed);
      }
    }
    this.clearButton.hidden = !filtering;
    const labels = this.#sections.label.list.closest('section');
    labels.classList.toggle('none', this.#sections.label.items.size === 0);
    this.#sections.tracker.list.closest('section').classList.toggle('none', this.#sections.tracker.items.size === 0);
  }

  #showFleet(server, total) {
    const item = this.#sections.server.items.get(server.id);
    if (!item?.fleet) return;
    const free = Number.isFinite(server.free_space) ? ` · ${format.bytes(server.free_space)} free` : '';
    setText(item.fleet, `↓ ${format.rate(total?.down ?? 0)} ↑ ${format.rate(total?.up ?? 0)}${free}`);
  }

  #rebuild(facet, pairs, withFleet = false) {
    const section = this.#sections[facet];
    section.items.clear();
    section.list.replaceChildren(...pairs.map(([value, text]) => {
      const count = h('span.facet-count');
      const button = h('button.facet', {
        type: 'button', title: text, dataset: { facet, value },
        onclick: () => this.onPick(facet, button.getAttribute('aria-pressed') === 'true' ? '' : value),
      }, h('span.facet-name', {}, text), count);
      const fleet = withFleet ? h('div.fleet') : null;
      section.items.set(value, { button, count, fleet });
      return h('li', {}, button, fleet);
    }));
  }
}
