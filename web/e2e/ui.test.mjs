// Browser tests of the web UI against the real server and a real
// transmission-daemon. Run: cd web && npm ci && node --test e2e/

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { screenshot, startStackWithPage, stepsOn, watchPage } from './harness.mjs';
import { makeTorrent } from './torrent-file.mjs';

const USER = 'alice';
const PASSWORD = 'correct horse battery';
const XSS_NAME = '<img src=x onerror=alert(1)>';
const LIVE_TIMEOUT = 15_000; // a few poll intervals

/** The table row of the torrent with this exact name. */
const rowOf = (page, name) => page.locator('.vrow:not([hidden])', { has: page.locator('.vcell.name', { hasText: name }) });

async function uploadTorrent(page, torrent, { start = true } = {}) {
  await page.click('text=+ Add torrent');
  const dialog = page.locator('dialog.add-torrent');
  await dialog.locator('input[type=file]').setInputFiles({
    name: `${torrent.infoHash}.torrent`, mimeType: 'application/x-bittorrent', buffer: torrent.buffer,
  });
  if (!start) await dialog.locator('input[name=start]').uncheck();
  await dialog.locator('button[type=submit]').click();
  await dialog.waitFor({ state: 'detached' });
}

describe('web UI', { timeout: 180_000 }, () => {
  let stack;
  let context;
  let page;
  let problems;

  before(async () => {
    ({ stack, context, page, problems } = await startStackWithPage({ viewport: { width: 1280, height: 800 } }));
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.server.url });
  });

  after(async () => {
    await stack?.stop();
  });

  const step = stepsOn(() => page);

  step('register, then log in', async () => {
    await page.goto(`${stack.server.url}/`);
    await page.locator('h1', { hasText: 'Create the admin account' }).waitFor(); // a fresh install
    await page.fill('input[name=username]', USER);
    await page.fill('input[name=password]', PASSWORD);
    await page.fill('input[name=confirm_password]', PASSWORD);
    await page.check('input[name=remember_me]');
    await page.click('form.login button[type=submit]');
    await page.locator('.whoami', { hasText: USER }).waitFor();
    // Later steps register another user: keep registration open.
    await page.click('dialog >> text=Keep it open');
    await page.locator('.live-indicator[data-state=live]').waitFor();
    // The first account is the admin.
    assert.equal(await page.locator('[data-route=admin]').isVisible(), true);
    // A marker that a reload would wipe: later steps prove updates arrive live.
    await page.evaluate(() => { window.e2eNoReload = true; });
  });

  step('add the real transmission-daemon and test it', async () => {
    await page.click('nav >> text=Servers');
    await page.click('text=+ Add server');
    const form = page.locator('form.server-form');
    await form.locator('input[name=name]').fill('Local <b>Transmission</b>');
    await form.locator('select[name=server_type]').selectOption('transmission');
    await form.locator('input[name=host]').fill('127.0.0.1');
    await form.locator('input[name=port]').fill(String(stack.transmission.port));
    await form.locator('input[name=rpc_path]').fill(stack.transmission.rpcPath);
    await form.locator('input[name=username]').fill(stack.transmission.username);
    await form.locator('input[name=password]').fill(stack.transmission.password);
    await form.locator('input[name=is_default]').check();
    await form.locator('button[type=submit]').click();
    await form.waitFor({ state: 'detached' });

    const card = page.locator('article.server');
    await card.locator('h2', { hasText: 'Local <b>Transmission</b>' }).waitFor(); // the name is text, not markup
    await card.locator('text=Test connection').click();
    await card.locator('.test-result.connected').waitFor();
    await card.locator('.badge[data-status=connected]').waitFor({ timeout: LIVE_TIMEOUT });
    assert.match(await card.textContent(), /Transmission 3|transmission/);
  });

  step('upload a torrent, see it live, stop it, remove it', async () => {
    await page.click('nav >> text=Torrents');
    const torrent = makeTorrent('e2e-ubuntu.iso');
    await uploadTorrent(page, torrent);

    const row = rowOf(page, 'e2e-ubuntu.iso');
    await row.waitFor({ timeout: LIVE_TIMEOUT });
    await assert.doesNotReject(row.locator('.vcell.state:not([data-state=paused])').waitFor({ timeout: LIVE_TIMEOUT }));

    await row.click();
    await page.click('.bulk >> text=Stop');
    await row.locator('.vcell.state[data-state=paused]').waitFor({ timeout: LIVE_TIMEOUT });

    await page.click('.bulk >> text=Remove');
    const confirm = page.locator('dialog');
    await confirm.locator('input[name=option]').check(); // delete data too
    await confirm.locator('button[type=submit]').click();
    await row.waitFor({ state: 'hidden', timeout: LIVE_TIMEOUT });
    assert.equal(await page.evaluate(() => window.e2eNoReload), true, 'the page was reloaded');
  });

  step('a torrent named like markup shows as text and runs nothing', async () => {
    const torrent = makeTorrent(XSS_NAME);
    await uploadTorrent(page, torrent, { start: false });
    const row = rowOf(page, XSS_NAME);
    await row.waitFor({ timeout: LIVE_TIMEOUT });
    assert.equal(await row.locator('.vcell.name').textContent(), XSS_NAME);

    await row.dblclick(); // the details panel shows the name too
    await page.locator('.details-title', { hasText: XSS_NAME }).waitFor();
    await page.click('.tabs >> text=Files');
    await page.locator('.details-body table').waitFor();
    assert.equal(await page.locator('img').count(), 0, 'an <img> element was created from data');
    assert.deepEqual(problems.filter((p) => p.startsWith('JS dialog')), []);
    await page.click('[aria-label="Close details"]');
  });

  step('API key: create, copy, revoke', async () => {
    await page.click('nav >> text=API keys');
    await page.fill('form.create-key input[name=name]', 'e2e script');
    await page.click('form.create-key button[type=submit]');
    const shown = page.locator('dialog input.key-value');
    const key = await shown.inputValue();
    assert.match(key, /^tm_/);
    await page.click('dialog button.copy');
    await page.locator('dialog', { hasText: 'Copied.' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), key);

    const meWith = (apiKey) => fetch(`${stack.server.url}/auth/me`, { headers: { Authorization: `Bearer ${apiKey}` } });
    assert.equal((await meWith(key)).status, 200);

    await page.keyboard.press('Escape'); // dialogs close on Escape
    await shown.waitFor({ state: 'detached' });
    const row = page.locator('table.api-keys tr', { hasText: 'e2e script' });
    await row.locator('text=Revoke').click();
    await page.locator('dialog button[type=submit]').click();
    await row.waitFor({ state: 'detached' });
    assert.equal((await meWith(key)).status, 401);
  });

  step('admin: let a user reach private addresses', async () => {
    const registered = await fetch(`${stack.server.url}/auth/register`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'bob', password: 'bob-password' }),
    });
    assert.equal(registered.status, 200);
    const bobId = (await registered.json()).user_id;
    await page.click('[data-route=admin]');
    const allow = page.getByLabel('bob may reach private addresses');
    assert.equal(await allow.isChecked(), false);
    assert.equal(await page.getByLabel(`${USER} may reach private addresses`).isDisabled(), true, 'admins always may');
    const saved = page.waitForResponse((r) => r.url().endsWith(`/admin/users/${bobId}/targets`) && r.request().method() === 'PUT');
    await allow.check();
    assert.equal((await saved).status(), 200);
    await page.getByLabel('bob may reach private addresses').and(page.locator(':checked')).waitFor();
  });

  step('phone-sized screen', async () => {
    const phone = await stack.browser.newContext({
      viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
      storageState: await context.storageState(),
    });
    const phonePage = await phone.newPage();
    const phoneProblems = watchPage(phonePage, stack.server.url);
    try {
      await phonePage.goto(`${stack.server.url}/#/torrents`);
      // Phones show a two-line card per torrent instead of table cells.
      await phonePage.locator('.vrow:not([hidden]) .card-name', { hasText: XSS_NAME }).waitFor({ timeout: LIVE_TIMEOUT });
      const file = await screenshot(phonePage, 'phone-torrents');
      console.log(`# phone screenshot: ${file}`);
      const overflow = await phonePage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
      assert.deepEqual(phoneProblems, []);
    } finally {
      await phone.close();
    }
  });

  step('the page talked to no other origin and broke no policy', async () => {
    assert.deepEqual(problems, []);
  });
});
