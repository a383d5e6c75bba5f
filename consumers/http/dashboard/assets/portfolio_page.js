// The portfolio overview: every account the session may see, grouped by manager, with its
// revenue (invoiced), receivables, what is overdue, and its health flags (views.proto
// PortfolioView, the `portfolio` view).

import { api } from './api.js';
import { card, figure, h, table } from './dom.js';
import { flagLabel, formatDate, formatTotals } from './format.js';

// Per currency, the sum over accounts (never across currencies).
function sumTotals(headlines, field) {
  const sums = new Map();
  for (const headline of headlines) {
    for (const total of headline[field] ?? []) {
      sums.set(total.currency, (sums.get(total.currency) ?? 0n) + BigInt(total.minorUnits ?? 0));
    }
  }
  return [...sums].sort().map(([currency, minor]) => ({ currency, minorUnits: minor.toString() }));
}

function flags(list) {
  if (!list?.length) return h('span', { class: 'flag ok' }, 'healthy');
  return h('span', { class: 'flags' }, list.map((flag) => h('span', { class: `flag ${flag}` }, flagLabel(flag))));
}

function accountRow(headline, manager, open) {
  const link = h('a', { href: `?account=${encodeURIComponent(headline.accountId)}`,
                        onclick: (e) => { e.preventDefault(); open(headline.accountId); } },
                 headline.name || headline.accountId);
  return [
    h('div', {}, link, h('div', { class: 'sub' }, headline.accountId, headline.closed ? ' · closed' : '')),
    manager || '—',
    h('span', { dataset: { figure: `revenue:${headline.accountId}` } }, formatTotals(headline.invoiced)),
    h('span', { dataset: { figure: `receivables:${headline.accountId}` } }, formatTotals(headline.receivable)),
    formatTotals(headline.overdueReceivable),
    flags(headline.flags),
  ];
}

// Renders the portfolio into `root`; `open(accountId)` shows an account.
export async function renderPortfolio(root, open) {
  const portfolio = await api.portfolio();
  const managers = portfolio.managers ?? [];
  const headlines = managers.flatMap((m) => m.accounts ?? []);
  const flagged = headlines.filter((a) => a.flags?.length).length;
  const rows = managers.flatMap((m) => (m.accounts ?? []).map((a) => accountRow(a, m.manager, open)));
  root.replaceChildren(
    h('div', { class: 'page-title' },
      h('h1', {}, 'Portfolio'),
      h('span', { class: 'sub' }, `as of ${formatDate(portfolio.referenceDate)}`)),
    h('div', { class: 'figures' },
      figure('accounts', 'Accounts', portfolio.accounts ?? headlines.length),
      figure('flagged', 'Accounts with flags', flagged, { tone: flagged ? 'warn' : null }),
      figure('revenue', 'Revenue (invoiced)', formatTotals(sumTotals(headlines, 'invoiced'))),
      figure('receivables', 'Receivables', formatTotals(sumTotals(headlines, 'receivable'))),
      figure('overdue', 'Overdue receivables', formatTotals(sumTotals(headlines, 'overdueReceivable')),
             { tone: 'warn' })),
    card('Accounts',
      table(['Account', 'Manager', 'Revenue', 'Receivables', 'Overdue', 'Health'], rows,
            'This token sees no account.', { numeric: [2, 3, 4] }),
      { count: headlines.length, wide: true }));
}
