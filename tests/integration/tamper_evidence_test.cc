// Against the real broker: a record produced straight onto account-events by something other
// than the sequencer is named by `verify`, dead-lettered (view and topic) and never applied;
// the views' chain digests prove them complete against the sequencer's published pins.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "consumers/audit/chain_audit.h"
#include "consumers/log/kafka_client.h"
#include "consumers/log/topic_reader.h"
#include "consumers/processes/data_directory.h"
#include "consumers/processes/read_only_views.h"
#include "engine/chain_digest.h"
#include "engine/hash_chain.h"
#include "engine/partitioning.h"
#include "tests/support/running_engine.h"
#include "timeline/v1/dead_letter.pb.h"

namespace timeline {
namespace {

using namespace std::chrono_literals;

std::string Opened() {
  return R"({"accountId": "acme", "occurredAt": "2026-01-05T09:00:00Z", "actor": "jane.doe",
             "event": {"accountOpened": {"name": "ACME Corp", "manager": "jane.doe",
                                          "currency": "EUR", "regions": ["DE"]}}})";
}

std::string CaseOpened(const std::string& id) {
  return R"({"accountId": "acme", "occurredAt": "2026-01-06T09:00:00Z", "actor": "jane.doe",
             "event": {"serviceCaseOpened": {"caseId": ")" +
         id + R"(", "subject": "pump noise", "severity": "HIGH"}}})";
}

// Produces `envelope` onto account-events as a forger would: no transaction, no seal.
int64_t ProduceForged(const KafkaSettings& kafka, const v1::EventEnvelope& envelope) {
  auto producer = MakeProducer(kafka);
  REQUIRE(producer.ok());
  auto partitions = PartitionCount(producer->get(), kafka.topics.events, 30s);
  REQUIRE(partitions.ok());
  const int32_t partition = PartitionForKey(envelope.account_id(), *partitions);
  REQUIRE(Produce(producer->get(), kafka.topics.events, partition, envelope.account_id(),
                  envelope.SerializeAsString(), {})
              .ok());
  REQUIRE((*producer)->flush(30'000) == RdKafka::ERR_NO_ERROR);
  // The forged record's offset: the last one of the partition.
  int64_t low = 0, high = 0;
  REQUIRE((*producer)->query_watermark_offsets(kafka.topics.events, partition, &low, &high,
                                               30'000) == RdKafka::ERR_NO_ERROR);
  return high - 1;
}

// Waits until the sequencer has pinned `events` events of `partition`.
PublishedPins WaitForPin(const KafkaSettings& kafka, int32_t partition, uint64_t events) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (true) {
    auto pins = ReadPublishedPins(kafka, AuditOptions{});
    REQUIRE(pins.ok());
    if (pins->count(partition) && pins->at(partition).count(events)) return *pins;
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(500ms);
  }
}

TEST_CASE("a forged event is named by verify, dead-lettered and not applied", "[integration]") {
  testing::RunningEngine engine;
  engine.Start();
  const SubmitOutcome opened = engine.Submit(Opened());
  REQUIRE(opened.accepted);
  const SubmitOutcome first_case = engine.Submit(CaseOpened("case-1"));
  REQUIRE(first_case.accepted);
  engine.WaitForState("acme", 2);

  // A perfectly chained sequence 3 that the sequencer never wrote.
  v1::EventEnvelope forged = first_case.event;
  forged.set_sequence(3);
  forged.set_event_id("forged-1");
  forged.set_actor("mallory");
  LinkEvent(first_case.event.hash(), &forged);
  forged.clear_seal();
  const int64_t forged_offset = ProduceForged(engine.kafka(), forged);

  // The genuine sequence 3 follows and is applied; the forged one is not.
  const SubmitOutcome second_case = engine.Submit(CaseOpened("case-2"));
  REQUIRE(second_case.accepted);
  CHECK(second_case.event.sequence() == 3);
  CHECK(second_case.event.prev_hash() == first_case.event.hash());
  const v1::AccountState state = engine.WaitForState("acme", 3);
  CHECK(state.last_hash() == ToHex(second_case.event.hash()));
  CHECK(state.open_service_cases() == 2);

  const int32_t partition = PartitionForKey("acme", 3);
  {
    auto views = ReadOnlyViews::Open(engine.data_dir());
    REQUIRE(views.ok());
    std::vector<v1::DeadLetter> letters;
    REQUIRE((*views)
                ->store()
                .ScanDeadLetters([&](const v1::DeadLetter& letter) {
                  letters.push_back(letter);
                  return true;
                })
                .ok());
    REQUIRE(letters.size() == 1);
    CHECK(letters[0].offset() == forged_offset);
    CHECK_THAT(letters[0].reason(), Catch::StartsWith("forged: account acme sequence 3"));
  }
  std::vector<v1::DeadLetter> on_topic;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (on_topic.empty() && std::chrono::steady_clock::now() < deadline) {
    REQUIRE(ReadTopicToEnd(engine.kafka(), engine.kafka().topics.dead_letters,
                           [&](const LogRecord& record) {
                             v1::DeadLetter letter;
                             REQUIRE(letter.ParseFromString(record.value));
                             on_topic.push_back(letter);
                             return Status::Ok();
                           })
                .ok());
    if (on_topic.empty()) std::this_thread::sleep_for(200ms);
  }
  REQUIRE(on_topic.size() == 1);
  CHECK(on_topic[0].partition() == partition);
  CHECK(on_topic[0].offset() == forged_offset);

  // The sequencer pins the partition's three genuine events within its digest interval.
  const PublishedPins pins = WaitForPin(engine.kafka(), partition, 3);
  auto key = SealKey::LoadOrCreate(SealKeyPath(engine.data_dir()));
  REQUIRE(key.ok());

  std::vector<v1::ChainProblem> problems;
  AuditOptions options;
  options.seal_key = &*key;
  options.on_problem = [&](const v1::ChainProblem& problem) { problems.push_back(problem); };

  auto log_report = VerifyLog(engine.kafka(), pins, options);
  REQUIRE(log_report.ok());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].kind() == v1::ChainProblem::FORGED);
  CHECK(problems[0].account_id() == "acme");
  CHECK(problems[0].sequence() == 3);
  CHECK(problems[0].partition() == partition);
  CHECK(problems[0].offset() == forged_offset);
  CHECK(log_report->problems() == 1);
  CHECK(log_report->events_verified() == 3);

  // Without the key the forged record passes as sequence 3, so the partition's digest no longer
  // matches the sequencer's pin, and the genuine sequence 3 shows as a fork.
  problems.clear();
  AuditOptions chain_only;
  chain_only.on_problem = options.on_problem;
  auto unkeyed = VerifyLog(engine.kafka(), pins, chain_only);
  REQUIRE(unkeyed.ok());
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].kind() == v1::ChainProblem::DIGEST_MISMATCH);
  CHECK(problems[1].kind() == v1::ChainProblem::FORK);
  CHECK(problems[1].sequence() == 3);
  CHECK(problems[1].offset() == forged_offset + 1);

  // The view holds only sealed events, and its digest matches the sequencer's pin.
  problems.clear();
  auto views = ReadOnlyViews::Open(engine.data_dir());
  REQUIRE(views.ok());
  auto view_report = VerifyView((*views)->store(), engine.kafka().topics.events, pins, options);
  REQUIRE(view_report.ok());
  CHECK(problems.empty());
  CHECK(view_report->problems() == 0);
  CHECK(view_report->events_verified() == 3);
  bool proven = false;
  for (const auto& proof : view_report->partitions()) {
    if (proof.partition() != partition) continue;
    CHECK(proof.events() == 3);
    CHECK(proof.pins_matched() >= 1);
    CHECK(proof.proven_through() == 3);
    proven = true;
  }
  CHECK(proven);
  // The log's digest over its sealed events equals the view's.
  for (const auto& proof : log_report->partitions()) {
    if (proof.partition() == partition) CHECK(proof.proven_through() == 3);
  }
}

TEST_CASE("a digest that does not match the pin is reported with the pinned position",
          "[integration]") {
  testing::RunningEngine engine;
  engine.Start();
  REQUIRE(engine.Submit(Opened()).accepted);
  engine.WaitForState("acme", 1);
  const int32_t partition = PartitionForKey("acme", 3);
  PublishedPins pins = WaitForPin(engine.kafka(), partition, 1);
  // As if the log had lost or reordered an event before the pinned one.
  pins[partition][1].set_digest(Sha256Of("another history"));

  std::vector<v1::ChainProblem> problems;
  AuditOptions options;
  options.on_problem = [&](const v1::ChainProblem& problem) { problems.push_back(problem); };
  auto report = VerifyLog(engine.kafka(), pins, options);
  REQUIRE(report.ok());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].kind() == v1::ChainProblem::DIGEST_MISMATCH);
  CHECK(problems[0].partition() == partition);
  CHECK(problems[0].account_id() == "acme");
  CHECK(problems[0].sequence() == 1);
}

}  // namespace
}  // namespace timeline
