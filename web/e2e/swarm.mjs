// A tiny real swarm on loopback for tests that need a connected peer: an
// HTTP tracker that introduces every announcer to the others, and an rTorrent
// (bound to 127.0.0.2) downloading slowly from the managed transmission-daemon.
// Transmission does not dial the 127.x peers a tracker names but accepts
// their connections: so Transmission seeds and announces first, then rTorrent
// announces, hears of it and connects.

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { freePort } from './harness.mjs';
import { bencode } from './torrent-file.mjs';

const LEECHER_IP = '127.0.0.2';

/**
 * An announce URL on 127.0.0.1 answering each peer with all the others
 * (compact form). `announced` resolves at the first announce: a leecher must
 * come after the seed, since only it connects (Transmission does not dial
 * the 127.x peers a tracker names).
 */
export async function startTracker() {
  const peers = new Map(); // "ip:port" → compact 6 bytes
  let firstAnnounce;
  const announced = new Promise((resolve) => { firstAnnounce = resolve; });
  const server = createServer((request, response) => {
    firstAnnounce();
    const port = Number(new URL(request.url, 'http://127.0.0.1').searchParams.get('port'));
    const ip = request.socket.remoteAddress.replace(/^::ffff:/, '');
    const self = `${ip}:${port}`;
    if (port && /^127\.\d+\.\d+\.\d+$/.test(ip)) {
      const entry = Buffer.from([...ip.split('.').map(Number), 0, 0]);
      entry.writeUInt16BE(port, 4);
      peers.set(self, entry);
    }
    const others = [...peers].filter(([key]) => key !== self).map(([, entry]) => entry);
    response.writeHead(200, { 'Content-Type': 'text/plain' });
    response.end(bencode({ interval: 5, 'min interval': 2, peers: Buffer.concat(others) }));
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/announce`, announced, stop: () => new Promise((resolve) => server.close(resolve)) };
}

/** A single-file torrent with real content and piece hashes; its data is written into `dir`. */
export function makeSeedableTorrent(dir, name, announce, size = 8 * 1024 * 1024) {
  const pieceLength = 16384;
  const data = randomBytes(size);
  const pieces = [];
  for (let offset = 0; offset < size; offset += pieceLength) {
    pieces.push(createHash('sha1').update(data.subarray(offset, offset + pieceLength)).digest());
  }
  const info = { length: size, name, 'piece length': pieceLength, pieces: Buffer.concat(pieces) };
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, name), data);
  const infoHash = createHash('sha1').update(bencode(info)).digest('hex');
  return { buffer: bencode({ announce, info }), infoHash, name };
}

/** rTorrent downloading `torrent` at 16 KiB/s (it stays connected for minutes), under `root`. */
export async function startLeecher(root, torrent) {
  const watch = path.join(root, 'watch');
  for (const dir of ['session', 'downloads', 'watch']) mkdirSync(path.join(root, dir), { recursive: true });
  writeFileSync(path.join(watch, `${torrent.infoHash}.torrent`), torrent.buffer);
  const peerPort = await freePort();
  writeFileSync(path.join(root, 'rtorrent.rc'), [
    `directory.default.set = ${path.join(root, 'downloads')}`,
    `session.path.set = ${path.join(root, 'session')}`,
    `network.bind_address.set = ${LEECHER_IP}`,
    `network.port_range.set = ${peerPort}-${peerPort}`,
    'network.port_random.set = no',
    'dht.mode.set = disable',
    'protocol.pex.set = no',
    'trackers.use_udp.set = no',
    'throttle.global_down.max_rate.set_kb = 16',
    'system.daemon.set = true',
    `schedule2 = watch, 1, 2, "load.start=${watch}/*.torrent"`,
    '',
  ].join('\n'));
  const child = spawn('rtorrent', ['-n', '-o', `import=${path.join(root, 'rtorrent.rc')}`], {
    cwd: root, env: { ...process.env, HOME: root }, stdio: 'ignore',
  });
  return {
    stop: () => (child.exitCode !== null ? Promise.resolve() : new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    })),
  };
}
