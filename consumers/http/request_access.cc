#include "consumers/http/request_access.h"

#include "consumers/http/api_replies.h"
#include "consumers/http/session_cookie.h"
#include "projections/view_store.h"

namespace timeline {

const Grant* AuthenticateRequest(const httplib::Request& req, httplib::Response& res,
                                 const TokenStore* tokens) {
  if (tokens == nullptr) return &Grant::Unrestricted();
  const std::string header = req.get_header_value("Authorization");
  const std::string cookies = req.get_header_value("Cookie");
  // The header wins: a script that sends one means it, whatever session the browser holds.
  const bool has_header = !header.empty();
  const auto token = has_header ? BearerToken(header) : SessionCookieToken(cookies);
  const Grant* grant = token ? tokens->Authenticate(*token) : nullptr;
  if (grant == nullptr) {
    ReplyUnauthenticated(res, !token       ? "send Authorization: Bearer <token>, or sign in"
                              : has_header ? "the bearer token is not valid"
                                           : "the session is not valid; sign in again");
  }
  return grant;
}

std::optional<v1::AccountState> VisibleAccountOrReply(const ViewStore& store, const Grant& grant,
                                                      const std::string& account,
                                                      httplib::Response& res) {
  auto state = store.GetState(account);
  if (!state.ok()) {
    ReplyStatus(res, state.status());
    return std::nullopt;
  }
  if (!state->has_value()) {
    if (grant.MayLearnAbsence(account)) {
      ReplyStatus(res, Status::NotFound("no account " + account));
    } else {
      ReplyForbidden(res, "this token may not read account " + account);
    }
    return std::nullopt;
  }
  if (!grant.MaySee(**state)) {
    ReplyForbidden(res, "this token may not read account " + account);
    return std::nullopt;
  }
  return std::move(**state);
}

}  // namespace timeline
