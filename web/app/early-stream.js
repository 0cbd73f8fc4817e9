// Opens the live stream as soon as the page is parsed, before the rest of the
// app's modules have loaded and asked who is logged in: the first `reset`
// (every torrent) then travels while the app starts. Its events wait here
// until live.js claims the stream. Loaded by index.html before main.js, and
// imported by live.js: one module instance, so one stream.

const EVENTS = ['open', 'reset', 'delta', 'servers', 'job', 'problem', 'error'];

let early = new EventSource('/events');
const buffered = [];
const record = (event) => {
  buffered.push(event);
  // Not logged in (or the answer was not a stream): nothing to hand over.
  if (event.type === 'error' && early?.readyState === EventSource.CLOSED) {
    early.close();
    early = null;
  }
};
for (const type of EVENTS) early.addEventListener(type, record);

/**
 * The early stream and the events it has received so far, once; null when it
 * was already claimed or has failed (then open a new one).
 */
export function claimEarlyStream() {
  if (!early) return null;
  const source = early;
  early = null;
  for (const type of EVENTS) source.removeEventListener(type, record);
  return { source, events: buffered.splice(0) };
}
