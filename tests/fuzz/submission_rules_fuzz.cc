// Fuzz target: a stream of commands decided by the real Sequencer (engine/sequencer.h), which runs
// the field validators (engine/submission_validation.h) and the account rules
// (engine/account_rules.h) on each, then folds what it accepts. The input is a list of record
// values (binary SubmitEvents, or anything), each length-prefixed (length_prefixed_records.h).
//
// Invariants, for every input:
// - deciding never fails (the store does not fail here) and every command leaves exactly one
//   event or one rejection;
// - every rejection decodes as a Rejection with a reason code and a UTF-8 message;
// - every event decodes, verifies (hash and seal), and each account's events are 1..N, linked;
// - the worker's fold (FoldEvent on the stored bytes) takes every accepted event: an event the
//   sequencer accepts but the views refuse would be dead-lettered, and the views would diverge;
// - the folded accounts never owe a negative amount (payments and credits stay within invoices).
// Each input starts from empty heads: the batch is aborted, never committed.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/account_fold.h"
#include "engine/event_seal.h"
#include "engine/hash_chain.h"
#include "engine/head_store.h"
#include "engine/sequencer.h"
#include "engine/sha256.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_temp_dir.h"
#include "tests/fuzz/length_prefixed_records.h"
#include "timeline/v1/rejection.pb.h"

namespace timeline::fuzz {
namespace {

constexpr size_t kMaxCommands = 64;

struct Engine {
  FuzzTempDir dir{"rules"};
  std::unique_ptr<HeadStore> store;
  ManualClock clock{1'780'000'000};  // 2026-05-28, so "recent" dates are plausible
  SealKey seal_key = SealKey::FromBytes(std::string(32, 's'));
  std::unique_ptr<Sequencer> sequencer;

  Engine() {
    auto opened = HeadStore::Open(dir.path() + "/heads", HeadStoreTopics{});
    FUZZ_CHECK(opened.ok(), "the head store opens: " + opened.status().ToString());
    store = std::move(opened).value();
    sequencer = std::make_unique<Sequencer>(store.get(), &clock, &seal_key, 1);
  }
};

Engine& TheEngine() {
  static Engine engine;
  return engine;
}

void CheckRejection(const OutgoingRecord& record) {
  v1::Rejection rejection;
  FUZZ_CHECK(rejection.ParseFromString(record.value), "a rejection decodes as a Rejection");
  FUZZ_CHECK(rejection.code() != v1::REJECTION_CODE_UNSPECIFIED, "a rejection has a reason code");
  CheckMessage(rejection.message(), "a rejection's message");
}

// The worker's view of the accepted events: each account folded from the stored bytes alone.
class WorkerFold {
 public:
  void Apply(const OutgoingRecord& record, const SealKey& key) {
    v1::EventEnvelope envelope;
    FUZZ_CHECK(envelope.ParseFromString(record.value), "an event decodes as an EventEnvelope");
    FUZZ_CHECK(CheckIntegrity(key, envelope).ok(), "an event verifies (hash and seal)");
    v1::AccountState& state = states_[envelope.account_id()];
    const std::string prev = state.version() == 0 ? ToHex(GenesisHash()) : state.last_hash();
    FUZZ_CHECK(ToHex(envelope.prev_hash()) == prev, "an event links to the account's last hash");
    EntityCache entities([this](const std::string& k) { return Load(k); });
    Status folded = FoldEvent(envelope, &state, &entities);
    FUZZ_CHECK(folded.ok(), "the worker folds every accepted event: " + folded.ToString());
    FUZZ_CHECK(state.version() == envelope.sequence(), "the fold moves the version");
    for (const auto& [entity_key, entity] : entities.Changed()) {
      entities_[entity_key] = entity->SerializeAsString();
    }
    CheckReceivables(state);
  }

 private:
  Result<std::optional<std::string>> Load(const std::string& key) {
    auto found = entities_.find(key);
    if (found == entities_.end()) return std::optional<std::string>();
    return std::optional<std::string>(found->second);
  }

  static void CheckReceivables(const v1::AccountState& state) {
    for (const auto& owed : state.receivable()) {
      FUZZ_CHECK(owed.minor_units() >= 0, "account " + state.account_id() + " owes " +
                                              std::to_string(owed.minor_units()) + " " +
                                              owed.currency());
    }
  }

  std::map<std::string, v1::AccountState> states_;
  std::map<std::string, std::string> entities_;
};

void DecideAll(const std::vector<std::string>& values) {
  Engine& engine = TheEngine();
  for (size_t i = 0; i < values.size(); ++i) {
    LogRecord command;
    command.topic = "account-commands";
    command.offset = static_cast<int64_t>(i);
    command.value = values[i];
    Status decided = engine.sequencer->Decide(command);
    FUZZ_CHECK(decided.ok(), "deciding a command never fails: " + decided.ToString());
  }
  const auto& events = engine.sequencer->events();
  const auto& rejections = engine.sequencer->rejections();
  FUZZ_CHECK(events.size() + rejections.size() == values.size(),
             "every command leaves one event or one rejection");
  for (const auto& rejection : rejections) CheckRejection(rejection);
  WorkerFold worker;
  for (const auto& event : events) worker.Apply(event, engine.seal_key);
  engine.sequencer->Abort();
}

}  // namespace
}  // namespace timeline::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  timeline::fuzz::DecideAll(
      timeline::fuzz::SplitLengthPrefixed(data, size, timeline::fuzz::kMaxCommands));
  return 0;
}
