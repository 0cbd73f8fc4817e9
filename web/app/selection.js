// Which torrents are selected, by key, with the usual desktop gestures:
// click selects one, ctrl/cmd-click toggles, shift-click selects a range.

import { keyOf } from './store.js';

export class Selection extends EventTarget {
  keys = new Set();
  #anchor = -1;

  has(torrent) {
    return this.keys.has(keyOf(torrent));
  }

  get size() {
    return this.keys.size;
  }

  /** `rows` is the table's current order; `index` the row acted on. */
  click(rows, index, { shift, toggle }) {
    const key = keyOf(rows[index]);
    if (shift && this.#anchor >= 0) {
      if (!toggle) this.keys.clear();
      const [from, to] = [Math.min(this.#anchor, index), Math.max(this.#anchor, index)];
      for (let i = from; i <= to && i < rows.length; i += 1) this.keys.add(keyOf(rows[i]));
    } else if (toggle) {
      if (!this.keys.delete(key)) this.keys.add(key);
      this.#anchor = index;
    } else {
      this.keys.clear();
      this.keys.add(key);
      this.#anchor = index;
    }
    this.#changed();
  }

  selectAll(rows) {
    this.keys = new Set(rows.map(keyOf));
    this.#changed();
  }

  clear() {
    if (!this.keys.size) return;
    this.keys.clear();
    this.#anchor = -1;
    this.#changed();
  }

  /** Forgets torrents that are gone (removed, or their server deleted). */
  prune(torrents) {
    let dropped = false;
    for (const key of this.keys) {
      if (!torrents.has(key)) dropped = this.keys.delete(key);
    }
    if (dropped) this.#changed();
  }

  /** The selected torrents still in `torrents` (the store's Map). */
  resolve(torrents) {
    return [...this.keys].map((key) => torrents.get(key)).filter(Boolean);
  }

  #changed() {
    this.dispatchEvent(new Event('change'));
  }
}
