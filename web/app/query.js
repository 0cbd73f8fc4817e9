// Which torrents the table shows, in what order: filter and sort in memory.

/** Fields whose change can move a torrent in or out of the current filter. */
export const FILTER_FIELDS = new Set(['name', 'server_id', 'state', 'labels']);

/** The default query: everything, by name. */
export function emptyQuery() {
  return { search: '', serverId: '', state: '', label: '', sortKey: 'name', descending: false };
}

function matches(torrent, query, searchLower) {
  return (!query.serverId || torrent.server_id === query.serverId)
    && (!query.state || torrent.state === query.state)
    && (!query.label || torrent.labels.includes(query.label))
    && (!searchLower || torrent.name.toLowerCase().includes(searchLower));
}

/**
 * Filters and sorts `torrents` (an iterable) into a new array.
 * `sortValue(key, torrent)` gives a number or string (null: unknown, last).
 * Values are computed once per torrent and strings compared by code unit
 * after lower-casing: Intl collation is several times slower on 10,000 rows.
 */
export function select(torrents, query, sortValue) {
  const searchLower = query.search.trim().toLowerCase();
  const decorated = [];
  for (const torrent of torrents) {
    if (!matches(torrent, query, searchLower)) continue;
    const value = sortValue(query.sortKey, torrent);
    decorated.push({
      torrent,
      value: typeof value === 'string' ? value.toLowerCase() : value,
      name: torrent.name.toLowerCase(),
    });
  }
  const direction = query.descending ? -1 : 1;
  decorated.sort((a, b) => compare(a.value, b.value, direction)
    // Ties by name then server keep rows from jumping around between ticks.
    || compare(a.name, b.name, 1)
    || compare(a.torrent.server_id, b.torrent.server_id, 1));
  return decorated.map((entry) => entry.torrent);
}

function compare(a, b, direction) {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1; // unknowns last, either direction
  if (b === null || b === undefined) return -1;
  return a < b ? -direction : direction;
}
