// The dashboard's API client (consumers/http/dashboard/assets/api.js) under a limit reached, in
// Node with a scripted fetch: a read refused 503 with Retry-After is asked again, a few times;
// a 503 without Retry-After, or a write, fails at once with the server's message.
//
//   node tests/browser/api_retry_test.mjs REPO_ROOT
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// api.js is an ES module named .js outside a "type": "module" package: import a .mjs copy.
const copy = join(mkdtempSync(join(tmpdir(), 'api-retry-')), 'api.mjs');
copyFileSync(join(process.argv[2], 'consumers/http/dashboard/assets/api.js'), copy);
const { getJson, signIn, ApiError } = await import(pathToFileURL(copy).href);

let calls = 0;
const reply = (status, body, headers = {}) => ({
  status,
  ok: status >= 200 && status < 300,
  text: async () => JSON.stringify(body),
  headers: { get: (name) => headers[name] ?? null },
});
const busy = () => reply(503, { code: 'unavailable', message: 'busy' }, { 'Retry-After': '0.01' });
globalThis.fetch = async (path) => {
  calls += 1;
  if (path === '/busy-twice') return calls <= 2 ? busy() : reply(200, { answered: true });
  if (path === '/busy' || path === '/api/session') return busy();
  return reply(503, { code: 'unavailable', message: 'too many streams' });
};

calls = 0;
assert.deepEqual(await getJson('/busy-twice'), { answered: true });
assert.equal(calls, 3);

calls = 0;
await assert.rejects(getJson('/busy'), (e) => e instanceof ApiError && e.status === 503 &&
                                              e.message === 'busy');
assert.equal(calls, 4);  // the first ask and three more

calls = 0;
await assert.rejects(getJson('/no-retry-after'), (e) => e.message === 'too many streams');
assert.equal(calls, 1);

calls = 0;
await assert.rejects(signIn('token'), (e) => e.status === 503);
assert.equal(calls, 1);
console.log('ok - the API client retries a refused read after Retry-After, and nothing else');
