// One job (a move between servers) as people follow it: phase, a progress
// bar, percentage, rate and the outcome, kept current by the live stream's
// `job` events, with GET /jobs/{id} as the fallback while none come. The
// move dialog and the Jobs page share it.

import { api } from '../api.js';
import { h, setText } from '../dom.js';
import * as format from '../format.js';
import { store } from '../store.js';

/** Without a live update for this long, a running job is asked for. */
const POLL_AFTER_MS = 3000;

export const PHASE_WORDS = {
  adding: 'Adding to the target',
  downloading: 'Downloading from the source',
  verifying: 'Verifying the data',
  removing_source: 'Removing from the source',
  done: 'Done',
};

export const STATE_WORDS = {
  running: 'Running', succeeded: 'Succeeded', failed: 'Failed', canceled: 'Canceled',
};

export const isRunning = (job) => job.state === 'running';

/** The job's progress (0 to 1) as "42.0%". */
export function jobPercent(job) {
  return format.percent(job.progress * 100);
}

/** "Downloading from the source · 42.0% · 1.2 MiB/s", or the outcome once finished. */
export function jobSummary(job) {
  if (!isRunning(job)) return `${STATE_WORDS[job.state] ?? job.state} · ${jobPercent(job)}`;
  return [PHASE_WORDS[job.phase] ?? job.phase, jobPercent(job), format.rate(job.download_rate)].join(' · ');
}

/** A server's name, or what stands for one that has been removed. */
export function serverName(id) {
  return store.server(id)?.name ?? 'a removed server';
}

/** A bar with the percentage, the summary line and the message; `update(job)` refreshes them in place. */
export function jobStatus() {
  const bar = h('div.progress-bar');
  const percent = h('span.progress-text');
  const summary = h('p.job-summary', { role: 'status' });
  const message = h('p.job-message', { hidden: true });
  const element = h('div.job-status', {}, h('div.progress', {}, bar, percent), summary, message);
  return {
    element,
    update(job) {
      element.dataset.state = job.state;
      bar.style.transform = `scaleX(${Math.min(1, Math.max(0, job.progress))})`;
      setText(percent, jobPercent(job));
      setText(summary, jobSummary(job));
      setText(message, job.message ?? '');
      message.hidden = !job.message;
    },
  };
}

/**
 * Calls `onUpdate(job)` with every newer state of the job until it has
 * finished: from the live stream, else by asking. Returns the function that stops.
 */
export function followJob(job, onUpdate) {
  let lastHeard = Date.now();
  let timer = null;
  const stop = () => {
    store.removeEventListener('job', onJob);
    clearInterval(timer);
  };
  const onJob = ({ detail }) => {
    if (detail.id !== job.id) return;
    lastHeard = Date.now();
    onUpdate(detail);
    if (!isRunning(detail)) stop();
  };
  store.addEventListener('job', onJob);
  timer = setInterval(async () => {
    if (Date.now() - lastHeard < POLL_AFTER_MS) return;
    lastHeard = Date.now();
    try {
      store.applyJob(await api.get(`/jobs/${encodeURIComponent(job.id)}`));
    } catch {
      // Offline for a moment: the next round asks again.
    }
  }, POLL_AFTER_MS);
  store.applyJob(job);
  if (!isRunning(store.jobs.get(job.id))) stop();
  return stop;
}

/** Asks the server to cancel the job; its answer (or the refusal) updates the store. */
export async function cancelJob(job) {
  store.applyJob(await api.post(`/jobs/${encodeURIComponent(job.id)}/cancel`));
}
