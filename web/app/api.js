// Talking to the REST API. The session cookie rides along by itself; the
// page keeps no other credential. Every failure becomes an ApiError whose
// message is the server's plain-words `detail` and whose `code` is its
// machine code (`torrent_not_found`, `forbidden_target`, …).

export class ApiError extends Error {
  constructor(status, detail, code = null) {
    super(detail);
    this.status = status;
    this.code = code;
  }
}

/** Fired on `window` when a call answers 401: the session ended. */
export const SESSION_ENDED = 'tm:session-ended';

async function request(method, path, { json, form, query } = {}) {
  const url = query ? `${path}?${new URLSearchParams(query)}` : path;
  const init = { method, headers: { Accept: 'application/json' } };
  if (json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (form) {
    init.body = form;
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError(0, 'The server cannot be reached. Check that torrent-manager is running.');
  }
  const body = await readBody(response);
  if (response.ok) return body;
  if (response.status === 401 && path !== '/auth/login' && path !== '/auth/me') {
    window.dispatchEvent(new Event(SESSION_ENDED));
  }
  const code = body && typeof body.code === 'string' ? body.code : null;
  throw new ApiError(response.status, describe(response, body), code);
}

async function readBody(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describe(response, body) {
  if (body && typeof body.detail === 'string') return body.detail;
  if (typeof body === 'string' && body.trim()) return body.trim().slice(0, 300);
  return `The server answered ${response.status} ${response.statusText}.`.replace(' .', '.');
}

export const api = {
  get: (path, query) => request('GET', path, { query }),
  post: (path, json, query) => request('POST', path, { json, query }),
  put: (path, json, query) => request('PUT', path, { json, query }),
  delete: (path, query) => request('DELETE', path, { query }),
  upload: (path, form, query) => request('POST', path, { form, query }),
};

/** Query string naming the torrent's server: a hash may live on several. */
export function onServer(torrent) {
  return { server_id: torrent.server_id };
}

export function torrentPath(torrent, action = '') {
  return `/torrents/${encodeURIComponent(torrent.info_hash)}${action ? `/${action}` : ''}`;
}
