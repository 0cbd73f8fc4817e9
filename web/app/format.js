// Turning API numbers into short human text.

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function bytes(value) {
  if (!Number.isFinite(value) || value <= 0) return '0 B';
  const exponent = Math.min(Math.floor(Math.log2(value) / 10), BYTE_UNITS.length - 1);
  const scaled = value / 2 ** (exponent * 10);
  return `${scaled >= 100 || exponent === 0 ? Math.round(scaled) : scaled.toFixed(1)} ${BYTE_UNITS[exponent]}`;
}

export function rate(bytesPerSecond) {
  return bytesPerSecond > 0 ? `${bytes(bytesPerSecond)}/s` : '–';
}

export function percent(value) {
  if (value >= 100) return '100%';
  return `${value.toFixed(1)}%`;
}

export function ratio(value) {
  return Number.isFinite(value) && value >= 0 ? value.toFixed(2) : '∞';
}

/** Seconds remaining as "3h 12m"; null/negative (done or unknown) as "–". */
export function eta(seconds) {
  if (seconds === null || seconds === undefined || seconds < 0) return '–';
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  const days = Math.floor(hours / 24);
  return days > 999 ? '∞' : `${days}d ${hours % 24}h`;
}

// Compact enough for the table's Added column ("2026-11-25 14:05" style, in the user's locale).
const DATE = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });

export function dateTime(iso) {
  if (!iso) return '–';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '–' : DATE.format(date);
}

/** "12 s ago", "5 min ago", or the date when older than a day. */
export function ago(iso, now = Date.now()) {
  if (!iso) return 'never';
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return dateTime(iso);
}

/** "a, b ,, c" → ["a", "b", "c"]. */
export function parseLabels(text) {
  return [...new Set(text.split(',').map((label) => label.trim()).filter(Boolean))];
}
