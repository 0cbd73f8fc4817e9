// The Categories panel of the servers page: for Sonarr/Radarr, which
// server and folder the torrents added in each category (through the
// qBittorrent API) go to. List, add / edit (PUT replaces the whole
// category), remove.

import { api } from '../api.js';
import { confirmDialog, notify, openDialog } from '../dialog.js';
import { errorLine, field, h, replaceChildren } from '../dom.js';
import { store } from '../store.js';

const categoryPath = (name) => `/categories/${encodeURIComponent(name)}`;

/** The panel; `refresh()` re-reads the categories (server names may change). */
export function categoriesPanel() {
  const list = h('div.table-scroll');
  const error = errorLine();
  const element = h('section.card.categories', {},
    h('header.card-head', {}, h('h2', {}, 'Categories'),
      h('button', { type: 'button', onclick: () => openCategoryForm(null, load) }, '+ Add category')),
    h('p.muted', {}, 'Sonarr/Radarr categories: adds in a category go to this server and folder.'),
    list, error.element);

  const load = async () => {
    try {
      const { categories } = await api.get('/categories');
      error.show('');
      if (!categories.length) {
        replaceChildren(list, h('p.muted', {}, 'No categories yet: Sonarr and Radarr send theirs to your default server.'));
        return;
      }
      replaceChildren(list, h('table.list.category-list', {},
        h('thead', {}, h('tr', {}, ['Name', 'Server', 'Save path', '']
          .map((title) => h('th', { scope: 'col' }, title)))),
        h('tbody', {}, categories.map((category) => h('tr', { dataset: { category: category.name } },
          h('td.category-name', {}, category.name),
          h('td', { 'data-label': 'Server' }, category.server_id ? (category.server_name ?? category.server_id) : 'Default server'),
          h('td', { 'data-label': 'Save path' }, category.save_path ?? 'The server\'s own folder'),
          h('td.row-actions', {}, h('span.row-buttons', {},
            h('button', { type: 'button', onclick: () => openCategoryForm(category, load) }, 'Edit'),
            h('button.danger', { type: 'button', onclick: () => remove(category) }, 'Remove'))))))));
    } catch (failure) {
      error.show(failure.message);
    }
  };

  const remove = async (category) => {
    const { confirmed } = await confirmDialog({
      title: 'Remove category',
      message: `Remove “${category.name}”? Its torrents stay where they are; new adds in it go to your default server.`,
      confirmLabel: 'Remove', danger: true,
    });
    if (!confirmed) return;
    try {
      await api.delete(categoryPath(category.name));
      notify(`Removed ${category.name}.`);
    } catch (failure) {
      notify(failure.message, 'error');
    }
    await load();
  };

  load();
  return { element, refresh: load };
}

/** Add (`category` null) or edit a category; `saved` runs after a save. */
function openCategoryForm(category, saved) {
  const editing = Boolean(category);
  const name = h('input', {
    type: 'text', name: 'name', id: 'category-name', required: true, maxlength: 128,
    value: category?.name ?? '', readOnly: editing, placeholder: 'e.g. tv-sonarr',
  });
  const server = h('select', { name: 'server_id', id: 'category-server' },
    h('option', { value: '' }, 'Default server'),
    store.servers.map((s) => h('option', { value: s.id, selected: s.id === category?.server_id }, s.name)));
  const savePath = h('input', {
    type: 'text', name: 'save_path', id: 'category-save-path',
    value: category?.save_path ?? '', placeholder: '/data/tv',
  });
  const error = errorLine();
  const submit = h('button.primary', { type: 'submit' }, editing ? 'Save' : 'Add category');
  const form = h('form.dialog-body.category-form', {},
    field('Name', name, editing ? null : 'As Sonarr or Radarr names it (its download client\'s Category).'),
    field('Server', server),
    field('Save path', savePath, 'An absolute folder on that server; empty: the server\'s own download folder.'),
    error.element,
    h('div.actions', {},
      h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel'), submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.show('');
    submit.disabled = true;
    const wanted = name.value.trim();
    try {
      await api.put(categoryPath(wanted), {
        server_id: server.value || null,
        save_path: savePath.value.trim() || null,
      });
      notify(editing ? `Saved ${wanted}.` : `Added ${wanted}.`);
      dialog.close();
      await saved();
    } catch (failure) {
      error.show(failure.message);
      submit.disabled = false;
    }
  });
  const dialog = openDialog({ title: editing ? `Edit ${category.name}` : 'Add category', content: form });
  (editing ? server : name).focus();
}
