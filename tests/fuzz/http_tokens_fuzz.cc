// Fuzz target: the credentials of an HTTP request, as consumers/http/request_access.h reads them:
// the Authorization header (access_control.h BearerToken) and the Cookie header
// (session_cookie.h), then the token store's check. The input is the Authorization value, a
// newline, and the Cookie value; one token is known to the store.
//
// Invariants, for every input:
// - a token taken from either header is non-empty and is what the header carries after its
//   scheme (trimmed) or cookie name (up to the next ';', as sent: a cookie value holds no space);
// - the request is let in exactly when the token the rules pick (the header wins over the
//   cookie) is the known one, and otherwise gets a 401 with a challenge and a UTF-8 ApiError;
// - the cookie this server sets reads back as the token it holds, whatever precedes it.
#include <google/protobuf/util/json_util.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "consumers/http/access_control.h"
#include "consumers/http/request_access.h"
#include "consumers/http/session_cookie.h"
#include "engine/sha256.h"
#include "tests/fuzz/fuzz_check.h"
#include "timeline/v1/api.pb.h"

namespace timeline::fuzz {
namespace {

const std::string kKnownToken(64, 'a');

const TokenStore& Tokens() {
  static const TokenStore store = [] {
    v1::ApiToken entry;
    entry.set_name("auditor");
    entry.set_role("auditor");
    entry.add_accounts("*");
    entry.set_sha256(ToHex(Sha256Of(kKnownToken)));
    auto made = TokenStore::FromEntries({entry});
    FUZZ_CHECK(made.ok(), "the fuzz token store is valid: " + made.status().ToString());
    return std::move(made).value();
  }();
  return store;
}

void CheckTokenShape(std::optional<std::string_view> token, std::string_view header) {
  if (!token) return;
  FUZZ_CHECK(!token->empty(), "a token is never empty");
  FUZZ_CHECK(header.find(*token) != std::string_view::npos, "a token is what the header holds");
}

// The scheme is followed by spaces the sender may add; the token is what stands between them.
void CheckBearer(const std::string& authorization) {
  const auto token = BearerToken(authorization);
  CheckTokenShape(token, authorization);
  if (token) {
    FUZZ_CHECK(token->front() != ' ' && token->back() != ' ', "a bearer token is trimmed");
  }
}

void CheckCookie(std::string_view cookies) {
  const auto token = SessionCookieToken(cookies);
  CheckTokenShape(token, cookies);
  if (token) {
    FUZZ_CHECK(token->find(';') == std::string_view::npos, "a cookie's token holds no ';'");
    FUZZ_CHECK(cookies.find(std::string(kSessionCookieName) + "=" + std::string(*token)) !=
                   std::string_view::npos,
               "a cookie's token follows the session cookie's name");
  }
  // The page's cookie (name=value only, as a browser sends it back) after anything else.
  const std::string set = SessionCookie(kKnownToken, false);
  const std::string sent = "x=" + std::string(cookies.substr(0, cookies.find_first_of(";="))) +
                           "; " + set.substr(0, set.find(';'));
  FUZZ_CHECK(SessionCookieToken(sent) == std::optional<std::string_view>(kKnownToken),
             "the session cookie reads back after another cookie: " + Quoted(sent, 200));
}

void CheckAuthentication(const std::string& authorization, const std::string& cookies) {
  httplib::Request req;
  if (!authorization.empty()) req.headers.emplace("Authorization", authorization);
  if (!cookies.empty()) req.headers.emplace("Cookie", cookies);
  httplib::Response res;
  const Grant* grant = AuthenticateRequest(req, res, &Tokens());
  // httplib hands header values out as C strings, cut at a NUL byte; the rules see them so.
  const std::string header = req.get_header_value("Authorization");
  const std::string cookie = req.get_header_value("Cookie");
  const auto token = !header.empty() ? BearerToken(header) : SessionCookieToken(cookie);
  const bool known = token && *token == kKnownToken;
  FUZZ_CHECK((grant != nullptr) == known, "a request is let in exactly with the known token");
  if (grant != nullptr) return;
  FUZZ_CHECK(res.status == 401 && res.has_header("WWW-Authenticate"), "refused with a 401");
  CheckUtf8(res.body, "the 401 reply");
  v1::ApiError error;
  FUZZ_CHECK(google::protobuf::util::JsonStringToMessage(res.body, &error).ok(),
             "the 401 reply is an ApiError");
}

}  // namespace
}  // namespace timeline::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace timeline;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const std::string authorization(input.substr(0, newline));
  const std::string cookies(newline == std::string_view::npos ? "" : input.substr(newline + 1));
  fuzz::CheckBearer(authorization);
  fuzz::CheckCookie(cookies);
  fuzz::CheckAuthentication(authorization, cookies);
  return 0;
}
