// Projector::ReplayDeadLetters on a real RocksDB: dead letters folded again after a fix apply
// exactly once, in the same write that marks them, and leave the views as a clean fold leaves
// them; what is still refused stays open with the reason now.
#include <memory>
#include <string>
#include <vector>

#include <google/protobuf/util/message_differencer.h>
#include <catch2/catch.hpp>

#include "projections/projector.h"
#include "projections/view_digest.h"
#include "projections/view_store.h"
#include "tests/projections/projection_fixtures.h"

namespace timeline {
namespace {

using google::protobuf::util::MessageDifferencer;
using testing::MakeHistory;
using testing::RecordOf;
using testing::RecordsOf;
using testing::TempDir;
using testing::TestSealKey;
using Outcome = v1::DeadLetterReplay;

const SealKey& WrongKey() {
  static const SealKey key = SealKey::FromBytes(std::string(32, 'w'));
  return key;
}

// A store with its projector, sealed with `key`.
struct Views {
  TempDir dir;
  std::unique_ptr<ViewStore> store;
  ManualClock clock{1'900'000'000};
  std::unique_ptr<Projector> projector;

  explicit Views(const SealKey& key = TestSealKey()) {
    auto opened = ViewStore::OpenPrimary(dir.Sub("views"));
    REQUIRE(opened.ok());
    store = std::move(opened).value();
    projector = std::make_unique<Projector>(store.get(), &key, &clock);
  }
  // A projector with `key` over the same store (the worker restarted with another key).
  void Restart(const SealKey& key) {
    projector = std::make_unique<Projector>(store.get(), &key, &clock);
  }
  std::vector<v1::DeadLetter> Letters() const {
    std::vector<v1::DeadLetter> letters;
    REQUIRE(store
                ->ScanDeadLetters([&](const v1::DeadLetter& letter) {
                  letters.push_back(letter);
                  return true;
                })
                .ok());
    return letters;
  }
  v1::ViewStoreDigest Digest() const {
    auto digest = DigestViews(*store);
    REQUIRE(digest.ok());
    return *digest;
  }
  v1::AccountState State(const std::string& account) const {
    auto state = store->GetState(account);
    REQUIRE(state.ok());
    REQUIRE(state->has_value());
    return **state;
  }
};

std::vector<v1::DeadLetter> Replay(Views& views, const std::vector<v1::DeadLetter>& letters) {
  auto replayed = views.projector->ReplayDeadLetters(letters);
  INFO(replayed.status().ToString());
  REQUIRE(replayed.ok());
  return *replayed;
}

TEST_CASE(
    "dead letters of a worker with the wrong key apply once replayed with the right key, "
    "as a clean fold would",
    "[projections][projector][dlq]") {
  const auto acme = MakeHistory("acme", 5);
  const auto globex = MakeHistory("globex", 3);
  std::vector<LogRecord> records = RecordsOf(acme, 0);
  for (const auto& record : RecordsOf(globex, 5)) records.push_back(record);

  Views clean;
  REQUIRE(clean.projector->ApplyBatch(records).ok());

  Views views(WrongKey());
  REQUIRE(views.projector->ApplyBatch(records).ok());
  REQUIRE(views.Letters().size() == 8);
  CHECK_THAT(views.Letters()[0].reason(), Catch::StartsWith("forged: account acme sequence 1"));
  CHECK(views.Letters()[0].reader() == "projection worker");
  CHECK(views.Letters()[0].value_size() == records[0].value.size());

  views.Restart(TestSealKey());
  const auto outcomes = Replay(views, views.Letters());
  REQUIRE(outcomes.size() == 8);
  for (const auto& letter : outcomes) {
    CHECK(letter.last_replay().outcome() == Outcome::APPLIED);
    CHECK(letter.last_replay().detail().empty());  // in log order: the digest is exact
    CHECK(letter.last_replay().replayed_at().seconds() == 1'900'000'000);
  }
  CHECK(views.projector->stats().applied == 8);
  CHECK(views.projector->stats().replayed == 8);
  CHECK(MessageDifferencer::Equals(views.State("acme"), clean.State("acme")));
  CHECK(MessageDifferencer::Equals(views.State("globex"), clean.State("globex")));
  // Resolved letters are history: the views digest as the clean fold's, chain digests included.
  CHECK(SameViews(views.Digest(), clean.Digest()));
  auto digest = views.store->CurrentDigest(testing::kEventsTopic, 0);
  auto clean_digest = clean.store->CurrentDigest(testing::kEventsTopic, 0);
  REQUIRE(digest.ok());
  REQUIRE(clean_digest.ok());
  CHECK(MessageDifferencer::Equals(*digest, *clean_digest));

  // Exactly once: the same replay again folds nothing and writes nothing.
  const auto digest_before = views.Digest();
  const auto stored = views.Letters();
  const auto again = Replay(views, stored);
  CHECK(views.projector->stats().replayed == 8);
  CHECK(views.projector->stats().applied == 8);
  REQUIRE(again.size() == 8);
  for (size_t i = 0; i < again.size(); ++i) {
    CHECK(MessageDifferencer::Equals(again[i], stored[i]));
  }
  CHECK(SameViews(views.Digest(), digest_before));
}

TEST_CASE("a replayed letter that is still refused stays open with the reason now",
          "[projections][projector][dlq]") {
  Views views;
  const auto history = MakeHistory("acme", 2);
  auto forged = history[1];
  forged.set_actor("mallory");
  LinkEvent(history[0].hash(), &forged);
  forged.clear_seal();
  REQUIRE(views.projector->ApplyBatch({RecordOf(history[0], 0), RecordOf(forged, 1)}).ok());
  const auto letters = views.Letters();
  REQUIRE(letters.size() == 1);

  const auto outcomes = Replay(views, letters);
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].last_replay().outcome() == Outcome::REFUSED_AGAIN);
  CHECK_THAT(outcomes[0].last_replay().detail(),
             Catch::StartsWith("forged: account acme sequence 2"));
  CHECK(outcomes[0].reason() == letters[0].reason());  // the first reason is kept
  const auto stored = views.Letters();
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].last_replay().outcome() == Outcome::REFUSED_AGAIN);
  CHECK(views.State("acme").version() == 1);
  // Still open: a later replay folds it again.
  CHECK(Replay(views, stored)[0].last_replay().outcome() == Outcome::REFUSED_AGAIN);
  CHECK(views.projector->stats().replayed == 2);
}

TEST_CASE("replaying a letter whose event the views already hold changes no view",
          "[projections][projector][dlq]") {
  Views views(WrongKey());
  const auto history = MakeHistory("acme", 2);
  REQUIRE(views.projector->ApplyBatch(RecordsOf(history, 0)).ok());
  REQUIRE(views.Letters().size() == 2);
  // The right key came back and a rebuild-like re-read applied the events meanwhile.
  views.Restart(TestSealKey());
  REQUIRE(views.projector->ApplyBatch(RecordsOf(history, 2)).ok());
  const auto state = views.State("acme");
  REQUIRE(state.version() == 2);

  const auto outcomes = Replay(views, views.Letters());
  REQUIRE(outcomes.size() == 2);
  CHECK(outcomes[0].last_replay().outcome() == Outcome::ALREADY_APPLIED);
  CHECK(outcomes[1].last_replay().outcome() == Outcome::ALREADY_APPLIED);
  CHECK(MessageDifferencer::Equals(views.State("acme"), state));
  CHECK(views.projector->stats().duplicates == 2);
}

TEST_CASE(
    "a letter replayed after later events of its partition were applied says the digest "
    "left log order",
    "[projections][projector][dlq]") {
  Views views;
  const auto acme = MakeHistory("acme", 2);
  const auto globex = MakeHistory("globex", 1);
  auto unreadable = acme[1];
  unreadable.set_body("\xff\xff not an event");  // sealed, so only the fold refuses it
  testing::ChainAndSeal(acme[0].hash(), &unreadable);
  // acme 2 is refused by the fold (a build that did not know it); globex 1, later, applies.
  REQUIRE(views.projector
              ->ApplyBatch({RecordOf(acme[0], 0), RecordOf(unreadable, 1), RecordOf(globex[0], 2)})
              .ok());
  auto letters = views.Letters();
  REQUIRE(letters.size() == 1);
  // "The fixed build": the letter's record now holds what the fold reads.
  letters[0].set_value(RecordOf(acme[1], 1).value);
  letters[0].set_value_size(letters[0].value().size());

  const auto outcomes = Replay(views, letters);
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].last_replay().outcome() == Outcome::APPLIED);
  CHECK_THAT(outcomes[0].last_replay().detail(),
             Catch::Contains("DIGEST_MISMATCH") && Catch::Contains("timeline rebuild"));
  CHECK(views.State("acme").version() == 2);
}

TEST_CASE("a letter whose value was cut for the dead-letter topic is not replayed",
          "[projections][projector][dlq]") {
  Views views;
  v1::DeadLetter cut;
  cut.set_topic(testing::kEventsTopic);
  cut.set_offset(7);
  cut.set_key("acme");
  cut.set_value("partial");
  cut.set_value_size(900'000);
  auto replayed = views.projector->ReplayDeadLetters({cut});
  CHECK(replayed.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(replayed.status().message(), Catch::Contains("holds 7 of the record's 900000 bytes"));
  CHECK(views.Letters().empty());
}

TEST_CASE("a record whose key is not UTF-8 is dead-lettered with a reason that reads back",
          "[projections][projector][dlq]") {
  Views views;
  LogRecord record = RecordOf(MakeHistory("acme", 1)[0], 0);
  record.key = std::string("\xff\xfe", 2);
  REQUIRE(views.projector->ApplyBatch({record}).ok());
  const auto letters = views.Letters();  // parses: the reason is UTF-8
  REQUIRE(letters.size() == 1);
  CHECK(letters[0].key() == record.key);
  CHECK_THAT(letters[0].reason(), Catch::Contains("record key \"\\xff\\xfe\""));
}

}  // namespace
}  // namespace timeline
