// Starts what the browser tests need, on loopback only: a real
// transmission-daemon (from the Rust test kit's tm-test-daemon), the torrent-manager server, and headless Chromium.
// Every piece stops itself in `stop()`; nothing outlives the test run.

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '../..');
export const ARTIFACTS = path.join(HERE, 'artifacts');
const BINARY = process.env.TM_BIN ?? path.join(REPO, 'target/debug/torrent-manager');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * A transmission-daemon from the test kit, in the shape the tests use:
 * `{port, rpcPath, username, password, downloadDir, stop()}`.
 */
async function startTransmission() {
  const daemon = await startTestDaemon('transmission');
  const { port, rpc_path: rpcPath, username, password } = daemon.server;
  return { ...daemon, port, rpcPath: rpcPath ?? '/transmission/rpc', username, password };
}

const TEST_DAEMON = process.env.TM_TEST_DAEMON_BIN ?? path.join(REPO, 'target/debug/tm-test-daemon');

/**
 * A real client of `kind` (with `args`: `files <dir>` serves a folder from
 * nginx) from the Rust test kit (`tm-test-daemon`, see
 * crates/tm-testkit/src/bin/tm-test-daemon.rs): resolves `{server (a POST
 * /servers body), downloadDir, stop()}`. It runs until `stop()`
 * closes its standard input.
 */
export async function startTestDaemon(kind, ...args) {
  const child = spawn(TEST_DAEMON, [kind, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const started = await new Promise((resolve, reject) => {
    let output = '';
    let errors = '';
    child.stderr.on('data', (chunk) => { errors += chunk; });
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const line = output.split('\n')[0];
      if (output.includes('\n')) resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`tm-test-daemon ${kind} exited (${code}):\n${errors}`)));
  });
  return {
    server: started.server,
    downloadDir: started.download_dir,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      child.stdin.end();
    }),
  };
}

/**
 * The torrent-manager server on a free port; resolves its base URL. With
 * `engine`, its embedded engine runs too (no DHT, peers on 127.0.0.9),
 * downloading into `<root>/downloads`.
 */
export async function startServer(root, { engine = false } = {}) {
  const dataDir = path.join(root, 'data');
  mkdirSync(dataDir, { recursive: true });
  const engineEnv = engine
    ? { TM_NO_ENGINE: '0', TM_NO_DHT: '1', TM_ENGINE_LISTEN_IP: '127.0.0.9', TM_DOWNLOADS_DIR: path.join(root, 'downloads') }
    : { TM_NO_ENGINE: '1' };
  const child = spawn(BINARY, ['serve', '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', ...engineEnv },
  });
  const url = await new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
    const onData = (chunk) => {
      output += chunk;
      const match = output.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
  });
  return { child, url };
}

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

function stopChild(child) {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Everything a test run needs; `stop()` ends it all and removes the temp dir. */
export async function startStack({ engine = false } = {}) {
  const root = mkdtempSync(path.join(tmpdir(), 'tm-e2e-'));
  const stack = { root };
  try {
    stack.transmission = await startTransmission();
    stack.server = await startServer(root, { engine });
    stack.browser = await launchBrowser();
  } catch (error) {
    await stopStack(stack);
    throw error;
  }
  stack.stop = () => stopStack(stack);
  return stack;
}

/** A `tm-test-daemon` of `kind` for the same stack; stopped with it. */
export async function addTestDaemon(stack, kind, ...args) {
  stack.extraDaemons ??= [];
  const daemon = await startTestDaemon(kind, ...args);
  stack.extraDaemons.push(daemon);
  return daemon;
}

/** Another transmission-daemon for the same stack (tests that need two servers); stopped with it. */
export async function addTransmission(stack) {
  stack.extraDaemons ??= [];
  const daemon = await startTransmission();
  stack.extraDaemons.push(daemon);
  return daemon;
}

async function stopStack(stack) {
  await stack.browser?.close().catch(() => {});
  for (const daemon of stack.extraDaemons ?? []) await daemon.stop();
  await stopChild(stack.server?.child);
  await stack.transmission?.stop();
  rmSync(stack.root, { recursive: true, force: true });
}

/**
 * A stack and one watched page in a fresh context (`options` go to
 * newContext); `stackOptions` to `startStack`.
 */
export async function startStackWithPage(options = { viewport: { width: 1440, height: 900 } }, stackOptions = {}) {
  const stack = await startStack(stackOptions);
  const context = await stack.browser.newContext(options);
  const page = await context.newPage();
  return { stack, context, page, problems: watchPage(page, stack.server.url) };
}

/** `step(name, body)`: a test that leaves a screenshot of `pageOf()` when it fails. */
export function stepsOn(pageOf) {
  return (name, body) => test(name, () => withScreenshotOnFailure(pageOf(), name, body));
}

/**
 * Watches a page: requests to any other origin, uncaught errors, CSP
 * violations and JS dialogs (alert/confirm) are all recorded as problems.
 */
export function watchPage(page, origin) {
  const problems = [];
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith('data:')) problems.push(`request to another origin: ${url}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text())) {
      problems.push(`CSP: ${message.text()}`);
    }
  });
  page.on('dialog', (dialog) => {
    problems.push(`JS dialog opened: ${dialog.type()} ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  return problems;
}

/** Saves a screenshot under artifacts/ and returns its path. */
export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/**
 * Runs a test step; on failure saves a screenshot and prints where, and the
 * PNG itself base64-encoded: under CI the log is the only artifact that stays.
 */
export async function withScreenshotOnFailure(page, name, step) {
  try {
    await step();
  } catch (error) {
    const file = await screenshot(page, `failure-${name.replace(/\W+/g, '-')}`).catch(() => null);
    if (file) {
      console.log(`# failure screenshot: ${file}`);
      console.log(`# ${path.basename(file)} (base64 PNG):`);
      console.log(readFileSync(file).toString('base64').replace(/.{1,76}/g, '# $&\n'));
    }
    throw error;
  }
}

/**
 * A browser with a real profile in `userDataDir`: some features (install
 * as an app, for one) are off in the throwaway contexts of launchBrowser().
 */
export function launchPersistentContext(userDataDir, options = {}) {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, ...options,
  });
}
