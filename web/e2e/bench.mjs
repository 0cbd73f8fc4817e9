// Measures the torrents table with 10,000 real torrents: a real
// transmission-daemon holds them (added paused through the API's batch
// upload), the real server streams them, the real UI shows them.
// Run: cd web && node e2e/bench.mjs   (TM_BIN picks the server binary)
//
// Figures: time from navigation to a populated table; main-thread time per
// SSE tick with 1% of torrents changed (timed in the page around the delta
// handler and the frame it schedules), on a desktop (sidebar counts on) and
// at phone width (cards); bytes of such a tick vs a snapshot.

import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, startStack } from './harness.mjs';
import { makeTorrent } from './torrent-file.mjs';

const TORRENTS = Number(process.env.BENCH_TORRENTS ?? 10_000);
const CHANGED = Math.max(1, Math.round(TORRENTS / 100)); // 1%
const BATCH = 500;
const SYNTHETIC_TICKS = Number(process.env.BENCH_TICKS ?? 20);

/** Installed before the app loads: times SSE handlers and animation frames. */
function instrument() {
  // handlers: the latest listener per event type (synthetic ticks call it).
  const bench = { events: [], handlers: {} };
  window.benchProbe = bench;
  const { addEventListener, removeEventListener } = EventSource.prototype;
  // listener → type → its timed wrapper, so that removing a listener removes its wrapper.
  const wrappers = new WeakMap();
  EventSource.prototype.addEventListener = function (type, listener, options) {
    if (type !== 'reset' && type !== 'delta') return addEventListener.call(this, type, listener, options);
    bench.handlers[type] = listener;
    const timed = (event) => bench.timeEvent(type, event, listener);
    if (!wrappers.has(listener)) wrappers.set(listener, new Map());
    wrappers.get(listener).set(type, timed);
    return addEventListener.call(this, type, timed, options);
  };
  EventSource.prototype.removeEventListener = function (type, listener, options) {
    return removeEventListener.call(this, type, wrappers.get(listener)?.get(type) ?? listener, options);
  };
  bench.timeEvent = (type, event, listener = bench.handlers[type]) => {
    const started = performance.now();
    const record = { type, bytes: event.data.length, frameMs: 0, at: started };
    listener(event);
    record.handlerMs = performance.now() - started;
    if (type === 'delta') record.changed = JSON.parse(event.data).changed.length; // outside the timing
    bench.events.push(record);
  };
  // Frames (the table's re-render) count towards the latest event.
  const requestFrame = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) => requestFrame((time) => {
    const started = performance.now();
    callback(time);
    const last = bench.events[bench.events.length - 1];
    if (last) last.frameMs += performance.now() - started;
  });
}

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] };
};
const ms = (value) => `${value.toFixed(1)} ms`;
const kb = (value) => `${(value / 1024).toFixed(1)} KiB`;

async function main() {
  const stack = await startStack();
  try {
    const context = await stack.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const base = stack.server.url;
    const call = async (method, url, body) => {
      const cookies = (await context.cookies(base)).map((c) => `${c.name}=${c.value}`).join('; ');
      const headers = { Cookie: cookies };
      if (body && !(body instanceof FormData)) headers['Content-Type'] = 'application/json';
      const response = await fetch(`${base}${url}`, {
        method, headers, body: body instanceof FormData ? body : body && JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
      return response.json();
    };
    // The browser context logs in, so the page and `call` share the session.
    await context.request.post(`${base}/auth/register`, { data: { username: 'bench', password: 'bench horse battery staple' } });
    await context.request.post(`${base}/auth/login`, { data: { username: 'bench', password: 'bench horse battery staple' } });
    const server = await call('POST', '/servers', {
      name: 'bench transmission', server_type: 'transmission', host: '127.0.0.1',
      port: stack.transmission.port, rpc_path: stack.transmission.rpcPath,
      username: stack.transmission.username, password: stack.transmission.password, is_default: true,
    });

    console.log(`adding ${TORRENTS} torrents (paused, ${BATCH} per batch upload)…`);
    const hashes = [];
    const addStarted = performance.now();
    for (let offset = 0; offset < TORRENTS; offset += BATCH) {
      const form = new FormData();
      for (let i = offset; i < Math.min(TORRENTS, offset + BATCH); i += 1) {
        const torrent = makeTorrent(`bench torrent ${String(i).padStart(5, '0')}`);
        hashes.push(torrent.infoHash);
        form.append('files', new Blob([torrent.buffer]), `${i}.torrent`);
      }
      const answer = await call('POST', `/torrents/upload/batch?server_id=${server.id}&start=false`, form);
      if (answer.failure_count) throw new Error(`batch upload failed: ${JSON.stringify(answer.results.find((r) => !r.success))}`);
    }
    const addSeconds = (performance.now() - addStarted) / 1000;
    for (;;) { // until the server's poller has seen them all
      const { torrent_count: count } = await call('GET', `/servers/${server.id}`);
      if (count >= TORRENTS) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    const page = await context.newPage();
    await page.addInitScript(instrument);
    await page.goto(`${base}/#/torrents`);
    const populatedMs = await page.evaluate((total) => new Promise((resolve) => {
      const check = () => {
        const status = document.querySelector('.statusbar')?.textContent ?? '';
        const rows = document.querySelectorAll('.vrow:not([hidden])').length;
        if (status.startsWith(`${total} torrents`) && rows > 0) resolve(performance.now());
        else requestAnimationFrame(check);
      };
      check();
    }), TORRENTS);
    // A reset that arrived before the app took over the stream is handed to
    // it later: it arrived with the first record, and was handled in the last.
    const reset = await page.evaluate(() => {
      const resets = window.benchProbe.events.filter((e) => e.type === 'reset');
      const handled = resets[resets.length - 1];
      return { ...handled, at: resets[0].at, frameMs: resets.reduce((sum, e) => sum + e.frameMs, 0) };
    });
    const domReadyMs = await page.evaluate(() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd);
    // Printed at once: a UI without the later steps' features still gives these.
    console.log(`navigation → populated table ${ms(populatedMs)}: DOMContentLoaded at ${ms(domReadyMs)}, `
      + `the reset (${kb(reset.bytes)}) arrived at ${ms(reset.at)}, its handler ${ms(reset.handlerMs)}, its frames ${ms(reset.frameMs)}`);
    const rowsInDom = await page.locator('.vrow').count();

    // Real ticks: start 1% of the torrents through the API; the poller's deltas follow.
    const before = await page.evaluate(() => window.benchProbe.events.length);
    const chosen = hashes.slice(0, CHANGED);
    for (let i = 0; i < chosen.length; i += 10) {
      await Promise.all(chosen.slice(i, i + 10).map((hash) => call('POST', `/torrents/${hash}/start?server_id=${server.id}`)));
    }
    await page.waitForTimeout(7000);
    const realTicks = await page.evaluate((from) => window.benchProbe.events.slice(from)
      .filter((e) => e.type === 'delta'), before);

    // Synthetic ticks: 1% of torrents change their live numbers (the common
    // tick), fed to the app's own delta handler; then the same with the table
    // sorted by ↓ speed, where every tick re-sorts all rows.
    const listed = await page.evaluate(async () => {
      const torrents = await (await fetch('/torrents')).json();
      window.benchProbe.keys = torrents.map((t) => [t.server_id, t.info_hash]);
      return torrents.length;
    });
    if (listed < TORRENTS) throw new Error(`only ${listed} torrents listed`);
    const synthetic = () => page.evaluate(async ({ count, ticks }) => {
      const probe = window.benchProbe;
      const out = [];
      for (let tick = 0; tick < ticks; tick += 1) {
        const changed = [];
        for (let i = 0; i < count; i += 1) {
          const [serverId, hash] = probe.keys[(tick * count + i * 97) % probe.keys.length];
          changed.push({
            info_hash: hash, server_id: serverId,
            download_rate: Math.floor(Math.random() * 5e6), upload_rate: Math.floor(Math.random() * 1e6),
            progress: Math.random() * 100, downloaded: Math.floor(Math.random() * 1e9),
            eta: Math.floor(Math.random() * 1e5), peers: Math.floor(Math.random() * 50),
          });
        }
        const data = JSON.stringify({ server_id: probe.keys[0][0], revision: 1e6 + tick, added: [], changed, removed: [] });
        probe.timeEvent('delta', { data });
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 20)));
        out.push(probe.events[probe.events.length - 1]);
      }
      return out;
    }, { count: CHANGED, ticks: SYNTHETIC_TICKS });

    const byName = await synthetic();
    await page.click('.vcell.head[data-key=download_rate] .sort');
    await page.waitForTimeout(300);
    const bySpeed = await synthetic();

    // Scrolling: frame time to re-render the window at 50 positions.
    const scrollFrames = await page.evaluate(async () => {
      const scroller = document.querySelector('.vtable');
      const times = [];
      for (let i = 1; i <= 50; i += 1) {
        const probe = window.benchProbe.events;
        const before = probe[probe.length - 1].frameMs;
        scroller.scrollTop = (scroller.scrollHeight * i) / 51;
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
        await new Promise((resolve) => requestAnimationFrame(resolve));
        times.push(probe[probe.length - 1].frameMs - before);
      }
      return times;
    });

    // Phone width: cards instead of columns, still virtualised.
    await page.click('.vcell.head[data-key=name] .sort');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('.torrents-view.phone').waitFor();
    await page.waitForTimeout(300);
    const phoneRowsInDom = await page.locator('.vrow').count();
    const byNamePhone = await synthetic();

    const full = reset.bytes;
    const tickOf = (events) => stats(events.map((e) => e.handlerMs + e.frameMs));
    const figures = {
      torrents: TORRENTS,
      add_seconds: addSeconds,
      navigation_to_populated_table_ms: populatedMs,
      reset: { bytes: full, handler_ms: reset.handlerMs, arrived_at_ms: reset.at, frames_ms: reset.frameMs },
      dom_content_loaded_ms: domReadyMs,
      row_elements_in_dom: rowsInDom,
      synthetic_1pct_sorted_by_name: { ...tickOf(byName), bytes: byName[0].bytes },
      synthetic_1pct_sorted_by_speed: { ...tickOf(bySpeed), bytes: bySpeed[0].bytes },
      real_ticks_after_starting_1pct: realTicks.map((e) => ({ changed: e.changed, bytes: e.bytes, main_thread_ms: e.handlerMs + e.frameMs })),
      scroll_frame_ms: stats(scrollFrames),
      phone_cards_in_dom: phoneRowsInDom,
      synthetic_1pct_phone_cards: { ...tickOf(byNamePhone), bytes: byNamePhone[0].bytes },
    };
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(path.join(ARTIFACTS, 'bench.json'), JSON.stringify(figures, null, 2));

    console.log(`\n== torrents table, ${TORRENTS} torrents (real transmission-daemon, real server, Chromium headless) ==`);
    console.log(`adding them (batch upload, paused):            ${addSeconds.toFixed(1)} s`);
    console.log(`navigation → populated table:                  ${ms(populatedMs)}`);
    console.log(`  reset event: ${kb(full)}, its handler (JSON.parse + Map) ${ms(reset.handlerMs)}`);
    console.log(`row elements in the DOM:                       ${rowsInDom}`);
    console.log(`phone (390 px) cards in the DOM:               ${phoneRowsInDom}`);
    for (const [label, events] of [['sorted by name', byName], ['sorted by ↓ speed (re-sorts)', bySpeed],
      ['phone cards, by name', byNamePhone]]) {
      const s = tickOf(events);
      console.log(`tick, ${CHANGED} changed (1%), ${label}: median ${ms(s.median)}, p95 ${ms(s.p95)}, max ${ms(s.max)} main thread`);
    }
    const tickBytes = byName[0].bytes;
    console.log(`bytes per 1% tick: ${kb(tickBytes)} vs full snapshot ${kb(full)} (${((100 * tickBytes) / full).toFixed(2)}%)`);
    const real = stats(realTicks.map((e) => e.handlerMs + e.frameMs));
    const realChanged = realTicks.reduce((sum, e) => sum + e.changed, 0);
    const realBytes = realTicks.reduce((sum, e) => sum + e.bytes, 0);
    console.log(`real deltas after starting ${CHANGED} via the API: ${real.n} deltas carrying ${realChanged} changes, `
      + `${kb(realBytes)} in all; main thread per delta median ${ms(real.median)}, max ${ms(real.max)}`);
    const scroll = stats(scrollFrames);
    console.log(`scroll re-render per frame: median ${ms(scroll.median)}, p95 ${ms(scroll.p95)}`);
    console.log(`(written to ${path.join(ARTIFACTS, 'bench.json')})`);
  } finally {
    await stack.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
