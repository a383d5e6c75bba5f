// GET /api/subscribe over real HTTP beside a real engine: the log's events as server-sent
// events, filtered, resumed with Last-Event-ID, and refused for an account the token may not see.
#include <httplib.h>

#include <catch2/catch.hpp>

#include <google/protobuf/util/json_util.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "consumers/http/query_server.h"
#include "engine/sha256.h"
#include "tests/consumers/http/sse_reader.h"
#include "tests/support/running_engine.h"
#include "timeline/v1/api.pb.h"
#include "timeline/v1/query.pb.h"

namespace timeline {
namespace {

using namespace std::chrono_literals;
using testing::api::SseMessage;
using testing::api::SseReader;

constexpr char kAuditor[] = "auditor-token";  // every account
constexpr char kBilling[] = "billing-token";  // service, beta only
constexpr char kJane[] = "jane-token";        // manager jane.doe: acme

std::string Opened(const std::string& account, const std::string& manager) {
  return R"({"accountId": ")" + account +
         R"(", "occurredAt": "2026-01-05T09:00:00Z", "actor": "jane.doe",
             "event": {"accountOpened": {"name": "Client", "manager": ")" +
         manager + R"(", "currency": "EUR", "regions": ["DE"]}}})";
}

std::string Order(const std::string& account, const std::string& order_id) {
  return R"({"accountId": ")" + account +
         R"(", "occurredAt": "2026-02-01T10:00:00Z", "actor": "jane.doe",
             "event": {"orderPlaced": {"orderId": ")" +
         order_id +
         R"(", "lines": [{"sku": "PUMP-100", "quantity": 1,
             "unitPrice": {"minorUnits": 1000, "currency": "EUR"}}]}}})";
}

v1::ApiToken Entry(const std::string& name, const std::string& token, const std::string& role) {
  v1::ApiToken entry;
  entry.set_name(name);
  entry.set_sha256(ToHex(Sha256Of(token)));
  entry.set_role(role);
  return entry;
}

TokenStore Tokens() {
  auto auditor = Entry("audit", kAuditor, "auditor");
  auditor.add_accounts("*");
  auto billing = Entry("billing", kBilling, "service");
  billing.add_accounts("beta");
  auto jane = Entry("jane", kJane, "manager");
  jane.set_manager("jane.doe");
  auto tokens = TokenStore::FromEntries({auditor, billing, jane});
  REQUIRE(tokens.ok());
  return std::move(tokens).value();
}

v1::HistoryEntry EntryOf(const SseMessage& message) {
  v1::HistoryEntry entry;
  REQUIRE(google::protobuf::util::JsonStringToMessage(message.data, &entry).ok());
  return entry;
}

// The message of an ApiError body.
std::string MessageOf(const std::string& body) {
  v1::ApiError error;
  REQUIRE(google::protobuf::util::JsonStringToMessage(body, &error).ok());
  return error.message();
}

struct Served {
  testing::RunningEngine engine;
  std::unique_ptr<QueryServer> server;

  Served() {
    engine.Start();
    REQUIRE(engine.Submit(Opened("acme", "jane.doe")).accepted);
    REQUIRE(engine.Submit(Opened("beta", "john.roe")).accepted);
    for (int i = 1; i <= 3; ++i) {
      REQUIRE(engine.Submit(Order("acme", "PO-" + std::to_string(i))).accepted);
      REQUIRE(engine.Submit(Order("beta", "B-" + std::to_string(i))).accepted);
    }
    engine.WaitForState("acme", 4);
    engine.WaitForState("beta", 4);
    QueryServerOptions options;
    options.port = 0;
    options.kafka = engine.kafka();
    options.read_pins = false;
    options.tokens = Tokens();
    auto started = QueryServer::StartOnDataDir(std::move(options), engine.data_dir());
    INFO(started.status().ToString());
    REQUIRE(started.ok());
    server = std::move(started).value();
  }
  ~Served() { server->Stop(); }
};

TEST_CASE("the subscribe stream resumes from Last-Event-ID with nothing missed",
          "[integration][subscription]") {
  Served served;
  const int port = served.server->port();
  std::vector<SseMessage> first;
  {
    SseReader reader(port, "/api/subscribe?account=acme&type=orderPlaced&from=BEGINNING", kAuditor);
    REQUIRE(reader.WaitForMessages(3, 30s));
    first = reader.messages();
  }
  REQUIRE(first.size() == 3);
  for (size_t i = 0; i < first.size(); ++i) {
    CHECK(first[i].event == "order_placed");
    CHECK(EntryOf(first[i]).account_id() == "acme");
    CHECK(EntryOf(first[i]).sequence() == i + 2);
  }

  // The client kept the second event's id: it gets the third again, then what comes next.
  SseReader resumed(port, "/api/subscribe?account=acme&type=orderPlaced", kAuditor, first[1].id);
  REQUIRE(served.engine.Submit(Order("acme", "PO-4")).accepted);
  REQUIRE(served.engine.Submit(Order("beta", "B-4")).accepted);
  REQUIRE(resumed.WaitForMessages(2, 30s));
  const auto after = resumed.messages();
  CHECK(EntryOf(after[0]).event_id() == EntryOf(first[2]).event_id());
  CHECK(EntryOf(after[1]).sequence() == 5);
  CHECK(EntryOf(after[1]).event().order_placed().order_id() == "PO-4");
}

TEST_CASE("the subscribe stream refuses a forbidden account or a bad parameter, and hides others",
          "[integration][subscription]") {
  Served served;
  const int port = served.server->port();
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10, 0);
  auto forbidden = client.Get("/api/subscribe?account=acme&from=BEGINNING",
                              {{"Authorization", std::string("Bearer ") + kBilling}});
  REQUIRE(forbidden);
  CHECK(forbidden->status == 403);
  CHECK_THAT(MessageOf(forbidden->body), Catch::Contains("may not see account acme"));

  auto bad_type = client.Get("/api/subscribe?type=nonsense",
                             {{"Authorization", std::string("Bearer ") + kAuditor}});
  REQUIRE(bad_type);
  CHECK(bad_type->status == 400);
  CHECK_THAT(MessageOf(bad_type->body),
             Catch::StartsWith("type: \"nonsense\" is not an event type") &&
                 Catch::Contains("invoiceIssued"));

  auto bad_from = client.Get("/api/subscribe?from=yesterday",
                             {{"Authorization", std::string("Bearer ") + kAuditor}});
  REQUIRE(bad_from);
  CHECK(bad_from->status == 400);
  CHECK_THAT(MessageOf(bad_from->body),
             Catch::StartsWith("from \"yesterday\" is not BEGINNING, END or a resume token"));

  // Jane manages acme only: without a filter she gets acme's 4 events and none of beta's.
  SseReader jane(port, "/api/subscribe?from=BEGINNING", kJane);
  REQUIRE(jane.WaitForMessages(4, 30s));
  std::this_thread::sleep_for(1500ms);  // beta's events, were they sent, would be here by now
  for (const auto& message : jane.messages()) CHECK(EntryOf(message).account_id() == "acme");
  CHECK(jane.messages().size() == 4);
}

TEST_CASE(
    "subscriptions and event streams at their limits leave the API answering, and the next is 503",
    "[integration][subscription]") {
  Served served;  // 32 event streams and 32 subscriptions at most (QueryServerOptions)
  const int port = served.server->port();
  std::vector<std::unique_ptr<SseReader>> streams;
  for (int i = 0; i < 32; ++i) {
    streams.push_back(std::make_unique<SseReader>(port, "/api/subscribe?from=END", kAuditor));
    streams.push_back(std::make_unique<SseReader>(port, "/api/accounts/acme/events", kAuditor));
  }
  for (auto& stream : streams) {
    REQUIRE(stream->WaitForStatus(60s));
    REQUIRE(stream->status() == 200);
  }
  const auto timed_get = [port](const std::string& path, const std::string& token) {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(10, 0);
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    const auto start = std::chrono::steady_clock::now();
    auto result = client.Get(path.c_str(), headers);
    REQUIRE(result);
    CHECK(std::chrono::steady_clock::now() - start < 2s);  // far below a held thread's wait
    return result->status;
  };
  CHECK(timed_get("/healthz", "") == 200);
  CHECK(timed_get("/api/accounts", kAuditor) == 200);
  CHECK(timed_get("/api/subscribe?from=END", kAuditor) == 503);
  CHECK(timed_get("/api/portfolio/events", kAuditor) == 503);
  served.server->Stop();  // ends every stream at once, rather than each reader in turn
}

}  // namespace
}  // namespace timeline
