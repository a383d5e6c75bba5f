// The dashboard's sign-in, registered on an httplib::Server (session_cookie.h says why):
//
//   POST   /api/session   with `Authorization: Bearer TOKEN`: 200 SessionInfo and Set-Cookie
//                         holding the token; 401 and no cookie for a missing or unknown token
//   GET    /api/session   SessionInfo of the request's token (header or cookie); 401 without one
//   DELETE /api/session   204 and a Set-Cookie that expires the session (signing out)
//
// Without tokens (--insecure-no-auth) POST answers the unrestricted grant and sets no cookie.
// The token is never logged and never sent back in a body.
// Concurrency: handlers run on the server's threads; they only read the token store.
#pragma once

#include <httplib.h>

namespace timeline {

class MetricsRegistry;
class TokenStore;

struct SessionContext {
  const TokenStore* tokens = nullptr;  // null: no authentication (--insecure-no-auth)
  bool secure_cookie = false;          // true over TLS: the cookie is sent over HTTPS only
  MetricsRegistry* metrics = nullptr;  // null: not counted (request_metrics.h)
};

// Registers the three routes above; `context` is copied, its pointers must outlive the server.
void RegisterSessionRoutes(httplib::Server* server, const SessionContext& context);

}  // namespace timeline
