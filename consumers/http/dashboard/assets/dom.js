// Building the page's elements from data, with text always set as text (never parsed as HTML).

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

// A table with a header row; `rows` are arrays of cells (text or elements). An empty list
// shows `empty` instead, so that "nothing overdue" reads as an answer, not a gap.
export function table(headers, rows, empty, { numeric = [] } = {}) {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  const cell = (tag, content, index) => h(tag, { class: numeric.includes(index) ? 'num' : null }, content);
  return h('table', {},
    h('thead', {}, h('tr', {}, headers.map((text, i) => cell('th', text, i)))),
    h('tbody', {}, rows.map((row) => h('tr', {}, row.map((content, i) => cell('td', content, i))))));
}

// A titled card around `content`; `count`, when given, shows beside the title.
export function card(title, content, { count, id, wide } = {}) {
  return h('section', { class: `card${wide ? ' wide' : ''}`, id },
    h('h2', {}, title, count !== undefined ? h('span', { class: 'count' }, count) : null),
    content);
}

// One headline number: a label and its value, with a data-figure name tests and updates use.
export function figure(name, label, value, { tone } = {}) {
  return h('div', { class: `figure${tone ? ` ${tone}` : ''}` },
    h('div', { class: 'figure-label' }, label),
    h('div', { class: 'figure-value', dataset: { figure: name } }, value));
}
