// The Files tab: a collapsible folder tree with a progress bar per file and
// folder, a priority per file, "download"/"skip" per folder, and checkboxes
// to give many files one priority in a single request. Rows are keyed (file
// index, folder path) and patched in place on every refresh.

import { api, onServer, torrentPath } from '../api.js';
import { notify } from '../dialog.js';
import { h, setText } from '../dom.js';
import * as format from '../format.js';
import { fileTreeRows } from './file-tree.js';

const PRIORITIES = ['skip', 'low', 'normal', 'high'];
const INDENT_REM = 1.1;

const prioritySelect = (label, priorities) => h('select.priority', { 'aria-label': label },
  priorities.map((priority) => h('option', { value: priority }, priority)));

export class FilesTab {
  periodic = true;
  #torrent;
  #files = [];
  #rows = new Map(); // key → {element, parts…}
  #selected = new Set(); // file indexes
  #collapsed = new Set(); // folder paths

  #priorities;

  constructor(torrent, capabilities) {
    this.#torrent = torrent;
    // "low" and "high" only where the client tells them from normal
    // (librqbit only selects files).
    this.#priorities = PRIORITIES.filter((p) => (p !== 'low' || capabilities?.low_file_priority !== false)
      && (p !== 'high' || capabilities?.high_file_priority !== false));
    this.selectAll = h('input', { type: 'checkbox', 'aria-label': 'Select all files', onchange: () => this.#selectAll() });
    this.count = h('span.muted.selected-count', { role: 'status' });
    this.bulkPriority = prioritySelect('Priority for the selected files', this.#priorities);
    this.bulkPriority.value = 'normal';
    this.bulkApply = h('button', { type: 'button', disabled: true, onclick: () => this.#applyToSelection() }, 'Set priority');
    this.tbody = h('tbody');
    this.table = h('table.list.files', { hidden: true },
      h('thead', {}, h('tr', {},
        h('th.pick', { scope: 'col' }, this.selectAll),
        ['File', 'Priority'].map((title) => h('th', { scope: 'col' }, title)))),
      this.tbody);
    this.empty = h('p.muted', { hidden: true }, 'No files (the metadata may still be on its way).');
    this.element = h('div.files-tab', {},
      h('div.files-toolbar', {}, this.count, this.bulkPriority, this.bulkApply),
      h('div.table-scroll', {}, this.table), this.empty);
    this.#showSelection();
  }

  async load(torrent) {
    return (await api.get(torrentPath(torrent, 'files'), onServer(torrent))).files;
  }

  /** `force`: also reset a focused select (after the user's own change). */
  apply(files, force = false) {
    this.#files = files;
    const present = new Set(files.map((file) => file.index));
    for (const index of this.#selected) if (!present.has(index)) this.#selected.delete(index);
    const seen = new Set();
    let previous = null;
    for (const entry of fileTreeRows(files)) {
      seen.add(entry.key);
      let row = this.#rows.get(entry.key);
      if (!row) {
        row = entry.kind === 'folder' ? this.#folderRow(entry) : this.#fileRow(entry);
        this.#rows.set(entry.key, row);
      }
      row.entry = entry;
      this.#fill(row, force);
      const expected = previous ? previous.nextSibling : this.tbody.firstChild;
      if (expected !== row.element) this.tbody.insertBefore(row.element, expected);
      previous = row.element;
    }
    for (const [key, row] of this.#rows) {
      if (!seen.has(key)) {
        row.element.remove();
        this.#rows.delete(key);
      }
    }
    this.table.hidden = files.length === 0;
    this.empty.hidden = files.length > 0;
    this.#showSelection();
    this.#showCollapsed();
  }

  #fileRow(entry) {
    const priority = prioritySelect(`Priority of ${entry.path}`, this.#priorities);
    priority.addEventListener('change', () => this.#setPriority(entry.indexes, priority.value));
    return this.#row(entry, h('td.priority-cell', {}, priority), { priority });
  }

  #folderRow(entry) {
    const toggle = h('button.icon.folder-toggle', {
      type: 'button', onclick: () => this.#toggleFolder(entry.path),
    });
    const actions = h('td.priority-cell', {}, h('div.folder-actions', {},
      h('button.small', { type: 'button', onclick: () => this.#downloadFolder(entry.key) }, 'Download'),
      h('button.small', { type: 'button', onclick: () => this.#skipFolder(entry.key) }, 'Skip')));
    return this.#row(entry, actions, { toggle });
  }

  /** The cells both kinds share, around the kind's own last cell. */
  #row(entry, lastCell, parts) {
    const check = h('input', { type: 'checkbox', onchange: () => this.#check(entry.key, check.checked) });
    const name = h('span.file-name');
    const bar = h('span.bar-fill');
    const done = h('span.bar-text');
    // Name, then a progress line under it: two lines instead of three columns keep it narrow.
    const cell = h('td.name-cell', {},
      h('div.tree-name', {}, parts.toggle ?? null, name),
      h('div.file-progress', {}, h('span.bar', {}, bar), done));
    cell.style.paddingLeft = `${0.5 + entry.depth * INDENT_REM}rem`;
    const element = h(`tr.${entry.kind}`, { dataset: { key: entry.key, path: entry.path } },
      h('td.pick', {}, check), cell, lastCell);
    return { element, check, name, bar, done, ...parts };
  }

  #fill(row, force) {
    const { entry } = row;
    setText(row.name, entry.name);
    row.name.title = entry.path;
    row.check.setAttribute('aria-label', `Select ${entry.kind === 'folder' ? 'folder ' : ''}${entry.path}`);
    setText(row.done, `${format.percent(entry.progress)} of ${format.bytes(entry.size)}`);
    row.bar.style.width = `${Math.min(100, entry.progress)}%`;
    row.element.classList.toggle('complete', entry.progress >= 100);
    // A refresh leaves alone the select the user is on (it may be open).
    const busy = !force && document.activeElement === row.priority;
    if (row.priority && row.priority.value !== entry.priority && !busy) {
      row.priority.value = entry.priority;
    }
    row.element.classList.toggle('skipped', entry.kind === 'file' && entry.priority === 'skip');
  }

  #check(key, checked) {
    for (const index of this.#rows.get(key).entry.indexes) {
      if (checked) this.#selected.add(index);
      else this.#selected.delete(index);
    }
    this.#showSelection();
  }

  #selectAll() {
    if (this.selectAll.checked) for (const file of this.#files) this.#selected.add(file.index);
    else this.#selected.clear();
    this.#showSelection();
  }

  /** Checkboxes follow the selection: a folder is checked when all its files are. */
  #showSelection() {
    for (const row of this.#rows.values()) {
      const chosen = row.entry.indexes.filter((index) => this.#selected.has(index)).length;
      row.check.checked = chosen > 0 && chosen === row.entry.indexes.length;
      row.check.indeterminate = chosen > 0 && chosen < row.entry.indexes.length;
    }
    const count = this.#selected.size;
    this.selectAll.checked = count > 0 && count === this.#files.length;
    this.selectAll.indeterminate = count > 0 && count < this.#files.length;
    setText(this.count, count ? `${count} of ${this.#files.length} selected` : 'Select files to set their priority together');
    this.bulkApply.disabled = count === 0;
  }

  #toggleFolder(path) {
    if (this.#collapsed.has(path)) this.#collapsed.delete(path);
    else this.#collapsed.add(path);
    this.#showCollapsed();
  }

  #showCollapsed() {
    for (const row of this.#rows.values()) {
      row.element.hidden = row.entry.ancestors.some((path) => this.#collapsed.has(path));
      if (row.toggle) {
        const collapsed = this.#collapsed.has(row.entry.path);
        setText(row.toggle, collapsed ? '▸' : '▾');
        row.toggle.setAttribute('aria-expanded', String(!collapsed));
        row.toggle.setAttribute('aria-label', `${collapsed ? 'Expand' : 'Collapse'} folder ${row.entry.path}`);
      }
    }
  }

  #applyToSelection() {
    this.#setPriority([...this.#selected], this.bulkPriority.value);
  }

  /** "Download" a folder: its skipped files back to normal; others keep their priority. */
  #downloadFolder(key) {
    const indexes = new Set(this.#rows.get(key).entry.indexes);
    const skipped = this.#files.filter((file) => indexes.has(file.index) && file.priority === 'skip');
    if (skipped.length) this.#setPriority(skipped.map((file) => file.index), 'normal');
  }

  #skipFolder(key) {
    this.#setPriority(this.#rows.get(key).entry.indexes, 'skip');
  }

  /** One request for all of them; the answer is the files as the client now has them. */
  async #setPriority(indexes, priority) {
    const torrent = this.#torrent;
    try {
      const answer = await api.put(torrentPath(torrent, 'files'),
        { priorities: indexes.map((index) => ({ index, priority })) }, onServer(torrent));
      this.apply(answer.files, true);
    } catch (error) {
      this.apply(this.#files, true); // the selects show again what the client holds
      notify(`Priority not changed: ${error.message}`, 'error');
    }
  }
}
