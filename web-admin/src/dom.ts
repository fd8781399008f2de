/**
 * Tiny DOM helpers. Every piece of data reaches the page through `textContent` or attributes set
 * with `setAttribute`; nothing is parsed as HTML, so API data can never become markup (CSP-friendly,
 * no template library needed for a site this size).
 */

type Child = Node | string | number | null | undefined | false;
export type Children = Child | readonly Children[];

export interface Props {
  class?: string | undefined;
  /** Event listeners, e.g. `on: { click: () => … }`. */
  on?: { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
  /** Attributes; `false`/`undefined` leave the attribute out, `true` sets it empty. */
  [attribute: string]: unknown;
}

function append(parent: Node, children: Children): void {
  if (children === null || children === undefined || children === false) return;
  if (Array.isArray(children)) {
    for (const child of children as readonly Children[]) append(parent, child);
    return;
  }
  if (children instanceof Node) {
    parent.appendChild(children);
    return;
  }
  parent.appendChild(document.createTextNode(String(children)));
}

function applyProps(element: Element, props: Props | undefined): void {
  if (!props) return;
  for (const [name, value] of Object.entries(props)) {
    if (name === 'on') {
      for (const [type, listener] of Object.entries(value as Record<string, EventListener>)) {
        element.addEventListener(type, listener);
      }
    } else if (value === true) {
      element.setAttribute(name, '');
    } else if (value !== false && value !== undefined && value !== null) {
      element.setAttribute(name, String(value));
    }
  }
}

/** Creates an HTML element; strings among the children become text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Children[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  applyProps(element, props ?? undefined);
  append(element, children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element (namespaced, so it renders inside an inline `<svg>`). */
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes?: Record<string, string | number | undefined> | null,
  ...children: Children[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value !== undefined) element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

/** Replaces all children of `parent`. */
export function mount(parent: Element, ...children: Children[]): void {
  parent.replaceChildren();
  append(parent, children);
}

let idCounter = 0;
/** A page-unique id for label/aria wiring. */
export function uid(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/**
 * Marks a button busy while the task runs: `aria-disabled` and `aria-busy` (not `disabled`, which
 * would throw keyboard focus to the page's start), a spinner + label, and a second click ignored.
 * Focus stays on the button; if the task redrew it, focus goes to its replacement (same id).
 */
export async function withBusy<T>(
  button: HTMLButtonElement,
  busyLabel: string,
  task: () => Promise<T>,
): Promise<T | undefined> {
  if (button.getAttribute('aria-busy') === 'true' || button.disabled) return undefined;
  const label = button.textContent ?? '';
  const hadFocus = document.activeElement === button;
  button.setAttribute('aria-busy', 'true');
  button.setAttribute('aria-disabled', 'true');
  mount(button, h('span', { class: 'spinner', 'aria-hidden': 'true' }), busyLabel);
  try {
    return await task();
  } finally {
    button.removeAttribute('aria-busy');
    button.removeAttribute('aria-disabled');
    button.textContent = label;
    const lost = document.activeElement === null || document.activeElement === document.body;
    if (hadFocus && lost) {
      const replacement = button.isConnected ? button : button.id ? document.getElementById(button.id) : null;
      replacement?.focus();
    }
  }
}

/** Grey placeholder blocks shown while data loads. */
export function skeleton(lines = 3): HTMLElement {
  const wrapper = h('div', { class: 'skeleton-group', 'aria-hidden': 'true' });
  for (let i = 0; i < lines; i += 1) wrapper.appendChild(h('div', { class: `skeleton skeleton--w${(i % 3) + 1}` }));
  return h(
    'div',
    { role: 'status', 'aria-live': 'polite' },
    h('span', { class: 'visually-hidden' }, 'Loading…'),
    wrapper,
  );
}

/** Kept here for the views that import it with the DOM helpers. */
export { formatTime } from './format.ts';

/** `<option>` list helper. */
export function option(value: string, label: string, selected = false, disabled = false): HTMLOptionElement {
  const element = h('option', { value }, label);
  element.selected = selected;
  element.disabled = disabled;
  return element;
}
