// The dashboard in headless Chromium (driven by playwright-core), against a running engine that
// dashboard_test.sh started with a demo portfolio. Each step says what it checks; the first that
// fails ends the test with what was expected and what the page showed. Figures are checked
// against the API's own answer, formatted here independently of the page's code.
//
// Environment: DASHBOARD_URL, DASHBOARD_TOKEN, TIMELINE_BIN, TIMELINE_COMMON_FLAGS (for
// `timeline append`), CHROMIUM, SCREENSHOT (the account page at the end; the portfolio goes
// beside it as *-portfolio.png), WEB_MODULES (deploy/web/node_modules).
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run tests/browser/dashboard_test.sh)`);
  return value;
};
const url = env('DASHBOARD_URL');
const token = env('DASHBOARD_TOKEN');
const { chromium } = createRequire(`${env('WEB_MODULES')}/`)('playwright-core');
const locale = 'en-GB';
const started = Date.now();

function money(minorUnits, currency) {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits;
  return format.format(Number(minorUnits) / 10 ** digits);
}

async function apiGet(path) {
  const response = await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

// A CurrencyTotal list as the page writes it: each currency's amount, joined by " · ".
const moneyList = (totals, fallbackCurrency) => (totals?.length
  ? totals.map((t) => money(t.minorUnits, t.currency)).join(' · ')
  : money(0, fallbackCurrency));


async function step(name, check) {
  try {
    const result = await check();
    console.log(`ok - ${name}`);
    return result;
  } catch (error) {
    console.log(`not ok - ${name}\n#   ${String(error.message).split('\n').join('\n#   ')}`);
    error.reported = true;
    throw error;
  }
}

// Waits until the element named data-figure=`name` reads `expected`; says what it read if not.
async function expectFigure(page, selector, expected, timeout = 10000) {
  const locator = page.locator(selector).first();
  try {
    await locator.waitFor({ timeout });
    await page.waitForFunction(([sel, want]) => document.querySelector(sel)?.textContent === want,
                               [selector, expected], { timeout });
  } catch {
    const shown = await locator.textContent().catch(() => '(not on the page)');
    throw new Error(`${selector}: expected "${expected}", the page shows "${shown}"`);
  }
}

const browser = await chromium.launch({ executablePath: env('CHROMIUM'), headless: true });
let page;
let exitCode = 0;
try {
  // The smaller of the laptop screens the page is made for.
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale });
  page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  page.on('request', (request) => {
    if (!request.url().startsWith(url)) problems.push(`a request left the server: ${request.url()}`);
  });

  const portfolio = await apiGet('/api/views/portfolio');
  const headlines = portfolio.managers.flatMap((m) => m.accounts);
  const account = headlines.find((a) => a.receivable?.length) ?? headlines[0];
  const id = account.accountId;

  await step('the dashboard signs in from the address fragment and forgets the token', async () => {
    await page.goto(`${url}/#token=${token}`);
    await page.locator('table tbody tr').first().waitFor({ timeout: 10000 });
    if (page.url().includes(token)) throw new Error(`the address still holds the token: ${page.url()}`);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'timeline_session');
    if (!session?.httpOnly || session.sameSite !== 'Strict') {
      throw new Error(`expected an HttpOnly SameSite=Strict session cookie, got ${JSON.stringify(session)}`);
    }
  });

  await step(`the portfolio lists ${headlines.length} accounts with the API's receivables`, async () => {
    const rows = await page.locator('table tbody tr').count();
    if (rows !== headlines.length) throw new Error(`expected ${headlines.length} rows, the table has ${rows}`);
    for (const headline of headlines) {
      const expected = (headline.receivable ?? []).map((t) => money(t.minorUnits, t.currency)).join(' · ') || '—';
      await expectFigure(page, `[data-figure="receivables:${headline.accountId}"]`, expected);
    }
  });

  const portfolioShot = env('SCREENSHOT').replace(/\.png$/, '-portfolio.png');
  await page.screenshot({ path: portfolioShot, fullPage: true });
  console.log(`# screenshot: ${portfolioShot}`);

  const state = await apiGet(`/api/accounts/${id}`);
  const currency = state.receivable?.[0]?.currency ?? state.currency;
  await step(`account ${id} shows the receivables and revenue /api/accounts/${id} gives`, async () => {
    await page.getByRole('link', { name: account.name || id }).click();
    await expectFigure(page, '[data-figure="receivables"]', moneyList(state.receivable, currency));
    await expectFigure(page, '[data-figure="revenue"]', moneyList(state.invoiced, currency));
    if (!page.url().endsWith(`/?account=${id}`)) throw new Error(`the address is ${page.url()}`);
  });

  await step('the chart draws one month per point of the series', async () => {
    const series = await apiGet(`/api/accounts/${id}/series?interval=month`);
    await page.locator('.chart-box canvas').waitFor({ timeout: 5000 });
    const labels = await page.evaluate(() => window.Chart.getChart(document.querySelector('.chart-box canvas'))?.data.labels.length);
    if (labels !== series.points.length) throw new Error(`the chart has ${labels} months, the series ${series.points.length}`);
  });

  const summary = await apiGet(`/api/views/summary?account=${id}`);
  const invoice = summary.receivables?.flatMap((r) => r.invoices ?? []).find((i) => i.currency === currency);
  if (!invoice) throw new Error(`account ${id} has no unsettled invoice in ${currency} to pay`);
  const paid = 12345;
  let receivablesAfterPayment = '';
  await step(`a payment appended with timeline append shows on the page (receivables - ${paid})`, async () => {
    const submission = {
      accountId: id, occurredAt: new Date().toISOString(), actor: 'browser-test',
      event: { paymentReceived: { paymentId: `PAY-BROWSER-${Date.now()}`, invoiceId: invoice.invoiceId,
                                  amount: { minorUnits: String(paid), currency } } },
    };
    const append = promisify(execFile)(env('TIMELINE_BIN'),
      ['append', ...env('TIMELINE_COMMON_FLAGS').split(' ')], { timeout: 30000 });
    append.child.stdin.end(JSON.stringify(submission));
    const { stdout } = await append;
    if (!stdout.startsWith('recorded:')) throw new Error(`timeline append said: ${stdout}`);
    const after = (state.receivable ?? []).map((t) => (t.currency === currency
      ? { ...t, minorUnits: String(BigInt(t.minorUnits) - BigInt(paid)) } : t));
    receivablesAfterPayment = moneyList(after, currency);
    await expectFigure(page, '[data-figure="receivables"]', receivablesAfterPayment, 15000);
    const latest = await page.locator('#timeline tbody tr').first().textContent();
    if (!latest.includes('Payment received')) throw new Error(`the timeline's newest row is "${latest}"`);
  });

  await step('signing out forgets the session, and the sign-in form opens a new one', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('#sign-in-form').waitFor({ timeout: 5000 });
    const left = (await context.cookies()).find((c) => c.name === 'timeline_session');
    if (left) throw new Error('the session cookie is still there after signing out');
    await page.fill('#token', token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectFigure(page, '[data-figure="receivables"]', receivablesAfterPayment);
  });

  await step('no page error, console error or request to another origin', async () => {
    if (problems.length) throw new Error(problems.join('\n'));
  });
} catch (error) {
  if (!error.reported) console.log(`not ok - ${error.message}`);
  exitCode = 1;
} finally {
  if (page) {
    const path = env('SCREENSHOT');
    await page.screenshot({ path, fullPage: true }).catch((e) => console.log(`# no screenshot: ${e.message}`));
    console.log(`# screenshot: ${path}`);
  }
  await browser.close();
  console.log(`# ${((Date.now() - started) / 1000).toFixed(1)} s in the browser`);
}
process.exit(exitCode);
