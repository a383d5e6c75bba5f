// Against the real broker (RELIABILITY.md, "Poison records"): records produced straight onto
// account-commands and account-events with a raw producer — bytes that are not a record, an
// unknown event type, a broken chain link, a forgery, a record as large as Kafka takes, a key
// that is not UTF-8 — are each refused or dead-lettered with topic, partition, offset and a
// reason, by the sequencer (live and on catch-up after a restart) and by the worker, and the
// engine goes on; `timeline dlq list|show|replay` (the real binary) shows them and, after a
// worker with the wrong seal key is restarted with the right one, applies its dead letters
// exactly once.
#include <google/protobuf/unknown_field_set.h>
#include <sys/wait.h>
#include <catch2/catch.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "consumers/log/kafka_client.h"
#include "consumers/log/topic_reader.h"
#include "consumers/processes/dead_letter_queue.h"
#include "consumers/processes/read_only_views.h"
#include "consumers/processes/worker_process.h"
#include "engine/event_seal.h"
#include "engine/hash_chain.h"
#include "engine/partitioning.h"
#include "projections/view_digest.h"
#include "tests/support/running_engine.h"
#include "timeline/v1/rejection.pb.h"

#ifndef TIMELINE_BINARY
#error "tests/CMakeLists.txt defines TIMELINE_BINARY, the path of the timeline executable"
#endif

namespace timeline {
namespace {

using namespace std::chrono_literals;
using Catch::Contains;

constexpr int32_t kPartitions = 3;  // RunningEngine's
// As large as the broker takes (message.max.bytes 1,048,588): a dead letter quoting it whole
// would be more than a producer's default message.max.bytes (1,000,000).
constexpr size_t kBigValue = 1'000'000;

std::string Opened(const std::string& account) {
  return R"({"accountId": ")" + account +
         R"(", "occurredAt": "2026-01-05T09:00:00Z", "actor": "jane.doe",
             "event": {"accountOpened": {"name": "ACME Corp", "manager": "jane.doe",
                                          "currency": "EUR", "regions": ["DE"]}}})";
}

std::string CaseOpened(const std::string& account, const std::string& id) {
  return R"({"accountId": ")" + account +
         R"(", "occurredAt": "2026-01-06T09:00:00Z", "actor": "jane.doe",
             "event": {"serviceCaseOpened": {"caseId": ")" +
         id + R"(", "subject": "pump noise", "severity": "HIGH"}}})";
}

// A producer that is not the engine's: no transaction, no seal. Send() returns the offset.
class RawProducer : public RdKafka::DeliveryReportCb {
 public:
  explicit RawProducer(const KafkaSettings& kafka) {
    auto producer = MakeProducer(kafka, {{"message.max.bytes", "1048000"}}, this);
    REQUIRE(producer.ok());
    producer_ = std::move(producer).value();
  }
  void dr_cb(RdKafka::Message& message) override {
    error_ = message.err();
    offset_ = message.offset();
  }
  int64_t Send(const std::string& topic, int32_t partition, const std::string& key,
               const std::string& value,
               const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    REQUIRE(Produce(producer_.get(), topic, partition, key, value, headers).ok());
    REQUIRE(producer_->flush(30'000) == RdKafka::ERR_NO_ERROR);
    REQUIRE(error_ == RdKafka::ERR_NO_ERROR);
    return offset_;
  }

 private:
  std::unique_ptr<RdKafka::Producer> producer_;
  RdKafka::ErrorCode error_ = RdKafka::ERR_NO_ERROR;
  int64_t offset_ = -1;
};

// What a `timeline` command printed and how it exited.
struct CommandResult {
  int exit_code = -1;
  std::vector<std::string> lines;  // stdout
  std::string err;
};

CommandResult Timeline(const std::string& args) {
  testing::TempDir scratch;
  const std::string err_path = scratch.Sub("stderr");
  const std::string command = std::string(TIMELINE_BINARY) + " " + args + " 2>" + err_path;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  CommandResult result;
  std::string out;
  std::array<char, 65536> buffer;
  size_t read = 0;
  while ((read = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), read);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) result.lines.push_back(line);
  std::ifstream err(err_path);
  result.err.assign(std::istreambuf_iterator<char>(err), {});
  return result;
}

std::string KafkaFlags(const KafkaSettings& kafka) {
  return "--brokers " + kafka.brokers + " --topic-prefix " + kafka.topics.prefix +
         " --group-prefix " + kafka.group_prefix;
}

// The line of `result` for dead letter `id`, or empty.
std::string LineFor(const CommandResult& result, const std::string& id) {
  for (const auto& line : result.lines) {
    if (line.find("\"id\":\"" + id + "\"") != std::string::npos) return line;
  }
  return {};
}

std::string Base64(const std::string& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t chunk = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) chunk |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) chunk |= static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[(chunk >> 18) & 63];
    out += kAlphabet[(chunk >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(chunk >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[chunk & 63] : '=';
  }
  return out;
}

// The rejection whose submission id header is `id`, once it is on account-rejections.
v1::Rejection AwaitRejection(const KafkaSettings& kafka, const std::string& id) {
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (true) {
    std::optional<v1::Rejection> found;
    REQUIRE(ReadTopicToEnd(kafka, kafka.topics.rejections, [&](const LogRecord& record) {
              auto header = record.Header(kSubmissionIdHeader);
              if (header && *header == id) {
                found.emplace();
                REQUIRE(found->ParseFromString(record.value));
              }
              return Status::Ok();
            }).ok());
    if (found) return *found;
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(200ms);
  }
}

// The dead letters on the topic from `reader`, once they name every offset of `offsets` on
// `topic` (at least once each).
std::map<int64_t, v1::DeadLetter> AwaitTopicLetters(const KafkaSettings& kafka,
                                                    const std::string& reader,
                                                    const std::string& topic,
                                                    const std::vector<int64_t>& offsets) {
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (true) {
    auto letters = DeadLettersOnTopic(kafka);
    REQUIRE(letters.ok());
    std::map<int64_t, v1::DeadLetter> found;
    for (const auto& letter : *letters) {
      if (letter.reader() == reader && letter.topic() == topic) found[letter.offset()] = letter;
    }
    bool all = true;
    for (int64_t offset : offsets) all = all && found.count(offset) > 0;
    if (all) return found;
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(300ms);
  }
}

// The envelope of account `account` at `sequence` after `prev`, with `body`, unsealed.
v1::EventEnvelope Envelope(const std::string& account, uint64_t sequence, const std::string& prev,
                           const std::string& body) {
  v1::EventEnvelope envelope;
  envelope.set_account_id(account);
  envelope.set_sequence(sequence);
  envelope.set_event_id("poison-" + std::to_string(sequence));
  envelope.mutable_occurred_at()->set_seconds(1'767'600'000);
  envelope.mutable_recorded_at()->set_seconds(1'767'600'000);
  envelope.set_actor("mallory");
  envelope.set_schema_version(1);
  envelope.set_body(body);
  LinkEvent(prev, &envelope);
  return envelope;
}

std::string UnknownEventBody() {
  v1::Event event;
  event.GetReflection()->MutableUnknownFields(&event)->AddLengthDelimited(
      9999, "an event of a newer build");
  return event.SerializeAsString();
}

std::string CaseBody() {
  v1::Event event;
  event.mutable_service_case_opened()->set_case_id("case-forged");
  return event.SerializeAsString();
}

TEST_CASE(
    "poison produced onto account-commands of a running engine is refused with its coordinates "
    "and a reason, and the next command is decided",
    "[integration][dlq]") {
  testing::RunningEngine engine;
  engine.Start();
  REQUIRE(engine.Submit(Opened("acme")).accepted);
  const KafkaSettings& kafka = engine.kafka();
  const int32_t partition = PartitionForKey("acme", kPartitions);
  RawProducer raw(kafka);
  const auto with_id = [](const std::string& id) {
    return std::vector<std::pair<std::string, std::string>>{{std::string(kSubmissionIdHeader), id}};
  };
  v1::SubmitEvent unknown;
  unknown.set_account_id("acme");
  unknown.set_actor("jane.doe");
  unknown.mutable_occurred_at()->set_seconds(1'767'600'000);
  unknown.mutable_event()
      ->GetReflection()
      ->MutableUnknownFields(unknown.mutable_event())
      ->AddLengthDelimited(9999, "newer");
  const std::map<std::string, std::pair<int64_t, v1::RejectionCode>> sent = {
      {"undecodable",
       {raw.Send(kafka.topics.commands, partition, "acme", "\xff\xff\xff garbage",
                 with_id("undecodable")),
        v1::MALFORMED_SUBMISSION}},
      {"wrong-key",
       {raw.Send(kafka.topics.commands, partition, "globex", CaseOpened("acme", "c-1"),
                 {{std::string(kSubmissionIdHeader), "wrong-key"},
                  {std::string(kContentTypeHeader), std::string(kJsonContentType)}}),
        v1::INVALID_FIELD}},
      {"oversized",
       {raw.Send(kafka.topics.commands, partition, "acme", std::string(kBigValue, '{'),
                 with_id("oversized")),
        v1::TOO_LARGE}},
      {"unknown-type",
       {raw.Send(kafka.topics.commands, partition, "acme", unknown.SerializeAsString(),
                 with_id("unknown-type")),
        v1::UNKNOWN_EVENT_TYPE}},
  };
  for (const auto& [id, expected] : sent) {
    INFO(id);
    const v1::Rejection rejection = AwaitRejection(kafka, id);
    CHECK(rejection.code() == expected.second);
    CHECK(rejection.command_partition() == partition);
    CHECK(rejection.command_offset() == expected.first);
    CHECK_FALSE(rejection.message().empty());
  }
  // The sequencer went on.
  const SubmitOutcome next = engine.Submit(CaseOpened("acme", "case-1"));
  REQUIRE(next.accepted);
  CHECK(next.event.sequence() == 2);
  engine.WaitForState("acme", 2);
}

TEST_CASE(
    "poison on account-events is dead-lettered with its coordinates by the worker and by "
    "the sequencer's catch-up after a restart, and the engine goes on",
    "[integration][dlq]") {
  testing::TempDir secrets;
  testing::RunningEngine engine;
  engine.set_seal_key_path(secrets.Sub("seal.key"));
  engine.Start();
  const KafkaSettings& kafka = engine.kafka();
  const std::string& events = kafka.topics.events;
  const SubmitOutcome opened = engine.Submit(Opened("acme"));
  REQUIRE(opened.accepted);
  engine.WaitForState("acme", 1);
  auto key = SealKey::Load(secrets.Sub("seal.key"));
  REQUIRE(key.ok());
  const int32_t partition = PartitionForKey("acme", kPartitions);
  RawProducer raw(kafka);

  // While the engine runs: the worker meets them.
  v1::EventEnvelope unknown_type = Envelope("acme", 2, opened.event.hash(), UnknownEventBody());
  v1::EventEnvelope broken_link = Envelope("acme", 2, std::string(32, '\x07'), CaseBody());
  SealEvent(*key, &broken_link);  // sealed by the key's holder, linked elsewhere
  const std::string garbage = "\xff\xff\xff not an envelope";
  const std::string big(kBigValue, '\xff');
  const int64_t garbage_at = raw.Send(events, partition, "acme", garbage);
  const int64_t big_at = raw.Send(events, partition, "acme", big);
  const int64_t unknown_at = raw.Send(events, partition, "acme", unknown_type.SerializeAsString());
  const int64_t link_at = raw.Send(events, partition, "acme", broken_link.SerializeAsString());
  const int64_t bad_key_at = raw.Send(events, partition, std::string("\xff\xfe", 2), garbage);

  const SubmitOutcome second = engine.Submit(CaseOpened("acme", "case-1"));
  REQUIRE(second.accepted);
  CHECK(second.event.sequence() == 2);
  engine.WaitForState("acme", 2);

  const std::string data = "--data " + engine.data_dir();
  const CommandResult listed = Timeline("dlq list " + data);
  INFO(listed.err);
  REQUIRE(listed.exit_code == 0);
  CHECK(listed.lines.size() == 5);
  const auto id = [&](int64_t offset) {
    return events + ":" + std::to_string(partition) + "@" + std::to_string(offset);
  };
  CHECK_THAT(LineFor(listed, id(garbage_at)), Contains("not a timeline.v1.EventEnvelope"));
  CHECK_THAT(LineFor(listed, id(big_at)), Contains("\"valueSize\":\"1000000\""));
  CHECK_THAT(LineFor(listed, id(unknown_at)), Contains("forged: account acme sequence 2"));
  CHECK_THAT(LineFor(listed, id(link_at)), Contains("does not link to the hash"));
  CHECK_THAT(LineFor(listed, id(bad_key_at)), Contains("\"key\":\"//4=\""));
  for (const auto& line : listed.lines)
    CHECK_THAT(line, Contains("\"reader\":\"projection worker\""));

  const CommandResult shown = Timeline("dlq show " + id(garbage_at) + " " + data);
  REQUIRE(shown.exit_code == 0);
  REQUIRE(shown.lines.size() == 1);
  CHECK_THAT(shown.lines[0], Contains("\"value\":\"" + Base64(garbage) + "\""));
  CHECK_THAT(shown.lines[0], Contains("\"envelope\":null"));
  const CommandResult decoded = Timeline("dlq show " + id(link_at) + " " + data);
  REQUIRE(decoded.exit_code == 0);
  CHECK_THAT(decoded.lines[0], Contains("\"envelope\":{") && Contains("case-forged"));
  const CommandResult unknown_id = Timeline("dlq show " + events + ":0@999999 " + data);
  CHECK(unknown_id.exit_code == 1);
  CHECK_THAT(unknown_id.err, Contains("no dead letter"));

  // From the topic: every reader's, the large one cut to 256 KiB.
  const auto on_topic = AwaitTopicLetters(kafka, "projection worker", events,
                                          {garbage_at, big_at, unknown_at, link_at, bad_key_at});
  CHECK(on_topic.at(big_at).value_size() == kBigValue);
  CHECK(on_topic.at(big_at).value().size() == 256 * 1024);
  const CommandResult from_topic = Timeline("dlq list --source topic " + KafkaFlags(kafka));
  REQUIRE(from_topic.exit_code == 0);
  CHECK_FALSE(LineFor(from_topic, id(big_at)).empty());

  // Stopped, then poison the sequencer's catch-up will read: garbage on account-events and
  // account-rejections, a forgery past the head, a sealed event that does not link.
  engine.Stop();
  v1::EventEnvelope forged = Envelope("acme", 3, second.event.hash(), CaseBody());
  v1::EventEnvelope unlinked = Envelope("acme", 3, std::string(32, '\x07'), CaseBody());
  SealEvent(*key, &unlinked);
  const int64_t catch_up_garbage_at = raw.Send(events, partition, "acme", garbage);
  const int64_t forged_at = raw.Send(events, partition, "acme", forged.SerializeAsString());
  const int64_t unlinked_at = raw.Send(events, partition, "acme", unlinked.SerializeAsString());
  const int64_t rejection_garbage_at =
      raw.Send(kafka.topics.rejections, partition, "acme", "\xff\xff\xff not a rejection");
  engine.Start();
  const SubmitOutcome third = engine.Submit(CaseOpened("acme", "case-2"));
  REQUIRE(third.accepted);
  CHECK(third.event.sequence() == 3);
  CHECK(third.event.prev_hash() == second.event.hash());
  const v1::AccountState state = engine.WaitForState("acme", 3);
  CHECK(state.last_hash() == ToHex(third.event.hash()));

  const auto sequencer_letters = AwaitTopicLetters(kafka, "sequencer catch-up", events,
                                                   {catch_up_garbage_at, forged_at, unlinked_at});
  CHECK_THAT(sequencer_letters.at(catch_up_garbage_at).reason(),
             Contains("not a timeline.v1.EventEnvelope"));
  CHECK_THAT(sequencer_letters.at(forged_at).reason(),
             Contains("forged: account acme sequence 3") && Contains("past the head"));
  CHECK_THAT(sequencer_letters.at(unlinked_at).reason(), Contains("does not link"));
  const auto rejection_letters = AwaitTopicLetters(kafka, "sequencer catch-up",
                                                   kafka.topics.rejections, {rejection_garbage_at});
  CHECK(rejection_letters.at(rejection_garbage_at).partition() == partition);
  CHECK_THAT(rejection_letters.at(rejection_garbage_at).reason(),
             Contains("not a timeline.v1.Rejection"));
}

// A worker replica of `kafka`'s log with a data directory and group of its own.
class ReplicaWorker {
 public:
  ReplicaWorker(KafkaSettings kafka, const std::string& data_dir, const std::string& key_path) {
    kafka.group_prefix += "-replica";
    WorkerOptions options;
    options.kafka = kafka;
    options.data_dir = data_dir;
    options.seal_key_path = key_path;
    auto process = WorkerProcess::Create(options);
    INFO(process.status().ToString());
    REQUIRE(process.ok());
    process_ = std::move(process).value();
    thread_ = std::thread([this] { status_ = process_->Run(stop_); });
  }
  ~ReplicaWorker() { Stop(); }
  void Stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
    CHECK(status_.ok());
  }

 private:
  std::unique_ptr<WorkerProcess> process_;
  std::atomic<bool> stop_{false};
  Status status_;
  std::thread thread_;
};

std::vector<v1::DeadLetter> AwaitViewLetters(const std::string& data_dir, size_t count) {
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (true) {
    auto letters = DeadLettersInViews(data_dir);
    if (letters.ok() && letters->size() >= count) return *letters;
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(200ms);
  }
}

uint64_t ViewVersion(const std::string& data_dir, const std::string& account) {
  auto views = ReadOnlyViews::Open(data_dir);
  REQUIRE(views.ok());
  auto state = (*views)->store().GetState(account);
  REQUIRE(state.ok());
  return state->has_value() ? (*state)->version() : 0;
}

TEST_CASE(
    "a worker started with the wrong seal key dead-letters every event, and restarted with the "
    "right key, dlq replay applies each exactly once and the views equal the engine's",
    "[integration][dlq]") {
  testing::TempDir secrets;
  testing::RunningEngine engine;
  engine.set_seal_key_path(secrets.Sub("seal.key"));
  engine.Start();
  for (const char* account : {"acme", "globex"}) {
    REQUIRE(engine.Submit(Opened(account)).accepted);
    REQUIRE(engine.Submit(CaseOpened(account, "case-1")).accepted);
    engine.WaitForState(account, 2);
  }
  const std::string wrong_key = secrets.Sub("wrong.key");
  std::ofstream(wrong_key) << ToHex(std::string(32, 'w')) << "\n";
  testing::TempDir replica_data;
  const std::string data = "--data " + replica_data.path();

  std::vector<v1::DeadLetter> forged;
  {
    ReplicaWorker replica(engine.kafka(), replica_data.path(), wrong_key);
    forged = AwaitViewLetters(replica_data.path(), 4);
  }
  REQUIRE(forged.size() == 4);
  for (const auto& letter : forged) CHECK_THAT(letter.reason(), Contains("forged:"));
  CHECK(ViewVersion(replica_data.path(), "acme") == 0);

  // The fix: the replica restarts with the deployment's key; the dead letters stay behind its
  // checkpoints until replayed, which the running replica does on request.
  ReplicaWorker replica(engine.kafka(), replica_data.path(), secrets.Sub("seal.key"));
  const CommandResult replayed = Timeline("dlq replay --all " + data);
  INFO(replayed.err);
  REQUIRE(replayed.exit_code == 0);
  CHECK(replayed.lines.size() == 4);
  for (const auto& line : replayed.lines) CHECK_THAT(line, Contains("\"outcome\":\"APPLIED\""));
  CHECK_THAT(replayed.err, Contains("by the running worker") && Contains("4 applied"));
  CHECK(ViewVersion(replica_data.path(), "acme") == 2);
  CHECK(ViewVersion(replica_data.path(), "globex") == 2);

  // Exactly once: nothing is open; a letter named again is left alone.
  const CommandResult again = Timeline("dlq replay --all " + data);
  REQUIRE(again.exit_code == 0);
  CHECK(again.lines.empty());
  const CommandResult named = Timeline("dlq replay " + DeadLetterIdOf(forged[0]) + " " + data);
  REQUIRE(named.exit_code == 0);
  CHECK_THAT(named.err, Contains("resolved by an earlier replay (APPLIED)"));
  const CommandResult open = Timeline("dlq list --open " + data);
  REQUIRE(open.exit_code == 0);
  CHECK(open.lines.empty());

  // The replica goes on from there, and holds what the engine's views hold.
  const SubmitOutcome third = engine.Submit(CaseOpened("acme", "case-2"));
  REQUIRE(third.accepted);
  engine.WaitForState("acme", 3);
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (ViewVersion(replica_data.path(), "acme") < 3) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(200ms);
  }
  auto engine_views = ReadOnlyViews::Open(engine.data_dir());
  auto replica_views = ReadOnlyViews::Open(replica_data.path());
  REQUIRE(engine_views.ok());
  REQUIRE(replica_views.ok());
  for (const char* view : {"state", "events", "entities", "digests", "dead_letters"}) {
    INFO(view);
    auto expected = DigestViews((*engine_views)->store(), view);
    auto got = DigestViews((*replica_views)->store(), view);
    REQUIRE(expected.ok());
    REQUIRE(got.ok());
    CHECK(SameViews(*expected, *got));
  }
}

}  // namespace
}  // namespace timeline
