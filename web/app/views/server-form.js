// The add / edit server dialog. Which fields show depends on the client
// type and transport; an edit sends only what changed. Settings are tested
// (POST /servers/test, nothing saved) before they are saved: a failing test
// keeps the dialog open with the reason and a "Save anyway" button.

import { api } from '../api.js';
import { notify, openDialog } from '../dialog.js';
import { errorLine, field, h } from '../dom.js';
import { reloadServers } from '../live.js';

export const DEFAULTS = {
  transmission: { port: 9091, rpc_path: '/transmission/rpc' },
  rtorrent: { port: 5000, rpc_path: '/RPC2' },
};

/** `server` absent: a new server. `onClose` runs when the dialog closes. */
export function openServerForm(server, onClose) {
  const editing = Boolean(server);
  const input = (name, attributes = {}) => h('input', { name, id: `server-${name}`, ...attributes });
  const controls = {
    name: input('name', { type: 'text', required: true, value: server?.name ?? '' }),
    server_type: h('select', { name: 'server_type' },
      ['transmission', 'rtorrent'].map((type) => h('option', { value: type, selected: server?.server_type === type }, type))),
    transport: h('select', { name: 'transport' },
      [['scgi', 'SCGI (TCP)'], ['scgi_unix', 'SCGI (Unix socket)'], ['http', 'HTTP (XML-RPC behind a web server)']]
        .map(([value, text]) => h('option', { value, selected: server?.transport === value }, text))),
    host: input('host', { type: 'text', value: server?.host ?? '127.0.0.1' }),
    port: input('port', { type: 'number', min: 1, max: 65535, value: server?.port ?? DEFAULTS.transmission.port }),
    rpc_path: input('rpc_path', { type: 'text', value: server?.rpc_path ?? '', placeholder: DEFAULTS.transmission.rpc_path }),
    socket_path: input('socket_path', { type: 'text', value: server?.socket_path ?? '', placeholder: '/run/rtorrent/rpc.socket' }),
    username: input('username', { type: 'text', autocomplete: 'off', value: server?.username ?? '' }),
    password: input('password', {
      type: 'password', autocomplete: 'new-password',
      placeholder: server?.has_password ? 'unchanged — type to replace' : '',
    }),
    use_ssl: input('use_ssl', { type: 'checkbox', checked: server?.use_ssl ?? false }),
    tls_accept_invalid_certs: input('tls_accept_invalid_certs', { type: 'checkbox', checked: server?.tls_accept_invalid_certs ?? false }),
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
    password: field('Password', controls.password, 'Stored encrypted; never shown again.'),
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

  const showRelevant = () => {
    const type = controls.server_type.value;
    const transport = type === 'transmission' ? 'http' : controls.transport.value;
    rows.transport.hidden = type === 'transmission';
    rows.socket_path.hidden = transport !== 'scgi_unix';
    rows.host.hidden = transport === 'scgi_unix';
    rows.port.hidden = transport === 'scgi_unix';
    rows.rpc_path.hidden = transport !== 'http';
    // SCGI has no authentication; only HTTP carries a username and password.
    rows.username.hidden = transport !== 'http';
    rows.password.hidden = transport !== 'http';
    rows.use_ssl.hidden = transport !== 'http';
    rows.tls.hidden = transport !== 'http' || !controls.use_ssl.checked;
    controls.rpc_path.placeholder = DEFAULTS[type].rpc_path;
  };
  controls.server_type.addEventListener('change', () => {
    if (!editing) controls.port.value = DEFAULTS[controls.server_type.value].port;
    showRelevant();
  });
  controls.transport.addEventListener('change', showRelevant);
  controls.use_ssl.addEventListener('change', showRelevant);
  showRelevant();

  // The page never gets a stored password back, so settings that still rely
  // on one cannot be tested before saving (the saved server's test can).
  const keepsStoredPassword = () => editing && server.has_password && !controls.password.value
    && !rows.password.hidden;

  /** Tests the form's settings; resolves true when the client answered. */
  const testSettings = async () => {
    if (keepsStoredPassword()) {
      showTest('pending', 'Type the password to test these settings: the stored one never comes back to the page.');
      return null;
    }
    showTest('pending', 'Testing the connection…');
    try {
      const answer = await api.post('/servers/test', collect(controls, rows));
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
    if (connected === false) {
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
    transport: type === 'transmission' ? 'http' : controls.transport.value,
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
  // An empty password box keeps the stored password.
  if (controls.password.value && !rows.password.hidden) values.password = controls.password.value;
  return values;
}

/** For PUT: only the fields that differ from the server as it is. */
function changedFields(server, values) {
  const changes = {};
  for (const [name, value] of Object.entries(values)) {
    if (name === 'password' || (server[name] ?? null) !== value) changes[name] = value;
  }
  return changes;
}
