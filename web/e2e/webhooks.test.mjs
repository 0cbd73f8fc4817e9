// Browser test of the webhooks page against the real server: a bad URL's
// refusal shown, a hook added (secret shown once, copied), the test delivery
// received by a loopback HTTP endpoint and signed with that secret, the
// deliveries log, delete. Run: cd web && node --test e2e/webhooks.test.mjs

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, describe } from 'node:test';
import { screenshot, startStackWithPage, stepsOn } from './harness.mjs';
import { callApi, createFirstAdmin } from './page-api.mjs';

const USER = 'hooks-admin';
const PASSWORD = 'hooks admin password';

/** A loopback endpoint that records what it receives and answers 200. */
function startReceiver() {
  const received = [];
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks) });
      response.end('ok');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${server.address().port}/hook`,
      received,
      stop: () => new Promise((done) => server.close(done)),
    }));
  });
}

describe('webhooks', { timeout: 120_000 }, () => {
  let stack;
  let page;
  let problems;
  let receiver;
  let secret;

  before(async () => {
    ({ stack, page, problems } = await startStackWithPage({
      viewport: { width: 1440, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'],
    }));
    receiver = await startReceiver();
    await createFirstAdmin(page, stack.server.url, USER, PASSWORD);
    // The receiver is on loopback: let this user's hooks reach it.
    const me = (await callApi(page, 'GET', '/auth/me')).body;
    const allowed = await callApi(page, 'PUT', `/admin/users/${me.user_id}/targets`, { allow_private_targets: true });
    assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
  });

  after(async () => {
    await receiver?.stop();
    await stack?.stop();
  });

  const step = stepsOn(() => page);

  step('a bad URL is refused with the server\'s reason', async () => {
    await page.click('nav >> text=Webhooks');
    await page.locator('text=No webhooks.').waitFor();
    await page.fill('input[name=url]', 'ftp://127.0.0.1/hook');
    await page.click('.webhook-form button[type=submit]');
    const error = page.locator('.webhook-form p.error');
    await error.waitFor();
    assert.notEqual((await error.textContent()).trim(), '');
  });

  step('add: the secret is shown once and copied', async () => {
    await page.fill('input[name=url]', receiver.url);
    await page.check('input[name=event][value="webhook.test"]');
    await page.check('input[name=event][value="torrent.completed"]');
    await page.click('.webhook-form button[type=submit]');
    secret = await page.locator('dialog input.key-value').inputValue();
    assert.match(secret, /^[0-9a-f]{64}$/);
    await page.click('dialog button.copy');
    await page.locator('dialog >> text=Copied.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
    await page.click('dialog .dialog-close');
    const row = page.locator('table.webhooks tbody tr');
    await row.locator('.webhook-url', { hasText: receiver.url }).waitFor();
    assert.match(await row.textContent(), /webhook\.test, torrent\.completed|torrent\.completed, webhook\.test/);
    assert.match(await row.locator('.last-delivery').textContent(), /none yet/);
  });

  step('Test sends a signed delivery and shows its result', async () => {
    await page.click('table.webhooks button[name=test]');
    const result = page.locator('.webhook-test-result .outcome.done');
    await result.waitFor();
    assert.match(await result.textContent(), /ok · HTTP 200/);
    assert.equal(receiver.received.length, 1);
    const [delivery] = receiver.received;
    assert.equal(delivery.headers['x-tm-event'], 'webhook.test');
    const signature = createHmac('sha256', secret).update(delivery.body).digest('hex');
    assert.equal(delivery.headers['x-tm-signature'], `sha256=${signature}`);
    await page.locator('table.webhooks .last-delivery .outcome.done').waitFor();
  });

  step('the deliveries log, then delete', async () => {
    await page.click('table.webhooks button[name=deliveries]');
    const rows = page.locator('dialog table.deliveries tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().textContent(), /webhook\.test/);
    await screenshot(page, 'webhook-deliveries');
    await page.click('dialog .dialog-close');
    await page.click('table.webhooks button[name=delete]');
    await page.click('dialog >> button:has-text("Delete")');
    await page.locator('text=No webhooks.').waitFor();
    assert.deepEqual(problems, []);
  });
});
