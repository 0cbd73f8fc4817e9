// The live stream (GET /events, Server-Sent Events) feeding the store, and
// the small "live / reconnecting" indicator in the header.

import { api, SESSION_ENDED } from './api.js';
import { claimEarlyStream } from './early-stream.js';
import { store } from './store.js';

const RETRY_AFTER_CLOSE_MS = 3000;

let source = null;
let retryTimer = null;
let indicator = null;
/** How many server lists the stream has delivered (see reloadServers). */
let serverUpdates = 0;

/** Opens the stream (once); `indicatorElement` shows its state. */
export function startLive(indicatorElement) {
  indicator = indicatorElement;
  if (!source) connect();
}

export function stopLive() {
  clearTimeout(retryTimer);
  source?.close();
  source = null;
  store.clear();
}

const HANDLERS = {
  open: () => showState('live', 'live'),
  reset: (event) => {
    serverUpdates += 1;
    store.reset(JSON.parse(event.data));
  },
  delta: (event) => store.applyDelta(JSON.parse(event.data)),
  servers: (event) => {
    serverUpdates += 1;
    store.setServers(JSON.parse(event.data));
  },
  job: (event) => store.applyJob(JSON.parse(event.data)),
  problem: (event) => showState('live', 'live', `The server reported: ${event.data}`),
  error: onError,
};

/** Takes over the stream the page opened early, or opens one. */
function connect() {
  showState('connecting', 'connecting');
  const early = claimEarlyStream();
  source = early?.source ?? new EventSource('/events');
  for (const [type, handle] of Object.entries(HANDLERS)) source.addEventListener(type, handle);
  // Replayed through the stream itself, as if they arrived now.
  for (const event of early?.events ?? []) {
    source.dispatchEvent(event instanceof MessageEvent ? new MessageEvent(event.type, { data: event.data }) : new Event(event.type));
  }
}

function onError() {
  if (source.readyState === EventSource.CONNECTING) {
    showState('reconnecting', 'reconnecting…');
    return;
  }
  // CLOSED: the browser gave up (the answer was not a stream, e.g. 401).
  source.close();
  source = null;
  showState('reconnecting', 'offline, retrying…');
  retryTimer = setTimeout(async () => {
    try {
      await api.get('/auth/me');
      connect();
    } catch (error) {
      if (error.status === 401) window.dispatchEvent(new Event(SESSION_ENDED));
      else retryTimer = setTimeout(connect, RETRY_AFTER_CLOSE_MS);
    }
  }, RETRY_AFTER_CLOSE_MS);
}

function showState(state, text, title = '') {
  if (!indicator) return;
  indicator.dataset.state = state;
  indicator.textContent = text;
  indicator.title = title || `Live updates: ${text}`;
}

/**
 * Fetches the server list now, after this page changed it (the stream follows).
 * A live update that arrives while the request is out is at least as fresh as
 * its answer, which is then dropped: it could bring back a state (e.g.
 * "connecting") that the stream has already moved past.
 */
export async function reloadServers() {
  const seen = serverUpdates;
  const servers = await api.get('/servers');
  if (serverUpdates === seen) store.setServers(servers);
}
