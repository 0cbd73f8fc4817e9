// The Files page of a server with an HTTP location (`#/files/<server id>?path=a/b`):
// one folder of the seedbox's web server, with breadcrumbs; folders open
// here, files download through `/servers/{id}/download/{path}`. Names come
// from someone else's web server: they are written as text only.

import { api } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import * as format from '../format.js';

/** `#/files/<id>?path=…` → the server ID and the folder. */
function where() {
  const [route, query = ''] = location.hash.replace(/^#\/?files\/?/, '').split('?');
  return {
    serverId: decodeURIComponent(route.split('/')[0] ?? ''),
    path: new URLSearchParams(query).get('path') ?? '',
  };
}

const segments = (path) => path.split('/').filter(Boolean).map(encodeURIComponent).join('/');
const folderHref = (serverId, path) => `#/files/${encodeURIComponent(serverId)}${path ? `?${new URLSearchParams({ path })}` : ''}`;
const downloadHref = (serverId, path) => `/servers/${encodeURIComponent(serverId)}/download/${segments(path)}`;

function breadcrumbs(listing) {
  const parts = listing.path ? listing.path.split('/') : [];
  const crumbs = [h('a', { href: folderHref(listing.server_id, '') }, listing.server_name)];
  parts.forEach((part, index) => {
    const path = parts.slice(0, index + 1).join('/');
    crumbs.push(h('span.sep', { 'aria-hidden': 'true' }, '/'),
      index === parts.length - 1
        ? h('span', { 'aria-current': 'page' }, part)
        : h('a', { href: folderHref(listing.server_id, path) }, part));
  });
  return h('nav.crumbs', { 'aria-label': 'Folder' }, crumbs);
}

function entryRow(serverId, entry) {
  const name = entry.is_dir
    ? h('a.folder', { href: folderHref(serverId, entry.path) }, `${entry.name}/`)
    : h('a.file', { href: downloadHref(serverId, entry.path), download: entry.name }, entry.name);
  return h('tr', { dataset: { path: entry.path, kind: entry.is_dir ? 'folder' : 'file' } },
    h('td.name', { 'data-label': 'Name' }, name),
    h('td.size', { 'data-label': 'Size' }, entry.size === null || entry.size === undefined ? '' : format.bytes(entry.size)),
    h('td.modified', { 'data-label': 'Modified' }, entry.modified ? format.dateTime(entry.modified) : ''));
}

function listingTable(listing) {
  if (!listing.entries.length) return h('p.muted', {}, 'This folder is empty.');
  return h('div.table-scroll', {}, h('table.list.seedbox-files', {},
    h('thead', {}, h('tr', {}, ['Name', 'Size', 'Modified'].map((title) => h('th', { scope: 'col' }, title)))),
    h('tbody', {}, listing.entries.map((entry) => entryRow(listing.server_id, entry)))));
}

export function serverFilesView() {
  const { serverId, path } = where();
  const heading = h('h1', {}, 'Files');
  const body = h('div.seedbox-listing', {}, h('p.muted', {}, 'Loading…'));
  (async () => {
    try {
      const listing = await api.get(`/servers/${encodeURIComponent(serverId)}/files`, { path });
      heading.textContent = `Files on ${listing.server_name}`;
      replaceChildren(body, breadcrumbs(listing), listingTable(listing));
    } catch (failure) {
      replaceChildren(body, h('p.error', { role: 'alert' }, failure.message),
        h('p', {}, h('a', { href: '#/servers' }, 'Back to the servers')));
    }
  })();
  return {
    element: h('section.page.server-files', {}, h('header.page-head', {}, heading), body),
    title: 'Files',
  };
}
