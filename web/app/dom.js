// Building DOM nodes. Data always goes in as text (textContent), never as
// markup: torrent names, labels and server names come from other people.

/**
 * h('button.primary', {type: 'submit', onclick}, 'Save') → <button class="primary">.
 * Attributes starting with "on" become listeners; `dataset`/`hidden`/`value`
 * and friends are set as properties; strings and numbers among the children
 * become text nodes; null/false children are skipped.
 */
export function h(tagAndClasses, attributes = {}, ...children) {
  const [tag, ...classes] = tagAndClasses.split('.');
  const element = document.createElement(tag || 'div');
  if (classes.length) element.className = classes.join(' ');
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name in PROPERTIES) element[name] = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

const PROPERTIES = { value: 1, checked: 1, hidden: 1, disabled: 1, selected: 1, textContent: 1, htmlFor: 1 };

function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces everything inside `parent` with `children`. */
export function replaceChildren(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
}

/** Sets text only when it differs: DOM writes are what costs in a big table. */
export function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

/** A labelled form field: <label>Text <input …></label> plus a hint line. */
export function field(labelText, control, hint) {
  return h('label.field', {}, h('span.field-label', {}, labelText), control,
    hint ? h('small.hint', {}, hint) : null);
}

/** A place for an error message next to an input; `show('')` hides it. */
export function errorLine() {
  const element = h('p.error', { role: 'alert', hidden: true });
  return {
    element,
    show(message) {
      element.textContent = message ?? '';
      element.hidden = !message;
    },
  };
}
