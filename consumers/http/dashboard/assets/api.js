// The query API as the page uses it: same-origin requests that carry the session cookie, JSON
// replies (protobuf's JSON mapping), and errors that say what the server said.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function request(method, path, headers = {}) {
  const response = await fetch(path, { method, headers, credentials: 'same-origin' });
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
