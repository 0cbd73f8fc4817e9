// A small pop-up menu at a point (right click, long press, a ⋯ button):
// arrow keys move, Enter picks, Escape / a click elsewhere / scrolling close.

import { h } from '../dom.js';

let openMenu = null;

/** items: [{label, action(), danger?, disabled?}]; x, y: viewport position. */
export function showContextMenu(x, y, items, label = 'Actions') {
  closeContextMenu();
  const buttons = items.map((item) => h(`button.menu-item${item.danger ? '.danger' : ''}`, {
    type: 'button',
    role: 'menuitem',
    disabled: item.disabled,
    onclick: () => {
      closeContextMenu();
      item.action();
    },
  }, item.label));
  const menu = h('div.context-menu', { role: 'menu', 'aria-label': label }, buttons);
  document.body.append(menu);
  // Inside the viewport, whatever the point.
  const { width, height } = menu.getBoundingClientRect();
  menu.style.left = `${Math.max(4, Math.min(x, window.innerWidth - width - 4))}px`;
  menu.style.top = `${Math.max(4, Math.min(y, window.innerHeight - height - 4))}px`;
  const onOutside = (event) => {
    if (!menu.contains(event.target)) closeContextMenu();
  };
  // Keys wherever the focus is: after a long press it may not be in the menu.
  document.addEventListener('keydown', onKey, true);
  // Registered after this event ends, so the click that opened the menu does
  // not close it; not at all if the menu has already gone (else these would
  // stay behind and close the next menu).
  setTimeout(() => {
    if (openMenu?.menu !== menu) return;
    document.addEventListener('pointerdown', onOutside, true);
    window.addEventListener('blur', closeContextMenu);
    window.addEventListener('resize', closeContextMenu);
    document.addEventListener('scroll', closeContextMenu, true);
  });
  openMenu = {
    menu,
    close() {
      document.removeEventListener('keydown', onKey, true);
      document.removeEventListener('pointerdown', onOutside, true);
      window.removeEventListener('blur', closeContextMenu);
      window.removeEventListener('resize', closeContextMenu);
      document.removeEventListener('scroll', closeContextMenu, true);
      menu.remove();
    },
  };
  buttons.find((button) => !button.disabled)?.focus();

  function onKey(event) {
    const enabled = buttons.filter((button) => !button.disabled);
    const at = enabled.indexOf(document.activeElement);
    if (event.key === 'Tab') {
      closeContextMenu(); // and the focus moves on as usual
      return;
    }
    if (event.key === 'Escape') closeContextMenu();
    else if (event.key === 'ArrowDown') enabled[(at + 1) % enabled.length]?.focus();
    else if (event.key === 'ArrowUp') enabled[(at - 1 + enabled.length) % enabled.length]?.focus();
    else return;
    event.preventDefault();
    event.stopPropagation();
  }
}

export function closeContextMenu() {
  openMenu?.close();
  openMenu = null;
}
