// Browser test of a server's Files page: a real nginx of the test kit
// serves a folder (autoindex, basic auth) as the server's HTTP location;
// the server form shows its fields, the page lists folders with
// breadcrumbs, names stay text, and a file downloads byte for byte.
// Run: cd web && node --test e2e/files.test.mjs

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { addTestDaemon, screenshot, startStack, watchPage, withScreenshotOnFailure } from './harness.mjs';
import { callApi, createFirstAdmin } from './page-api.mjs';

const USER = 'files-admin';
const PASSWORD = 'files admin password';
const FOLDER = 'Season <em>1 &amp;';

describe('the Files page of a server', { timeout: 120_000 }, () => {
  let stack;
  let page;
  let problems;
  let nginx;
  const content = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 251));

  before(async () => {
    stack = await startStack();
    const files = path.join(stack.root, 'seedbox');
    mkdirSync(path.join(files, FOLDER), { recursive: true });
    writeFileSync(path.join(files, FOLDER, 'ep 1.mkv'), content);
    writeFileSync(path.join(files, 'notes.txt'), 'hello');
    nginx = await addTestDaemon(stack, 'files', files);
    const context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    problems = watchPage(page, stack.server.url);
  });

  after(async () => {
    await stack?.stop();
  });

  const step = (name, body) => test(name, () => withScreenshotOnFailure(page, name, body));

  step('the server form keeps the HTTP location', async () => {
    await createFirstAdmin(page, stack.server.url, USER, PASSWORD);
    const created = await callApi(page, 'POST', '/servers', {
      name: 'box', server_type: 'transmission', host: '127.0.0.1', port: stack.transmission.port,
      rpc_path: stack.transmission.rpcPath, username: stack.transmission.username,
      password: stack.transmission.password, ...nginx.server,
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    await page.goto(`${stack.server.url}/#/servers`);
    const card = page.locator('article.server', { hasText: 'box' });
    await card.locator('button', { hasText: 'Edit' }).click();
    assert.equal(await page.inputValue('input[name=http_port]'), String(nginx.server.http_port));
    assert.equal(await page.inputValue('input[name=http_path]'), nginx.server.http_path);
    assert.equal(await page.inputValue('input[name=http_password]'), '');
    assert.match(await page.getAttribute('input[name=http_password]', 'placeholder'), /unchanged/);
    await page.click('dialog >> text=Cancel');
  });

  step('folders open with breadcrumbs and files download', async () => {
    await page.locator('article.server', { hasText: 'box' }).locator('a', { hasText: 'Files' }).click();
    await page.locator('h1', { hasText: 'Files on box' }).waitFor();
    const folder = page.locator('tr[data-kind=folder] a');
    assert.equal(await folder.textContent(), `${FOLDER}/`);
    assert.equal(await page.locator('.seedbox-files em').count(), 0, 'names are text, not markup');
    assert.deepEqual(await page.locator('td.name').allTextContents(), [`${FOLDER}/`, 'notes.txt']);
    await folder.click();
    await page.locator('nav.crumbs [aria-current=page]', { hasText: FOLDER }).waitFor();
    const file = page.locator('tr[data-kind=file] a', { hasText: 'ep 1.mkv' });
    assert.match(await page.locator('tr[data-kind=file] td.size').textContent(), /293/);
    await screenshot(page, 'server-files');
    const [download] = await Promise.all([page.waitForEvent('download'), file.click()]);
    assert.equal(download.suggestedFilename(), 'ep 1.mkv');
    const saved = await download.path();
    assert.ok(readFileSync(saved).equals(content), 'the download is byte-identical');
    await page.locator('nav.crumbs a', { hasText: 'box' }).click();
    await page.locator('td.name', { hasText: 'notes.txt' }).waitFor();
    assert.deepEqual(problems, []);
  });
});
