// Against the real broker: the sequencer never writes a sequence that is already on
// account-events, whatever happened to its data directory, its key or its consumer group; and
// deployments that differ in their topic prefix alone never share a group or transactional id.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "consumers/log/topic_reader.h"
#include "consumers/processes/data_directory.h"
#include "engine/hash_chain.h"
#include "tests/support/running_engine.h"

namespace timeline {
namespace {

using Catch::Contains;
using namespace std::chrono_literals;

std::string Opened(const std::string& account = "acme") {
  return R"({"accountId": ")" + account +
         R"(", "occurredAt": "2026-01-05T09:00:00Z", "actor": "jane.doe",
             "event": {"accountOpened": {"name": "ACME Corp", "manager": "jane.doe",
                                          "currency": "EUR", "regions": ["DE"]}}})";
}

std::string CaseOpened(const std::string& id, const std::string& account = "acme") {
  return R"({"accountId": ")" + account +
         R"(", "occurredAt": "2026-01-06T09:00:00Z", "actor": "jane.doe",
             "event": {"serviceCaseOpened": {"caseId": ")" +
         id + R"(", "subject": "pump noise", "severity": "HIGH"}}})";
}

// How many committed records `topic` holds.
size_t RecordsOn(const KafkaSettings& kafka, const std::string& topic) {
  size_t records = 0;
  const Status read = ReadTopicToEnd(kafka, topic, [&](const LogRecord&) {
    ++records;
    return Status::Ok();
  });
  INFO(read.ToString());
  REQUIRE(read.ok());
  return records;
}

TEST_CASE(
    "an engine whose data directory was lost refuses to make a new seal key beside a sealed "
    "log, naming the key file",
    "[integration]") {
  testing::RunningEngine engine;
  engine.Start();
  REQUIRE(engine.Submit(Opened()).accepted);
  REQUIRE(engine.Submit(CaseOpened("case-1")).accepted);
  engine.Stop();

  engine.ClearData();  // data/ lost, with the key in it; the broker's log kept
  const Status refused = engine.TryStart();
  CHECK(refused.code() == StatusCode::kNotFound);
  const std::string key_path = SealKeyPath(engine.data_dir());
  CHECK_THAT(refused.message(), Contains("the seal key " + key_path + " does not exist"));
  CHECK_THAT(refused.message(), Contains(engine.kafka().topics.events + " already holds events"));
  CHECK_THAT(refused.message(), Contains("--seal-key FILE"));
  CHECK_FALSE(std::filesystem::exists(key_path));
}

TEST_CASE(
    "with the seal key restored but the heads lost, the account continues at its next "
    "sequence and no command is decided twice",
    "[integration]") {
  testing::TempDir secrets;  // the deployment keeps its key outside data/
  testing::RunningEngine engine;
  engine.set_seal_key_path(secrets.Sub("seal.key"));
  engine.Start();
  REQUIRE(engine.Submit(Opened()).accepted);
  const SubmitOutcome first = engine.Submit(CaseOpened("case-1"));
  REQUIRE(first.accepted);
  REQUIRE(first.event.sequence() == 2);
  engine.Stop();

  engine.ClearData();
  engine.Start();
  const SubmitOutcome next = engine.Submit(CaseOpened("case-2"));
  REQUIRE(next.accepted);
  CHECK(next.event.sequence() == 3);
  CHECK(next.event.prev_hash() == first.event.hash());
  CHECK(RecordsOn(engine.kafka(), engine.kafka().topics.events) == 3);
  engine.Stop();
}

TEST_CASE(
    "a sequencer with a key other than the log's stops on catch-up instead of writing "
    "sequence 1 again",
    "[integration]") {
  testing::TempDir secrets;
  testing::RunningEngine engine;
  engine.set_seal_key_path(secrets.Sub("seal.key"));
  engine.Start();
  REQUIRE(engine.Submit(Opened()).accepted);
  engine.Stop();

  // data/ lost, and someone "fixed" the missing key with a new one.
  engine.ClearData();
  const std::string other_key = secrets.Sub("other.key");
  std::ofstream(other_key) << ToHex(std::string(32, 'o')) << "\n";
  engine.set_seal_key_path(other_key);
  REQUIRE(engine.TryStart().ok());
  const Status stopped = engine.WaitForFailure();
  CHECK(stopped.code() == StatusCode::kCorruption);
  CHECK_THAT(stopped.message(), Contains("account acme sequence 1"));
  CHECK_THAT(stopped.message(), Contains(engine.kafka().topics.events + "["));
  CHECK_THAT(stopped.message(), Contains("--seal-key FILE"));
  CHECK(RecordsOn(engine.kafka(), engine.kafka().topics.events) == 1);
}

TEST_CASE(
    "a new group prefix and a fresh data directory on topics with decided commands decide "
    "none of them again",
    "[integration]") {
  testing::TempDir secrets;
  testing::RunningEngine first;
  first.set_seal_key_path(secrets.Sub("seal.key"));
  first.Start();
  REQUIRE(first.Submit(Opened()).accepted);
  REQUIRE_FALSE(first.Submit(Opened()).accepted);  // already open: a rejection
  const SubmitOutcome case_one = first.Submit(CaseOpened("case-1"));
  REQUIRE(case_one.accepted);
  REQUIRE(case_one.event.sequence() == 2);
  first.Stop();

  // Another process on the same topics: a consumer group that never committed anything (a new
  // --group-prefix, as after a reset of the group's offsets) and no heads of its own.
  KafkaSettings fresh = first.kafka();
  fresh.group_prefix += "-fresh";
  testing::RunningEngine second(fresh);
  second.set_seal_key_path(secrets.Sub("seal.key"));
  second.Start();
  const SubmitOutcome case_two = second.Submit(CaseOpened("case-2"));
  REQUIRE(case_two.accepted);
  CHECK(case_two.event.sequence() == 3);
  CHECK(case_two.event.prev_hash() == case_one.event.hash());
  // The commands are decided in order, so by now the three old ones were passed over.
  CHECK(RecordsOn(fresh, fresh.topics.events) == 3);
  CHECK(RecordsOn(fresh, fresh.topics.rejections) == 1);
  second.Stop();
}

TEST_CASE("two deployments that differ only in their topic prefix both sequence side by side",
          "[integration]") {
  // The same group prefix (the default "timeline" in production; one unique to this run here,
  // so that nothing else on the shared broker is touched).
  KafkaSettings a = testing::IsolatedKafkaSettings();
  KafkaSettings b = testing::IsolatedKafkaSettings();
  b.group_prefix = a.group_prefix;
  CHECK(a.GroupId("sequencer") != b.GroupId("sequencer"));
  testing::RunningEngine engine_a(a);
  testing::RunningEngine engine_b(b);
  engine_a.Start();
  engine_b.Start();
  const SubmitOutcome opened_a = engine_a.Submit(Opened());
  const SubmitOutcome opened_b = engine_b.Submit(Opened());
  CHECK(opened_a.accepted);
  CHECK(opened_b.accepted);
  const SubmitOutcome case_a = engine_a.Submit(CaseOpened("case-1"));
  const SubmitOutcome case_b = engine_b.Submit(CaseOpened("case-1"));
  CHECK(case_a.event.sequence() == 2);
  CHECK(case_b.event.sequence() == 2);
  engine_a.WaitForState("acme", 2);
  engine_b.WaitForState("acme", 2);
  engine_a.Stop();  // each stops cleanly: neither was fenced by the other
  engine_b.Stop();
}

}  // namespace
}  // namespace timeline
