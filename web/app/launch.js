// Opening the app as the system's handler: a magnet link (protocol handler,
// `/?magnet=<link>`) or .torrent files (file handler, `launchQueue`) open the
// add dialog prefilled, once someone is logged in and the servers are known.

import { openAddTorrent } from './views/add-torrent.js';
import { store } from './store.js';

/** What `navigator.registerProtocolHandler('magnet', …)` should open. */
export function magnetHandlerUrl() {
  return `${location.origin}/?magnet=%s`;
}

let pending = takeMagnet();

/** The magnet link in the address, removed from it so a reload does not add it again. */
function takeMagnet() {
  const params = new URLSearchParams(location.search);
  const magnet = params.get('magnet');
  if (magnet === null) return null;
  params.delete('magnet');
  const rest = params.toString();
  history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
  return { uris: magnet.startsWith('magnet:') ? [magnet] : [], files: [] };
}

/** Registers for files the OS hands over; `isLoggedIn()` says whether to open them now. */
export function listenForLaunches(isLoggedIn) {
  window.launchQueue?.setConsumer(async (params) => {
    const files = await Promise.all((params.files ?? []).map((handle) => handle.getFile()));
    if (!files.length) return;
    pending = { uris: pending?.uris ?? [], files };
    if (isLoggedIn()) openPendingLaunch();
  });
}

/** Once logged in: opens the add dialog for what the app was launched with. */
export function openPendingLaunch() {
  if (!pending) return;
  if (!store.loaded) {
    // The dialog offers the servers: wait for the live stream's first list.
    store.addEventListener('servers', openPendingLaunch, { once: true });
    return;
  }
  const { uris, files } = pending;
  pending = null;
  if (uris.length || files.length) openAddTorrent({ uris, files });
}
