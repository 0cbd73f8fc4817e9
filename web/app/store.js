// Everything the live stream knows: torrents keyed by server and hash, and
// the servers with their health. Deltas patch objects in place so that a
// tick costs in proportion to what changed, not to the number of torrents.

export function torrentKey(serverId, infoHash) {
  return `${serverId}/${infoHash}`;
}

export const keyOf = (torrent) => torrentKey(torrent.server_id, torrent.info_hash);

/**
 * Events:
 *  - `torrents` detail {membership, fields, added, removed, changed}:
 *    membership is true when torrents came or went (or on reset); fields is
 *    the Set of field names that changed (null after a reset: everything may
 *    have); added/removed/changed list the torrent objects concerned (all
 *    null after a reset), so that listeners can keep counts incrementally.
 *  - `servers`: the server list changed.
 *  - `job` detail: a job (a move between servers) that started or changed.
 */
export class Store extends EventTarget {
  torrents = new Map();
  servers = [];
  /** Jobs seen on the stream or in answers, by id. */
  jobs = new Map();
  loaded = false;

  reset({ torrents, servers }) {
    this.torrents = new Map(torrents.map((torrent) => [keyOf(torrent), torrent]));
    this.loaded = true;
    this.#emitTorrents(true, null, null);
    this.setServers(servers);
  }

  /** Forgets everything (logged out): the next reset fills it again. */
  clear() {
    this.torrents = new Map();
    this.servers = [];
    this.jobs = new Map();
    this.loaded = false;
  }

  /** A job's state from the stream or an answer; an older one than known is dropped. */
  applyJob(job) {
    const known = this.jobs.get(job.id);
    if (known && Date.parse(known.updated_at) > Date.parse(job.updated_at)) return;
    this.jobs.set(job.id, job);
    this.dispatchEvent(new CustomEvent('job', { detail: job }));
  }

  applyDelta({ server_id: serverId, added = [], changed = [], removed = [] }) {
    const fields = new Set();
    const gone = [];
    const patched = [];
    for (const torrent of added) {
      const key = keyOf(torrent);
      const previous = this.torrents.get(key);
      if (previous) gone.push(previous); // re-added: counted out, then in again
      this.torrents.set(key, torrent);
    }
    for (const hash of removed) {
      const key = torrentKey(serverId, hash);
      const torrent = this.torrents.get(key);
      if (!torrent) continue;
      gone.push(torrent);
      this.torrents.delete(key);
    }
    for (const patch of changed) {
      const torrent = this.torrents.get(keyOf(patch));
      if (!torrent) continue; // patch for a torrent we never saw: the next reset brings it
      // server_id and info_hash only say which torrent: they never change.
      for (const name in patch) if (name !== 'server_id' && name !== 'info_hash') fields.add(name);
      Object.assign(torrent, patch);
      patched.push(torrent);
    }
    this.#emitTorrents(added.length > 0 || gone.length > 0, fields, { added, removed: gone, changed: patched });
  }

  setServers(servers) {
    this.servers = servers;
    this.dispatchEvent(new Event('servers'));
    this.#dropTorrentsOfGoneServers();
  }

  #dropTorrentsOfGoneServers() {
    const ids = new Set(this.servers.map((server) => server.id));
    const gone = [];
    for (const [key, torrent] of this.torrents) {
      if (ids.has(torrent.server_id)) continue;
      this.torrents.delete(key);
      gone.push(torrent);
    }
    if (gone.length) this.#emitTorrents(true, new Set(), { added: [], removed: gone, changed: [] });
  }

  server(id) {
    return this.servers.find((server) => server.id === id);
  }

  /**
   * What a server's client can do (GET /servers `capabilities`); `null`
   * until the server has answered once: everything is offered then.
   */
  capabilitiesOf(serverId) {
    return this.server(serverId)?.capabilities ?? null;
  }

  /** Every label in use, sorted, for the filter menu. */
  labels() {
    const labels = new Set();
    for (const torrent of this.torrents.values()) for (const label of torrent.labels) labels.add(label);
    return [...labels].sort((a, b) => a.localeCompare(b));
  }

  #emitTorrents(membership, fields, lists) {
    this.dispatchEvent(new CustomEvent('torrents', {
      detail: {
        membership, fields, added: lists?.added ?? null, removed: lists?.removed ?? null, changed: lists?.changed ?? null,
      },
    }));
  }
}

export const store = new Store();
