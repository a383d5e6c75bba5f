// Who is asking and what they may read, for one HTTP request: the token's Grant and the
// account it asks for, or the 401/403/404 reply that refuses it. Shared by the /api/ routes and
// the event streams so that both apply the same access rules (access_control.h).
// Thread-safe: functions of their arguments; the store and the token store are only read.
#pragma once

#include <httplib.h>

#include <optional>
#include <string>

#include "consumers/http/access_control.h"
#include "timeline/v1/account_state.pb.h"

namespace timeline {

class ViewStore;

// The grant of the request's token: its `Authorization: Bearer` header, else its session
// cookie (session_cookie.h); Grant::Unrestricted() when `tokens` is null. nullptr after
// replying 401 when there is no valid token.
const Grant* AuthenticateRequest(const httplib::Request& req, httplib::Response& res,
                                 const TokenStore* tokens);

// The account's current state when `grant` may see it; otherwise replies 403 (not granted, or
// not found for a token that may not learn that), 404 (not found) or 500 and returns nullopt.
std::optional<v1::AccountState> VisibleAccountOrReply(const ViewStore& store, const Grant& grant,
                                                      const std::string& account,
                                                      httplib::Response& res);

}  // namespace timeline
