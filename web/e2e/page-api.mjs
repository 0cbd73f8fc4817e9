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
