// One account: its headline figures (AccountState and the summary view), the revenue and
// receivables chart (the /series endpoint), overdue milestones (project-health), invoice
// findings (compliance), training coverage, growth opportunities and its timeline, recent
// events first, a page at a time.

import { api } from './api.js';
import { card, figure, h, table } from './dom.js';
import { describeEvent, formatDate, formatMoney, formatTotals, humanize } from './format.js';
import { moneyChart } from './money_chart.js';

const timelinePage = 12;

export class AccountPage {
  constructor(root, accountId, back) {
    this.root = root;
    this.accountId = accountId;
    this.back = back;
    this.chart = null;
    this.newestFirstSeq = null;  // null: show the newest events
  }

  // Reads everything the page shows and redraws it; a live event calls it again.
  async render() {
    const id = this.accountId;
    const [state, summary, series, health, compliance, training, growth] = await Promise.all([
      api.state(id), api.view('summary', id), api.series(id), api.view('project-health', id),
      api.view('compliance', id), api.view('training', id), api.view('growth', id)]);
    const timeline = await this.timeline(state);
    const currency = state.currency || state.receivable?.[0]?.currency || 'EUR';
    const drawn = moneyChart(series, currency, this.chart);
    this.chart = drawn.chart;
    this.root.replaceChildren(
      this.title(state, summary),
      this.figures(state, summary, currency),
      h('div', { class: 'grid' },
        card(`Revenue and receivables by month (${currency})`, drawn.element, { wide: true }),
        card('Overdue milestones', overdueMilestones(health), { count: health.account?.overdue ?? 0 }),
        card('Invoice findings', invoiceFindings(compliance), { count: compliance.findings?.length ?? 0 }),
        card('Training coverage', trainingCoverage(training), { count: `${training.untrainedSkus?.length ?? 0} untrained` }),
        card('Growth opportunities', growthOpportunities(growth)),
        card('Timeline', timeline, { wide: true, id: 'timeline' })));
  }

  title(state, summary) {
    const profile = summary.profile ?? {};
    return h('div', { class: 'page-title' },
      h('a', { href: '/', class: 'back', onclick: (e) => { e.preventDefault(); this.back(); } }, '← Portfolio'),
      h('h1', {}, state.name || state.accountId),
      h('span', { class: 'sub' },
        [state.accountId, state.manager && `manager ${state.manager}`, scopeText(profile.scope),
         (profile.regions ?? []).join(', '), `version ${state.version}`, state.closed && 'closed']
          .filter(Boolean).join(' · ')));
  }

  figures(state, summary, currency) {
    const ageing = (summary.receivables ?? []).find((r) => r.currency === currency) ?? {};
    const overdue = BigInt(ageing.overdue ?? 0);
    return h('div', { class: 'figures' },
      figure('revenue', 'Revenue (invoiced)', formatTotals(state.invoiced, currency)),
      figure('paid', 'Paid', formatTotals(state.paid, currency)),
      figure('receivables', 'Receivables', formatTotals(state.receivable, currency)),
      figure('overdue', 'Overdue', formatMoney(overdue, currency), { tone: overdue > 0n ? 'warn' : null }),
      figure('open-orders', 'Open orders', state.openOrders ?? '0'),
      figure('open-cases', 'Open service cases', state.openServiceCases ?? '0'));
  }

  // The page of the timeline to show: the newest events unless the reader paged back.
  async timeline(state) {
    const version = Number(state.version ?? 0);
    const first = this.newestFirstSeq ?? Math.max(1, version - timelinePage + 1);
    const page = await api.history(this.accountId, first, timelinePage);
    const entries = [...(page.entries ?? [])].reverse();
    const rows = entries.map((entry) => {
      const { type, detail } = describeEvent(entry.event);
      return [entry.sequence, formatDate(entry.occurredAt), type, detail, entry.actor ?? ''];
    });
    const older = first > 1 ? h('button', { type: 'button', onclick: () => this.page(Math.max(1, first - timelinePage)) }, 'Older') : null;
    const newer = this.newestFirstSeq !== null
      ? h('button', { type: 'button', onclick: () => this.page(null) }, 'Newest') : null;
    return h('div', {},
      table(['#', 'Occurred', 'Event', 'Detail', 'Actor'], rows, 'No events.', { numeric: [0] }),
      h('div', { class: 'pager' },
        h('span', { class: 'sub' }, entries.length ? `events ${first}–${first + entries.length - 1} of ${version}` : ''),
        older, newer));
  }

  async page(firstSeq) {
    this.newestFirstSeq = firstSeq;
    await this.render();
  }
}

// "ACCOUNT_SCOPE_NATIONAL" → "national account".
const scopeText = (scope) => scope && `${scope.replace(/^ACCOUNT_SCOPE_/, '').toLowerCase()} account`;

function overdueMilestones(health) {
  const rows = (health.projects ?? []).flatMap((project) => (project.overdueMilestones ?? []).map((m) => [
    m.name || m.milestoneId, project.name || project.projectId, formatDate(m.dueAt),
    h('span', { class: 'bad' }, `${m.daysOverdue} days`)]));
  return table(['Milestone', 'Project', 'Due', 'Overdue'], rows, 'Nothing overdue.', { numeric: [3] });
}

function invoiceFindings(compliance) {
  const rows = (compliance.findings ?? []).map((f) => [
    f.invoiceId, formatDate(f.issuedAt), humanize(f.rule), f.sku || '—', f.expected, f.actual]);
  return h('div', {},
    h('p', { class: 'sub' }, `${compliance.invoicesChecked ?? 0} invoices checked, ` +
                             `${compliance.invoicesWithFindings ?? 0} with findings`),
    table(['Invoice', 'Issued', 'Rule', 'SKU', 'Expected', 'Actual'], rows, 'Every invoice matches its contract.'));
}

function trainingCoverage(training) {
  const rows = (training.skus ?? []).map((s) => [
    s.sku, s.quantityOrdered ?? '0', `${s.seatsDelivered ?? 0} / ${s.seatsScheduled ?? 0}`,
    s.untrained ? h('span', { class: 'flag untrained_products' }, 'untrained') : h('span', { class: 'flag ok' }, 'trained')]);
  return table(['SKU', 'Ordered', 'Seats delivered / scheduled', ''], rows, 'No products ordered yet.', { numeric: [1, 2] });
}

function growthOpportunities(growth) {
  const notOrdered = (growth.notOrdered ?? []).map((u) => [
    u.sku, u.listPrice ? formatMoney(u.listPrice.minorUnits, u.listPrice.currency) : '—',
    u.lastOrderedAt ? formatDate(u.lastOrderedAt) : 'never']);
  const proposals = (growth.openProposals ?? []).map((p) => [
    p.proposalId, p.sku, p.estimatedValue ? formatMoney(p.estimatedValue.minorUnits, p.estimatedValue.currency) : '—',
    `${p.ageDays ?? 0} days`]);
  return h('div', {},
    h('h3', {}, 'On the price list, not ordered in 12 months'),
    table(['SKU', 'List price', 'Last ordered'], notOrdered, 'Every listed product is ordered.', { numeric: [1] }),
    h('h3', {}, 'Open proposals'),
    table(['Proposal', 'SKU', 'Estimated value', 'Age'], proposals, 'No open proposals.', { numeric: [2, 3] }));
}

