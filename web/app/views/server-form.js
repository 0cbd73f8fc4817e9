// The add / edit server dialog. Which fields show depends on the client
// type and transport; an edit sends only what changed. Settings are tested
// before they are saved (new: POST /servers/test; an edit: its changes to
// POST /servers/{id}/test, which uses the stored password when none is
// typed; nothing saved): a failing test keeps the dialog open with the
// reason and a "Save anyway" button.

import { api } from '../api.js';
import { clientKind, clientKinds, transportDefaults } from '../client-kinds.js';
import { notify, openDialog } from '../dialog.js';
import { errorLine, field, h } from '../dom.js';
import { reloadServers } from '../live.js';

const TRANSPORT_NAMES = {
  http: 'HTTP',
  scgi: 'SCGI (TCP)',
  scgi_unix: 'SCGI (Unix socket)',
  deluge_rpc: 'Daemon RPC (TLS)',
};

const PASSWORD_HINT = 'Stored encrypted; never shown again.';
// The form is flat for every kind: for qBittorrent, a password without a
// username is its API key.
const API_KEY_HINT = 'With no username, it is an API key (qBittorrent 5.2 and later).';

/**
 * `server` absent: a new server. `onClose` runs when the dialog closes.
 * The client kinds must be loaded (`loadClientKinds`).
 */
export function openServerForm(server, onClose) {
  const editing = Boolean(server);
  // The embedded engine's server is made, not added: offered only to edit it.
  const offered = clientKinds().filter((kind) => kind.addable || kind.server_type === server?.server_type);
  const firstKind = offered[0];
  const input = (name, attributes = {}) => h('input', { name, id: `server-${name}`, ...attributes });
  const controls = {
    name: input('name', { type: 'text', required: true, value: server?.name ?? '' }),
    server_type: h('select', { name: 'server_type', disabled: server?.transport === 'in_process' },
      offered.map((kind) => h('option', {
        value: kind.server_type, selected: server?.server_type === kind.server_type,
      }, kind.name))),
    transport: h('select', { name: 'transport' }),
    host: input('host', { type: 'text', value: server?.host ?? '127.0.0.1' }),
    port: input('port', { type: 'number', min: 1, max: 65535, value: server?.port ?? firstKind?.transports[0].default_port ?? '' }),
    rpc_path: input('rpc_path', { type: 'text', value: server?.rpc_path ?? '' }),
    socket_path: input('socket_path', { type: 'text', value: server?.socket_path ?? '', placeholder: '/run/rtorrent/rpc.socket' }),
    username: input('username', { type: 'text', autocomplete: 'off', value: server?.username ?? '' }),
    password: input('password', {
      type: 'password', autocomplete: 'new-password',
      placeholder: server?.has_password ? 'unchanged — type to replace' : '',
    }),
    use_ssl: input('use_ssl', { type: 'checkbox', checked: server?.use_ssl ?? false }),
    tls_accept_invalid_certs: input('tls_accept_invalid_certs', { type: 'checkbox', checked: server?.tls_accept_invalid_certs ?? false }),
    http_host: input('http_host', { type: 'text', value: server?.http_host ?? '', placeholder: 'the client\'s host' }),
    http_port: input('http_port', { type: 'number', min: 1, max: 65535, value: server?.http_port ?? '' }),
    http_path: input('http_path', { type: 'text', value: server?.http_path ?? '', placeholder: '/downloads/' }),
    http_username: input('http_username', { type: 'text', autocomplete: 'off', value: server?.http_username ?? '' }),
    http_password: input('http_password', {
      type: 'password', autocomplete: 'new-password',
      placeholder: server?.has_http_password ? 'unchanged — type to replace' : '',
    }),
    http_use_ssl: input('http_use_ssl', { type: 'checkbox', checked: server?.http_use_ssl ?? false }),
    http_download_root: input('http_download_root', { type: 'text', value: server?.http_download_root ?? '', placeholder: '/home/me/downloads' }),
    enabled: input('enabled', { type: 'checkbox', checked: server?.enabled ?? true }),
    is_default: input('is_default', { type: 'checkbox', checked: server?.is_default ?? false }),
  };
  const rows = {
    transport: field('Transport', controls.transport),
    host: field('Host', controls.host),
    port: field('Port', controls.port),
    rpc_path: field('RPC path', controls.rpc_path),
    socket_path: field('Socket path', controls.socket_path),
    username: field('Username', controls.username),
    password: field('Password', controls.password, PASSWORD_HINT),
    use_ssl: h('label.check', {}, controls.use_ssl, 'Use HTTPS'),
    tls: h('label.check', {}, controls.tls_accept_invalid_certs, 'Accept a self-signed certificate'),
  };
  const error = errorLine();
  const testResult = h('p.connection-test', { role: 'status', hidden: true });
  const showTest = (status, message) => {
    testResult.className = `connection-test ${status}`;
    testResult.textContent = message;
    testResult.hidden = false;
  };

  /** The transports the chosen kind accepts; `current` selected, else the kind's default. */
  const offerTransports = (current) => {
    const kind = clientKind(controls.server_type.value);
    controls.transport.replaceChildren(...(kind?.transports ?? []).map((way) => h('option', {
      value: way.transport, selected: way.transport === current,
    }, TRANSPORT_NAMES[way.transport] ?? way.transport)));
    rows.transport.hidden = (kind?.transports.length ?? 0) < 2;
  };
  const showRelevant = () => {
    const type = controls.server_type.value;
    const transport = controls.transport.value;
    const defaults = transportDefaults(type, transport);
    rows.socket_path.hidden = transport !== 'scgi_unix';
    // Nothing to reach for the engine in this process.
    const noAddress = transport === 'scgi_unix' || transport === 'in_process';
    rows.host.hidden = noAddress;
    rows.port.hidden = noAddress;
    rows.rpc_path.hidden = transport !== 'http';
    // SCGI has no authentication: only HTTP and Deluge's RPC carry credentials.
    const credentials = transport === 'http' || transport === 'deluge_rpc';
    rows.username.hidden = !credentials;
    rows.password.hidden = !credentials;
    rows.password.querySelector('.hint').textContent =
      type === 'qbittorrent' ? `${PASSWORD_HINT} ${API_KEY_HINT}` : PASSWORD_HINT;
    rows.use_ssl.hidden = transport !== 'http';
    rows.tls.hidden = transport !== 'http' || !controls.use_ssl.checked;
    controls.rpc_path.placeholder = defaults?.default_path ?? '';
  };
  /** A new server's port follows the kind and transport chosen. */
  const prefillPort = () => {
    const port = transportDefaults(controls.server_type.value, controls.transport.value)?.default_port;
    if (!editing && port) controls.port.value = port;
  };
  controls.server_type.addEventListener('change', () => {
    offerTransports();
    prefillPort();
    showRelevant();
  });
  controls.transport.addEventListener('change', () => {
    prefillPort();
    showRelevant();
  });
  controls.use_ssl.addEventListener('change', showRelevant);
  offerTransports(server?.transport);
  showRelevant();

  /** Tests the form's settings; resolves true when the client answered. */
  const testSettings = async () => {
    showTest('pending', 'Testing the connection…');
    const values = collect(controls, rows);
    try {
      const answer = editing
        ? await api.post(`/servers/${encodeURIComponent(server.id)}/test`, changedFields(server, values))
        : await api.post('/servers/test', values);
      showTest(answer.status, answer.message);
      return answer.status === 'connected';
    } catch (failure) {
      showTest('failed', failure.message);
      return false;
    }
  };

  const save = async () => {
    error.show('');
    const values = collect(controls, rows);
    submit.disabled = true;
    saveAnyway.hidden = true;
    try {
      if (editing) {
        await api.put(`/servers/${encodeURIComponent(server.id)}`, changedFields(server, values));
      } else {
        await api.post('/servers', values);
      }
      await reloadServers();
      notify(editing ? `Saved ${values.name}.` : `Added ${values.name}.`);
      dialog.close();
    } catch (failure) {
      error.show(failure.message);
      submit.disabled = false;
    }
  };

  const submit = h('button.primary', { type: 'submit' }, editing ? 'Save' : 'Add server');
  const saveAnyway = h('button.save-anyway', { type: 'button', hidden: true, onclick: save }, 'Save anyway');
  const testButton = h('button', { type: 'button', onclick: () => testSettings() }, 'Test connection');
  const form = h('form.dialog-body.server-form', {},
    field('Name', controls.name),
    field('Client', controls.server_type),
    rows.transport, rows.host, rows.port, rows.rpc_path, rows.socket_path,
    rows.username, rows.password,
    rows.use_ssl, rows.tls,
    h('fieldset.http-location', {},
      h('legend', {}, 'Finished files over HTTP (optional)'),
      h('p.hint', {}, 'The seedbox\'s own web server (nginx, Apache, lighttpd listing), for the Files page and downloads.'),
      field('Web server host', controls.http_host),
      field('Web server port', controls.http_port, 'Empty: no file downloads.'),
      field('Folder', controls.http_path),
      field('Username', controls.http_username),
      field('Password', controls.http_password, PASSWORD_HINT),
      h('label.check', {}, controls.http_use_ssl, 'Use HTTPS'),
      field('Serves the client\'s folder', controls.http_download_root,
        'The client\'s directory (as its save paths name it) that the folder above serves; lets a torrent\'s files be downloaded.')),
    h('label.check', {}, controls.enabled, 'Enabled (polled for torrents)'),
    h('label.check', {}, controls.is_default, 'Default server for new torrents'),
    testResult,
    error.element,
    h('div.actions', {}, saveAnyway, testButton,
      h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel'), submit));

  // Changed settings make an earlier test's answer (and "Save anyway") stale.
  form.addEventListener('input', () => {
    saveAnyway.hidden = true;
    testResult.hidden = true;
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.show('');
    submit.disabled = true;
    const connected = await testSettings();
    submit.disabled = false;
    if (!connected) {
      saveAnyway.hidden = false;
      return;
    }
    await save();
  });

  const dialog = openDialog({ title: editing ? `Edit ${server.name}` : 'Add server', content: form, onClose });
  controls.name.focus();
}

/** The request body from the form: blanks and hidden fields are "not set". */
function collect(controls, rows) {
  const text = (name) => controls[name].value.trim() || null;
  const type = controls.server_type.value;
  const values = {
    name: controls.name.value.trim(),
    server_type: type,
    transport: controls.transport.value,
    host: controls.host.value.trim(),
    port: Number(controls.port.value) || 0,
    rpc_path: text('rpc_path'),
    socket_path: text('socket_path'),
    username: rows.username.hidden ? null : text('username'),
    use_ssl: !rows.use_ssl.hidden && controls.use_ssl.checked,
    tls_accept_invalid_certs: !rows.tls.hidden && controls.tls_accept_invalid_certs.checked,
    enabled: controls.enabled.checked,
    is_default: controls.is_default.checked,
  };
  Object.assign(values, {
    http_host: text('http_host'),
    http_port: Number(controls.http_port.value) || null,
    http_path: text('http_path'),
    http_username: text('http_username'),
    http_use_ssl: controls.http_use_ssl.checked,
    http_download_root: text('http_download_root'),
  });
  // An empty password box keeps the stored password.
  if (controls.password.value && !rows.password.hidden) values.password = controls.password.value;
  if (controls.http_password.value) values.http_password = controls.http_password.value;
  return values;
}

/** For PUT: only the fields that differ from the server as it is. */
function changedFields(server, values) {
  const changes = {};
  for (const [name, value] of Object.entries(values)) {
    if (name === 'password' || name === 'http_password' || (server[name] ?? null) !== value) changes[name] = value;
  }
  return changes;
}
