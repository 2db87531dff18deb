/** Small DOM helpers: elements built with classes and text only (no inline styles, no HTML strings). */

export interface ElementProps {
  readonly class?: string;
  readonly text?: string;
  readonly attrs?: Readonly<Record<string, string>>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElementProps = {},
  children: readonly (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.class) element.className = props.class;
  if (props.text !== undefined) element.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, value);
  for (const child of children) element.append(child);
  return element;
}

/** The element with this id; a page without it is a build mistake. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

/** Times in the operator's locale, to the second (UTC stated on hover through `datetime`). */
export function timeOf(iso: string | null | undefined): HTMLTimeElement | string {
  if (!iso) return '—';
  const date = new Date(iso);
  return el('time', { text: date.toLocaleTimeString(), attrs: { datetime: iso, title: date.toISOString() } });
}

/** "3 min 20 s", "850 ms". */
export function durationText(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1_000) return `${ms} ms`;
  const seconds = Math.round(ms / 1_000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${seconds % 60} s`;
}

export function numberText(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toLocaleString();
}

/** A table with a caption and a header row; `rows` are cells (text or nodes). */
export function table(
  caption: string,
  headers: readonly string[],
  rows: readonly (readonly (Node | string)[])[],
  empty: string,
): HTMLElement {
  if (rows.length === 0) return el('p', { class: 'empty', text: empty });
  const head = el(
    'tr',
    {},
    headers.map((h) => el('th', { text: h, attrs: { scope: 'col' } })),
  );
  const body = rows.map((cells) =>
    el(
      'tr',
      {},
      cells.map((cell) => el('td', {}, [cell])),
    ),
  );
  // Scrolls sideways on a phone: focusable and named, so keyboards can scroll it too.
  return el('div', { class: 'table-wrap', attrs: { tabindex: '0', role: 'region', 'aria-label': caption } }, [
    el('table', {}, [
      el('caption', { class: 'visually-hidden', text: caption }),
      el('thead', {}, [head]),
      el('tbody', {}, body),
    ]),
  ]);
}

/** A progress bar with its figure as text beside it (not conveyed by the bar alone). */
export function progressBar(label: string, value: number | null, max = 100): HTMLElement {
  const bar = el('progress', { attrs: { max: String(max), 'aria-label': label } });
  if (value !== null) bar.value = value;
  const figure = value === null ? 'working' : `${Math.round((value / max) * 100)} %`;
  return el('span', { class: 'progress' }, [bar, el('span', { class: 'progress-figure', text: figure })]);
}
