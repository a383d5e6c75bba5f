// `timeline verify --source view` is a proof of completeness (issue 15, "0 problems on views
// that hold nothing"): views behind the sequencer's pins or the log's end fail it, and the report
// says how many events the log holds beside what the views hold.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "consumers/audit/chain_audit.h"
#include "engine/chain_digest.h"
#include "engine/hash_chain.h"
#include "engine/sha256.h"
#include "projections/view_store.h"
#include "tests/support/test_environment.h"

namespace timeline {
namespace {

constexpr char kTopic[] = "account-events";

// A pin of partition 0 after `events` events (its digest does not matter to a view that never
// got there).
v1::ChainDigest PinAfter(uint64_t events) {
  v1::ChainDigest pin = EmptyChainDigest(kTopic, 0);
  pin.set_events(events);
  pin.set_last_account_id("acme");
  pin.set_last_sequence(events);
  return pin;
}

TEST_CASE("empty views are not proven complete when the sequencer pinned events", "[unit]") {
  testing::TempDir dir;
  auto store = ViewStore::OpenPrimary(dir.path());
  REQUIRE(store.ok());
  PublishedPins pins;
  pins[0][4096] = PinAfter(4096);
  pins[0][4121] = PinAfter(4121);

  std::vector<v1::ChainProblem> problems;
  AuditOptions options;
  options.on_problem = [&](const v1::ChainProblem& problem) { problems.push_back(problem); };
  auto report = VerifyView(**store, kTopic, pins, options);
  REQUIRE(report.ok());
  CHECK(report->problems() == 1);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].kind() == v1::ChainProblem::MISSING_EVENTS);
  CHECK_THAT(problems[0].detail(),
             Catch::Contains("the view has applied 0 events but the sequencer pinned 4121: it is "
                             "4121 events behind (empty)"));
}

TEST_CASE("views behind the log's end fail the proof and the report counts the log's events",
          "[unit]") {
  testing::TempDir dir;
  auto store = ViewStore::OpenPrimary(dir.path());
  REQUIRE(store.ok());
  // The log's chains hold 4121 events on partition 0 and none on partition 1; no pin yet.
  v1::VerifyReport log;
  log.set_source("log");
  v1::PartitionProof* at_end = log.add_partitions();
  at_end->set_topic(kTopic);
  at_end->set_partition(0);
  at_end->set_events(4121);
  at_end->set_digest(ToHex(Sha256Of("the log's history")));
  v1::PartitionProof* empty = log.add_partitions();
  empty->set_topic(kTopic);
  empty->set_partition(1);
  empty->set_events(0);
  empty->set_digest(ToHex(EmptyChainDigest(kTopic, 1).digest()));

  std::vector<v1::ChainProblem> problems;
  AuditOptions options;
  options.on_problem = [&](const v1::ChainProblem& problem) { problems.push_back(problem); };
  auto report = VerifyView(**store, kTopic, {}, options, &log);
  REQUIRE(report.ok());
  CHECK(report->log_events() == 4121);
  CHECK(report->events_verified() == 0);
  CHECK(report->problems() == 1);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].kind() == v1::ChainProblem::MISSING_EVENTS);
  CHECK(problems[0].partition() == 0);
  CHECK_THAT(problems[0].detail(),
             Catch::Contains("the view has applied 0 events but the log holds 4121"));
}

}  // namespace
}  // namespace timeline
