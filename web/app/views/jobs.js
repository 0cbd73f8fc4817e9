// `#/jobs`: the recent jobs (moves between servers), newest first, one row
// each, patched in place as the live stream reports them; Cancel on the
// running ones.

import { api } from '../api.js';
import { notify } from '../dialog.js';
import { h, replaceChildren, setText } from '../dom.js';
import * as format from '../format.js';
import { store } from '../store.js';
import {
  cancelJob, isRunning, jobPercent, PHASE_WORDS, serverName, STATE_WORDS,
} from './job-status.js';

/** While a job runs and the stream says nothing, the list is reloaded this often. */
const RELOAD_MS = 5000;

const COLUMNS = [
  ['Torrent', (job) => job.name],
  ['From', (job) => serverName(job.from_server_id)],
  ['To', (job) => serverName(job.to_server_id)],
  ['State', (job) => STATE_WORDS[job.state] ?? job.state],
  ['Phase', (job) => PHASE_WORDS[job.phase] ?? job.phase],
  ['Done', (job) => `${jobPercent(job)} of ${format.bytes(job.size)}`],
  ['Rate', (job) => (isRunning(job) ? format.rate(job.download_rate) : '–')],
  ['Started', (job) => format.dateTime(job.created_at)],
  ['Message', (job) => job.message ?? ''],
];

export function jobsView() {
  const tbody = h('tbody');
  const empty = h('p.muted', { hidden: true }, 'No jobs yet. "Move to server…" in a torrent\'s menu starts one.');
  const rows = new Map(); // job id → {row, cells, cancel}
  let lastHeard = Date.now();

  const rowOf = (job) => {
    const cells = COLUMNS.map(([title]) => h('td', { 'data-label': title }));
    const cancel = h('button.danger', { type: 'button' }, 'Cancel');
    cancel.addEventListener('click', async () => {
      cancel.disabled = true;
      try {
        await cancelJob(store.jobs.get(job.id) ?? job);
      } catch (failure) {
        notify(failure.message, 'error');
        cancel.disabled = false;
      }
    });
    const row = h('tr', { dataset: { job: job.id } }, cells, h('td.row-actions', {}, cancel));
    return { row, cells, cancel };
  };

  const show = (job) => {
    let entry = rows.get(job.id);
    if (!entry) {
      entry = rowOf(job);
      rows.set(job.id, entry);
      tbody.prepend(entry.row); // a new job is the newest
    }
    entry.row.dataset.state = job.state;
    COLUMNS.forEach(([, value], index) => setText(entry.cells[index], value(job)));
    entry.cancel.hidden = !isRunning(job);
    empty.hidden = true;
  };

  const load = async () => {
    const { jobs } = await api.get('/jobs');
    // Oldest first, so that each prepend leaves the newest on top.
    for (const job of [...jobs].reverse()) {
      store.applyJob(job);
      show(store.jobs.get(job.id));
    }
    empty.hidden = rows.size > 0;
  };
  const onJob = ({ detail }) => {
    lastHeard = Date.now();
    show(detail);
  };
  const timer = setInterval(() => {
    const running = [...store.jobs.values()].some(isRunning);
    if (running && Date.now() - lastHeard >= RELOAD_MS) load().catch(() => {});
  }, RELOAD_MS);
  const list = h('div.table-scroll', {}, h('table.list.jobs', {},
    h('thead', {}, h('tr', {}, COLUMNS.map(([title]) => h('th', { scope: 'col' }, title)), h('th', { scope: 'col' }, ''))),
    tbody));
  const body = h('div', {}, list, empty);
  store.addEventListener('job', onJob);
  load().catch((failure) => replaceChildren(body, h('p.error', {}, failure.message)));

  return {
    element: h('section.page', {},
      h('header.page-head', {}, h('h1', {}, 'Jobs')),
      h('p.muted', {}, 'Torrents moving with their data from one of your servers to another, newest first.'),
      body),
    title: 'Jobs',
    destroy: () => {
      store.removeEventListener('job', onJob);
      clearInterval(timer);
    },
  };
}
