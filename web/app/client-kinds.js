// The client kinds and how each is reached (GET /clients): the server form
// and the server cards read them rather than knowing the kinds themselves.

import { api } from './api.js';

let loading = null;
let kinds = [];

/** Loads the kinds once (again after a failure); resolves to the list. */
export function loadClientKinds() {
  loading ??= api.get('/clients').then((list) => {
    kinds = list;
    return list;
  }, (failure) => {
    loading = null;
    throw failure;
  });
  return loading;
}

/** The loaded kinds, in the server's order. */
export function clientKinds() {
  return kinds;
}

/** `{server_type, name, transports}` of a kind, once loaded. */
export function clientKind(type) {
  return kinds.find((kind) => kind.server_type === type);
}

/** `{transport, default_port, default_path}`, once loaded. */
export function transportDefaults(type, transport) {
  return clientKind(type)?.transports.find((way) => way.transport === transport);
}
