// Browser tests of the torrents view (table, sidebar, cards, menu, shortcuts,
// status bar) against the real server and two real transmission-daemons.
// Desktop 1440×900 and phone 390×844, light and dark.
// Run: cargo build -p torrent-manager && cd web && node --test e2e/table.test.mjs

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import {
  addTransmission, screenshot, startStack, watchPage,
  withScreenshotOnFailure,
} from './harness.mjs';
import { makeTorrent } from './torrent-file.mjs';

const USER = 'tablet';
const PASSWORD = 'table horse battery staple';
const LIVE = 20_000; // a few poll intervals
const DESKTOP = { width: 1440, height: 900 };
const PHONE = {
  viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
};
const LONG_NAME = 'a.torrent.with.a.very.long.name.that.does.not.fit.in.its.column.2026.1080p.WEB-DL.x264-GROUP';

const rowOf = (page, name) => page.locator('.vrow:not([hidden])', { has: page.locator('.vcell.name', { hasText: name }) });
const facet = (page, name, value) => page.locator(`.sidebar button.facet[data-facet="${name}"][data-value="${value}"]`);
const shownRows = (page) => page.locator('.vrow:not([hidden])').count();
const statusText = (page) => page.locator('.status-text').textContent();

describe('torrents view', { timeout: 300_000 }, () => {
  let stack;
  let base;
  let api;
  let servers;
  const torrents = { a: [], b: [] };
  let desktop;
  let page;
  let problems;

  let tracker;

  before(async () => {
    // A tracker on loopback that refuses every announce: a real tracker error.
    tracker = createServer((request, response) => response.end('d14:failure reason14:not authorizede'));
    // On 127.0.0.2 (still loopback): its host differs from the other torrents' tracker.
    await new Promise((resolve) => tracker.listen(0, '127.0.0.2', resolve));
    stack = await startStack();
    base = stack.server.url;
    const second = await addTransmission(stack);
    // One logged-in browser context; the API calls below share its session.
    desktop = await stack.browser.newContext({ viewport: DESKTOP });
    const request = desktop.request;
    await request.post(`${base}/auth/register`, { data: { username: USER, password: PASSWORD } });
    assert.equal((await request.post(`${base}/auth/login`, { data: { username: USER, password: PASSWORD } })).status(), 200);
    api = async (method, url, data) => {
      const answer = await request.fetch(`${base}${url}`, { method, data });
      assert.ok(answer.ok(), `${method} ${url}: ${answer.status()} ${await answer.text()}`);
      return answer.status() === 204 ? null : answer.json();
    };
    const addServer = (name, daemon) => api('POST', '/servers', {
      name, server_type: 'transmission', host: '127.0.0.1', port: daemon.port, rpc_path: daemon.rpcPath,
      username: daemon.username, password: daemon.password,
    });
    servers = { a: await addServer('Alpha', stack.transmission), b: await addServer('Bravo', second) };
    const upload = async (key, name, { labels = '', start = false, announce } = {}) => {
      const torrent = makeTorrent(name, { announce });
      const answer = await request.post(
        `${base}/torrents/upload?server_id=${servers[key].id}&start=${start}${labels ? `&labels=${labels}` : ''}`,
        { multipart: { file: { name: `${name}.torrent`, mimeType: 'application/x-bittorrent', buffer: torrent.buffer } } },
      );
      assert.ok(answer.ok(), await answer.text());
      torrents[key].push(torrent);
    };
    // First, so that its announce has failed by the time a step looks.
    await upload('a', 'alpha-announcing', {
      start: true, announce: `http://127.0.0.2:${tracker.address().port}/announce`,
    });
    for (let i = 0; i < 12; i += 1) await upload('a', `alpha-${String(i).padStart(2, '0')}`, { labels: i < 3 ? 'movies' : '' });
    await upload('a', LONG_NAME, { labels: 'keep,cross-seed' });
    await upload('b', 'bravo-00');
    await upload('b', 'bravo-01');
    page = await desktop.newPage();
    problems = watchPage(page, base);
    await page.goto(`${base}/#/torrents`);
    await page.locator('.status-text', { hasText: '16 torrents' }).waitFor({ timeout: LIVE });
    // The daemon checks new torrents first: wait until it is done.
    await facet(page, 'state', 'paused').locator('.facet-count', { hasText: '15' }).waitFor({ timeout: LIVE });
  });

  after(async () => {
    await stack?.stop();
    tracker?.close();
  });

  const step = (name, body) => test(name, () => withScreenshotOnFailure(page, name, body));

  step('at 1440×900 no header cell is clipped, with or without the details panel', async () => {
    const clipped = () => page.evaluate(() => {
      const table = document.querySelector('.vtable');
      const box = table.getBoundingClientRect();
      const right = box.left + table.clientLeft + table.clientWidth;
      return [...document.querySelectorAll('.vtable-head .vcell')]
        .filter((cell) => cell.getBoundingClientRect().right > right + 0.5)
        .map((cell) => cell.dataset.key);
    });
    const scrollsSideways = () => page.evaluate(() => {
      const table = document.querySelector('.vtable');
      return table.scrollWidth > table.clientWidth;
    });
    const headers = await page.locator('.vtable-head .vcell').evaluateAll((cells) => cells.map((c) => c.dataset.key));
    for (const key of ['name', 'server_name', 'state', 'progress', 'size', 'labels', 'added_at']) {
      assert.ok(headers.includes(key), `column ${key} shown at 1440 px`);
    }
    assert.deepEqual(await clipped(), []);
    assert.equal(await scrollsSideways(), false);
    // A labels cell's full text on hover.
    const labels = rowOf(page, LONG_NAME).locator('.vcell').nth(headers.indexOf('labels'));
    assert.equal(await labels.getAttribute('title'), 'keep, cross-seed');
    assert.equal(await rowOf(page, LONG_NAME).locator('.vcell.name').getAttribute('title'), LONG_NAME);

    await rowOf(page, 'alpha-00').dblclick();
    await page.locator('.details').waitFor();
    await page.waitForTimeout(200);
    assert.deepEqual(await clipped(), []);
    assert.equal(await scrollsSideways(), false);
    await screenshot(page, 'table-desktop-details-light');
    await page.click('[aria-label="Close details"]');
  });

  step('sidebar counts states, servers, labels; clicking filters; kept in URL and storage', async () => {
    assert.equal(await facet(page, 'server', servers.a.id).locator('.facet-count').textContent(), '14');
    assert.equal(await facet(page, 'server', servers.b.id).locator('.facet-count').textContent(), '2');
    assert.equal(await facet(page, 'label', 'movies').locator('.facet-count').textContent(), '3');
    assert.equal(await facet(page, 'state', 'paused').locator('.facet-count').textContent(), '15');
    await facet(page, 'label', 'movies').click();
    await page.locator('.status-text', { hasText: '3 of 16 torrents' }).waitFor();
    assert.equal(await shownRows(page), 3);
    assert.match(page.url(), /#\/torrents\?label=movies$/);
    // Numeric columns sort descending on the first click.
    await page.click('.vcell.head[data-key=size] .sort');
    await page.locator('.vcell.head[data-key=size][aria-sort=descending]').waitFor();
    assert.match(page.url(), /sort=-size/);

    await page.reload();
    await page.locator('.status-text', { hasText: '3 of 16 torrents' }).waitFor({ timeout: LIVE });
    assert.equal(await facet(page, 'label', 'movies').getAttribute('aria-pressed'), 'true');
    // Another page and back (no query in the link): restored from storage.
    await page.click('nav >> text=Servers');
    await page.click('nav >> text=Torrents');
    await page.locator('.status-text', { hasText: '3 of 16 torrents' }).waitFor({ timeout: LIVE });
    await page.locator('.vcell.head[data-key=size][aria-sort=descending]').waitFor();
    await facet(page, 'label', 'movies').click(); // a second click stops filtering
    await page.locator('.status-text', { hasText: /^16 torrents/ }).waitFor();
    await page.click('.vcell.head[data-key=name] .sort');
    await page.locator('.vcell.head[data-key=name][aria-sort=ascending]').waitFor();
    assert.match(page.url(), /#\/torrents$/);
  });

  step('counts follow live updates', async () => {
    const [first] = torrents.b;
    await api('POST', `/torrents/${first.infoHash}/start?server_id=${servers.b.id}`);
    await page.waitForFunction(() => document.querySelector(
      '.sidebar button.facet[data-facet=state][data-value=paused] .facet-count',
    )?.textContent === '14', null, { timeout: LIVE });
    await api('POST', `/torrents/${first.infoHash}/stop?server_id=${servers.b.id}`);
    await page.waitForFunction(() => document.querySelector(
      '.sidebar button.facet[data-facet=state][data-value=paused] .facet-count',
    )?.textContent === '15', null, { timeout: LIVE });
  });

  step('a tracker error is marked in the table, counted and filterable', async () => {
    const name = rowOf(page, 'alpha-announcing').locator('.vcell.name');
    await name.and(page.locator('[data-error=tracker]')).waitFor({ timeout: 60_000 });
    assert.equal(await name.getAttribute('title'), 'Tracker error: not authorized\nalpha-announcing');
    const content = await name.evaluate((cell) => getComputedStyle(cell, '::before').content);
    assert.equal(content, '"⚠"');
    assert.equal(await facet(page, 'error', 'tracker').locator('.facet-count').textContent(), '1');
    assert.equal(await facet(page, 'error', 'any').locator('.facet-count').textContent(), '1');
    await facet(page, 'error', 'tracker').click();
    await page.locator('.status-text', { hasText: '1 of 16 torrents' }).waitFor();
    assert.equal(await shownRows(page), 1);
    await facet(page, 'error', 'tracker').click();
    await page.locator('.status-text', { hasText: /^16 torrents/ }).waitFor();
  });

  step('tracker status: counted, filterable, kept in the address', async () => {
    // "not authorized" is a tracker's message, not one saying the torrent is gone.
    const other = facet(page, 'trackerStatus', 'error');
    await page.waitForFunction(() => document.querySelector(
      '.sidebar button.facet[data-facet=trackerStatus][data-value=error] .facet-count',
    )?.textContent === '1', null, { timeout: LIVE });
    assert.equal(await facet(page, 'trackerStatus', 'unregistered').locator('.facet-count').textContent(), '0');
    assert.equal(await facet(page, 'trackerStatus', 'unregistered').getAttribute('class'), 'facet empty');
    await other.click();
    await page.locator('.status-text', { hasText: '1 of 16 torrents' }).waitFor();
    assert.match(page.url(), /tracker_status=error/);
    assert.equal(await rowOf(page, 'alpha-announcing').count(), 1);
    await other.click();
    await page.locator('.status-text', { hasText: /^16 torrents/ }).waitFor();
  });

  step('trackers: grouped by host, counted, filterable', async () => {
    await facet(page, 'tracker', '127.0.0.2').waitFor({ timeout: LIVE });
    assert.equal(await facet(page, 'tracker', '127.0.0.1').locator('.facet-count').textContent(), '15');
    assert.equal(await facet(page, 'tracker', '127.0.0.2').locator('.facet-count').textContent(), '1');
    await facet(page, 'tracker', '127.0.0.2').click();
    await page.locator('.status-text', { hasText: '1 of 16 torrents' }).waitFor();
    assert.match(page.url(), /tracker=127\.0\.0\.2/);
    assert.equal(await rowOf(page, 'alpha-announcing').count(), 1);
    await page.locator('.clear-filters').click();
    await page.locator('.status-text', { hasText: /^16 torrents/ }).waitFor();
  });

  step('fleet totals per server and the speed graph', async () => {
    const fleet = facet(page, 'server', servers.a.id).locator('xpath=..').locator('.fleet');
    // Free space comes with the server's health (asked at most once a minute).
    await page.locator('.fleet', { hasText: / free$/ }).first().waitFor({ timeout: 70_000 });
    assert.match(await fleet.textContent(), /^↓ .+ ↑ .+ · [\d.]+ [KMGT]iB free$/);
    const graph = page.locator('.statusbar canvas.speed-graph');
    assert.equal(await graph.isVisible(), true);
    assert.match(await graph.getAttribute('aria-label'), /peak ↓/);
  });

  step('column chooser and resizing, both remembered', async () => {
    await page.click('.column-chooser summary');
    await page.locator('.column-menu input[data-key=server_name]').uncheck();
    assert.equal(await page.locator('.vcell.head[data-key=server_name]').count(), 0);
    await page.locator('.column-menu input[data-key=ratio]').check();
    await page.locator('.vcell.head[data-key=ratio]').waitFor();
    await page.click('.column-chooser summary');
    const size = page.locator('.vcell.head[data-key=size]');
    const before = (await size.boundingBox()).width;
    const handle = await size.locator('.resize-handle').boundingBox();
    await page.mouse.move(handle.x + 3, handle.y + 5);
    await page.mouse.down();
    await page.mouse.move(handle.x + 33, handle.y + 5, { steps: 4 });
    await page.mouse.up();
    const after = (await size.boundingBox()).width;
    assert.ok(Math.abs(after - before - 30) <= 2, `size column ${before} → ${after}`);
    await page.reload();
    await page.locator('.status-text', { hasText: '16 torrents' }).waitFor({ timeout: LIVE });
    assert.equal(await page.locator('.vcell.head[data-key=server_name]').count(), 0);
    assert.equal(await page.locator('.vcell.head[data-key=ratio]').count(), 1);
    assert.ok(Math.abs((await size.boundingBox()).width - after) <= 1);
    await page.click('.column-chooser summary');
    await page.locator('.column-menu input[data-key=server_name]').check();
    await page.locator('.column-menu input[data-key=ratio]').uncheck();
    await page.click('.column-chooser summary');
  });

  step('context menu: start, stop and reannounce from a right click', async () => {
    const row = rowOf(page, 'alpha-01');
    await row.click({ button: 'right' });
    const menu = page.locator('.context-menu[role=menu]');
    assert.deepEqual(await menu.locator('[role=menuitem]').allTextContents(),
      ['Start', 'Stop', 'Recheck', 'Reannounce', 'Labels…', 'Move data…', 'Move to server…', 'Download .torrent', 'Remove…', 'Details']);
    // The selection shows at the table's next render, not synchronously.
    await row.and(page.locator('[aria-selected=true]')).waitFor({ timeout: 5000 });
    await menu.locator('text=Start').click();
    await row.locator('.vcell.state[data-state=downloading]').waitFor({ timeout: LIVE });
    // A menu closed at once (before the page's next task) must leave nothing
    // behind: before the fix, its click-outside listener, added late, closed
    // the next menu at its first click.
    await row.locator('.vcell.name').evaluate((cell) => {
      const { left, top } = cell.getBoundingClientRect();
      cell.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true, clientX: left + 5, clientY: top + 5 }));
      document.activeElement.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    });
    await menu.waitFor({ state: 'detached' });
    await row.click({ button: 'right' });
    const stopped = page.waitForResponse((r) => r.url().endsWith('/torrents/actions'));
    await menu.locator('text=Stop').click();
    const answer = await (await stopped).json();
    assert.equal(answer.success_count, 1, JSON.stringify(answer));
    await row.locator('.vcell.state[data-state=paused]').waitFor({ timeout: LIVE });
    await row.click({ button: 'right' });
    const reannounced = page.waitForResponse((r) => r.url().endsWith('/torrents/actions'));
    await menu.locator('text=Reannounce').click();
    const response = await reannounced;
    assert.equal(response.request().postDataJSON().action, 'reannounce');
    assert.equal((await response.json()).success_count, 1);
    await page.locator('.toast', { hasText: 'Reannounced 1 torrent.' }).waitFor();
    // Download .torrent: the uploaded file, byte for byte, named after the torrent.
    await row.click({ button: 'right' });
    const downloading = page.waitForEvent('download');
    await menu.locator('text=Download .torrent').click();
    const download = await downloading;
    assert.equal(download.suggestedFilename(), 'alpha-01.torrent');
    const saved = await fs.readFile(await download.path());
    const alpha01 = torrents.a.find((torrent) => torrent.name === 'alpha-01');
    assert.ok(saved.equals(alpha01.buffer), 'the stored .torrent is the uploaded one');
    // Move data…: a dialog prefilled with the save path; the client moves it.
    await row.click({ button: 'right' });
    await menu.locator('text=Move data…').click();
    const field = page.locator('.move-dialog input[name=path]');
    const savePath = await field.inputValue();
    assert.ok(savePath.startsWith('/'), savePath);
    const target = `${savePath.replace(/\/+$/, '')}/moved`;
    await field.fill(target);
    const moved = page.waitForResponse((r) => r.url().includes('/location'));
    await page.locator('.move-dialog button[type=submit]').click();
    const movedAnswer = await moved;
    assert.equal(movedAnswer.status(), 200, await movedAnswer.text());
    assert.deepEqual(movedAnswer.request().postDataJSON(), { path: target });
    await page.locator('.toast', { hasText: `Moved 1 torrent to ${target}.` }).waitFor();
    await page.locator('.move-dialog').waitFor({ state: 'detached' });
  });

  step('shortcuts: / s p r l Delete, not while typing', async () => {
    const row = rowOf(page, 'alpha-02');
    await row.click();
    await page.keyboard.press('s');
    await row.locator('.vcell.state[data-state=downloading]').waitFor({ timeout: LIVE });
    await page.keyboard.press('p');
    await row.locator('.vcell.state[data-state=paused]').waitFor({ timeout: LIVE });
    const recheck = page.waitForRequest((r) => r.url().endsWith('/torrents/actions') && r.postDataJSON().action === 'recheck');
    await page.keyboard.press('r');
    const alpha02 = torrents.a.find((torrent) => torrent.name === 'alpha-02');
    assert.equal((await recheck).postDataJSON().torrents[0].info_hash, alpha02.infoHash);
    await page.locator('.toolbar >> text=Recheck').waitFor(); // and a toolbar button
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement.classList.contains('search')), true);
    await page.keyboard.type('sp'); // typed into the search: no start, no stop
    await page.locator('.status-text', { hasText: '0 of 16 torrents' }).waitFor();
    await page.fill('.search', '');
    await page.locator('.status-text', { hasText: /^16 torrents/ }).waitFor();
    await row.click();
    await page.keyboard.press('l');
    await page.locator('dialog.labels-dialog input[name=labels]').waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Delete');
    const confirm = page.locator('dialog', { hasText: 'Remove this torrent' });
    await confirm.locator('li', { hasText: 'alpha-02' }).waitFor();
    await confirm.locator('text=Cancel').click();
  });

  step('the Remove dialog lists up to ten names, then how many more', async () => {
    await page.fill('.search', 'alpha-');
    await page.locator('.status-text', { hasText: '13 of 16 torrents' }).waitFor();
    await page.locator('.vtable').focus();
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Delete');
    const confirm = page.locator('dialog', { hasText: 'Remove these 13 torrents' });
    await confirm.waitFor();
    assert.equal(await confirm.locator('ul.remove-names li:not(.muted)').count(), 10);
    assert.equal(await confirm.locator('ul.remove-names li.muted').textContent(), 'and 3 more');
    await confirm.locator('text=Cancel').click();
    await page.fill('.search', '');
    await page.locator('.status-text', { hasText: /^16 torrents/ }).waitFor();
  });

  step('bulk label editing: add to the selection, then remove', async () => {
    await page.fill('.search', 'bravo');
    await page.locator('.status-text', { hasText: '2 of 16 torrents' }).waitFor();
    await page.locator('.vtable').focus();
    await page.keyboard.press('Control+a');
    await page.click('.bulk >> text=Labels…');
    const dialog = page.locator('dialog.labels-dialog');
    const suggestions = await dialog.locator('datalist option').evaluateAll((options) => options.map((o) => o.value));
    assert.deepEqual(suggestions, ['cross-seed', 'keep', 'movies']);
    try {
      await dialog.locator('input[name=labels]').fill('bulk-one, bulk-two');
      await dialog.locator('text=Add labels').click();
      await dialog.waitFor({ state: 'detached' });
      await facet(page, 'label', 'bulk-two').locator('.facet-count', { hasText: '2' }).waitFor({ timeout: LIVE });
      await page.click('.bulk >> text=Labels…');
      await dialog.locator('input[name=labels]').fill('bulk-one');
      await dialog.locator('text=Remove labels').click();
      await facet(page, 'label', 'bulk-one').waitFor({ state: 'detached', timeout: LIVE });
      assert.equal(await facet(page, 'label', 'bulk-two').locator('.facet-count').textContent(), '2');
    } finally {
      if (await dialog.isVisible()) await page.keyboard.press('Escape'); // later steps need the page
      await page.fill('.search', '');
    }
  });

  step('a server filter whose server is deleted stops filtering (bug: stale filter)', async () => {
    await facet(page, 'server', servers.b.id).click();
    await page.locator('.status-text', { hasText: '2 of 16 torrents' }).waitFor();
    await api('DELETE', `/servers/${servers.b.id}`);
    // Before the fix the query kept the deleted server: "0 of 14 torrents".
    await page.locator('.status-text', { hasText: /^14 torrents/ }).waitFor({ timeout: LIVE });
    assert.equal(await shownRows(page), 14);
    assert.equal(await page.locator('.sidebar button.facet[aria-pressed=true]').count(), 0);
    assert.doesNotMatch(page.url(), /server=/);
  });

  step('a label filter whose last torrent is removed stops filtering (bug: stale filter)', async () => {
    await facet(page, 'label', 'movies').click();
    await page.locator('.status-text', { hasText: '3 of 14 torrents' }).waitFor();
    await page.locator('.vtable').focus();
    await page.keyboard.press('Control+a');
    await page.click('.bulk >> text=Remove');
    await page.locator('dialog button[type=submit]').click();
    await page.locator('.status-text', { hasText: /^11 torrents/ }).waitFor({ timeout: LIVE });
    assert.equal(await shownRows(page), 11);
    assert.equal(await facet(page, 'label', 'movies').count(), 0);
  });

  step('dark desktop: the same view, readable', async () => {
    const dark = await stack.browser.newContext({
      viewport: DESKTOP, colorScheme: 'dark', storageState: await desktop.storageState(),
    });
    try {
      const darkPage = await dark.newPage();
      const darkProblems = watchPage(darkPage, base);
      await darkPage.goto(`${base}/#/torrents`);
      await darkPage.locator('.status-text', { hasText: '11 torrents' }).waitFor({ timeout: LIVE });
      const [background, text] = await darkPage.locator('.sidebar').evaluate((el) => [
        getComputedStyle(el).backgroundColor, getComputedStyle(el).color]);
      assert.equal(background, 'rgb(28, 32, 40)');
      assert.equal(text, 'rgb(229, 232, 239)');
      assert.ok(await darkPage.locator('.vtable-head .vcell[data-key=added_at]').isVisible());
      await screenshot(darkPage, 'table-desktop-dark');
      assert.deepEqual(darkProblems, []);
    } finally {
      await dark.close();
    }
  });

  for (const colorScheme of ['light', 'dark']) {
    step(`phone (${colorScheme}): two-line cards, filters toggle, tap opens details, ⋯ menu`, async () => {
      const phone = await stack.browser.newContext({ ...PHONE, colorScheme, storageState: await desktop.storageState() });
      try {
        const phonePage = await phone.newPage();
        const phoneProblems = watchPage(phonePage, base);
        await phonePage.goto(`${base}/#/torrents`);
        await phonePage.locator('.status-text', { hasText: '11 torrents' }).waitFor({ timeout: LIVE });
        const card = phonePage.locator('.vrow:not([hidden])', { has: phonePage.locator('.card-name', { hasText: LONG_NAME }) });
        assert.equal(await card.locator('.card-name').textContent(), LONG_NAME);
        const nameBox = await card.locator('.card-name').boundingBox();
        assert.ok(nameBox.height > 25, 'the long name wraps onto a second line');
        assert.equal(await card.locator('.card-meta').textContent(), 'Alpha · 16.0 KiB · ↓ – ↑ – · paused 0.0%');
        assert.equal(await phonePage.locator('.sidebar').isVisible(), false);
        assert.equal(await phonePage.locator('.vtable-head').isVisible(), false);
        const overflow = await phonePage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
        await screenshot(phonePage, `table-phone-${colorScheme}`);

        // One toolbar row: + Add torrent, the search and the Filters toggle.
        const tops = await Promise.all(['.add-torrent-button', '.search', '.filters-toggle']
          .map(async (selector) => (await phonePage.locator(selector).boundingBox()).y));
        assert.ok(Math.max(...tops) - Math.min(...tops) < 10, `toolbar rows at ${tops}`);
        await phonePage.locator('.filters-toggle').tap();
        await phonePage.locator('.sidebar').waitFor();
        // No headers to click on a phone: the sort is chosen in the filters.
        await phonePage.locator('.sort-choice select').selectOption('-size');
        await phonePage.waitForFunction(() => location.hash.includes('sort=-size'));
        await phonePage.locator('.sort-choice select').selectOption('name');
        await phonePage.waitForFunction(() => !location.hash.includes('sort='));
        await phonePage.locator('.sidebar button.facet[data-facet=label][data-value=keep]').tap();
        await phonePage.locator('.status-text', { hasText: '1 of 11 torrents' }).waitFor();
        await phonePage.locator('.filters-toggle').tap();
        await card.locator('.card-meta').tap();
        await phonePage.locator('.details-title', { hasText: LONG_NAME }).waitFor();
        await card.and(phonePage.locator('[aria-selected=true]')).waitFor();
        await phonePage.click('[aria-label="Close details"]');
        // A long press opens the menu too.
        const box = await card.locator('.card-meta').boundingBox();
        const touch = await phone.newCDPSession(phonePage);
        const point = { x: box.x + 20, y: box.y + 5 };
        await touch.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] });
        await phonePage.locator('.context-menu[role=menu]').waitFor();
        await touch.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
        await phonePage.keyboard.press('Escape');
        await phonePage.locator('.context-menu').waitFor({ state: 'detached' });
        await card.locator('.row-menu').tap();
        await phonePage.locator('.context-menu [role=menuitem]', { hasText: 'Labels…' }).waitFor();
        await phonePage.locator('.context-menu [role=menuitem]', { hasText: 'Details' }).tap();
        await phonePage.locator('.details-title', { hasText: LONG_NAME }).waitFor();
        await phonePage.click('[aria-label="Close details"]');
        await phonePage.locator('.sidebar').evaluate(() => {}); // still attached
        await phonePage.locator('.filters-toggle').tap();
        await phonePage.locator('.sidebar button.facet[data-facet=label][data-value=keep]').tap();
        await phonePage.locator('.status-text', { hasText: /^11 torrents/ }).waitFor();
        assert.deepEqual(phoneProblems, []);
      } finally {
        await phone.close();
      }
    });
  }

  step('no server yet: an "Add your first server" button, adding torrents disabled', async () => {
    const fresh = await stack.browser.newContext({ viewport: DESKTOP });
    try {
      await fresh.request.post(`${base}/auth/register`, { data: { username: 'newcomer', password: PASSWORD } });
      await fresh.request.post(`${base}/auth/login`, { data: { username: 'newcomer', password: PASSWORD } });
      const freshPage = await fresh.newPage();
      await freshPage.goto(`${base}/#/torrents`);
      const button = freshPage.locator('.empty-note button', { hasText: 'Add your first server' });
      await button.waitFor({ timeout: LIVE });
      assert.equal(await freshPage.locator('.add-torrent-button').isDisabled(), true);
      assert.equal(await freshPage.locator('.add-hint').textContent(), 'Add a server first');
      await button.click();
      await freshPage.waitForFunction(() => location.hash.startsWith('#/servers/new'));
    } finally {
      await fresh.close();
    }
  });

  step('the page talked to no other origin and broke no policy', async () => {
    assert.deepEqual(problems, []);
  });
});
