// Adding torrents: magnet links, info hashes or URLs, and .torrent files by
// picker or dropped anywhere on the page, to a chosen server, to where the
// placement rules say (auto), or to several servers at once.

import { api } from '../api.js';
import { openDialog, notify } from '../dialog.js';
import { errorLine, field, h, replaceChildren } from '../dom.js';
import { bytes, parseLabels } from '../format.js';
import { store } from '../store.js';

const isTorrentFile = (file) => /\.torrent$/i.test(file.name) || file.type === 'application/x-bittorrent';

/** Opens the add dialog, optionally with links or files already filled in. */
export function openAddTorrent({ uris: links = [], files = [] } = {}) {
  const chosen = [...files];
  const uris = h('textarea', {
    name: 'uris', rows: 3, placeholder: 'magnet:?xt=urn:btih:…, an info hash, or https://…/file.torrent',
    value: links.join('\n'),
  });
  const uriError = errorLine();
  const picker = h('input', { type: 'file', multiple: true, accept: '.torrent,application/x-bittorrent', name: 'files' });
  const fileList = h('ul.file-list');
  const fileError = errorLine();
  const servers = store.servers;
  const server = h('select', { name: 'server', required: true },
    servers.map((s) => h('option', { value: s.id, selected: s.is_default }, `${s.name} (${s.server_type})`)),
    h('option', { value: 'auto' }, 'Automatic (placement rules)'),
    h('option', { value: SEVERAL }, 'Several…'));
  const severalBoxes = servers.map((s) => h('input', { type: 'checkbox', name: 'server_ids', value: s.id }));
  const several = h('fieldset.several-servers', { hidden: true }, h('legend', {}, 'Add to each of'),
    servers.map((s, index) => h('label.check', {}, severalBoxes[index], s.name)));
  server.addEventListener('change', () => { several.hidden = server.value !== SEVERAL; });
  const reportList = h('ul.add-report');
  const labels = h('input', { type: 'text', name: 'labels', placeholder: 'e.g. movies, linux' });
  const savePath = h('input', { type: 'text', name: 'save_path', placeholder: 'the server\'s default folder', autocapitalize: 'off' });
  const start = h('input', { type: 'checkbox', name: 'start', checked: true });
  const formError = errorLine();
  const submit = h('button.primary', { type: 'submit' }, 'Add');

  const drawFiles = () => replaceChildren(fileList, chosen.map((file, index) => h('li', {},
    `${file.name} (${bytes(file.size)})`,
    h('button.icon', {
      type: 'button', 'aria-label': `Do not add ${file.name}`,
      onclick: () => { chosen.splice(index, 1); drawFiles(); },
    }, '×'))));
  picker.addEventListener('change', () => {
    chosen.push(...picker.files);
    picker.value = '';
    drawFiles();
  });
  drawFiles();

  const form = h('form.dialog-body', { novalidate: true },
    field('Magnet links, info hashes or URLs — one per line', uris), uriError.element,
    field('.torrent files (or drop them on the page)', picker), fileList, fileError.element,
    servers.length ? field('Server', server) : h('p.error', {}, 'Add a server first (Servers page).'),
    several,
    field('Labels', labels, 'Separated by commas'),
    field('Save to', savePath, 'A folder on the server\'s host, e.g. /srv/downloads/linux.'),
    h('label.check', {}, start, 'Start right away (otherwise added paused)'),
    formError.element, reportList,
    h('div.actions', {}, h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel'), submit));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const line of [uriError, fileError, formError]) line.show('');
    const lines = uris.value.split('\n').map((line) => line.trim()).filter(Boolean);
    if (!lines.length && !chosen.length) {
      formError.show('Paste a magnet link, info hash or URL, or choose a .torrent file.');
      uris.focus();
      return;
    }
    const target = {
      start: start.checked, labels: parseLabels(labels.value),
      save_path: savePath.value.trim() || undefined,
    };
    if (server.value === SEVERAL) {
      target.server_ids = severalBoxes.filter((box) => box.checked).map((box) => box.value);
      if (!target.server_ids.length) {
        formError.show('Tick the servers to add to.');
        return;
      }
    } else {
      target.server_id = server.value;
    }
    submit.disabled = true;
    const report = [];
    const uriFailures = await addUris(lines, target, report);
    const fileFailures = await addFiles(chosen, target, report);
    replaceChildren(reportList, report.map((line) => h('li', {}, line)));
    submit.disabled = false;
    const added = lines.length + chosen.length - uriFailures.length - fileFailures.length;
    if (added) notify(`Added ${added} torrent${added === 1 ? '' : 's'}.`);
    // Keep only what failed in the form, with the reason next to it.
    uris.value = uriFailures.map((failure) => failure.uri).join('\n');
    uriError.show(uriFailures.map((failure) => `${failure.uri}: ${failure.message}`).join('\n'));
    chosen.splice(0, chosen.length, ...chosen.filter((file) => fileFailures.some((f) => f.name === file.name)));
    drawFiles();
    fileError.show(fileFailures.map((failure) => `${failure.name}: ${failure.message}`).join('\n'));
    // What auto or several did stays in view; a plain add closes the dialog.
    if (!uriFailures.length && !fileFailures.length && !report.length) dialog.close();
  });

  const dialog = openDialog({ title: 'Add torrents', content: form, className: 'add-torrent' });
  uris.focus();
  if (!servers.length) submit.disabled = true;
}

const SEVERAL = '__several';

/** Where an answer put the torrent: the lines of the report (placement's
 * reason, each server's outcome) and the failure, if any. */
function outcomeOf(what, answer, report) {
  if (answer.placement) report.push(`${what} → ${answer.server_name}: ${answer.placement.reason}`);
  if (!answer.outcomes) return null;
  for (const outcome of answer.outcomes) {
    const name = outcome.server_name || outcome.server_id;
    report.push(`${what} → ${name}: ${outcome.success ? 'added' : outcome.message}`);
  }
  const failed = answer.outcomes.filter((outcome) => !outcome.success);
  return failed.length
    ? failed.map((outcome) => `${outcome.server_name || outcome.server_id}: ${outcome.message}`).join('; ')
    : null;
}

/** POST /torrents per line; returns the failures. */
async function addUris(lines, target, report) {
  const failures = [];
  for (const uri of lines) {
    try {
      const message = outcomeOf(uri, await api.post('/torrents', { uri, ...target }), report);
      if (message) failures.push({ uri, message });
    } catch (error) {
      failures.push({ uri, message: error.message });
    }
  }
  return failures;
}

/** One file: /torrents/upload; several: one batch request (to several
 * servers: one upload per file). Returns the failures. */
async function addFiles(files, target, report) {
  if (!files.length) return [];
  const query = { start: String(target.start) };
  if (target.server_ids) query.server_ids = target.server_ids.join(',');
  else query.server_id = target.server_id;
  if (target.labels.length) query.labels = target.labels.join(',');
  const formWith = (file) => {
    const form = new FormData();
    if (target.save_path) form.append('save_path', target.save_path);
    if (file) form.append('file', file, file.name);
    return form;
  };
  if (target.server_ids || files.length === 1) {
    const failures = [];
    for (const file of files) {
      try {
        const message = outcomeOf(file.name, await api.upload('/torrents/upload', formWith(file), query), report);
        if (message) failures.push({ name: file.name, message });
      } catch (error) {
        failures.push({ name: file.name, message: error.message });
      }
    }
    return failures;
  }
  const form = formWith(null);
  try {
    for (const file of files) form.append('files', file, file.name);
    const answer = await api.upload('/torrents/upload/batch', form, query);
    outcomeOf(`${files.length} files`, answer, report);
    return answer.results.filter((result) => !result.success)
      .map((result) => ({ name: result.filename, message: result.message }));
  } catch (error) {
    return files.map((file) => ({ name: file.name, message: error.message }));
  }
}

/** Dropping .torrent files anywhere on the page opens the add dialog with them. */
export function enableDropToAdd(isActive) {
  const overlay = h('div.drop-overlay', { hidden: true }, 'Drop .torrent files to add them');
  document.body.append(overlay);
  const carriesFiles = (event) => isActive() && event.dataTransfer?.types.includes('Files');
  document.addEventListener('dragover', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    overlay.hidden = false;
  });
  document.addEventListener('dragleave', (event) => {
    if (!event.relatedTarget) overlay.hidden = true;
  });
  document.addEventListener('drop', (event) => {
    overlay.hidden = true;
    if (!carriesFiles(event)) return;
    event.preventDefault();
    const files = [...event.dataTransfer.files].filter(isTorrentFile);
    if (files.length) openAddTorrent({ files });
    else notify('Only .torrent files can be dropped here.', 'error');
  });
}
