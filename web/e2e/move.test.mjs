// "Move to server…" against the real server: a torrent seeded by the
// stack's transmission-daemon (announcing to the loopback tracker of
// swarm.mjs) moves to a real rTorrent from the test kit; the dialog follows
// the job live to its end, and the Jobs page lists it. A second move, which
// cannot progress (no tracker answers), is canceled from the dialog.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { screenshot, startStackWithPage, startTestDaemon, stepsOn } from './harness.mjs';
import { callApi, createFirstAdmin, registerServer, registerTransmission, uploadTorrent } from './page-api.mjs';
import { makeSeedableTorrent, startTracker } from './swarm.mjs';

const USER = 'mover';
const PASSWORD = 'mover admin password';
const MOVE_TIMEOUT = 120_000;

const rowOf = (page, name) => page.locator('.vrow:not([hidden])', { has: page.locator('.vcell.name', { hasText: name }) });

describe('moving a torrent to another server', { timeout: 300_000 }, () => {
  let stack;
  let rtorrent;
  let tracker;
  let page;
  let problems;
  let source;
  let moved;
  let stuck;

  before(async () => {
    let opened;
    [opened, rtorrent, tracker] = await Promise.all([startStackWithPage(), startTestDaemon('rtorrent'), startTracker()]);
    ({ stack, page, problems } = opened);
    moved = makeSeedableTorrent(stack.transmission.downloadDir, 'moved.bin', tracker.url, 1024 * 1024);
    stuck = makeSeedableTorrent(stack.transmission.downloadDir, 'stuck.bin', 'http://127.0.0.1:1/announce', 64 * 1024);
  });

  after(async () => {
    await tracker?.stop();
    await rtorrent?.stop();
    await stack?.stop();
  });

  const step = stepsOn(() => page);
  const complete = async (torrent) => {
    for (let i = 0; i < 150; i++) {
      const { body } = await callApi(page, 'GET', `/torrents/${torrent.infoHash}?server_id=${source}`);
      if (body?.complete) return;
      await page.waitForTimeout(200);
    }
    throw new Error(`${torrent.name} never completed on the source`);
  };
  const menuItems = async (torrent) => {
    await rowOf(page, torrent.name).click({ button: 'right' });
    const menu = page.locator('.context-menu[role=menu]');
    const items = await menu.locator('[role=menuitem]').allTextContents();
    return { menu, items };
  };

  step('with one server the menu offers no move to another', async () => {
    await createFirstAdmin(page, stack.server.url, USER, PASSWORD);
    source = await registerTransmission(page, stack.transmission, 'source');
    for (const torrent of [moved, stuck]) assert.equal(await uploadTorrent(page, torrent, { server_id: source }), 200);
    await tracker.announced;
    await complete(moved);
    await complete(stuck);
    await rowOf(page, moved.name).waitFor();
    const { items } = await menuItems(moved);
    assert.ok(!items.includes('Move to server…'), items.join(', '));
    await page.keyboard.press('Escape');
  });

  step('the dialog moves it to rTorrent and follows the job to its end', async () => {
    await registerServer(page, { ...rtorrent.server, name: 'target' });
    await page.reload(); // the server list the menu consults, now with both
    await rowOf(page, moved.name).waitFor();
    const { menu } = await menuItems(moved);
    await menu.locator('text=Move to server…').click();
    const dialog = page.locator('dialog.move-server-dialog');
    await dialog.waitFor();
    assert.deepEqual(await dialog.locator('select[name=to_server_id] option').allTextContents(), ['target (rtorrent)']);
    assert.equal(await dialog.locator('input[name=remove_source]').isChecked(), true);
    assert.equal(await dialog.locator('input[name=delete_data]').isChecked(), false);
    await dialog.locator('button[type=submit]').click();
    const status = dialog.locator('.job-status');
    await status.waitFor();
    await screenshot(page, 'move-dialog-running');
    await dialog.locator('.job-status[data-state=succeeded]').waitFor({ timeout: MOVE_TIMEOUT });
    assert.match(await status.locator('.job-summary').textContent(), /^Succeeded · 100%$/);
    assert.match(await status.locator('.job-message').textContent(), /^Moved to 'target'/);
    assert.equal(await dialog.locator('button', { hasText: 'Cancel move' }).isVisible(), false);
    await screenshot(page, 'move-dialog-done');
    assert.deepEqual(readFileSync(path.join(rtorrent.downloadDir, moved.name)),
      readFileSync(path.join(stack.transmission.downloadDir, moved.name)));
    await dialog.locator('button', { hasText: 'Close' }).click();
    // The source's copy leaves the table live; the target's stays.
    await page.locator('.vrow:not([hidden]) .vcell.name', { hasText: moved.name }).first().waitFor();
    const { body: left } = await callApi(page, 'GET', `/torrents?server_id=${source}`);
    assert.ok(!left.some((torrent) => torrent.info_hash === moved.infoHash));
  });

  step('a move that cannot progress is canceled from the dialog', async () => {
    const { menu } = await menuItems(stuck);
    await menu.locator('text=Move to server…').click();
    const dialog = page.locator('dialog.move-server-dialog');
    await dialog.locator('button[type=submit]').click();
    await dialog.locator('.job-status[data-state=running]').waitFor();
    await dialog.locator('button', { hasText: 'Cancel move' }).click();
    await dialog.locator('.job-status[data-state=canceled]').waitFor({ timeout: 30_000 });
    assert.match(await dialog.locator('.job-message').textContent(), /^Canceled/);
    await dialog.locator('button', { hasText: 'Close' }).click();
    const { body: still } = await callApi(page, 'GET', `/torrents?server_id=${source}`);
    assert.ok(still.some((torrent) => torrent.info_hash === stuck.infoHash), 'the source keeps it');
  });

  step('the Jobs page lists both, newest first', async () => {
    await page.click('nav >> text=Jobs');
    const rows = page.locator('table.list.jobs tbody tr');
    await rows.nth(1).waitFor();
    assert.deepEqual(await rows.locator('td[data-label=Torrent]').allTextContents(), [stuck.name, moved.name]);
    assert.deepEqual(await rows.locator('td[data-label=State]').allTextContents(), ['Canceled', 'Succeeded']);
    assert.deepEqual(await rows.locator('td[data-label=To]').allTextContents(), ['target', 'target']);
    assert.equal(await rows.locator('button:visible', { hasText: 'Cancel' }).count(), 0);
    await screenshot(page, 'jobs-page');
    assert.deepEqual(problems, []);
  });
});
