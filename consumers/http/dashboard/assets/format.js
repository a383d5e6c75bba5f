// How figures read on the page: money from integer minor units with Intl.NumberFormat, dates,
// and a line of words for each event of the timeline.

const locale = navigator.language || 'en-GB';
const moneyFormats = new Map();

function moneyFormat(currency) {
  if (!moneyFormats.has(currency)) {
    moneyFormats.set(currency, new Intl.NumberFormat(locale, { style: 'currency', currency }));
  }
  return moneyFormats.get(currency);
}

// The exact decimal text of `minorUnits` (an int64, a JSON string) in `currency`: BigInt, so
// that no amount is rounded through a double before Intl formats it.
function decimalText(minorUnits, currency) {
  const digits = moneyFormat(currency).resolvedOptions().maximumFractionDigits;
  const units = BigInt(minorUnits ?? 0);
  const negative = units < 0n;
  const text = (negative ? -units : units).toString().padStart(digits + 1, '0');
  const whole = text.slice(0, text.length - digits);
  const fraction = digits ? `.${text.slice(text.length - digits)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

export function formatMoney(minorUnits, currency) {
  return moneyFormat(currency).format(decimalText(minorUnits, currency));
}

// For the chart's axis: a plain number in major units (rounding is harmless there).
export function majorUnits(minorUnits, currency) {
  return Number(decimalText(minorUnits, currency));
}

// A CurrencyTotal list ("[{currency, minorUnits}]") as text, one amount per currency.
export function formatTotals(totals, fallbackCurrency) {
  const list = (totals ?? []).filter((t) => t.currency);
  if (list.length === 0) return fallbackCurrency ? formatMoney(0, fallbackCurrency) : '—';
  return list.map((t) => formatMoney(t.minorUnits, t.currency)).join(' · ');
}

export function totalIn(totals, currency) {
  return (totals ?? []).find((t) => t.currency === currency)?.minorUnits ?? '0';
}

const dateFormat = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
const monthFormat = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', timeZone: 'UTC' });

export const formatDate = (rfc3339) => (rfc3339 ? dateFormat.format(new Date(rfc3339)) : '—');
export const formatMonth = (period) => monthFormat.format(new Date(`${period}-01T00:00:00Z`));

// "invoiceIssued" → "Invoice issued".
export function humanize(name) {
  const words = String(name).replace(/_/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// The first id-like field of an event body ("invoiceId": "I-7"), and its money if it has one.
export function describeEvent(event) {
  const [type, body] = Object.entries(event ?? {})[0] ?? ['unknown', {}];
  const idKey = Object.keys(body ?? {}).find((key) => key.endsWith('Id'));
  const parts = [];
  if (idKey) parts.push(body[idKey]);
  const amount = body?.amount;
  if (amount?.currency) parts.push(formatMoney(amount.minorUnits, amount.currency));
  if (body?.name) parts.push(body.name);
  return { type: humanize(type), detail: parts.join(' · ') };
}

// Health flags as the portfolio view names them, in words.
export const flagLabel = (flag) => humanize(flag);
