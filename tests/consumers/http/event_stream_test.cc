// The event streams (server-sent events) over real HTTP: a QueryServer over views the real
// Projector folds, while the test applies later batches to them as the worker would.
#include "consumers/http/event_stream.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "consumers/http/portfolio_cursor.h"
#include "engine/quoted_text.h"
#include "tests/consumers/http/api_fixture.h"
#include "tests/consumers/http/sse_reader.h"
#include "timeline/v1/query.pb.h"

namespace timeline {
namespace {

using testing::api::ApiFixture;
using testing::api::kAuditor;
using testing::api::kJane;
using testing::api::kJohn;
using testing::api::kService;
using testing::api::SseReader;
using testing::views::History;
using testing::views::Line;
using Ms = std::chrono::milliseconds;

// Heartbeats every 200 ms, so that a reader told to stop notices soon.
QueryServerOptions QuickHeartbeat() {
  QueryServerOptions options;
  options.stream_heartbeat = Ms(200);
  return options;
}

// Acme's history (7 events, applied by the fixture) and two more: sequences 8 and 9.
History AcmeContinued() {
  History acme = testing::api::Acme();
  acme.On("2026-07-01").Order("O-3", {Line{"VALVE-7", 4, 9000}});
  acme.On("2026-07-15").Invoice("I-3", "O-3", {Line{"VALVE-7", 4, 9000}}, "2026-08-14");
  return acme;
}

History BetaContinued() {
  History beta = testing::api::Beta();
  beta.On("2026-07-02").Order("B-2", {Line{"BELT-9", 5, 4000}});
  return beta;
}

std::vector<std::string> Ids(const std::vector<testing::api::SseMessage>& messages) {
  std::vector<std::string> ids;
  for (const auto& message : messages) ids.push_back(message.id);
  return ids;
}

TEST_CASE("an account stream sends an event the worker applies within 2 s", "[unit]") {
  ApiFixture api(true, QuickHeartbeat());
  SseReader reader(api.server().port(), "/api/accounts/acme/events", kJane);
  REQUIRE(reader.WaitUntilOpen());
  CHECK(reader.status() == 200);
  CHECK(reader.messages().empty());  // by default only what comes next

  const auto applied = std::chrono::steady_clock::now();
  api.views().ApplyFrom(AcmeContinued(), 8);
  REQUIRE(reader.WaitForMessages(2, Ms(2000)));
  CHECK(std::chrono::steady_clock::now() - applied < Ms(2000));
  const auto messages = reader.messages();
  CHECK(Ids(messages) == std::vector<std::string>{"8", "9"});
  CHECK(messages[0].event == "order_placed");
  CHECK(messages[1].event == "invoice_issued");
  const auto entry = ApiFixture::Parse<v1::HistoryEntry>(messages[0].data);
  CHECK(entry.account_id() == "acme");
  CHECK(entry.sequence() == 8);
  CHECK(entry.event().order_placed().order_id() == "O-3");
}

TEST_CASE("resuming with Last-Event-ID sends exactly the events after it", "[unit]") {
  ApiFixture api(true, QuickHeartbeat());
  {
    SseReader from_start(api.server().port(), "/api/accounts/acme/events?from_seq=1", kJane);
    REQUIRE(from_start.WaitForMessages(7));
    CHECK(Ids(from_start.messages()) ==
          std::vector<std::string>{"1", "2", "3", "4", "5", "6", "7"});
  }
  SseReader resumed(api.server().port(), "/api/accounts/acme/events", kJane, "4");
  REQUIRE(resumed.WaitForMessages(3));
  api.views().ApplyFrom(AcmeContinued(), 8);
  REQUIRE(resumed.WaitForMessages(5));
  // Heartbeats only from here: nothing repeats.
  REQUIRE(resumed.WaitForComments(3));
  CHECK(Ids(resumed.messages()) == std::vector<std::string>{"5", "6", "7", "8", "9"});
  CHECK(resumed.comments().back() == ": keep-alive");
}

TEST_CASE("an account stream follows the account's access rules", "[unit]") {
  ApiFixture api;
  auto other_manager = api.Get("/api/accounts/acme/events", kJohn);
  CHECK(other_manager->status == 403);
  CHECK(other_manager->body.find("\"forbidden\"") != std::string::npos);
  CHECK(api.Get("/api/accounts/beta/events", kService)->status == 403);
  CHECK(api.Get("/api/accounts/acme/events")->status == 401);
  CHECK(api.Get("/api/accounts/nobody/events", kAuditor)->status == 404);
  CHECK(api.Get("/api/accounts/acme/events?from_seq=0", kJane)->status == 400);
  httplib::Client client("127.0.0.1", api.server().port());
  auto bad_resume =
      client.Get("/api/accounts/acme/events",
                 {{"Authorization", std::string("Bearer ") + kJane}, {"Last-Event-ID", "four"}});
  REQUIRE(bad_resume);
  CHECK(bad_resume->status == 400);
  CHECK(bad_resume->body.find("Last-Event-ID") != std::string::npos);
}

TEST_CASE("the portfolio stream shows only the accounts the token may see", "[unit]") {
  ApiFixture api(true, QuickHeartbeat());
  SseReader jane(api.server().port(), "/api/portfolio/events", kJane);
  SseReader auditor(api.server().port(), "/api/portfolio/events", kAuditor);
  REQUIRE(jane.WaitUntilOpen());
  REQUIRE(auditor.WaitUntilOpen());
  api.views().ApplyFrom(BetaContinued(), 3);
  api.views().ApplyFrom(AcmeContinued(), 8);

  REQUIRE(auditor.WaitForMessages(3));
  REQUIRE(jane.WaitForMessages(2));
  // The auditor's stream had every change; jane's must not hold beta's, even late.
  REQUIRE(jane.WaitForComments(2));
  const auto seen = jane.messages();
  REQUIRE(seen.size() == 2);
  for (const auto& message : seen) {
    CHECK(ApiFixture::Parse<v1::HistoryEntry>(message.data).account_id() == "acme");
    CHECK(message.id.find("beta") == std::string::npos);
  }
  CHECK(seen.back().id == "acme=9");

  std::vector<std::string> accounts;
  for (const auto& message : auditor.messages()) {
    accounts.push_back(ApiFixture::Parse<v1::HistoryEntry>(message.data).account_id());
  }
  std::sort(accounts.begin(), accounts.end());
  CHECK(accounts == std::vector<std::string>{"acme", "acme", "beta"});
  CHECK(auditor.messages().back().id.find("acme=") != std::string::npos);
  CHECK(auditor.messages().back().id.find("beta=") != std::string::npos);
}

TEST_CASE("a portfolio stream resumed from an id sends what came after it, once", "[unit]") {
  ApiFixture api(true, QuickHeartbeat());
  std::string first_id;
  {
    SseReader reader(api.server().port(), "/api/portfolio/events", kAuditor);
    REQUIRE(reader.WaitUntilOpen());
    api.views().ApplyFrom(AcmeContinued(), 8);
    REQUIRE(reader.WaitForMessages(2));
    first_id = reader.messages()[0].id;  // acme up to 8, beta up to 2
  }
  CHECK(first_id == "acme=8,beta=2");
  api.views().ApplyFrom(BetaContinued(), 3);
  SseReader resumed(api.server().port(), "/api/portfolio/events", kAuditor, first_id);
  REQUIRE(resumed.WaitForMessages(2));
  REQUIRE(resumed.WaitForComments(3));
  const auto messages = resumed.messages();
  REQUIRE(messages.size() == 2);
  CHECK(ApiFixture::Parse<v1::HistoryEntry>(messages[0].data).sequence() == 9);
  CHECK(ApiFixture::Parse<v1::HistoryEntry>(messages[1].data).account_id() == "beta");
  CHECK(messages[1].id == "acme=9,beta=3");
}

TEST_CASE("streams beyond the limit are refused with 503", "[unit]") {
  QueryServerOptions options = QuickHeartbeat();
  options.max_event_streams = 1;
  ApiFixture api(true, options);
  {
    SseReader open(api.server().port(), "/api/portfolio/events", kAuditor);
    REQUIRE(open.WaitUntilOpen());
    auto refused = api.Get("/api/accounts/acme/events", kJane);
    CHECK(refused->status == 503);
    CHECK(refused->body.find("\"unavailable\"") != std::string::npos);
  }
  // The slot is free again once the server notices, at a write, that the client left.
  int status = 0;
  for (int attempt = 0; attempt < 30 && status != 200; ++attempt) {
    SseReader next(api.server().port(), "/api/accounts/acme/events", kJane);
    REQUIRE(next.WaitForStatus());
    status = next.status();
    if (status != 200) std::this_thread::sleep_for(Ms(100));
  }
  CHECK(status == 200);
}

TEST_CASE("stopping the server ends its open streams promptly", "[unit]") {
  ApiFixture api;  // heartbeats every 15 s: the stop must not wait for one
  SseReader reader(api.server().port(), "/api/accounts/acme/events", kJane);
  REQUIRE(reader.WaitUntilOpen());
  const auto start = std::chrono::steady_clock::now();
  api.server().Stop();
  CHECK(std::chrono::steady_clock::now() - start < Ms(2000));
  CHECK(reader.WaitUntilEnded());
}

TEST_CASE("a portfolio cursor round-trips and refuses what is not ACCOUNT=VERSION", "[unit]") {
  PortfolioCursor cursor{{"acme", 9}, {"beta:eu", 3}};
  CHECK(EncodePortfolioCursor(cursor) == "acme=9,beta:eu=3");
  auto parsed = ParsePortfolioCursor("acme=9,beta:eu=3");
  REQUIRE(parsed.ok());
  CHECK(*parsed == cursor);
  CHECK(ParsePortfolioCursor("")->empty());
  for (const char* bad : {"acme", "acme=", "acme=x", "=3", "acme=1,,beta=2", "a b=1"}) {
    INFO(bad);
    auto refused = ParsePortfolioCursor(bad);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().message().rfind("Last-Event-ID: ", 0) == 0);
  }
}

// Found by tests/fuzz/portfolio_cursor_fuzz.cc: the refusal quoted the header as it came.
TEST_CASE("a portfolio cursor holding bytes that are not UTF-8 is refused in UTF-8, escaped",
          "[unit]") {
  auto refused = ParsePortfolioCursor("=::\xff\xff");
  REQUIRE_FALSE(refused.ok());
  CHECK(IsValidUtf8(refused.status().message()));
  CHECK(refused.status().message() == "Last-Event-ID: \"=::\\xff\\xff\" is not ACCOUNT=VERSION");
}

}  // namespace
}  // namespace timeline
