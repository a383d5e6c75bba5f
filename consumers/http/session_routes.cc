#include "consumers/http/session_routes.h"

#include <string>

#include "consumers/http/access_control.h"
#include "consumers/http/api_replies.h"
#include "consumers/http/request_access.h"
#include "consumers/http/request_metrics.h"
#include "consumers/http/session_cookie.h"
#include "timeline/v1/api.pb.h"

namespace timeline {
namespace {

using httplib::Request;
using httplib::Response;

v1::SessionInfo InfoOf(const Grant& grant) {
  v1::SessionInfo info;
  info.set_token_name(grant.name);
  info.set_role(RoleName(grant.role));
  info.set_manager(grant.manager);
  return info;
}

}  // namespace

void RegisterSessionRoutes(httplib::Server* server, const SessionContext& context) {
  InstrumentedRoutes routes(server, context.metrics);
  routes.Post("/api/session", "POST /api/session", [context](const Request& req, Response& res) {
    if (context.tokens == nullptr) return ReplyMessage(res, InfoOf(Grant::Unrestricted()));
    // Only the header: a cookie cannot be traded for itself, and a form cannot set the header.
    const std::string authorization = req.get_header_value("Authorization");
    const auto token = BearerToken(authorization);  // a view into `authorization`
    const Grant* grant = token ? context.tokens->Authenticate(*token) : nullptr;
    if (grant == nullptr) {
      return ReplyUnauthenticated(res, token ? "the bearer token is not valid"
                                             : "send the token as Authorization: Bearer <token>");
    }
    res.set_header("Set-Cookie", SessionCookie(*token, context.secure_cookie));
    res.set_header("Cache-Control", "no-store");
    ReplyMessage(res, InfoOf(*grant));
  });
  routes.Get("/api/session", "/api/session", [context](const Request& req, Response& res) {
    const Grant* grant = AuthenticateRequest(req, res, context.tokens);
    if (grant == nullptr) return;
    ReplyMessage(res, InfoOf(*grant));
  });
  routes.Delete("/api/session", "DELETE /api/session", [context](const Request&, Response& res) {
    res.set_header("Set-Cookie", ExpiredSessionCookie(context.secure_cookie));
    res.status = 204;
  });
}

}  // namespace timeline
