// The account's revenue (bars: invoiced in the month) and receivables (line: at the month's
// end) over months, drawn with Chart.js (window.Chart, the UMD build the server serves).

import { h } from './dom.js';
import { formatMoney, formatMonth, majorUnits, totalIn } from './format.js';

// The chart for `series` (api.proto MoneySeries) in `currency`, or a note saying why there is
// none. `previous`, the chart drawn before, is destroyed first (Chart.js keeps a canvas each).
export function moneyChart(series, currency, previous) {
  previous?.destroy();
  if (typeof window.Chart !== 'function') {
    return { element: h('p', { class: 'error' },
      'The chart library did not load (/assets/vendor/chart.umd.js): run deploy/setup.sh, which installs it.') };
  }
  const points = series.points ?? [];
  if (points.length === 0) return { element: h('p', { class: 'empty' }, 'No events yet.') };
  const canvas = h('canvas', { 'aria-label': `Revenue and receivables by month, ${currency}`, role: 'img' });
  const element = h('div', { class: 'chart-box' }, canvas);
  const styles = getComputedStyle(document.documentElement);
  const color = (name) => styles.getPropertyValue(name).trim();
  const chart = new window.Chart(canvas, {
    data: {
      labels: points.map((p) => formatMonth(p.period)),
      datasets: [
        {
          type: 'bar', label: 'Revenue (invoiced)', order: 2,
          data: points.map((p) => majorUnits(totalIn(p.revenue, currency), currency)),
          backgroundColor: color('--revenue'), borderRadius: 3, maxBarThickness: 28,
        },
        {
          type: 'line', label: 'Receivables (month end)', order: 1,
          data: points.map((p) => majorUnits(totalIn(p.receivables, currency), currency)),
          borderColor: color('--receivables'), backgroundColor: color('--receivables'),
          borderWidth: 2, pointRadius: 2, cubicInterpolationMode: 'monotone',
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      plugins: {
        legend: { position: 'top', align: 'end', labels: { boxWidth: 12 } },
        tooltip: {
          callbacks: {
            label: (item) => {
              const minor = totalIn(item.datasetIndex === 0 ? points[item.dataIndex].revenue
                                                            : points[item.dataIndex].receivables, currency);
              return `${item.dataset.label}: ${formatMoney(minor, currency)}`;
            },
          },
        },
      },
      scales: {
        y: {
          beginAtZero: true,
          ticks: {
            callback: (value) => new Intl.NumberFormat(undefined, {
              style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }).format(value),
          },
        },
        x: { grid: { display: false } },
      },
    },
  });
  return { element, chart };
}
