// The query API as the page uses it: same-origin requests that carry the session cookie, JSON
// replies (protobuf's JSON mapping), and errors that say what the server said.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// How often a read refused for a limit reached (503 with Retry-After: the server answers a few
// series and views at once) is asked again, after the time the server names, before it fails.
const kRetries = 3;

async function request(method, path, headers = {}, retries = kRetries) {
  const response = await fetch(path, { method, headers, credentials: 'same-origin' });
  const retryAfter = Number(response.headers.get('Retry-After'));
  if (response.status === 503 && method === 'GET' && retries > 0 && retryAfter > 0) {
    const jitter = 0.5 + Math.random() / 2;  // so that a page's refused reads do not return together
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 * jitter));
    return request(method, path, headers, retries - 1);
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let body = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    throw new ApiError(response.status, 'bad_reply', `${method} ${path}: the reply is not JSON`);
  }
  if (!response.ok) {
    throw new ApiError(response.status, body.code ?? 'error',
                       body.message ?? `${method} ${path}: HTTP ${response.status}`);
  }
  return body;
}

export const getJson = (path) => request('GET', path);

// Trades a token for the HttpOnly session cookie; the token is sent once, in a header.
export const signIn = (token) => request('POST', '/api/session', { Authorization: `Bearer ${token}` });
export const currentSession = () => request('GET', '/api/session');
export const signOut = () => request('DELETE', '/api/session');

const account = (id) => `/api/accounts/${encodeURIComponent(id)}`;
export const api = {
  portfolio: () => getJson('/api/views/portfolio'),
  state: (id) => getJson(account(id)),
  series: (id) => getJson(`${account(id)}/series?interval=month`),
  history: (id, fromSeq, limit) => getJson(`${account(id)}/history?from_seq=${fromSeq}&limit=${limit}`),
  view: (name, id) => getJson(`/api/views/${name}?account=${encodeURIComponent(id)}`),
  accountEvents: (id) => `${account(id)}/events`,
  portfolioEvents: () => '/api/portfolio/events',
};
