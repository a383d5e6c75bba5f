// The dashboard's cookie session over real HTTP (consumers/http/session_routes.h): a token
// traded at POST /api/session for an HttpOnly cookie that reads the API and the event streams
// under the token's own access rules.
#include "consumers/http/session_routes.h"

#include <httplib.h>

#include <catch2/catch.hpp>

#include <chrono>

#include "consumers/http/session_cookie.h"
#include "tests/consumers/http/api_fixture.h"
#include "tests/consumers/http/sse_reader.h"
#include "timeline/v1/api.pb.h"

namespace timeline {
namespace {

using testing::api::ApiFixture;
using testing::api::kJane;
using testing::api::SseReader;

httplib::Headers Bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

// The `name=value` part of a Set-Cookie header, as a browser sends it back in `Cookie:`.
httplib::Headers CookieFrom(const httplib::Result& signed_in) {
  const std::string set_cookie = signed_in->get_header_value("Set-Cookie");
  return {{"Cookie", "theme=dark; " + set_cookie.substr(0, set_cookie.find(';'))}};
}

httplib::Result SignIn(httplib::Client& client, const std::string& token) {
  auto result = client.Post("/api/session", Bearer(token), "", "text/plain");
  REQUIRE(result);
  return result;
}

TEST_CASE("the session cookie is read among others and only when it holds a value", "[unit]") {
  CHECK(SessionCookieToken("timeline_session=abc") == "abc");
  CHECK(SessionCookieToken("a=1; timeline_session=abc; b=2") == "abc");
  CHECK(SessionCookieToken("a=1;timeline_session=abc") == "abc");
  CHECK_FALSE(SessionCookieToken("timeline_session=").has_value());
  CHECK_FALSE(SessionCookieToken("other_session=abc").has_value());
  CHECK_FALSE(SessionCookieToken("").has_value());
}

TEST_CASE("a token traded at POST /api/session gives an HttpOnly cookie that reads the API",
          "[unit]") {
  ApiFixture api;
  httplib::Client client("127.0.0.1", api.server().port());
  auto signed_in = SignIn(client, kJane);
  REQUIRE(signed_in->status == 200);
  const std::string set_cookie = signed_in->get_header_value("Set-Cookie");
  CHECK(set_cookie.rfind("timeline_session=" + std::string(kJane) + ";", 0) == 0);
  CHECK(set_cookie.find("; HttpOnly") != std::string::npos);
  CHECK(set_cookie.find("; SameSite=Strict") != std::string::npos);
  CHECK(set_cookie.find("; Path=/") != std::string::npos);
  CHECK(set_cookie.find("Secure") == std::string::npos);    // plain HTTP here
  CHECK(signed_in->body.find(kJane) == std::string::npos);  // the token stays in the cookie
  const auto info = ApiFixture::Parse<v1::SessionInfo>(signed_in->body);
  CHECK(info.token_name() == "jane");
  CHECK(info.role() == "manager");
  CHECK(info.manager() == "jane.doe");

  auto session = client.Get("/api/session", CookieFrom(signed_in));
  REQUIRE(session);
  CHECK(session->status == 200);
  CHECK(ApiFixture::Parse<v1::SessionInfo>(session->body).token_name() == "jane");
  auto state = client.Get("/api/accounts/acme", CookieFrom(signed_in));
  REQUIRE(state);
  CHECK(state->status == 200);
  CHECK(ApiFixture::Parse<v1::AccountState>(state->body).account_id() == "acme");
}

TEST_CASE("the session cookie opens an account's event stream", "[unit]") {
  ApiFixture api;
  httplib::Client client("127.0.0.1", api.server().port());
  auto signed_in = SignIn(client, kJane);
  REQUIRE(signed_in->status == 200);
  SseReader reader(api.server().port(), "/api/accounts/acme/events?from_seq=1",
                   CookieFrom(signed_in));
  REQUIRE(reader.WaitForMessages(7));
  CHECK(reader.status() == 200);
  CHECK(reader.messages()[0].event == "account_opened");
}

TEST_CASE("a bad token gets 401 and no cookie", "[unit]") {
  ApiFixture api;
  httplib::Client client("127.0.0.1", api.server().port());
  auto refused = SignIn(client, "not-a-token");
  CHECK(refused->status == 401);
  CHECK_FALSE(refused->has_header("Set-Cookie"));
  CHECK(ApiFixture::Parse<v1::ApiError>(refused->body).message() ==
        "the bearer token is not valid");

  auto no_header = client.Post("/api/session", "", "text/plain");
  REQUIRE(no_header);
  CHECK(no_header->status == 401);
  CHECK_FALSE(no_header->has_header("Set-Cookie"));

  httplib::Headers forged = {{"Cookie", "timeline_session=not-a-token"}};
  auto read = client.Get("/api/accounts/acme", forged);
  REQUIRE(read);
  CHECK(read->status == 401);
  CHECK(ApiFixture::Parse<v1::ApiError>(read->body).message() ==
        "the session is not valid; sign in again");
}

TEST_CASE("a manager's cookie still cannot read another manager's account", "[unit]") {
  ApiFixture api;
  httplib::Client client("127.0.0.1", api.server().port());
  auto signed_in = SignIn(client, kJane);
  REQUIRE(signed_in->status == 200);
  auto beta = client.Get("/api/accounts/beta", CookieFrom(signed_in));
  REQUIRE(beta);
  CHECK(beta->status == 403);
  SseReader stream(api.server().port(), "/api/accounts/beta/events", CookieFrom(signed_in));
  REQUIRE(stream.WaitForStatus());
  CHECK(stream.status() == 403);
}

TEST_CASE("DELETE /api/session expires the cookie", "[unit]") {
  ApiFixture api;
  httplib::Client client("127.0.0.1", api.server().port());
  auto signed_out = client.Delete("/api/session");
  REQUIRE(signed_out);
  CHECK(signed_out->status == 204);
  const std::string set_cookie = signed_out->get_header_value("Set-Cookie");
  CHECK(set_cookie.rfind("timeline_session=;", 0) == 0);
  CHECK(set_cookie.find("Max-Age=0") != std::string::npos);
  CHECK(set_cookie.find("HttpOnly") != std::string::npos);
}

}  // namespace
}  // namespace timeline
