// A virtualised table: fixed row height, only the visible rows (plus some
// overscan) exist in the DOM, and those row elements are reused while
// scrolling. Cells are written only when their text changes.

import { h } from './dom.js';

const OVERSCAN = 10;
const LONG_PRESS_MS = 550;

/**
 * columns: [{key, title, width (CSS grid track), sortable, resizable, className,
 *            create(cell) once per cell element, update(cell, row) per render}]
 * options: rowHeight, label, rowKey(row), isSelected(row),
 *          onRowClick(index, {shift, toggle}), onActivate(index),
 *          onSelectAll(), onSort(key), headerExtra(key) → Node|null,
 *          onContextMenu(index, event), onColumnResize(key, widthPx, finished)
 */
export class VirtualTable {
  rows = [];
  #pool = [];
  #focusIndex = -1;
  #frame = 0;
  #longPressed = false;

  constructor(columns, options) {
    this.options = options;
    this.head = h('div.vtable-head', { role: 'row' });
    this.spacer = h('div.vtable-spacer', { role: 'rowgroup' });
    this.element = h('div.vtable', {
      role: 'grid', tabindex: 0, 'aria-label': options.label, 'aria-multiselectable': 'true',
      onscroll: () => this.schedule(),
      onkeydown: (event) => this.#onKey(event),
    }, this.head, this.spacer);
    this.element.style.setProperty('--row-height', `${options.rowHeight}px`);
    this.spacer.addEventListener('click', (event) => this.#onClick(event));
    this.spacer.addEventListener('dblclick', (event) => {
      const index = this.rowIndexOf(event);
      if (index >= 0) options.onActivate(index);
    });
    this.spacer.addEventListener('pointerdown', (event) => this.#watchLongPress(event));
    this.spacer.addEventListener('contextmenu', (event) => {
      const index = this.rowIndexOf(event);
      if (index < 0 || !options.onContextMenu) return;
      event.preventDefault();
      this.#focusIndex = index;
      options.onContextMenu(index, event);
    });
    new ResizeObserver(() => this.schedule()).observe(this.element);
    this.setColumns(columns);
  }

  setColumns(columns) {
    this.columns = columns;
    this.setTracks(columns.map((column) => column.width));
    this.head.replaceChildren(...columns.map((column) => this.#headerCell(column)));
    for (const row of this.#pool) row.element.remove();
    this.#pool = [];
    this.schedule();
  }

  /** New widths for the same columns (a column being resized): no re-render. */
  setTracks(tracks) {
    this.element.style.setProperty('--columns', tracks.join(' '));
  }

  /** Another row height (table rows vs phone cards). */
  setRowHeight(rowHeight) {
    this.options.rowHeight = rowHeight;
    this.element.style.setProperty('--row-height', `${rowHeight}px`);
    for (const row of this.#pool) row.index = -1; // positions must be written again
    this.setRows(this.rows);
  }

  /** New rows (after a filter or sort): re-render what is visible. */
  setRows(rows) {
    this.rows = rows;
    this.element.setAttribute('aria-rowcount', String(rows.length + 1));
    this.spacer.style.height = `${rows.length * this.options.rowHeight}px`;
    if (this.#focusIndex >= rows.length) this.#focusIndex = rows.length - 1;
    this.schedule();
  }

  /** Shows which column sorts, and which way. */
  setSort(key, descending) {
    for (const cell of this.head.children) {
      const sorted = cell.dataset.key === key;
      cell.setAttribute('aria-sort', sorted ? (descending ? 'descending' : 'ascending') : 'none');
    }
  }

  /** Indices of the rows currently drawn (for tests and benchmarks too). */
  visibleRange() {
    const { rowHeight } = this.options;
    // The header is sticky inside the scroller, so rows start below it.
    const top = this.element.scrollTop;
    const height = this.element.clientHeight - this.head.offsetHeight;
    const first = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((top + height) / rowHeight) + OVERSCAN);
    return [first, last];
  }

  /** Re-render on the next frame; several calls in one frame render once. */
  schedule() {
    if (!this.#frame) this.#frame = requestAnimationFrame(() => this.render());
  }

  render() {
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    const [first, last] = this.visibleRange();
    const needed = last - first;
    while (this.#pool.length < needed) this.#pool.push(this.#newRow());
    for (let slot = 0; slot < this.#pool.length; slot += 1) {
      const row = this.#pool[slot];
      const index = first + slot;
      if (slot >= needed) {
        row.element.hidden = true;
        continue;
      }
      this.#fillRow(row, index);
    }
  }

  #fillRow(row, index) {
    const data = this.rows[index];
    const { element } = row;
    element.hidden = false;
    if (row.index !== index) {
      row.index = index;
      element.style.transform = `translateY(${index * this.options.rowHeight}px)`;
      element.setAttribute('aria-rowindex', String(index + 2));
    }
    const selected = this.options.isSelected(data);
    if (row.selected !== selected) {
      row.selected = selected;
      element.setAttribute('aria-selected', String(selected));
    }
    element.classList.toggle('focused', index === this.#focusIndex);
    this.columns.forEach((column, i) => column.update(row.cells[i], data));
  }

  #newRow() {
    const cells = this.columns.map((column) => {
      const cell = h(`div.vcell${column.className ? `.${column.className}` : ''}`, { role: 'gridcell' });
      column.create?.(cell);
      return cell;
    });
    const element = h('div.vrow', { role: 'row' }, cells);
    this.spacer.append(element);
    return { element, cells, index: -1, selected: null };
  }

  #headerCell(column) {
    const title = column.sortable
      ? h('button.sort', { type: 'button', onclick: () => this.options.onSort(column.key) }, column.title)
      : column.title;
    const handle = column.resizable && this.options.onColumnResize
      ? h('span.resize-handle', { 'aria-hidden': 'true', onpointerdown: (event) => this.#resize(event, column) })
      : null;
    return h(`div.vcell.head${column.className ? `.${column.className}` : ''}`,
      { role: 'columnheader', dataset: { key: column.key }, title: column.title || null },
      this.options.headerExtra?.(column.key) ?? title, handle);
  }

  /** Dragging a header's right edge: the width follows the pointer. */
  #resize(event, column) {
    event.preventDefault();
    const handle = event.currentTarget;
    const startX = event.clientX;
    const startWidth = handle.parentElement.getBoundingClientRect().width;
    const widthAt = (moveEvent) => Math.max(40, Math.round(startWidth + moveEvent.clientX - startX));
    handle.setPointerCapture(event.pointerId);
    const onMove = (moveEvent) => this.options.onColumnResize(column.key, widthAt(moveEvent), false);
    const onUp = (upEvent) => {
      handle.removeEventListener('pointermove', onMove);
      handle.removeEventListener('pointerup', onUp);
      handle.removeEventListener('pointercancel', onUp);
      this.options.onColumnResize(column.key, widthAt(upEvent), true);
    };
    handle.addEventListener('pointermove', onMove);
    handle.addEventListener('pointerup', onUp);
    handle.addEventListener('pointercancel', onUp);
  }

  /** A touch held still for a while opens the row's menu, like a right click. */
  #watchLongPress(event) {
    this.#longPressed = false;
    if (event.pointerType !== 'touch' || !this.options.onContextMenu) return;
    const index = this.rowIndexOf(event);
    if (index < 0) return;
    const { clientX, clientY } = event;
    const cancel = () => {
      clearTimeout(timer);
      this.spacer.removeEventListener('pointerup', cancel);
      this.spacer.removeEventListener('pointercancel', cancel);
      this.spacer.removeEventListener('pointermove', onMove);
    };
    const onMove = (moveEvent) => {
      if (Math.hypot(moveEvent.clientX - clientX, moveEvent.clientY - clientY) > 10) cancel();
    };
    const timer = setTimeout(() => {
      cancel();
      this.#longPressed = true;
      this.#focusIndex = index;
      this.options.onContextMenu(index, { clientX, clientY });
    }, LONG_PRESS_MS);
    this.spacer.addEventListener('pointerup', cancel);
    this.spacer.addEventListener('pointercancel', cancel);
    this.spacer.addEventListener('pointermove', onMove);
  }

  /** The index of the row an event happened in, or -1. */
  rowIndexOf(event) {
    const rowElement = event.target.closest('.vrow');
    const row = this.#pool.find((candidate) => candidate.element === rowElement);
    return row ? row.index : -1;
  }

  #onClick(event) {
    const index = this.rowIndexOf(event);
    if (index < 0) return;
    if (this.#longPressed) {
      this.#longPressed = false; // the click ending a long press opened the menu already
      return;
    }
    if (event.target.closest('.row-menu')) {
      this.#focusIndex = index;
      this.options.onContextMenu?.(index, event);
      return;
    }
    const viaCheckbox = event.target.matches('input[type=checkbox]');
    this.#focusIndex = index;
    this.options.onRowClick(index, {
      shift: event.shiftKey,
      toggle: viaCheckbox || event.ctrlKey || event.metaKey,
    });
  }

  #onKey(event) {
    if (event.target !== this.element) return; // keys typed into a header control
    const pageRows = Math.max(1, Math.floor(this.element.clientHeight / this.options.rowHeight) - 1);
    const moves = {
      ArrowDown: 1, ArrowUp: -1, PageDown: pageRows, PageUp: -pageRows,
      Home: -Infinity, End: Infinity,
    };
    if (event.key in moves) {
      event.preventDefault();
      if (!this.rows.length) return;
      const from = this.#focusIndex < 0 ? -1 : this.#focusIndex;
      const to = Math.min(this.rows.length - 1, Math.max(0, from + moves[event.key]));
      this.#focusIndex = to;
      this.#scrollIntoView(to);
      this.options.onRowClick(to, { shift: event.shiftKey, toggle: false });
    } else if (event.key === ' ' && this.#focusIndex >= 0) {
      event.preventDefault();
      this.options.onRowClick(this.#focusIndex, { shift: false, toggle: true });
    } else if (event.key === 'Enter' && this.#focusIndex >= 0) {
      event.preventDefault();
      this.options.onActivate(this.#focusIndex);
    } else if (event.key === 'a' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      this.options.onSelectAll();
    }
  }

  #scrollIntoView(index) {
    const { rowHeight } = this.options;
    const top = index * rowHeight;
    const viewTop = this.element.scrollTop;
    const viewHeight = this.element.clientHeight - this.head.offsetHeight;
    if (top < viewTop) this.element.scrollTop = top;
    else if (top + rowHeight > viewTop + viewHeight) this.element.scrollTop = top + rowHeight - viewHeight;
    this.schedule();
  }
}
