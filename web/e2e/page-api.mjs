// Calls to the API made from inside a page, with its session and origin.

/** A call to the API from inside the page (its session, its origin). */
export function callApi(page, method, path, body) {
  return page.evaluate(async ({ method, path, body }) => {
    const response = await fetch(path, {
      method, headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }, { method, path, body });
}

/** Uploads a `makeTorrent` torrent with the upload's `query`; resolves the HTTP status. */
export function uploadTorrent(page, torrent, query) {
  return page.evaluate(async ({ bytes, name, query }) => {
    const form = new FormData();
    form.append('file', new Blob([Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0))]), `${name}.torrent`);
    const response = await fetch(`/torrents/upload?${new URLSearchParams(query)}`, { method: 'POST', body: form });
    return response.status;
  }, { bytes: torrent.buffer.toString('base64'), name: torrent.name, query });
}

/** Creates the first (admin) account on a fresh install and keeps registration open. */
export async function createFirstAdmin(page, url, username, password) {
  await page.goto(`${url}/`);
  await page.locator('h1', { hasText: 'Create the admin account' }).waitFor();
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.fill('input[name=confirm_password]', password);
  await page.click('form.login button[type=submit]');
  await page.locator('.whoami', { hasText: username }).waitFor();
  await page.click('dialog >> text=Keep it open');
}

/** Registers the stack's transmission-daemon as `name`; resolves its id once it is connected. */
export function registerTransmission(page, transmission, name = 'seedbox') {
  return registerServer(page, {
    name, server_type: 'transmission', host: '127.0.0.1', port: transmission.port,
    rpc_path: transmission.rpcPath, username: transmission.username, password: transmission.password,
  });
}

/** Adds the server `body` (a POST /servers body); resolves its id once it is connected. */
export async function registerServer(page, body) {
  const server = await callApi(page, 'POST', '/servers', body);
  if (server.status !== 200) throw new Error(`adding the server: ${JSON.stringify(server.body)}`);
  for (let i = 0; i < 100; i++) {
    const state = await callApi(page, 'GET', `/servers/${server.body.id}`);
    if (state.body.status === 'connected') return server.body.id;
    await page.waitForTimeout(200);
  }
  throw new Error('the server never connected');
}
