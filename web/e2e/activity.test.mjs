// Browser test of the activity log: the Activity page lists who changed
// what (web UI, API key), filters by kind of actor and by text, and the
// torrent details have an Activity tab — against the real server and a
// real transmission-daemon. Run: cd web && node --test e2e/activity.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { screenshot, startStackWithPage, stepsOn } from './harness.mjs';
import { callApi, uploadTorrent, createFirstAdmin, registerTransmission } from './page-api.mjs';
import { makeTorrent } from './torrent-file.mjs';

const USER = 'activity-admin';
const PASSWORD = 'activity admin password';

describe('activity log', { timeout: 180_000 }, () => {
  let stack;
  let page;
  let problems;
  const torrent = makeTorrent('logged <i>torrent</i>');

  before(async () => {
    ({ stack, page, problems } = await startStackWithPage());
  });

  after(async () => {
    await stack?.stop();
  });

  const step = stepsOn(() => page);

  step('changes made in the UI and with a key are listed', async () => {
    await createFirstAdmin(page, stack.server.url, USER, PASSWORD);
    const serverId = await registerTransmission(page, stack.transmission);
    assert.equal(await uploadTorrent(page, torrent, { server_id: serverId, start: 'false' }), 200);
    const key = await callApi(page, 'POST', '/auth/api-keys', { name: 'e2e-script' });
    const stopped = await fetch(`${stack.server.url}/torrents/${torrent.infoHash}/stop?server_id=${serverId}`, {
      method: 'POST', headers: { Authorization: `Bearer ${key.body.api_key}` },
    });
    assert.equal(stopped.status, 200);

    await page.click('nav >> text=Activity');
    const rows = page.locator('table.activity tbody tr');
    await rows.first().waitFor();
    const first = rows.first();
    assert.match(await first.textContent(), /API key: e2e-script/);
    assert.match(await first.textContent(), /stop/);
    // Names are text, never markup.
    await page.locator('table.activity td', { hasText: 'logged <i>torrent</i> (seedbox)' }).first().waitFor();
    assert.equal(await page.locator('table.activity i').count(), 0);
    await screenshot(page, 'activity-page');
  });

  step('filters by kind of actor and by text', async () => {
    await page.selectOption('select[name=actor_kind]', 'api_key');
    const rows = page.locator('table.activity tbody tr');
    await page.waitForFunction(() => document.querySelectorAll('table.activity tbody tr').length === 1);
    assert.match(await rows.first().textContent(), /e2e-script/);
    await page.selectOption('select[name=actor_kind]', '');
    await page.fill('input[name=search]', 'server_create');
    await page.waitForFunction(() => {
      const cells = [...document.querySelectorAll('table.activity tbody tr .activity-action')];
      return cells.length === 1 && cells[0].textContent === 'server_create';
    });
    await page.fill('input[name=search]', 'nothing matches this');
    await page.locator('text=No activity matches.').waitFor();
  });

  step('the torrent details have an Activity tab', async () => {
    await page.click('nav >> text=Torrents');
    const row = page.locator('.vrow:not([hidden])', { has: page.locator('.vcell.name', { hasText: 'logged' }) });
    await row.dblclick();
    await page.click('.details [data-tab=activity]');
    const entries = page.locator('.details table.activity tbody tr');
    await page.waitForFunction(() => document.querySelectorAll('.details table.activity tbody tr').length === 2);
    assert.match(await entries.first().textContent(), /api_key: e2e-script/);
    await screenshot(page, 'activity-tab');
    assert.deepEqual(problems, []);
  });
});
