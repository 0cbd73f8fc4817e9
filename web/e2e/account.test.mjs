// Browser tests of first run, login/register, the account page, the PWA
// manifest and handlers, and the add dialog's extras — against the real
// server and a real transmission-daemon, at desktop and phone sizes, in
// light and dark. Run: cd web && node --test e2e/account.test.mjs

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { launchPersistentContext, screenshot, startStackWithPage, stepsOn, watchPage } from './harness.mjs';
import { makeTorrent } from './torrent-file.mjs';

const ADMIN = 'root-admin';
const PASSWORD = 'first admin password';
const NEW_PASSWORD = 'a brand new password';
const DESKTOP = { viewport: { width: 1440, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const LOOKS = [
  ['desktop', 'light', DESKTOP], ['desktop', 'dark', DESKTOP], ['phone', 'light', PHONE], ['phone', 'dark', PHONE],
];

describe('first run, account page, PWA, add dialog', { timeout: 240_000 }, () => {
  let stack;
  let context;
  let page;
  let problems;

  before(async () => {
    ({ stack, context, page, problems } = await startStackWithPage({ ...DESKTOP, colorScheme: 'light' }));
  });

  after(async () => {
    await stack?.stop();
  });

  const step = stepsOn(() => page);
  const url = (rest = '/') => `${stack.server.url}${rest}`;

  /** A logged-out page in its own context with this look; closed by `close()`. */
  async function freshPage(look, colorScheme, extra = {}) {
    const ctx = await stack.browser.newContext({ ...look, colorScheme, ...extra });
    const fresh = await ctx.newPage();
    return { page: fresh, problems: watchPage(fresh, stack.server.url), close: () => ctx.close() };
  }

  /** Logs in from outside the browser as another device; returns its cookie header. */
  async function loginElsewhere(password, userAgent = 'curl/8.5.0') {
    const answer = await fetch(url('/auth/login'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': userAgent },
      body: JSON.stringify({ username: ADMIN, password }),
    });
    assert.equal(answer.status, 200, await answer.clone().text());
    return answer.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join('; ');
  }
  const meStatus = async (cookie) => (await fetch(url('/auth/me'), { headers: { Cookie: cookie } })).status;

  /** Width of the submit button as a share of its form: the same in every mode. */
  const submitShare = (p) => p.evaluate(() => {
    const form = document.querySelector('form.login');
    const button = form.querySelector('button[type=submit]');
    const padding = parseFloat(getComputedStyle(form).paddingLeft) + parseFloat(getComputedStyle(form).paddingRight);
    return Math.round((button.getBoundingClientRect().width / (form.clientWidth - padding)) * 100);
  });

  const overflow = (p) => p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  step('a fresh install asks for the admin account, not a login', async () => {
    const checkFirstRun = async (p, what) => {
      await p.goto(url());
      const form = p.locator('form.login');
      await form.locator('h1', { hasText: 'Create the admin account' }).waitFor();
      assert.match(await form.textContent(), /first account becomes the admin/, what);
      assert.equal(await form.locator('input[name=confirm_password]').isVisible(), true, what);
      // Nothing to switch to: logging in is impossible without an account.
      assert.equal(await form.locator('button[name=switch_mode]').isVisible(), false, what);
      assert.equal(await submitShare(p), 100, what);
      assert.ok(await overflow(p) <= 0, `${what}: wider than the screen`);
    };
    for (const [size, scheme, look] of LOOKS) {
      const fresh = await freshPage(look, scheme);
      try {
        await checkFirstRun(fresh.page, `${size} ${scheme}`);
        await screenshot(fresh.page, `account-first-run-${size}-${scheme}`);
        assert.deepEqual(fresh.problems, []);
      } finally {
        await fresh.close();
      }
    }
    await checkFirstRun(page, 'desktop light');
  });

  step('the register form checks length and match before the round trip', async () => {
    const registerCalls = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/auth/register')) registerCalls.push(request.url());
    });
    const form = page.locator('form.login');
    await form.locator('input[name=username]').fill(ADMIN);
    await form.locator('input[name=password]').fill('short');
    await form.locator('input[name=confirm_password]').fill('short');
    await form.locator('button[type=submit]').click();
    await form.locator('.error', { hasText: 'at least 8 characters' }).waitFor();
    await form.locator('input[name=password]').fill(PASSWORD);
    await form.locator('input[name=confirm_password]').fill(`${PASSWORD}!`);
    await form.locator('button[type=submit]').click();
    await form.locator('.error', { hasText: 'differ' }).waitFor();
    assert.deepEqual(registerCalls, [], 'the form asked the server anyway');
  });

  step('the first admin is asked to close registration, closing is the default', async () => {
    const form = page.locator('form.login');
    await form.locator('input[name=confirm_password]').fill(PASSWORD);
    await form.locator('button[type=submit]').click();
    await page.locator('.whoami', { hasText: ADMIN }).waitFor();
    const dialog = page.locator('dialog', { hasText: 'Close registration?' });
    await dialog.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Close registration');
    assert.equal(await dialog.locator('button[type=button]', { hasText: 'Keep it open' }).count(), 1);
    await screenshot(page, 'account-close-registration-desktop-light');
    const saved = page.waitForResponse((r) => r.url().endsWith('/admin/settings') && r.request().method() === 'PUT');
    await page.keyboard.press('Enter'); // the default button
    assert.equal((await saved).status(), 200);
    await dialog.waitFor({ state: 'detached' });
    const status = await (await fetch(url('/auth/status'))).json();
    assert.deepEqual(status, { has_users: true, registration_open: false });
  });

  step('with registration closed the login page offers no register link', async () => {
    for (const [size, scheme, look] of LOOKS) {
      const fresh = await freshPage(look, scheme);
      try {
        await fresh.page.goto(url());
        const form = fresh.page.locator('form.login');
        await form.locator('h1', { hasText: 'Log in' }).waitFor();
        assert.equal(await form.locator('text=Create an account').isVisible(), false, `${size} ${scheme}`);
        assert.equal(await form.locator('input[name=confirm_password]').isVisible(), false);
        assert.equal(await submitShare(fresh.page), 100, 'login submit spans the form');
        assert.ok(await overflow(fresh.page) <= 0, `${size} ${scheme}: wider than the screen`);
        await screenshot(fresh.page, `account-login-${size}-${scheme}`);
        assert.deepEqual(fresh.problems, []);
      } finally {
        await fresh.close();
      }
    }
  });

  step('with registration open the register form has the login form\'s layout', async () => {
    const opened = await page.evaluate(async () => (await fetch('/admin/settings', {
      method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ registration_mode: 'open' }),
    })).status);
    assert.equal(opened, 200);
    for (const [size, scheme, look] of LOOKS) {
      const fresh = await freshPage(look, scheme);
      try {
        await fresh.page.goto(url());
        const form = fresh.page.locator('form.login');
        await form.locator('button[name=switch_mode]', { hasText: 'Create an account' }).click();
        await form.locator('h1', { hasText: 'Create an account' }).waitFor();
        assert.equal(await form.locator('input[name=confirm_password]').isVisible(), true);
        assert.equal(await submitShare(fresh.page), 100, `${size} ${scheme}`);
        assert.equal(await form.locator('button[name=switch_mode]').textContent(), 'I already have an account');
        assert.ok(await overflow(fresh.page) <= 0, `${size} ${scheme}: wider than the screen`);
        await screenshot(fresh.page, `account-register-${size}-${scheme}`);
        assert.deepEqual(fresh.problems, []);
      } finally {
        await fresh.close();
      }
    }
    await page.evaluate(() => fetch('/admin/settings', {
      method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ registration_mode: 'closed' }),
    }));
  });

  step('account page: sessions listed, one ended, then all the others', async () => {
    const laptop = await loginElsewhere(PASSWORD, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0');
    await page.click('.topbar .account-link');
    await page.waitForURL(/#\/account$/);
    const rows = page.locator('table.session-list tbody tr');
    await rows.nth(1).waitFor();
    assert.equal(await rows.count(), 2);
    const mine = rows.filter({ hasText: 'This device' });
    assert.equal(await mine.count(), 1);
    const other = rows.filter({ hasText: 'Firefox on Linux' });
    await other.locator('button', { hasText: 'End' }).click();
    await other.waitFor({ state: 'detached' });
    assert.equal(await meStatus(laptop), 401, 'the ended session still works');
    assert.equal(await meStatus(await loginElsewhere(PASSWORD)), 200);

    const phone = await loginElsewhere(PASSWORD, 'Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile Safari/537.36');
    await page.reload();
    await rows.nth(2).waitFor();
    await page.click('button[name=end_other_sessions]');
    await page.locator('dialog button[type=submit]').click();
    await page.locator('.toast', { hasText: 'Ended 2 other sessions.' }).waitFor();
    await rows.nth(1).waitFor({ state: 'detached' });
    assert.equal(await rows.count(), 1);
    assert.equal(await meStatus(phone), 401);
    assert.equal(await page.locator('button[name=end_other_sessions]').isDisabled(), true);
  });

  step('account page: change the password, with confirmation', async () => {
    const elsewhere = await loginElsewhere(PASSWORD);
    const form = page.locator('form.password-form');
    await form.locator('input[name=current_password]').fill(PASSWORD);
    await form.locator('input[name=new_password]').fill(NEW_PASSWORD);
    await form.locator('input[name=confirm_password]').fill('something else');
    await form.locator('button[type=submit]').click();
    await form.locator('.error', { hasText: 'differ' }).waitFor();
    await form.locator('input[name=confirm_password]').fill(NEW_PASSWORD);
    await form.locator('button[type=submit]').click();
    await form.locator('.success', { hasText: 'other sessions were ended' }).waitFor();
    assert.equal(await meStatus(elsewhere), 401, 'another session survived the password change');
    assert.equal(await meStatus(await loginElsewhere(NEW_PASSWORD)), 200);
    assert.equal(await page.evaluate(async () => (await fetch('/auth/me')).status), 200, 'this session was ended');
  });

  step('account page: API docs link and the magnet handler offer', async () => {
    const docs = page.locator('.account-page a[href="/docs"]');
    assert.equal(await docs.isVisible(), true);
    assert.equal((await fetch(url('/docs'))).status, 200);
    await page.click('button[name=magnet_handler]');
    await page.locator('.toast', { hasText: 'magnet links' }).waitFor();
    assert.deepEqual(problems, []);
  });

  step('account page at every size and scheme', async () => {
    const state = await context.storageState();
    for (const [size, scheme, look] of LOOKS) {
      const fresh = await freshPage(look, scheme, { storageState: state });
      try {
        await fresh.page.goto(url('/#/torrents'));
        await fresh.page.locator('.live-indicator[data-state=live]').waitFor();
        const link = fresh.page.locator('.topbar .account-link');
        assert.equal(await link.isVisible(), true, `${size} ${scheme}: no way to the account page`);
        await link.click();
        await fresh.page.locator('table.session-list tbody tr').first().waitFor();
        assert.equal(await fresh.page.locator('form.password-form input[name=confirm_password]').isVisible(), true);
        assert.ok(await overflow(fresh.page) <= 0, `${size} ${scheme}: wider than the screen`);
        await screenshot(fresh.page, `account-page-${size}-${scheme}`);
        assert.deepEqual(fresh.problems, []);
      } finally {
        await fresh.close();
      }
    }
  });

  step('the web app manifest is linked, well formed and served as a manifest', async () => {
    const href = await page.locator('link[rel=manifest]').getAttribute('href');
    const answer = await fetch(url(href));
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('content-type'), 'application/manifest+json');
    const manifest = await answer.json();
    assert.equal(manifest.start_url, '/');
    assert.equal(manifest.scope, '/');
    assert.equal(manifest.display, 'standalone');
    assert.ok(manifest.name && manifest.short_name && manifest.theme_color && manifest.background_color);
    assert.deepEqual(manifest.protocol_handlers, [{ protocol: 'magnet', url: '/?magnet=%s' }]);
    assert.deepEqual(manifest.file_handlers[0].accept, { 'application/x-bittorrent': ['.torrent'] });
    for (const icon of manifest.icons) {
      const image = await fetch(url(icon.src));
      assert.equal(image.status, 200, icon.src);
      assert.equal(image.headers.get('content-type'), icon.type);
      if (icon.type === 'image/png') {
        const png = Buffer.from(await image.arrayBuffer());
        const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)]; // the IHDR chunk
        assert.equal(`${width}x${height}`, icon.sizes);
      }
    }
    assert.deepEqual(manifest.icons.map((icon) => icon.sizes).sort(), ['192x192', '512x512', 'any']);
  });

  step('/?magnet=… opens the add dialog with the link, and the save path is used', async () => {
    const added = await page.evaluate(async (server) => (await fetch('/servers', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(server),
    })).status, {
      name: 'local', server_type: 'transmission', host: '127.0.0.1', port: stack.transmission.port,
      rpc_path: stack.transmission.rpcPath, username: stack.transmission.username, password: stack.transmission.password, is_default: true,
    });
    assert.equal(added, 200);
    const hash = randomBytes(20).toString('hex');
    const magnet = `magnet:?xt=urn:btih:${hash}&dn=e2e-magnet`;
    await page.goto(url(`/?magnet=${encodeURIComponent(magnet)}#/torrents`));
    const dialog = page.locator('dialog.add-torrent');
    await dialog.waitFor();
    assert.equal(await dialog.locator('textarea[name=uris]').inputValue(), magnet);
    assert.equal(new URL(page.url()).search, '', 'the magnet stays in the address (a reload adds it again)');

    const folder = path.join(stack.transmission.downloadDir, 'from-magnet');
    await dialog.locator('input[name=save_path]').fill(folder);
    await dialog.locator('input[name=start]').uncheck();
    await dialog.locator('button[type=submit]').click();
    await dialog.waitFor({ state: 'detached' });
    const torrent = await page.evaluate(async (infoHash) => {
      const list = await (await fetch('/torrents')).json();
      return list.find((t) => t.info_hash === infoHash) ?? null;
    }, hash);
    assert.ok(torrent, 'the magnet was not added');
    assert.equal(torrent.save_path, folder);
  });

  step('add dialog: "Save to" applies to .torrent files too, one or several (bug: files went to the default folder)', async () => {
    const listed = (hashes) => page.evaluate(async (wanted) => (await (await fetch('/torrents')).json())
      .filter((t) => wanted.includes(t.info_hash)).map((t) => [t.info_hash, t.save_path]), hashes);
    for (const names of [['file-one.iso'], ['file-two.iso', 'file-three.iso']]) {
      await page.goto(url('/#/torrents'));
      await page.click('text=+ Add torrent');
      const dialog = page.locator('dialog.add-torrent');
      await dialog.waitFor();
      assert.equal(await dialog.getByText('files go to the default folder').count(), 0, 'the hint says files are not moved');
      const torrents = names.map((name) => makeTorrent(name));
      await dialog.locator('input[type=file]').setInputFiles(torrents.map((torrent) => ({
        name: `${torrent.name}.torrent`, mimeType: 'application/x-bittorrent', buffer: torrent.buffer,
      })));
      const folder = path.join(stack.transmission.downloadDir, `files-${names.length}`);
      await dialog.locator('input[name=save_path]').fill(folder);
      await dialog.locator('input[name=start]').uncheck();
      await dialog.locator('button[type=submit]').click();
      await dialog.waitFor({ state: 'detached' });
      const hashes = torrents.map((torrent) => torrent.infoHash);
      assert.deepEqual((await listed(hashes)).sort(), hashes.map((hash) => [hash, folder]).sort(),
        `${names.length} file(s): not in ${folder}`);
    }
  });

  step('a magnet link opened while logged out is offered after the login', async () => {
    const fresh = await freshPage(PHONE, 'dark');
    try {
      const magnet = `magnet:?xt=urn:btih:${randomBytes(20).toString('hex')}&dn=after-login`;
      await fresh.page.goto(url(`/?magnet=${encodeURIComponent(magnet)}`));
      const form = fresh.page.locator('form.login');
      await form.locator('input[name=username]').fill(ADMIN);
      await form.locator('input[name=password]').fill(NEW_PASSWORD);
      await form.locator('button[type=submit]').click();
      const dialog = fresh.page.locator('dialog.add-torrent');
      await dialog.waitFor();
      assert.equal(await dialog.locator('textarea[name=uris]').inputValue(), magnet);
      assert.ok(await overflow(fresh.page) <= 0, 'wider than the phone');
      await screenshot(fresh.page, 'account-magnet-phone-dark');
      assert.deepEqual(fresh.problems, []);
    } finally {
      await fresh.close();
    }
  });

  step('Chromium finds the app installable; a .torrent opened with it lands in the add dialog', async () => {
    const profile = mkdtempSync(path.join(tmpdir(), 'tm-e2e-profile-'));
    const installable = await launchPersistentContext(profile, { colorScheme: 'dark' });
    try {
      const appPage = installable.pages()[0] ?? await installable.newPage();
      const appProblems = watchPage(appPage, stack.server.url);
      await appPage.goto(url());
      await appPage.locator('form.login').waitFor();
      const cdp = await installable.newCDPSession(appPage);
      const manifest = await cdp.send('Page.getAppManifest');
      assert.deepEqual(manifest.errors, []);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      assert.deepEqual(installabilityErrors, []);

      await appPage.locator('input[name=username]').fill(ADMIN);
      await appPage.locator('input[name=password]').fill(NEW_PASSWORD);
      await appPage.locator('form.login button[type=submit]').click();
      await appPage.locator('.whoami', { hasText: ADMIN }).waitFor();
      const manifestId = url('/');
      await cdp.send('PWA.install', { manifestId });
      const torrent = makeTorrent('opened-from-the-os.iso');
      const file = path.join(profile, 'opened-from-the-os.torrent');
      writeFileSync(file, torrent.buffer);
      const launched = installable.waitForEvent('page');
      await cdp.send('PWA.launchFilesInApp', { manifestId, files: [file] });
      const window = await launched;
      const windowProblems = watchPage(window, stack.server.url);
      const dialog = window.locator('dialog.add-torrent');
      await dialog.locator('.file-list', { hasText: 'opened-from-the-os.torrent' }).waitFor();
      await dialog.locator('input[name=start]').uncheck();
      await dialog.locator('button[type=submit]').click();
      await dialog.waitFor({ state: 'detached' });
      const listed = await window.evaluate(async (hash) => (await (await fetch('/torrents')).json())
        .some((t) => t.info_hash === hash), torrent.infoHash);
      assert.equal(listed, true, 'the launched file was not added');
      assert.deepEqual([...appProblems, ...windowProblems], []);
    } finally {
      await installable.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });

  step('add dialog: the backdrop dims, the file button looks like a button', async () => {
    for (const [size, scheme, look] of LOOKS) {
      const fresh = await freshPage(look, scheme, { storageState: await context.storageState() });
      try {
        await fresh.page.goto(url('/#/torrents'));
        await fresh.page.locator('.live-indicator[data-state=live]').waitFor();
        await fresh.page.click('text=+ Add torrent');
        const dialog = fresh.page.locator('dialog.add-torrent');
        await dialog.waitFor();
        const looks = await dialog.evaluate((element) => {
          const backdrop = getComputedStyle(element, '::backdrop').backgroundColor;
          const picker = getComputedStyle(element.querySelector('input[type=file]'), '::file-selector-button');
          const button = getComputedStyle(element.querySelector('.actions button[type=button]'));
          return {
            backdropAlpha: Number(backdrop.match(/[\d.]+(?=\))/)?.[0] ?? 1),
            picker: [picker.backgroundColor, picker.borderTopColor, picker.borderRadius, picker.color],
            button: [button.backgroundColor, button.borderTopColor, button.borderRadius, button.color],
          };
        });
        assert.ok(looks.backdropAlpha >= (scheme === 'dark' ? 0.7 : 0.45), `${size} ${scheme}: backdrop alpha ${looks.backdropAlpha}`);
        assert.deepEqual(looks.picker, looks.button, `${size} ${scheme}: the file button looks different`);
        assert.equal(await dialog.locator('input[name=save_path]').isVisible(), true);
        assert.ok(await overflow(fresh.page) <= 0, `${size} ${scheme}: wider than the screen`);
        await screenshot(fresh.page, `account-add-dialog-${size}-${scheme}`);
        assert.deepEqual(fresh.problems, []);
      } finally {
        await fresh.close();
      }
    }
  });

  step('the page talked to no other origin and broke no policy', async () => {
    assert.deepEqual(problems, []);
  });
});
