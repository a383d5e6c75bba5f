// Two engines in one group on the real broker: once the second takes partitions from the first,
// a server on the first one's views never answers for a moved account as if current (issue 17:
// the old owner served 16 of 30 moved accounts at their old versions); given the server beside
// the second as a peer, it forwards those accounts there.
#include <google/protobuf/util/json_util.h>
#include <httplib.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "consumers/http/query_server.h"
#include "consumers/log/group_holders.h"
#include "consumers/log/kafka_client.h"
#include "engine/partitioning.h"
#include "tests/support/running_engine.h"
#include "timeline/v1/account_state.pb.h"

namespace timeline {
namespace {

using namespace std::chrono_literals;

constexpr int32_t kPartitions = 3;  // RunningEngine's topics

std::string Opened(const std::string& account) {
  return R"({"accountId": ")" + account +
         R"(", "occurredAt": "2026-01-05T09:00:00Z", "actor": "jane.doe",
             "event": {"accountOpened": {"name": "ACME Corp", "manager": "jane.doe",
                                          "currency": "EUR", "regions": ["DE"]}}})";
}

std::string CaseOpened(const std::string& account) {
  return R"({"accountId": ")" + account +
         R"(", "occurredAt": "2026-01-06T09:00:00Z", "actor": "jane.doe",
             "event": {"serviceCaseOpened": {"caseId": "c-1", "subject": "pump noise",
                                              "severity": "HIGH"}}})";
}

// Polls the group until `first` and `second` each hold a partition; the holders then.
std::map<int32_t, std::string> AwaitSplit(const KafkaSettings& kafka, const std::string& first,
                                          const std::string& second) {
  auto client = MakeConsumer(kafka, "", nullptr);
  REQUIRE(client.ok());
  std::map<int32_t, std::string> holders;
  const auto deadline = std::chrono::steady_clock::now() + 90s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto described =
        PartitionHolders(client->get(), kafka.GroupId("projections"), kafka.topics.events, 5s);
    if (described.ok()) {
      holders = *described;
      bool has_first = false;
      bool has_second = false;
      for (const auto& [partition, member] : holders) {
        has_first = has_first || member == first;
        has_second = has_second || member == second;
      }
      if (has_first && has_second && holders.size() == kPartitions) break;
    }
    std::this_thread::sleep_for(200ms);
  }
  (*client)->close();
  return holders;
}

// The reply to `path` once its status is `want`, else the last one within `patience`.
httplib::Result AwaitStatus(httplib::Client& client, const std::string& path, int want,
                            std::chrono::seconds patience) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  auto result = client.Get(path);
  while ((!result || result->status != want) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
    result = client.Get(path);
  }
  return result;
}

uint64_t VersionIn(const std::string& body) {
  v1::AccountState state;
  REQUIRE(google::protobuf::util::JsonStringToMessage(body, &state).ok());
  return state.version();
}

TEST_CASE("a server never answers for a moved account from its own views, a peer beside it does",
          "[integration]") {
  testing::RunningEngine first;
  first.Start();
  std::vector<std::string> accounts;
  for (int i = 0; i < 12; ++i) accounts.push_back("moving-" + std::to_string(i));
  for (const auto& account : accounts) REQUIRE(first.Submit(Opened(account)).accepted);
  for (const auto& account : accounts) first.WaitForState(account, 1);

  QueryServerOptions options;
  options.port = 0;
  options.read_pins = false;
  options.kafka = first.kafka();
  auto server = QueryServer::StartOnDataDir(std::move(options), first.data_dir());
  REQUIRE(server.ok());
  httplib::Client client("127.0.0.1", (*server)->port());
  // Alone, the first worker holds every partition.
  for (const auto& account : accounts) {
    auto alone = client.Get("/api/accounts/" + account);
    REQUIRE(alone);
    CHECK(alone->status == 200);
  }

  testing::RunningEngine second(first.kafka());
  second.set_instance_id("b");
  second.set_seal_key_path(first.data_dir() + "/seal.key");
  second.Start();
  const std::string group = first.kafka().GroupId("projections");
  const auto holders = AwaitSplit(first.kafka(), group + "-0", group + "-b");
  std::vector<std::string> moved;
  std::vector<std::string> kept;
  for (const auto& account : accounts) {
    auto holder = holders.find(PartitionForKey(account, kPartitions));
    REQUIRE(holder != holders.end());
    (holder->second == group + "-b" ? moved : kept).push_back(account);
  }
  INFO(moved.size() << " accounts moved to the second worker, " << kept.size() << " stayed");
  REQUIRE(!moved.empty());
  REQUIRE(!kept.empty());

  // A second event for every account, folded by whichever worker holds it now.
  for (const auto& account : accounts) REQUIRE(second.Submit(CaseOpened(account)).accepted);
  for (const auto& account : moved) second.WaitForState(account, 2);
  for (const auto& account : kept) first.WaitForState(account, 2);

  for (const auto& account : moved) {
    INFO(account);
    auto refused = AwaitStatus(client, "/api/accounts/" + account, 503, 15s);
    REQUIRE(refused);
    CHECK(refused->status == 503);
    CHECK(refused->body.find("\"stale\"") != std::string::npos);
    CHECK(refused->body.find("which worker " + group + "-b folds now") != std::string::npos);
    CHECK(refused->get_header_value("Retry-After") == "1");
    // The history and the account's views say the same; asked for as they are, marked stale.
    auto history = client.Get("/api/accounts/" + account + "/history");
    REQUIRE(history);
    CHECK(history->status == 503);
    auto as_they_are = client.Get("/api/accounts/" + account + "?stale=ok");
    REQUIRE(as_they_are);
    CHECK(as_they_are->status == 200);
    CHECK(as_they_are->has_header("Timeline-Stale"));
    CHECK(VersionIn(as_they_are->body) == 1);
  }
  for (const auto& account : kept) {
    INFO(account);
    auto current = client.Get("/api/accounts/" + account);
    REQUIRE(current);
    REQUIRE(current->status == 200);
    CHECK_FALSE(current->has_header("Timeline-Stale"));
    CHECK(VersionIn(current->body) == 2);
  }
  // The list covers every account: given, but marked.
  auto list = client.Get("/api/accounts");
  REQUIRE(list);
  CHECK(list->status == 200);
  CHECK(list->get_header_value("Timeline-Stale").find(group + "-b") != std::string::npos);

  // With a server beside the second worker as its peer, a server on the first one's views
  // answers for the moved accounts too: forwarded, the peer's current answer.
  QueryServerOptions beside_second;
  beside_second.port = 0;
  beside_second.read_pins = false;
  beside_second.kafka = first.kafka();
  auto second_server = QueryServer::StartOnDataDir(std::move(beside_second), second.data_dir());
  REQUIRE(second_server.ok());
  QueryServerOptions forwarding;
  forwarding.port = 0;
  forwarding.read_pins = false;
  forwarding.kafka = first.kafka();
  forwarding.peers = {(*second_server)->url()};
  auto forwarding_server = QueryServer::StartOnDataDir(std::move(forwarding), first.data_dir());
  REQUIRE(forwarding_server.ok());
  httplib::Client forwarder("127.0.0.1", (*forwarding_server)->port());
  for (const auto& account : moved) {
    INFO(account);
    auto answered = AwaitStatus(forwarder, "/api/accounts/" + account, 200, 15s);
    REQUIRE(answered);
    REQUIRE(answered->status == 200);
    CHECK(answered->get_header_value("Timeline-Answered-By") == (*second_server)->url());
    CHECK(VersionIn(answered->body) == 2);
    // A request that was itself forwarded is never forwarded again (no loops between peers).
    auto again = forwarder.Get("/api/accounts/" + account, {{"Timeline-Forwarded", "1"}});
    REQUIRE(again);
    CHECK(again->status == 503);
  }
  for (const auto& account : kept) {
    auto here = forwarder.Get("/api/accounts/" + account);
    REQUIRE(here);
    CHECK(here->status == 200);
    CHECK_FALSE(here->has_header("Timeline-Answered-By"));
  }
}

}  // namespace
}  // namespace timeline
