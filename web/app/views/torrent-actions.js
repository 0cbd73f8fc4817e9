// What can be done to the selected torrents: start, stop, recheck,
// reannounce, labels, remove; one request for the whole selection (the server groups it per
// client) and one summary. Moving data goes torrent by torrent. Also the
// keyboard shortcuts that run them.

import { api, onServer, torrentPath } from '../api.js';
import { confirmDialog, notify, openDialog } from '../dialog.js';
import { h } from '../dom.js';
import { parseLabels } from '../format.js';
import { store } from '../store.js';

const NAMES_LISTED = 10;
const DONE_WORDS = {
  start: 'Started', stop: 'Stopped', remove: 'Removed', recheck: 'Rechecking', reannounce: 'Reannounced',
  add_labels: 'Labelled', remove_labels: 'Unlabelled',
};

const plural = (count, word) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** One request for `torrents`; a toast for what worked and one for what failed. */
export async function runBulk(action, torrents, extra = {}) {
  if (!torrents.length) return null;
  const names = new Map(torrents.map((t) => [`${t.server_id}/${t.info_hash}`, t.name]));
  let answer;
  try {
    answer = await api.post('/torrents/actions', {
      action,
      torrents: torrents.map(({ server_id, info_hash }) => ({ server_id, info_hash })),
      ...extra,
    });
  } catch (error) {
    notify(error.message, 'error');
    return null;
  }
  if (answer.success_count) notify(`${DONE_WORDS[action]} ${plural(answer.success_count, 'torrent')}.`);
  const failures = answer.results.filter((r) => !r.success)
    .map((r) => `${names.get(`${r.server_id}/${r.info_hash}`) ?? r.info_hash}: ${r.message}`);
  if (failures.length) notify(failures.slice(0, 3).join('\n') + (failures.length > 3 ? '\n…' : ''), 'error');
  return answer;
}

/** Asks, listing the names (the first ten, then how many more), then removes. */
export async function removeTorrents(torrents) {
  if (!torrents.length) return false;
  const listed = torrents.slice(0, NAMES_LISTED);
  const more = torrents.length - listed.length;
  const message = h('span.remove-summary', {},
    torrents.length === 1 ? 'Remove this torrent from its server?' : `Remove these ${torrents.length} torrents from their servers?`,
    h('ul.remove-names', {}, listed.map((torrent) => h('li', {}, torrent.name)),
      more > 0 ? h('li.muted', {}, `and ${more} more`) : null));
  const { confirmed, option: deleteData } = await confirmDialog({
    title: torrents.length === 1 ? 'Remove torrent' : 'Remove torrents',
    message,
    option: { label: 'Also delete the downloaded data' },
    confirmLabel: 'Remove',
    danger: true,
  });
  if (!confirmed) return false;
  await runBulk('remove', torrents, { delete_data: deleteData });
  return true;
}

/**
 * Adds or removes labels on all of `torrents` at once. The field suggests
 * the labels in use (a datalist); several are separated by commas.
 */
export function editLabels(torrents) {
  if (!torrents.length) return;
  const listId = `labels-in-use-${Date.now()}`;
  const input = h('input', {
    type: 'text', name: 'labels', list: listId, autocomplete: 'off', required: true,
    'aria-label': 'Labels', placeholder: 'e.g. movies, keep',
  });
  const inUse = h('datalist', { id: listId }, store.labels().map((label) => h('option', { value: label })));
  const common = commonLabels(torrents);
  let chosen = 'add_labels';
  const form = h('form.dialog-body.labels-form', {},
    h('p', {}, `${plural(torrents.length, 'torrent')} selected.`,
      common.length ? ` All have: ${common.join(', ')}.` : ''),
    h('label.field', {}, h('span.field-label', {}, 'Labels (comma-separated)'), input, inUse),
    h('div.actions', {},
      h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel'),
      // Enter submits with the first submit button: adding.
      h('button.primary', { type: 'submit', onclick: () => { chosen = 'add_labels'; } }, 'Add labels'),
      h('button.danger', { type: 'submit', onclick: () => { chosen = 'remove_labels'; } }, 'Remove labels')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const labels = parseLabels(input.value);
    if (!labels.length) return;
    const answer = await runBulk(chosen, torrents, { labels });
    if (answer) dialog.close();
  });
  const dialog = openDialog({ title: 'Labels', content: form, className: 'labels-dialog' });
  input.focus();
}

/**
 * Saves the torrent's .torrent file as the manager stored it: a link the
 * browser follows (the session cookie rides along), named by the server.
 */
export function downloadMetainfo(torrent) {
  if (!torrent?.has_metainfo) return;
  followDownload(torrent, 'metainfo');
}

/** Whether the torrent's files can be downloaded from its server's web server. */
export function canDownloadFiles(torrent) {
  const server = store.servers.find((s) => s.id === torrent.server_id);
  return Boolean(torrent.complete && server?.http_enabled && server.http_download_root);
}

/**
 * Saves the torrent's files through its server's web server: its one file,
 * or a zip of several, named by the server (`GET /torrents/{hash}/download`).
 */
export function downloadFiles(torrent) {
  if (!canDownloadFiles(torrent)) return;
  followDownload(torrent, 'download');
}

/** Follows a link to the torrent's `route` (the session cookie rides along). */
function followDownload(torrent, route) {
  const query = new URLSearchParams(onServer(torrent));
  const link = h('a', { href: `${torrentPath(torrent, route)}?${query}`, download: '' });
  document.body.append(link);
  link.click();
  link.remove();
}

/**
 * Moves the data of `torrents` into one directory on their clients' hosts,
 * asked for in a dialog prefilled with the first one's save path.
 */
export function moveData(torrents) {
  if (!torrents.length) return;
  const input = h('input', {
    type: 'text', name: 'path', autocomplete: 'off', required: true, spellcheck: false,
    'aria-label': 'New directory', value: torrents[0].save_path ?? '',
  });
  const form = h('form.dialog-body.move-form', {},
    h('p', {}, `${plural(torrents.length, 'torrent')} selected. The client moves the data; `
      + 'a running torrent keeps running.'),
    h('label.field', {}, h('span.field-label', {}, 'New directory (absolute, on the client\'s host)'), input),
    h('div.actions', {},
      h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel'),
      h('button.primary', { type: 'submit' }, 'Move')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const path = input.value.trim();
    if (!path) return;
    let moved = 0;
    const failures = [];
    for (const torrent of torrents) {
      try {
        await api.post(torrentPath(torrent, 'location'), { path }, onServer(torrent));
        moved += 1;
      } catch (error) {
        failures.push(`${torrent.name}: ${error.message}`);
      }
    }
    if (moved) notify(`Moved ${plural(moved, 'torrent')} to ${path}.`);
    if (failures.length) notify(failures.slice(0, 3).join('\n') + (failures.length > 3 ? '\n…' : ''), 'error');
    if (!failures.length) dialog.close();
  });
  const dialog = openDialog({ title: 'Move data', content: form, className: 'move-dialog' });
  input.focus();
  input.select();
}

function commonLabels(torrents) {
  return torrents[0].labels.filter((label) => torrents.every((torrent) => torrent.labels.includes(label)));
}

/**
 * Keyboard shortcuts on the page: Delete, `/`, s, p, l, r. Ignored while
 * typing in a field, with a modifier held, or while a dialog is open.
 * Returns the function that removes them.
 */
export function bindShortcuts(handlers) {
  const keys = {
    Delete: handlers.remove, '/': handlers.search, s: handlers.start, p: handlers.stop,
    l: handlers.labels, r: handlers.recheck,
  };
  const onKey = (event) => {
    const handler = keys[event.key];
    if (!handler || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (event.target.closest?.('input, textarea, select, [contenteditable], dialog, .context-menu')) return;
    if (document.querySelector('dialog[open]')) return;
    event.preventDefault();
    handler();
  };
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}
