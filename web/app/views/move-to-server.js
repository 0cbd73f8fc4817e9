// "Move to server…": a torrent with its data to another of the user's
// servers. The dialog asks where to, then follows the job (phase, progress,
// rate, outcome) with a Cancel button; closing it leaves the move running.

import { api, torrentPath } from '../api.js';
import { notify, openDialog } from '../dialog.js';
import { errorLine, field, h } from '../dom.js';
import { store } from '../store.js';
import {
  cancelJob, followJob, isRunning, jobStatus, serverName,
} from './job-status.js';

/** Offered when there is somewhere else to move to. */
export function canMoveToServer(torrent) {
  return store.servers.some((server) => server.id !== torrent.server_id);
}

export function openMoveToServer(torrent) {
  const targets = store.servers.filter((server) => server.id !== torrent.server_id);
  const target = h('select', { name: 'to_server_id', required: true },
    targets.map((server) => h('option', { value: server.id }, `${server.name} (${server.server_type})`)));
  const savePath = h('input', {
    type: 'text', name: 'save_path', autocomplete: 'off', spellcheck: false,
    placeholder: 'The target\'s default directory',
  });
  const removeSource = h('input', { type: 'checkbox', name: 'remove_source', checked: true });
  const deleteData = h('input', { type: 'checkbox', name: 'delete_data' });
  removeSource.addEventListener('change', () => {
    deleteData.disabled = !removeSource.checked;
    if (!removeSource.checked) deleteData.checked = false;
  });
  const error = errorLine();
  const submit = h('button.primary', { type: 'submit' }, 'Move');
  const form = h('form.dialog-body.move-server-form', {},
    h('p', {}, `Move "${torrent.name}" from ${serverName(torrent.server_id)}: the target downloads it from there over BitTorrent and checks every piece.`),
    field('Target server', target),
    field('Save path on the target (optional, absolute)', savePath),
    h('label.check', {}, removeSource, 'Remove from the source after it is verified'),
    h('label.check', {}, deleteData, 'Delete the source\'s data too'),
    error.element,
    h('div.actions', {},
      h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel'),
      submit));
  let stopFollowing = null;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.show('');
    submit.disabled = true;
    const body = {
      from_server_id: torrent.server_id,
      to_server_id: target.value,
      remove_source: removeSource.checked,
      delete_data: deleteData.checked,
    };
    if (savePath.value.trim()) body.save_path = savePath.value.trim();
    try {
      const job = await api.post(torrentPath(torrent, 'move'), body);
      stopFollowing = showProgress(dialog, form, job);
    } catch (failure) {
      error.show(failure.message);
      submit.disabled = false;
    }
  });
  const dialog = openDialog({
    title: 'Move to server', content: form, className: 'move-server-dialog', onClose: () => stopFollowing?.(),
  });
  target.focus();
}

/** Replaces the form with the job's progress; returns the function that stops following it. */
function showProgress(dialog, form, job) {
  const status = jobStatus();
  const cancel = h('button.danger', { type: 'button' }, 'Cancel move');
  const close = h('button.primary', { type: 'button', onclick: () => dialog.close() }, 'Close');
  cancel.addEventListener('click', async () => {
    cancel.disabled = true;
    try {
      await cancelJob(job);
    } catch (failure) {
      notify(failure.message, 'error');
      cancel.disabled = false;
    }
  });
  const body = h('div.dialog-body.move-job', { dataset: { job: job.id } },
    h('p', {}, `${job.name}: ${serverName(job.from_server_id)} → ${serverName(job.to_server_id)}`),
    status.element,
    h('p.muted', {}, 'Closing this leaves the move running; ', h('a', { href: '#/jobs', onclick: () => dialog.close() }, 'Jobs'), ' lists it.'),
    h('div.actions', {}, cancel, close));
  form.replaceWith(body);
  const update = (current) => {
    status.update(current);
    cancel.hidden = !isRunning(current);
  };
  update(job);
  close.focus();
  return followJob(job, update);
}
