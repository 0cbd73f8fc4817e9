// The Labels tab: chips for the torrent's labels, and a box to add one that
// suggests the labels already used across the user's torrents. The chips
// always show what the server answered (what the client now holds). On a
// client with one label per torrent (Deluge) the box sets the label.

import { api, onServer, torrentPath } from '../api.js';
import { errorLine, h, replaceChildren } from '../dom.js';
import { store } from '../store.js';

let datalistCount = 0;

export class LabelsTab {
  #torrent;
  #current = [];

  constructor(torrent, capabilities) {
    this.#torrent = torrent;
    const single = capabilities?.labels === 'single';
    datalistCount += 1;
    this.suggestions = h('datalist', { id: `label-suggestions-${datalistCount}` });
    this.chips = h('ul.chips', { 'aria-label': 'Labels' });
    this.input = h('input', {
      type: 'text', placeholder: single ? 'Label (one per torrent)' : 'New label',
      'aria-label': 'New label', list: this.suggestions.id, autocomplete: 'off',
      onfocus: () => this.#suggest(), // labels in use may have changed since the tab was drawn
    });
    this.error = errorLine();
    const form = h('form.inline-form', {}, this.input, this.suggestions,
      h('button', { type: 'submit' }, single ? 'Set label' : 'Add label'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const label = this.input.value.trim();
      if (!label) return;
      this.input.value = '';
      if (single) this.#save([label]);
      else if (!this.#current.includes(label)) this.#save([...this.#current, label]);
    });
    this.element = h('div.labels-tab', {}, this.chips, form, this.error.element);
  }

  async load(torrent) {
    return (await api.get(torrentPath(torrent, 'labels'), onServer(torrent))).labels;
  }

  apply(labels) {
    this.#current = [...labels];
    this.#draw();
  }

  async #save(next) {
    try {
      const answer = await api.put(torrentPath(this.#torrent, 'labels'), { labels: next }, onServer(this.#torrent));
      this.error.show('');
      this.apply(answer.labels);
    } catch (failure) {
      this.error.show(failure.message);
    }
  }

  #draw() {
    replaceChildren(this.chips, this.#current.length
      ? this.#current.map((label) => h('li.chip', {}, label,
        h('button.icon', {
          type: 'button', 'aria-label': `Remove label ${label}`,
          onclick: () => this.#save(this.#current.filter((other) => other !== label)),
        }, '×')))
      : h('li.muted', {}, 'No labels.'));
    this.#suggest();
  }

  #suggest() {
    const unused = store.labels().filter((label) => !this.#current.includes(label));
    replaceChildren(this.suggestions, unused.map((label) => h('option', { value: label })));
  }
}
