// How many torrents have each state, server, label, tracker, kind of error
// and tracker status: the filter sidebar's counts. Kept incrementally: each torrent's
// last counted values are remembered, so a live tick costs in proportion to
// the torrents it changed, and nothing when no counted field changed.

import { errorKind } from './query.js';
import { keyOf } from './store.js';

/** Torrent fields the counts depend on. */
const FACET_FIELDS = new Set(['state', 'labels', 'tracker', 'error', 'error_kind', 'tracker_status']);

const FACETS = ['state', 'server', 'label', 'tracker', 'error', 'trackerStatus'];
const NO_LABELS = [];

/** What a torrent is counted under: one small object, no per-facet arrays (10,000 at a reset). */
function valuesOf(torrent) {
  return {
    state: torrent.state,
    server: torrent.server_id,
    tracker: torrent.tracker || null,
    error: errorKind(torrent),
    trackerStatus: torrent.tracker_status ?? null,
    labels: torrent.labels.length ? [...torrent.labels] : NO_LABELS,
  };
}

function sameValues(a, b) {
  return Boolean(a) && a.state === b.state && a.server === b.server && a.tracker === b.tracker
    && a.error === b.error && a.trackerStatus === b.trackerStatus && a.labels.length === b.labels.length
    && a.labels.every((label, i) => label === b.labels[i]);
}

export class FacetCounts {
  /** facet name → Map(value → count) */
  counts = Object.fromEntries(FACETS.map((facet) => [facet, new Map()]));
  /** Facets whose set of values changed since `takeChanges()` (their lists need rebuilding). */
  #reshaped = new Set(FACETS);
  #counted = new Map();
  #dirty = true;

  reset(torrents) {
    for (const facet of FACETS) this.counts[facet].clear();
    this.#counted.clear();
    for (const torrent of torrents) this.#add(keyOf(torrent), valuesOf(torrent));
    for (const facet of FACETS) this.#reshaped.add(facet);
    this.#dirty = true;
  }

  /** Applies a store `torrents` event's lists. */
  apply({ added, removed, changed }, fields) {
    for (const torrent of removed) this.#remove(keyOf(torrent));
    for (const torrent of added) {
      const key = keyOf(torrent);
      this.#remove(key);
      this.#add(key, valuesOf(torrent));
    }
    if (![...fields].some((name) => FACET_FIELDS.has(name))) return;
    for (const torrent of changed) {
      const key = keyOf(torrent);
      const values = valuesOf(torrent);
      if (sameValues(this.#counted.get(key), values)) continue;
      this.#remove(key);
      this.#add(key, values);
    }
  }

  count(facet, value) {
    return this.counts[facet].get(value) ?? 0;
  }

  /** Whether anything changed since the last call, and which facets got or lost values. */
  takeChanges() {
    const changes = { dirty: this.#dirty, reshaped: new Set(this.#reshaped) };
    this.#dirty = false;
    this.#reshaped.clear();
    return changes;
  }

  #add(key, values) {
    this.#counted.set(key, values);
    this.#count(values, 1);
  }

  #remove(key) {
    const values = this.#counted.get(key);
    if (!values) return;
    this.#counted.delete(key);
    this.#count(values, -1);
  }

  #count(values, delta) {
    this.#bump('state', values.state, delta);
    this.#bump('server', values.server, delta);
    if (values.tracker) this.#bump('tracker', values.tracker, delta);
    if (values.error) {
      this.#bump('error', 'any', delta);
      this.#bump('error', values.error, delta);
    }
    if (values.trackerStatus) this.#bump('trackerStatus', values.trackerStatus, delta);
    for (const label of values.labels) this.#bump('label', label, delta);
  }

  #bump(facet, value, delta) {
    const map = this.counts[facet];
    const count = (map.get(value) ?? 0) + delta;
    if (count > 0) {
      if (!map.has(value)) this.#reshaped.add(facet);
      map.set(value, count);
    } else {
      map.delete(value);
      this.#reshaped.add(facet);
    }
    this.#dirty = true;
  }
}
