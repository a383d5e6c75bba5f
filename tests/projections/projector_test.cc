#include "projections/projector.h"

#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/util/message_differencer.h>
#include <catch2/catch.hpp>

#include "engine/account_fold.h"
#include "projections/view_store.h"
#include "tests/projections/projection_fixtures.h"
#include "timeline/v1/account_state.pb.h"

namespace timeline {
namespace {

using google::protobuf::util::MessageDifferencer;
using testing::kEventsTopic;
using testing::MakeHistory;
using testing::RecordOf;
using testing::RecordsOf;
using testing::TempDir;
using testing::TestSealKey;

// The state a clean fold of `history` gives, without any storage (the entities live in the cache).
v1::AccountState FoldAll(const std::vector<v1::EventEnvelope>& history) {
  v1::AccountState state;
  EntityCache entities([](const std::string&) { return std::optional<std::string>(); });
  for (const auto& envelope : history) REQUIRE(FoldEvent(envelope, &state, &entities).ok());
  return state;
}

v1::AccountState StoredState(const ViewStore& store, const std::string& account) {
  auto state = store.GetState(account);
  REQUIRE(state.ok());
  REQUIRE(state->has_value());
  return **state;
}

std::vector<std::string> StoredHistoryBytes(const ViewStore& store, const std::string& account) {
  std::vector<std::string> bytes;
  REQUIRE(store
              .ScanHistory(account, 0,
                           [&](const v1::EventEnvelope& envelope) {
                             bytes.push_back(envelope.SerializeAsString());
                             return true;
                           })
              .ok());
  return bytes;
}

std::vector<v1::DeadLetter> StoredDeadLetters(const ViewStore& store) {
  std::vector<v1::DeadLetter> letters;
  REQUIRE(store
              .ScanDeadLetters([&](const v1::DeadLetter& letter) {
                letters.push_back(letter);
                return true;
              })
              .ok());
  return letters;
}

int64_t StoredNextOffset(const ViewStore& store, int32_t partition) {
  auto offset = store.NextOffset(kEventsTopic, partition);
  REQUIRE(offset.ok());
  REQUIRE(offset->has_value());
  return **offset;
}

struct Fixture {
  TempDir dir;
  std::unique_ptr<ViewStore> store;
  ManualClock clock{1'900'000'000};
  std::unique_ptr<Projector> projector;

  Fixture() {
    auto opened = ViewStore::OpenPrimary(dir.Sub("views"));
    REQUIRE(opened.ok());
    store = std::move(opened).value();
    projector = std::make_unique<Projector>(store.get(), &TestSealKey(), &clock);
  }
};

TEST_CASE("a batch moves state, timeline and offset together", "[projections][projector]") {
  Fixture f;
  const auto history = MakeHistory("acme", 6);
  REQUIRE(f.projector->ApplyBatch(RecordsOf(history, 100)).ok());

  CHECK(MessageDifferencer::Equals(StoredState(*f.store, "acme"), FoldAll(history)));
  CHECK(StoredState(*f.store, "acme").version() == 6);
  std::vector<std::string> expected;
  for (const auto& envelope : history) expected.push_back(envelope.SerializeAsString());
  CHECK(StoredHistoryBytes(*f.store, "acme") == expected);
  CHECK(StoredNextOffset(*f.store, 0) == 106);
  CHECK(f.projector->stats().applied == 6);
  CHECK(f.projector->stats().batches == 1);
}

TEST_CASE("the stored event is the record value as received", "[projections][projector]") {
  Fixture f;
  auto record = RecordOf(MakeHistory("acme", 1)[0], 0);
  record.value += std::string("\x98\x06\x01", 3);  // an unknown field 99 a newer writer added
  REQUIRE(f.projector->ApplyBatch({record}).ok());
  std::string stored;
  REQUIRE(f.store
              ->ScanHistory("acme", 1,
                            [&](const v1::EventEnvelope& envelope) {
                              stored = envelope.SerializeAsString();
                              return false;
                            })
              .ok());
  CHECK(stored == record.value);  // the unknown field survived: the bytes were not rebuilt
}

TEST_CASE("the checkpoint of each partition equals its last offset + 1",
          "[projections][projector]") {
  Fixture f;
  auto records = RecordsOf(MakeHistory("acme", 3), 40, /*partition=*/0);
  for (auto& record : RecordsOf(MakeHistory("globex", 2), 7, /*partition=*/5)) {
    records.push_back(record);
  }
  REQUIRE(f.projector->ApplyBatch(records).ok());
  CHECK(StoredNextOffset(*f.store, 0) == 43);
  CHECK(StoredNextOffset(*f.store, 5) == 9);
  auto untouched = f.store->NextOffset(kEventsTopic, 1);
  REQUIRE(untouched.ok());
  CHECK_FALSE(untouched->has_value());
}

TEST_CASE("a garbage record lands in dead_letters with its offset and the batch continues",
          "[projections][projector]") {
  Fixture f;
  const auto history = MakeHistory("acme", 3);
  std::vector<LogRecord> records = {RecordOf(history[0], 10)};
  records.push_back({kEventsTopic, 0, 11, "acme", std::string("\xff\xff\xff garbage", 11), {}});
  records.push_back(RecordOf(history[1], 12));
  records.push_back(RecordOf(history[2], 13));
  REQUIRE(f.projector->ApplyBatch(records).ok());

  CHECK(StoredState(*f.store, "acme").version() == 3);
  CHECK(StoredNextOffset(*f.store, 0) == 14);
  const auto letters = StoredDeadLetters(*f.store);
  REQUIRE(letters.size() == 1);
  CHECK(letters[0].topic() == kEventsTopic);
  CHECK(letters[0].partition() == 0);
  CHECK(letters[0].offset() == 11);
  CHECK(letters[0].key() == "acme");
  CHECK(letters[0].value() == records[1].value);
  CHECK_THAT(letters[0].reason(), Catch::Contains("not a timeline.v1.EventEnvelope"));
  CHECK(letters[0].recorded_at().seconds() == 1'900'000'000);
  CHECK(f.projector->stats().applied == 3);
  CHECK(f.projector->stats().dead_lettered == 1);
}

TEST_CASE("a gap is dead-lettered and names the sequence and the version",
          "[projections][projector]") {
  Fixture f;
  const auto history = MakeHistory("acme", 4);
  REQUIRE(f.projector->ApplyBatch({RecordOf(history[0], 0), RecordOf(history[2], 1)}).ok());
  CHECK(StoredState(*f.store, "acme").version() == 1);
  const auto letters = StoredDeadLetters(*f.store);
  REQUIRE(letters.size() == 1);
  CHECK(letters[0].offset() == 1);
  CHECK_THAT(letters[0].reason(), Catch::Contains("sequence 3") && Catch::Contains("version 1"));
  CHECK(StoredNextOffset(*f.store, 0) == 2);
}

TEST_CASE("an envelope the fold refuses is dead-lettered with the fold's reason",
          "[projections][projector]") {
  Fixture f;
  auto envelope = MakeHistory("acme", 1)[0];
  envelope.set_body("\xff\xff not an event");
  testing::ChainAndSeal(GenesisHash(), &envelope);  // sealed, so only the fold can refuse it
  REQUIRE(f.projector->ApplyBatch({RecordOf(envelope, 0)}).ok());
  const auto letters = StoredDeadLetters(*f.store);
  REQUIRE(letters.size() == 1);
  CHECK_THAT(letters[0].reason(),
             Catch::Contains("fold refused") && Catch::Contains("not a timeline.v1.Event"));
  auto state = f.store->GetState("acme");
  REQUIRE(state.ok());
  CHECK_FALSE(state->has_value());
}

TEST_CASE("an altered, a forged and an unlinked event are dead-lettered and not applied",
          "[projections][projector]") {
  Fixture f;
  const auto history = MakeHistory("acme", 3);
  // Altered: back-dated after it was sealed.
  auto altered = history[1];
  altered.mutable_occurred_at()->set_seconds(42);
  // Forged: a perfect chain hash, but sealed with a key that is not the sequencer's.
  auto forged = history[1];
  forged.set_actor("mallory");
  LinkEvent(history[0].hash(), &forged);
  SealEvent(SealKey::FromBytes(std::string(32, 'x')), &forged);
  // Sealed but linked to a different previous event (a sequencer bug, never a forger's).
  auto unlinked = history[1];
  testing::ChainAndSeal(std::string(32, '\x07'), &unlinked);

  REQUIRE(
      f.projector
          ->ApplyBatch({RecordOf(history[0], 0), RecordOf(altered, 1), RecordOf(forged, 2),
                        RecordOf(unlinked, 3), RecordOf(history[1], 4), RecordOf(history[2], 5)})
          .ok());
  const auto letters = StoredDeadLetters(*f.store);
  REQUIRE(letters.size() == 3);
  CHECK(letters[0].offset() == 1);
  CHECK_THAT(letters[0].reason(), Catch::StartsWith("altered: account acme sequence 2"));
  CHECK(letters[1].offset() == 2);
  CHECK_THAT(letters[1].reason(), Catch::StartsWith("forged: account acme sequence 2"));
  CHECK(letters[2].offset() == 3);
  CHECK_THAT(letters[2].reason(), Catch::Contains("does not link to the hash"));
  // The genuine events still apply in order.
  auto state = f.store->GetState("acme");
  REQUIRE(state.ok());
  REQUIRE(state->has_value());
  CHECK((*state)->version() == 3);
  CHECK((*state)->last_hash() == ToHex(history[2].hash()));
  CHECK(f.projector->stats().applied == 3);
  CHECK(f.projector->stats().dead_lettered == 3);
}

TEST_CASE("envelopes with a bad account, a foreign key or sequence 0 are dead-lettered",
          "[projections][projector]") {
  Fixture f;
  auto bad_account = MakeHistory("acme", 1)[0];
  bad_account.set_account_id("acme/../etc");
  auto zero = MakeHistory("acme", 1)[0];
  zero.set_sequence(0);
  auto foreign = RecordOf(MakeHistory("acme", 1)[0], 2);
  foreign.key = "globex";
  auto empty = RecordOf(MakeHistory("acme", 1)[0], 3);
  empty.value.clear();  // parses as an empty envelope: no account

  REQUIRE(
      f.projector->ApplyBatch({RecordOf(bad_account, 0), RecordOf(zero, 1), foreign, empty}).ok());
  const auto letters = StoredDeadLetters(*f.store);
  REQUIRE(letters.size() == 4);
  CHECK_THAT(letters[0].reason(), Catch::Contains("account id \"acme/../etc\" is not valid"));
  CHECK_THAT(letters[1].reason(), Catch::Contains("sequence 0"));
  CHECK_THAT(letters[2].reason(), Catch::Contains("record key \"globex\""));
  CHECK_THAT(letters[3].reason(), Catch::Contains("is not valid"));
  CHECK(f.projector->stats().duplicates == 0);
  CHECK(StoredNextOffset(*f.store, 0) == 4);
}

// Broke the readable-dead-letter invariant of tests/fuzz/worker_envelope_fuzz.cc: the reason
// quoted the key as it came, the dead letter's reason was not UTF-8, and reading the dead
// letters back failed as corruption from then on.
TEST_CASE("a record key that is not UTF-8 is dead-lettered with a readable reason",
          "[projections][projector]") {
  Fixture f;
  auto record = RecordOf(MakeHistory("acme", 1)[0], 0);
  record.key =
      "\x10\xc8\x01"
      "acm";
  REQUIRE(f.projector->ApplyBatch({record}).ok());
  const auto letters = StoredDeadLetters(*f.store);  // fails on a letter that does not parse
  REQUIRE(letters.size() == 1);
  CHECK(letters[0].key() == record.key);
  CHECK(letters[0].reason() ==
        "the record key \"\\x10\\xc8\\x01acm\" differs from the envelope's account id \"acme\"");
}

TEST_CASE("a replayed (duplicate) record changes nothing but is counted",
          "[projections][projector]") {
  Fixture f;
  const auto history = MakeHistory("acme", 3);
  REQUIRE(f.projector->ApplyBatch(RecordsOf(history, 0)).ok());
  const auto state_before = StoredState(*f.store, "acme");
  const auto history_before = StoredHistoryBytes(*f.store, "acme");

  // The same records again (a replay), and one twice inside one batch.
  REQUIRE(f.projector->ApplyBatch(RecordsOf(history, 0)).ok());
  REQUIRE(f.projector->ApplyBatch({RecordOf(history[1], 1), RecordOf(history[1], 1)}).ok());

  CHECK(MessageDifferencer::Equals(StoredState(*f.store, "acme"), state_before));
  CHECK(StoredHistoryBytes(*f.store, "acme") == history_before);
  CHECK(StoredDeadLetters(*f.store).empty());
  CHECK(StoredNextOffset(*f.store, 0) == 3);  // a replay never moves the checkpoint back
  CHECK(f.projector->stats().applied == 3);
  CHECK(f.projector->stats().duplicates == 5);
}

TEST_CASE("a duplicate still advances the offset", "[projections][projector]") {
  Fixture f;
  const auto history = MakeHistory("acme", 2);
  REQUIRE(f.projector->ApplyBatch(RecordsOf(history, 0)).ok());
  // The sequencer re-sent event 2 at a later offset (e.g. after a retried transaction).
  REQUIRE(f.projector->ApplyBatch({RecordOf(history[1], 7)}).ok());
  CHECK(StoredNextOffset(*f.store, 0) == 8);
  CHECK(f.projector->stats().duplicates == 1);
}

TEST_CASE("folding a history in one batch equals folding it in batches of 1, 2 and 3",
          "[projections][projector]") {
  auto history = MakeHistory("acme", 11);
  for (const auto& envelope : MakeHistory("globex", 7)) history.push_back(envelope);
  const auto records = RecordsOf(history, 0);

  Fixture whole;
  REQUIRE(whole.projector->ApplyBatch(records).ok());
  const auto expected_acme = StoredState(*whole.store, "acme");
  const auto expected_globex = StoredState(*whole.store, "globex");

  for (size_t batch_size : {1, 2, 3}) {
    DYNAMIC_SECTION("batches of " << batch_size) {
      Fixture split;
      for (size_t start = 0; start < records.size(); start += batch_size) {
        const size_t end = std::min(records.size(), start + batch_size);
        REQUIRE(
            split.projector
                ->ApplyBatch(std::vector<LogRecord>(records.begin() + start, records.begin() + end))
                .ok());
      }
      CHECK(MessageDifferencer::Equals(StoredState(*split.store, "acme"), expected_acme));
      CHECK(MessageDifferencer::Equals(StoredState(*split.store, "globex"), expected_globex));
      CHECK(StoredHistoryBytes(*split.store, "acme") == StoredHistoryBytes(*whole.store, "acme"));
      CHECK(StoredNextOffset(*split.store, 0) == StoredNextOffset(*whole.store, 0));
      CHECK(split.projector->stats().applied == 18);
    }
  }
}

TEST_CASE("interleaved accounts in one batch each fold in their own order",
          "[projections][projector]") {
  Fixture f;
  const auto acme = MakeHistory("acme", 4);
  const auto globex = MakeHistory("globex", 4);
  std::vector<LogRecord> records;
  for (size_t i = 0; i < 4; ++i) {
    records.push_back(RecordOf(acme[i], static_cast<int64_t>(2 * i)));
    records.push_back(RecordOf(globex[i], static_cast<int64_t>(2 * i + 1)));
  }
  REQUIRE(f.projector->ApplyBatch(records).ok());
  CHECK(MessageDifferencer::Equals(StoredState(*f.store, "acme"), FoldAll(acme)));
  CHECK(MessageDifferencer::Equals(StoredState(*f.store, "globex"), FoldAll(globex)));
}

TEST_CASE("a failed batch stores nothing and counts nothing", "[projections][projector]") {
  Fixture f;
  auto records = RecordsOf(MakeHistory("acme", 2), 0);
  records.push_back(RecordOf(MakeHistory("acme", 3)[2], -1));  // a negative offset: a bug
  const Status applied = f.projector->ApplyBatch(records);
  CHECK(applied.code() == StatusCode::kInvalidArgument);
  auto state = f.store->GetState("acme");
  REQUIRE(state.ok());
  CHECK_FALSE(state->has_value());
  auto offset = f.store->NextOffset(kEventsTopic, 0);
  REQUIRE(offset.ok());
  CHECK_FALSE(offset->has_value());
  CHECK(f.projector->stats().applied == 0);
  CHECK(f.projector->stats().batches == 0);
}

}  // namespace
}  // namespace timeline
