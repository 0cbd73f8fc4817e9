// The files of a torrent as a folder tree: `/`-separated paths become
// folders carrying the total size, bytes done and file indexes below them,
// flattened in display order (folders first, then files, by name).

const byName = (a, b) => a.name.localeCompare(b.name, undefined, { numeric: true });

/** files: [{index, path, size, progress, priority}] → [{key, kind, depth, name, …}]. */
export function fileTreeRows(files) {
  const root = folder('', '', -1);
  for (const file of files) {
    const parts = file.path.split('/');
    let node = root;
    parts.slice(0, -1).forEach((part, depth) => {
      let child = node.folders.get(part);
      if (!child) {
        child = folder(parts.slice(0, depth + 1).join('/'), part, depth);
        node.folders.set(part, child);
      }
      node = child;
    });
    node.files.push({ ...file, name: parts[parts.length - 1] });
  }
  total(root);
  const rows = [];
  flatten(root, [], rows);
  return rows;
}

function folder(path, name, depth) {
  return { path, name, depth, folders: new Map(), files: [], size: 0, done: 0, indexes: [] };
}

function total(node) {
  for (const child of node.folders.values()) {
    total(child);
    node.size += child.size;
    node.done += child.done;
    node.indexes.push(...child.indexes);
  }
  for (const file of node.files) {
    node.size += file.size;
    node.done += (file.size * file.progress) / 100;
    node.indexes.push(file.index);
  }
}

/** Depth-first; `ancestors` are the folder paths a row sits in (for collapsing). */
function flatten(node, ancestors, rows) {
  for (const child of [...node.folders.values()].sort(byName)) {
    rows.push({
      key: `d:${child.path}`, kind: 'folder', depth: child.depth, name: child.name, path: child.path, ancestors,
      size: child.size, progress: child.size ? (child.done / child.size) * 100 : 100, indexes: child.indexes,
    });
    flatten(child, [...ancestors, child.path], rows);
  }
  for (const file of [...node.files].sort(byName)) {
    rows.push({
      key: `f:${file.index}`, kind: 'file', depth: node.depth + 1, name: file.name, path: file.path, ancestors,
      size: file.size, progress: file.progress, priority: file.priority, indexes: [file.index],
    });
  }
}
