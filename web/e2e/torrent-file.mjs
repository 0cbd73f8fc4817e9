// Tiny .torrent files for tests: bencoded by hand, info hash by SHA-1.
// No payload exists anywhere; clients just see metadata.

import { createHash, randomBytes } from 'node:crypto';

const ANNOUNCE = 'http://127.0.0.1:1/announce'; // nothing listens there: no traffic leaves

export function bencode(value) {
  if (typeof value === 'number') return Buffer.from(`i${Math.trunc(value)}e`);
  if (typeof value === 'string' || Buffer.isBuffer(value)) {
    const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value);
    return Buffer.concat([Buffer.from(`${bytes.length}:`), bytes]);
  }
  if (Array.isArray(value)) return Buffer.concat([Buffer.from('l'), ...value.map(bencode), Buffer.from('e')]);
  const keys = Object.keys(value).sort(); // bencode dictionaries are sorted by key
  return Buffer.concat([Buffer.from('d'), ...keys.flatMap((key) => [bencode(key), bencode(value[key])]), Buffer.from('e')]);
}

/**
 * A single-file torrent named `name`; returns {buffer, infoHash, name}.
 * `announce`: another tracker URL (tests that run their own, on loopback).
 */
export function makeTorrent(name, { size = 16384, announce = ANNOUNCE } = {}) {
  const pieceLength = 16384;
  const pieces = Math.max(1, Math.ceil(size / pieceLength));
  const info = {
    length: size,
    name,
    'piece length': pieceLength,
    pieces: randomBytes(20 * pieces), // random piece hashes make every torrent distinct
  };
  const infoHash = createHash('sha1').update(bencode(info)).digest('hex');
  const buffer = bencode({ announce, 'created by': 'torrent-manager e2e', info });
  return { buffer, infoHash, name };
}
