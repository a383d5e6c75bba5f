#include "engine/sequencer.h"

#include <google/protobuf/unknown_field_set.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "engine/clock.h"
#include "engine/hash_chain.h"
#include "engine/head_store.h"
#include "engine/log_record.h"
#include "engine/partitioning.h"
#include "tests/engine/event_builders.h"
#include "tests/support/test_environment.h"
#include "tests/support/test_seal_key.h"
#include "timeline/v1/envelope.pb.h"
#include "timeline/v1/rejection.pb.h"

namespace timeline {
namespace {

using Catch::Contains;
using namespace testing;  // NOLINT: the event builders and TempDir

constexpr char kEvents[] = "account-events";

// A HeadStore in a temp dir that can be closed and opened again (a restart), and a stopped clock.
class Fixture {
 public:
  Fixture() { Reopen(); }

  void Reopen() {
    store_.reset();  // RocksDB holds a lock on the directory: close before opening again
    // The store's compaction filter expires keys by the wall clock, this fixture's clock stands
    // in January 2026: a window of ten years keeps compaction out of these tests.
    auto opened = HeadStore::Open(dir_.path(), {kEvents}, std::chrono::hours(24 * 3650));
    INFO(opened.status().ToString());
    REQUIRE(opened.ok());
    store_ = std::move(opened).value();
  }

  HeadStore* store() { return store_.get(); }
  ManualClock& clock() { return clock_; }

 private:
  TempDir dir_;
  std::unique_ptr<HeadStore> store_;
  ManualClock clock_{kJan15 + 3600};
};

// A command record on account-commands carrying `submission` in binary protobuf, with the
// submission id in the "timeline-submission-id" header.
LogRecord Command(const v1::SubmitEvent& submission, const std::string& submission_id,
                  int64_t offset, int32_t partition = 0) {
  LogRecord record;
  record.topic = "account-commands";
  record.partition = partition;
  record.offset = offset;
  record.key = submission.account_id();
  record.value = submission.SerializeAsString();
  record.headers.emplace_back(std::string(kSubmissionIdHeader), submission_id);
  return record;
}

LogRecord Command(const v1::Event& event, const std::string& submission_id, int64_t offset) {
  return Command(Submission(event), submission_id, offset);
}

// Decides `record`, which must not fail the store.
void Decide(Sequencer& sequencer, const LogRecord& record) {
  const Status status = sequencer.Decide(record);
  INFO(status.ToString());
  REQUIRE(status.ok());
}

v1::EventEnvelope EnvelopeOf(const OutgoingRecord& record) {
  v1::EventEnvelope envelope;
  REQUIRE(envelope.ParseFromString(record.value));
  return envelope;
}

v1::Rejection RejectionOf(const OutgoingRecord& record) {
  v1::Rejection rejection;
  REQUIRE(rejection.ParseFromString(record.value));
  return rejection;
}

// The last event decided; REQUIREs that the last command was accepted.
v1::EventEnvelope LastEvent(const Sequencer& sequencer, size_t expected_events) {
  if (sequencer.events().size() != expected_events && !sequencer.rejections().empty()) {
    INFO("refused: " << RejectionOf(sequencer.rejections().back()).message());
    REQUIRE(sequencer.events().size() == expected_events);
  }
  REQUIRE(sequencer.events().size() == expected_events);
  return EnvelopeOf(sequencer.events().back());
}

// The events of `sequencer` as they would sit on account-events partition 0 from offset 0.
std::vector<LogRecord> AsEventRecords(const Sequencer& sequencer) {
  std::vector<LogRecord> records;
  for (const auto& event : sequencer.events()) {
    LogRecord record;
    record.topic = kEvents;
    record.partition = event.partition;
    record.offset = static_cast<int64_t>(records.size());
    record.key = event.key;
    record.value = event.value;
    // As SequencerProcess writes them: the command's offset in a header.
    record.headers.emplace_back(std::string(kCommandOffsetHeader),
                                std::to_string(event.command_offset));
    records.push_back(record);
  }
  return records;
}

// acme opened, o-1 placed (10 x 12.50 EUR), inv-1 issued for it (125.00 EUR): 3 commands.
void DecideInvoicedAccount(Sequencer& sequencer) {
  Decide(sequencer, Command(AccountOpened(), "sub-open", 0));
  Decide(sequencer, Command(OrderPlaced("o-1", {{"LIC-SEAT", 10, 1250}}), "sub-order", 1));
  Decide(sequencer, Command(InvoiceIssued("inv-1", "o-1", {{"LIC-SEAT", 10, 1250}}), "sub-inv", 2));
  LastEvent(sequencer, 3);
}

TEST_CASE("a valid command becomes the account's first event, chained from the genesis hash") {
  Fixture fixture;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  const v1::SubmitEvent submission = Submission(AccountOpened(), "acme", kJan15);
  Decide(sequencer, Command(submission, "sub-1", 0));

  REQUIRE(sequencer.rejections().empty());
  REQUIRE(sequencer.events().size() == 1);
  const OutgoingRecord& out = sequencer.events()[0];
  CHECK(out.partition == 0);
  CHECK(out.key == "acme");
  CHECK(out.submission_id == "sub-1");

  const v1::EventEnvelope envelope = EnvelopeOf(out);
  CHECK(envelope.account_id() == "acme");
  CHECK(envelope.sequence() == 1);
  CHECK(envelope.prev_hash() == GenesisHash());
  CHECK(envelope.body() == submission.event().SerializeAsString());
  CHECK(envelope.hash() == EventHash(envelope));
  CHECK(CheckIntegrity(testing::TestSealKey(), envelope).ok());
  CHECK(envelope.submission_id() == "sub-1");
  CHECK(envelope.occurred_at().seconds() == kJan15);
  CHECK(envelope.recorded_at().seconds() == kJan15 + 3600);
  CHECK(envelope.actor() == "jane.doe");
  CHECK(envelope.schema_version() == 1);
  CHECK_FALSE(envelope.event_id().empty());
}

TEST_CASE("the next event links to the previous one") {
  Fixture fixture;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  Decide(sequencer, Command(AccountOpened(), "sub-1", 0));
  fixture.clock().Advance(60);
  Decide(sequencer, Command(ServiceCaseOpened("case-1"), "sub-2", 1));
  Decide(sequencer, Command(ServiceCaseOpened("case-2"), "sub-3", 2));
  REQUIRE(sequencer.events().size() == 3);

  const auto first = EnvelopeOf(sequencer.events()[0]);
  const auto second = EnvelopeOf(sequencer.events()[1]);
  CHECK(second.sequence() == 2);
  CHECK(second.prev_hash() == first.hash());
  CHECK(second.hash() == EventHash(second));
  CHECK(second.recorded_at().seconds() == kJan15 + 3600 + 60);
  CHECK(second.event_id() != first.event_id());

  ChainVerifier verifier;
  for (const auto& out : sequencer.events()) {
    const Status verified = verifier.Next(EnvelopeOf(out));
    INFO(verified.ToString());
    CHECK(verified.ok());
  }
  CHECK(verifier.verified() == 3);
}

TEST_CASE("a refused command lands in rejections with its code, original bytes and submission id") {
  Fixture fixture;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  Decide(sequencer, Command(AccountOpened(), "sub-1", 0));
  v1::SubmitEvent payment = Submission(PaymentReceived("pay-1", "inv-9", Money(100)));
  payment.set_idempotency_key("pay-1-key");
  const LogRecord command = Command(payment, "sub-2", 41);
  Decide(sequencer, command);

  CHECK(sequencer.events().size() == 1);
  REQUIRE(sequencer.rejections().size() == 1);
  const OutgoingRecord& out = sequencer.rejections()[0];
  CHECK(out.partition == 0);
  CHECK(out.key == "acme");
  CHECK(out.submission_id == "sub-2");
  const v1::Rejection rejection = RejectionOf(out);
  CHECK(rejection.code() == v1::UNKNOWN_INVOICE);
  CHECK_THAT(rejection.message(), Contains("account acme has no invoice inv-9"));
  CHECK(rejection.original() == command.value);
  CHECK(rejection.submission_id() == "sub-2");
  CHECK(rejection.account_id() == "acme");
  CHECK(rejection.idempotency_key() == "pay-1-key");
  CHECK(rejection.content_type() == kProtobufContentType);
  CHECK(rejection.command_partition() == 0);
  CHECK(rejection.command_offset() == 41);
  CHECK(rejection.recorded_at().seconds() == kJan15 + 3600);
  CHECK(rejection.original_sequence() == 0);

  // The refusal took no sequence, and its idempotency key stays free for a corrected retry.
  v1::SubmitEvent retry = Submission(ServiceCaseOpened("case-1"));
  retry.set_idempotency_key("pay-1-key");
  Decide(sequencer, Command(retry, "sub-3", 42));
  CHECK(LastEvent(sequencer, 2).sequence() == 2);
}

TEST_CASE("a record that is not a submission is refused as malformed with the header's id") {
  Fixture fixture;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  LogRecord garbage;
  garbage.topic = "account-commands";
  garbage.key = "acme";
  garbage.value = std::string(
      "\x0a\x05"
      "ab",
      4);
  garbage.headers.emplace_back(std::string(kSubmissionIdHeader), "sub-bad");
  Decide(sequencer, garbage);

  CHECK(sequencer.events().empty());
  REQUIRE(sequencer.rejections().size() == 1);
  const v1::Rejection rejection = RejectionOf(sequencer.rejections()[0]);
  CHECK(rejection.code() == v1::MALFORMED_SUBMISSION);
  CHECK(rejection.submission_id() == "sub-bad");
  CHECK(rejection.account_id() == "acme");
  CHECK(rejection.original() == garbage.value);
}

TEST_CASE("a refusal of bytes that are not UTF-8 decodes strictly and keeps the original bytes") {
  Fixture fixture;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  LogRecord command;
  command.topic = "account-commands";
  command.key = "acme\xff";
  command.value = "{\"accountId\":\"acme\",\"actor\":\"j\xff\"}";
  command.headers.emplace_back(std::string(kContentTypeHeader), "application/json\xfe");
  command.headers.emplace_back(std::string(kSubmissionIdHeader), "sub-\xfe");
  Decide(sequencer, command);

  REQUIRE(sequencer.rejections().size() == 1);
  // RejectionOf parses as strict readers do: a string field that is not UTF-8 fails it.
  const v1::Rejection rejection = RejectionOf(sequencer.rejections()[0]);
  CHECK(rejection.code() == v1::MALFORMED_SUBMISSION);
  CHECK(rejection.original() == command.value);
  CHECK(rejection.account_id() == "acme\xef\xbf\xbd");
  CHECK(rejection.submission_id() == "sub-\xef\xbf\xbd");
  // The header keeps the id as it came, so the submitter still finds its answer.
  CHECK(sequencer.rejections()[0].submission_id == "sub-\xfe");
}

TEST_CASE("a command over the size limit is refused unread as TOO_LARGE with its original cut") {
  Fixture fixture;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  sequencer.set_max_submission_bytes(8 * 1024);
  v1::SubmitEvent big = Submission(AccountOpened());
  big.mutable_event()->mutable_account_opened()->set_name(std::string(20000, 'n'));
  const LogRecord command = Command(big, "sub-big", 7);
  Decide(sequencer, command);

  CHECK(sequencer.events().empty());
  REQUIRE(sequencer.rejections().size() == 1);
  const v1::Rejection rejection = RejectionOf(sequencer.rejections()[0]);
  CHECK(rejection.code() == v1::TOO_LARGE);
  CHECK_THAT(rejection.message(), Contains(std::to_string(command.value.size()) +
                                           " bytes, over the limit of 8192 bytes"));
  CHECK(rejection.original_size() == command.value.size());
  CHECK(rejection.original() == command.value.substr(0, 4096));
  CHECK(rejection.submission_id() == "sub-big");
  CHECK(rejection.account_id() == "acme");
  CHECK(sequencer.rejections()[0].value.size() < 5000);

  // The next command is decided as usual.
  Decide(sequencer, Command(AccountOpened(), "sub-small", 8));
  CHECK(LastEvent(sequencer, 1).sequence() == 1);
}

TEST_CASE("RefuseUnwritable refuses a command as TOO_LARGE saying why without deciding it") {
  Fixture fixture;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  const LogRecord command = Command(AccountOpened(), "sub-1", 3);
  sequencer.RefuseUnwritable(command, "Broker: Message size too large");
  CHECK(sequencer.events().empty());
  REQUIRE(sequencer.rejections().size() == 1);
  const v1::Rejection rejection = RejectionOf(sequencer.rejections()[0]);
  CHECK(rejection.code() == v1::TOO_LARGE);
  CHECK_THAT(rejection.message(), Contains("Broker: Message size too large"));
  CHECK(rejection.command_offset() == 3);
  // Nothing was decided: the account is still unopened.
  Decide(sequencer, Command(AccountOpened(), "sub-2", 4));
  CHECK(LastEvent(sequencer, 1).sequence() == 1);
}

TEST_CASE("a repeated idempotency key gives DUPLICATE_SUBMISSION naming the original sequence") {
  Fixture fixture;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  Decide(sequencer, Command(AccountOpened(), "sub-1", 0));
  v1::SubmitEvent submission = Submission(ServiceCaseOpened("case-1"));
  submission.set_idempotency_key("case-1-opened");
  Decide(sequencer, Command(submission, "sub-2", 1));
  const v1::EventEnvelope original = LastEvent(sequencer, 2);
  REQUIRE(original.sequence() == 2);

  const auto check_duplicate = [&](const Sequencer& decided, const std::string& submission_id) {
    REQUIRE(decided.rejections().size() == 1);
    const v1::Rejection rejection = RejectionOf(decided.rejections()[0]);
    CHECK(rejection.code() == v1::DUPLICATE_SUBMISSION);
    CHECK(rejection.submission_id() == submission_id);
    CHECK(rejection.original_sequence() == 2);
    CHECK(rejection.original_hash() == original.hash());
    CHECK(rejection.idempotency_key() == "case-1-opened");
    CHECK_THAT(rejection.message(), Contains("idempotency key \"case-1-opened\""));
    CHECK_THAT(rejection.message(), Contains("sequence 2 of account acme"));
  };

  SECTION("in the same batch") {
    Decide(sequencer, Command(submission, "sub-3", 2));
    CHECK(sequencer.events().size() == 2);
    check_duplicate(sequencer, "sub-3");
  }
  SECTION("after Commit, in a new sequencer") {
    REQUIRE(sequencer.Commit({{0, 2}}).ok());
    Sequencer restarted(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
    // Even a different event under the same key: the key decides.
    v1::SubmitEvent other = Submission(ServiceCaseOpened("case-2"));
    other.set_idempotency_key("case-1-opened");
    Decide(restarted, Command(other, "sub-3", 2));
    CHECK(restarted.events().empty());
    check_duplicate(restarted, "sub-3");
  }
}

TEST_CASE("an idempotency key is free again once its window has passed") {
  Fixture fixture;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  sequencer.set_idempotency_window(std::chrono::hours(1));
  Decide(sequencer, Command(AccountOpened(), "sub-1", 0));
  v1::SubmitEvent submission = Submission(ServiceCaseOpened("case-1"));
  submission.set_idempotency_key("case-1-opened");
  Decide(sequencer, Command(submission, "sub-2", 1));
  REQUIRE(sequencer.Commit({{0, 2}}).ok());

  Sequencer restarted(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  restarted.set_idempotency_window(std::chrono::hours(1));
  fixture.clock().Advance(3600);  // exactly the window: still remembered
  Decide(restarted, Command(submission, "sub-3", 2));
  REQUIRE(restarted.rejections().size() == 1);
  CHECK(RejectionOf(restarted.rejections()[0]).code() == v1::DUPLICATE_SUBMISSION);

  fixture.clock().Advance(1);  // past it: a new event, and the key now names that one
  v1::SubmitEvent later = Submission(ServiceCaseOpened("case-2"));
  later.set_idempotency_key("case-1-opened");
  Decide(restarted, Command(later, "sub-4", 3));
  CHECK(restarted.rejections().size() == 1);
  CHECK(LastEvent(restarted, 1).sequence() == 3);
  Decide(restarted, Command(later, "sub-5", 4));
  REQUIRE(restarted.rejections().size() == 2);
  CHECK(RejectionOf(restarted.rejections()[1]).original_sequence() == 3);
}

TEST_CASE("compaction drops idempotency keys older than the store's window, and only those") {
  TempDir dir;
  auto opened = HeadStore::Open(dir.path(), {kEvents}, std::chrono::hours(1));
  REQUIRE(opened.ok());
  HeadStore& store = **opened;
  SystemClock wall;
  const auto recorded = [&](int64_t seconds_ago) {
    v1::IdempotencyRecord record;
    record.set_sequence(1);
    record.mutable_recorded_at()->set_seconds(wall.Now().seconds() - seconds_ago);
    return record;
  };
  HeadUpdate update;
  update.idempotency[IdempotencyStoreKey("acme", "old")] = recorded(2 * 3600);
  update.idempotency[IdempotencyStoreKey("acme", "recent")] = recorded(60);
  update.idempotency[IdempotencyStoreKey("acme", "undated")] = v1::IdempotencyRecord();
  REQUIRE(store.Write(update).ok());

  REQUIRE(store.CompactIdempotency().ok());
  CHECK_FALSE(store.Idempotency("acme", "old")->has_value());
  CHECK(store.Idempotency("acme", "recent")->has_value());
  CHECK(store.Idempotency("acme", "undated")->has_value());  // written before keys had a time
}

TEST_CASE("Abort forgets the heads and entities decided since the last Commit") {
  Fixture fixture;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  Decide(sequencer, Command(AccountOpened(), "sub-1", 0));
  REQUIRE(sequencer.Commit({{0, 1}}).ok());

  Decide(sequencer, Command(OrderPlaced("o-1", {{"LIC-SEAT", 10, 1250}}), "sub-2", 1));
  v1::SubmitEvent keyed = Submission(ServiceCaseOpened("case-1"));
  keyed.set_idempotency_key("k");
  Decide(sequencer, Command(keyed, "sub-3", 2));
  REQUIRE(sequencer.events().size() == 2);
  sequencer.Abort();
  CHECK(sequencer.events().empty());
  CHECK(sequencer.rejections().empty());
  CHECK_FALSE(sequencer.has_pending());

  // The same sequencer and a new one over the store both see version 1, no o-1, no key k.
  Sequencer fresh(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  for (Sequencer* s : {&sequencer, &fresh}) {
    Decide(*s, Command(InvoiceIssued("inv-1", "o-1", {{"LIC-SEAT", 10, 1250}}), "sub-4", 3));
    REQUIRE(s->rejections().size() == 1);
    CHECK(RejectionOf(s->rejections()[0]).code() == v1::UNKNOWN_ORDER);
    Decide(*s, Command(keyed, "sub-5", 4));
    CHECK(LastEvent(*s, 1).sequence() == 2);
  }
}

TEST_CASE("Abort before any Commit leaves the account unknown") {
  Fixture fixture;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  Decide(sequencer, Command(AccountOpened(), "sub-1", 0));
  sequencer.Abort();
  Sequencer fresh(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  Decide(fresh, Command(ServiceCaseOpened("case-1"), "sub-2", 1));
  REQUIRE(fresh.rejections().size() == 1);
  CHECK(RejectionOf(fresh.rejections()[0]).code() == v1::ACCOUNT_NOT_OPENED);
  v1::SubmitEvent opening = Submission(AccountOpened());
  opening.set_expected_version(0);
  Decide(fresh, Command(opening, "sub-3", 2));
  CHECK(LastEvent(fresh, 1).sequence() == 1);
}

TEST_CASE("Commit persists heads and entities: after a restart the account continues") {
  Fixture fixture;
  std::string last_hash;
  {
    Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
    DecideInvoicedAccount(sequencer);
    last_hash = EnvelopeOf(sequencer.events().back()).hash();
    REQUIRE(sequencer.Commit({{0, 3}}).ok());
    CHECK_FALSE(sequencer.has_pending());
  }
  fixture.Reopen();
  auto offset = fixture.store()->NextEventOffset(0);
  REQUIRE(offset.ok());
  REQUIRE(offset->has_value());
  CHECK(**offset == 3);

  Sequencer restarted(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  // The invoice issued before the restart still owes 12 500: a cent more is refused.
  Decide(restarted, Command(PaymentReceived("pay-1", "inv-1", Money(12501)), "sub-pay-1", 3));
  REQUIRE(restarted.rejections().size() == 1);
  const v1::Rejection rejection = RejectionOf(restarted.rejections()[0]);
  CHECK(rejection.code() == v1::PAYMENT_EXCEEDS_BALANCE);
  CHECK_THAT(rejection.message(), Contains("exceeds the 12500 EUR still owed on invoice inv-1"));

  v1::SubmitEvent payment = Submission(PaymentReceived("pay-1", "inv-1", Money(12500)));
  payment.set_expected_version(3);
  Decide(restarted, Command(payment, "sub-pay-2", 4));
  const v1::EventEnvelope next = LastEvent(restarted, 1);
  CHECK(next.sequence() == 4);
  CHECK(next.prev_hash() == last_hash);
  REQUIRE(restarted.Commit({{0, 4}}).ok());

  // And the payment itself was persisted: the invoice is settled.
  fixture.Reopen();
  Sequencer again(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  Decide(again, Command(PaymentReceived("pay-2", "inv-1", Money(1)), "sub-pay-3", 5));
  REQUIRE(again.rejections().size() == 1);
  CHECK(RejectionOf(again.rejections()[0]).code() == v1::PAYMENT_EXCEEDS_BALANCE);
}

TEST_CASE("Replay brings heads forward from account-events and skips sequences already seen") {
  // The events another instance wrote (and never persisted here).
  std::vector<LogRecord> written;
  std::string last_hash;
  {
    Fixture elsewhere;
    Sequencer writer(elsewhere.store(), &elsewhere.clock(), &testing::TestSealKey(), 1);
    DecideInvoicedAccount(writer);
    written = AsEventRecords(writer);
    last_hash = EnvelopeOf(writer.events().back()).hash();
  }

  Fixture fixture;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  // Delivered twice each (a re-read after a rebalance): the second copy is skipped.
  for (const LogRecord& record : {written[0], written[0], written[1], written[1], written[2]}) {
    const Status replayed = sequencer.Replay(record);
    INFO(replayed.ToString());
    REQUIRE(replayed.ok());
  }
  CHECK(sequencer.events().empty());

  // The entities came forward too: inv-1 owes 12 500.
  Decide(sequencer, Command(PaymentReceived("pay-1", "inv-1", Money(12501)), "sub-1", 0));
  REQUIRE(sequencer.rejections().size() == 1);
  CHECK(RejectionOf(sequencer.rejections()[0]).code() == v1::PAYMENT_EXCEEDS_BALANCE);
  Decide(sequencer, Command(PaymentReceived("pay-1", "inv-1", Money(12500)), "sub-2", 1));
  const v1::EventEnvelope next = LastEvent(sequencer, 1);
  CHECK(next.sequence() == 4);
  CHECK(next.prev_hash() == last_hash);

  // Commit records how far account-events was read (the replayed offsets, 0..2, so next 3).
  REQUIRE(sequencer.Commit({}).ok());
  auto offset = fixture.store()->NextEventOffset(0);
  REQUIRE(offset.ok());
  REQUIRE(offset->has_value());
  CHECK(**offset == 3);

  // After the commit the replayed heads and the payment decided on top are persisted: replaying
  // an old record again changes nothing and the next event is sequence 5.
  Sequencer restarted(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  REQUIRE(restarted.Replay(written[2]).ok());
  Decide(restarted, Command(ServiceCaseOpened("case-1"), "sub-3", 2));
  const v1::EventEnvelope fifth = LastEvent(restarted, 1);
  CHECK(fifth.sequence() == 5);
  CHECK(fifth.prev_hash() == next.hash());
}

TEST_CASE("Replay skips a forged fork of a sequence the head already has") {
  std::vector<LogRecord> written;
  {
    Fixture elsewhere;
    Sequencer writer(elsewhere.store(), &elsewhere.clock(), &testing::TestSealKey(), 1);
    DecideInvoicedAccount(writer);
    written = AsEventRecords(writer);
  }
  // A forger appends a second sequence 3 with a correct chain hash but no valid seal.
  v1::EventEnvelope forged = EnvelopeOf({0, "acme", written[2].value, ""});
  forged.set_body(ServiceCaseOpened("case-forged").SerializeAsString());
  LinkEvent(forged.prev_hash(), &forged);
  forged.clear_seal();
  LogRecord forged_record = written[2];
  forged_record.offset = 3;
  forged_record.value = forged.SerializeAsString();

  Fixture fixture;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  for (const LogRecord& record : {written[0], written[1], written[2], forged_record}) {
    const Status replayed = sequencer.Replay(record);
    INFO(replayed.ToString());
    REQUIRE(replayed.ok());
  }
  CHECK(sequencer.skipped_records() == 1);
  // The head stays at the sealed sequence 3; the next genuine event is 4, linked to 3.
  Decide(sequencer, Command(ServiceCaseOpened("case-1"), "sub-1", 0));
  const v1::EventEnvelope next = LastEvent(sequencer, 1);
  CHECK(next.sequence() == 4);
  CHECK(next.prev_hash() == EnvelopeOf({0, "acme", written[2].value, ""}).hash());
  // The forged record was read, so the stored offset passes it.
  REQUIRE(sequencer.Commit({}).ok());
  auto offset = fixture.store()->NextEventOffset(0);
  REQUIRE(offset.ok());
  CHECK(offset->value_or(-1) == 4);
}

// A forger appends sequence 4 to acme's sealed history with a correct chain hash but no valid
// seal: deciding the next command would write a second sequence 4.
LogRecord ForgedFourth(const std::vector<LogRecord>& written) {
  v1::EventEnvelope forged = EnvelopeOf({0, "acme", written[2].value, ""});
  forged.set_sequence(4);
  forged.set_body(ServiceCaseOpened("case-forged").SerializeAsString());
  LinkEvent(forged.hash(), &forged);
  forged.clear_seal();
  LogRecord forged_record = written[2];
  forged_record.offset = 3;
  forged_record.value = forged.SerializeAsString();
  return forged_record;
}

TEST_CASE(
    "Replay dead-letters a forgery past the head once the key verified the log, and goes on") {
  std::vector<LogRecord> written;
  {
    Fixture elsewhere;
    Sequencer writer(elsewhere.store(), &elsewhere.clock(), &testing::TestSealKey(), 1);
    DecideInvoicedAccount(writer);
    written = AsEventRecords(writer);
  }
  const LogRecord forged_record = ForgedFourth(written);
  Fixture fixture;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  for (const LogRecord& record : {written[0], written[1], written[2], forged_record}) {
    const Status replayed = sequencer.Replay(record);
    INFO(replayed.ToString());
    REQUIRE(replayed.ok());
  }
  const std::vector<v1::DeadLetter> letters = sequencer.TakeDeadLetters();
  REQUIRE(letters.size() == 1);
  CHECK(letters[0].topic() == kEvents);
  CHECK(letters[0].partition() == 0);
  CHECK(letters[0].offset() == 3);
  CHECK(letters[0].value() == forged_record.value);
  CHECK(letters[0].reader() == "sequencer catch-up");
  CHECK_THAT(letters[0].reason(),
             Contains("forged: account acme sequence 4") && Contains("past the head at version 3"));
  CHECK(sequencer.skipped_records() == 1);
  CHECK(sequencer.TakeDeadLetters().empty());  // taken once
  // The genuine sequence 4 follows the sealed sequence 3.
  Decide(sequencer, Command(ServiceCaseOpened("case-1"), "sub-1", 3));
  CHECK(LastEvent(sequencer, 1).sequence() == 4);
}

TEST_CASE(
    "the key's fingerprint in the head store proves it to a later catch-up, and a store "
    "built with another key does not") {
  std::vector<LogRecord> written;
  {
    Fixture elsewhere;
    Sequencer writer(elsewhere.store(), &elsewhere.clock(), &testing::TestSealKey(), 1);
    DecideInvoicedAccount(writer);
    written = AsEventRecords(writer);
  }
  Fixture fixture;
  {
    Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
    for (const LogRecord& record : written) REQUIRE(sequencer.Replay(record).ok());
    REQUIRE(sequencer.Commit({}).ok());
  }
  auto fingerprint = fixture.store()->SealKeyFingerprint();
  REQUIRE(fingerprint.ok());
  CHECK(fingerprint->value_or("") == testing::TestSealKey().Fingerprint());

  // A restart whose catch-up reads only the forgery: the store vouches for the key.
  fixture.Reopen();
  Sequencer restarted(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  REQUIRE(restarted.Replay(ForgedFourth(written)).ok());
  CHECK(restarted.TakeDeadLetters().size() == 1);

  // Another key on the same store proves nothing: the sequencer stops.
  const SealKey other_key = SealKey::FromBytes(std::string(32, 'o'));
  Sequencer other(fixture.store(), &fixture.clock(), &other_key, 1);
  const Status stopped = other.Replay(ForgedFourth(written));
  CHECK(stopped.code() == StatusCode::kCorruption);
  CHECK_THAT(stopped.message(), Contains("account-events[0]@3: account acme sequence 4"));
  CHECK_THAT(stopped.message(), Contains("--seal-key"));
}

TEST_CASE("a store whose heads hold an event this key sealed keeps the key's fingerprint") {
  Fixture fixture;
  {
    Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
    REQUIRE(sequencer.Commit({}).ok());  // nothing sealed or verified yet: nothing to vouch for
    auto none = fixture.store()->SealKeyFingerprint();
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());
    Decide(sequencer, Command(AccountOpened(), "sub-open", 0));
    REQUIRE(sequencer.Commit({{0, 1}}).ok());
  }
  auto fingerprint = fixture.store()->SealKeyFingerprint();
  REQUIRE(fingerprint.ok());
  CHECK(fingerprint->value_or("") == testing::TestSealKey().Fingerprint());
  CHECK(testing::TestSealKey().Fingerprint().size() == 32);
  CHECK(SealKey::FromBytes(std::string(32, 'o')).Fingerprint() !=
        testing::TestSealKey().Fingerprint());
}

TEST_CASE(
    "Replay dead-letters bytes that are not an envelope and an event on another account's "
    "partition, and goes on") {
  constexpr int32_t kPartitions = 3;
  const int32_t home = PartitionForKey("acme", kPartitions);
  const int32_t other = (home + 1) % kPartitions;
  std::vector<LogRecord> written;
  {
    Fixture elsewhere;
    Sequencer writer(elsewhere.store(), &elsewhere.clock(), &testing::TestSealKey(), kPartitions);
    Decide(writer, Command(Submission(AccountOpened()), "sub-open", 0, home));
    Decide(writer, Command(Submission(ServiceCaseOpened("case-1")), "sub-case", 1, home));
    written = AsEventRecords(writer);
  }
  LogRecord garbage{kEvents, home, 2, "acme", std::string("\xff\xff\xff garbage", 11), {}};
  LogRecord copied = written[1];  // a sealed event produced again onto another partition
  copied.partition = other;
  copied.offset = 0;

  Fixture fixture;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), kPartitions);
  for (const LogRecord& record : {written[0], garbage, copied, written[1]}) {
    const Status replayed = sequencer.Replay(record);
    INFO(replayed.ToString());
    REQUIRE(replayed.ok());
  }
  const auto letters = sequencer.TakeDeadLetters();
  REQUIRE(letters.size() == 2);
  CHECK(letters[0].partition() == home);
  CHECK(letters[0].offset() == 2);
  CHECK_THAT(letters[0].reason(), Contains("(11 bytes) is not a timeline.v1.EventEnvelope"));
  CHECK(letters[1].partition() == other);
  CHECK(letters[1].offset() == 0);
  CHECK_THAT(letters[1].reason(),
             Contains("account \"acme\" belongs on partition " + std::to_string(home) + " of 3"));
  // The heads followed the sealed events only, and both partitions' offsets moved past.
  Decide(sequencer, Command(Submission(ServiceCaseOpened("case-2")), "sub-3", 2, home));
  CHECK(LastEvent(sequencer, 1).sequence() == 3);
  REQUIRE(sequencer.Commit({}).ok());
  auto next_home = fixture.store()->NextEventOffset(home);
  auto next_other = fixture.store()->NextEventOffset(other);
  REQUIRE(next_home.ok());
  REQUIRE(next_other.ok());
  CHECK(next_home->value_or(-1) == 3);
  CHECK(next_other->value_or(-1) == 1);
}

TEST_CASE("Replay dead-letters a sealed event that does not link to the head, as the views do") {
  std::vector<LogRecord> written;
  {
    Fixture elsewhere;
    Sequencer writer(elsewhere.store(), &elsewhere.clock(), &testing::TestSealKey(), 1);
    DecideInvoicedAccount(writer);
    written = AsEventRecords(writer);
  }
  v1::EventEnvelope unlinked = EnvelopeOf({0, "acme", written[1].value, ""});
  testing::ChainAndSeal(std::string(32, '\x07'), &unlinked);  // sealed, linked elsewhere
  LogRecord unlinked_record = written[1];
  unlinked_record.value = unlinked.SerializeAsString();

  Fixture fixture;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  REQUIRE(sequencer.Replay(written[0]).ok());
  REQUIRE(sequencer.Replay(unlinked_record).ok());
  const auto letters = sequencer.TakeDeadLetters();
  REQUIRE(letters.size() == 1);
  CHECK_THAT(letters[0].reason(), Contains("account acme sequence 2: prev_hash 0707") &&
                                      Contains("of the head at version 1"));
  // The genuine sequence 2 still links and extends the head.
  REQUIRE(sequencer.Replay(written[1]).ok());
  Decide(sequencer, Command(ServiceCaseOpened("case-1"), "sub-1", 3));
  CHECK(LastEvent(sequencer, 1).sequence() == 3);
}

TEST_CASE("ReplayRejection dead-letters a record that is not a rejection of its partition") {
  Fixture fixture;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  sequencer.ReplayRejection(
      {"account-rejections", 0, 5, "acme", "\xff\xff\xff not a rejection", {}});
  const auto letters = sequencer.TakeDeadLetters();
  REQUIRE(letters.size() == 1);
  CHECK(letters[0].topic() == "account-rejections");
  CHECK(letters[0].offset() == 5);
  CHECK_THAT(letters[0].reason(),
             Contains("not a timeline.v1.Rejection of a command of partition 0"));
  REQUIRE(sequencer.Commit({}).ok());
  auto next = fixture.store()->NextRejectionOffset(0);
  REQUIRE(next.ok());
  CHECK(next->value_or(-1) == 6);
}

TEST_CASE("a sequencer with another seal key stops on the log's first event, never re-sequencing") {
  // The deployment's history, sealed with the deployment's key.
  std::vector<LogRecord> written;
  {
    Fixture elsewhere;
    Sequencer writer(elsewhere.store(), &elsewhere.clock(), &testing::TestSealKey(), 1);
    DecideInvoicedAccount(writer);
    written = AsEventRecords(writer);
  }
  // data/ was lost with its key: a fresh store and a fresh key catch up on the same log.
  const SealKey other_key = SealKey::FromBytes(std::string(32, 'o'));
  Fixture fixture;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &other_key, 1);
  const Status stopped = sequencer.Replay(written[0]);
  CHECK(stopped.code() == StatusCode::kCorruption);
  CHECK_THAT(stopped.message(), Contains("account acme sequence 1"));
  CHECK_THAT(stopped.message(), Contains("account-events[0]@0"));
  CHECK_THAT(stopped.message(), Contains("restore the original key file"));
  CHECK(sequencer.skipped_records() == 0);
}

// sequencer.cc Replay sets next_event_offsets[partition] = offset + 1 unconditionally, so an
// older record moves the stored offset back (Commit, by contrast, keeps the larger offset).
TEST_CASE("replaying an older record does not move the stored event offset back") {
  std::vector<LogRecord> written;
  {
    Fixture elsewhere;
    Sequencer writer(elsewhere.store(), &elsewhere.clock(), &testing::TestSealKey(), 1);
    DecideInvoicedAccount(writer);
    written = AsEventRecords(writer);
  }
  Fixture fixture;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  for (const LogRecord& record : {written[0], written[1], written[2], written[0]}) {
    REQUIRE(sequencer.Replay(record).ok());
  }
  REQUIRE(sequencer.Commit({}).ok());
  auto offset = fixture.store()->NextEventOffset(0);
  REQUIRE(offset.ok());
  REQUIRE(offset->has_value());
  CHECK(**offset == 3);
}

TEST_CASE("Replay of a record that leaves a gap in the account's sequence is corruption") {
  std::vector<LogRecord> written;
  {
    Fixture elsewhere;
    Sequencer writer(elsewhere.store(), &elsewhere.clock(), &testing::TestSealKey(), 1);
    DecideInvoicedAccount(writer);
    written = AsEventRecords(writer);
  }
  Fixture fixture;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  REQUIRE(sequencer.Replay(written[0]).ok());
  const Status gap = sequencer.Replay(written[2]);
  CHECK(gap.code() == StatusCode::kCorruption);
  CHECK_THAT(gap.message(), Contains("account acme jumps from version 1 to sequence 3"));

  // A sealed event whose body this build cannot read (a newer sequencer wrote it) stops too:
  // skipping it would let the next command take its sequence.
  v1::EventEnvelope unreadable = EnvelopeOf({0, "acme", written[1].value, ""});
  unreadable.set_body("\xff\xff not an event");
  testing::ChainAndSeal(unreadable.prev_hash(), &unreadable);
  LogRecord newer = written[1];
  newer.value = unreadable.SerializeAsString();
  const Status stopped = sequencer.Replay(newer);
  CHECK(stopped.code() == StatusCode::kCorruption);
  CHECK_THAT(stopped.message(), Contains("is sealed with this key but its body is not an Event"));
}

// The sequencer's rejections as they would sit on account-rejections partition 0 from offset 0.
std::vector<LogRecord> AsRejectionRecords(const Sequencer& sequencer) {
  std::vector<LogRecord> records;
  for (const auto& rejection : sequencer.rejections()) {
    LogRecord record;
    record.topic = "account-rejections";
    record.partition = rejection.partition;
    record.offset = static_cast<int64_t>(records.size());
    record.key = rejection.key;
    record.value = rejection.value;
    records.push_back(record);
  }
  return records;
}

int64_t StoredCommandOffset(HeadStore* store, int32_t partition) {
  auto offset = store->NextCommandOffset(partition);
  INFO(offset.status().ToString());
  REQUIRE(offset.ok());
  return offset->value_or(-1);
}

TEST_CASE("Commit persists how far each account-commands partition was decided") {
  Fixture fixture;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  CHECK(StoredCommandOffset(fixture.store(), 0) == -1);
  Decide(sequencer, Command(AccountOpened(), "sub-open", 7));
  Decide(sequencer, Command(AccountOpened(), "sub-again", 8));  // refused: already open
  REQUIRE(sequencer.rejections().size() == 1);
  CHECK(sequencer.events()[0].command_offset == 7);
  sequencer.Abort();
  REQUIRE(sequencer.Commit({}).ok());
  CHECK(StoredCommandOffset(fixture.store(), 0) == -1);  // an aborted batch decided nothing

  Decide(sequencer, Command(AccountOpened(), "sub-open", 7));
  Decide(sequencer, Command(AccountOpened(), "sub-again", 8));
  REQUIRE(sequencer.Commit({}).ok());
  CHECK(StoredCommandOffset(fixture.store(), 0) == 9);
}

TEST_CASE("a fresh store learns from the events and rejections how far commands were decided") {
  // Another store decided commands 0..4 of partition 0: four events and one rejection.
  std::vector<LogRecord> events;
  std::vector<LogRecord> rejections;
  {
    Fixture elsewhere;
    Sequencer writer(elsewhere.store(), &elsewhere.clock(), &testing::TestSealKey(), 1);
    DecideInvoicedAccount(writer);                                        // offsets 0, 1, 2
    Decide(writer, Command(AccountOpened(), "sub-again", 3));             // refused
    Decide(writer, Command(ServiceCaseOpened("case-1"), "sub-case", 4));  // sequence 4
    REQUIRE(writer.rejections().size() == 1);
    events = AsEventRecords(writer);
    rejections = AsRejectionRecords(writer);
  }
  REQUIRE(events.size() == 4);

  // With data/ lost, a new store replays the log: the next command to decide is offset 5,
  // whatever a consumer group says.
  Fixture fixture;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  for (const LogRecord& record : events) REQUIRE(sequencer.Replay(record).ok());
  for (const LogRecord& record : rejections) sequencer.ReplayRejection(record);
  REQUIRE(sequencer.Commit({}).ok());
  CHECK(StoredCommandOffset(fixture.store(), 0) == 5);
  auto rejection_offset = fixture.store()->NextRejectionOffset(0);
  REQUIRE(rejection_offset.ok());
  CHECK(rejection_offset->value_or(-1) == 1);

  // A rejection alone (the last command refused) counts as well.
  Fixture only_rejections;
  Sequencer second(only_rejections.store(), &only_rejections.clock(), &testing::TestSealKey(), 1);
  for (const LogRecord& record : rejections) second.ReplayRejection(record);
  REQUIRE(second.Commit({}).ok());
  CHECK(StoredCommandOffset(only_rejections.store(), 0) == 4);
}

TEST_CASE("a replayed copy of an old event with another command offset header moves nothing") {
  std::vector<LogRecord> events;
  {
    Fixture elsewhere;
    Sequencer writer(elsewhere.store(), &elsewhere.clock(), &testing::TestSealKey(), 1);
    DecideInvoicedAccount(writer);
    events = AsEventRecords(writer);
  }
  LogRecord copy = events[0];
  copy.offset = 3;
  copy.headers = {{std::string(kCommandOffsetHeader), "1000"}};
  Fixture fixture;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  for (const LogRecord& record : {events[0], events[1], events[2], copy}) {
    REQUIRE(sequencer.Replay(record).ok());
  }
  REQUIRE(sequencer.Commit({}).ok());
  CHECK(StoredCommandOffset(fixture.store(), 0) == 3);
}

TEST_CASE("a command on a partition that is not its account's is refused with WRONG_PARTITION") {
  Fixture fixture;
  constexpr int32_t kPartitions = 3;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), kPartitions);
  const int32_t home = PartitionForKey("acme", kPartitions);
  const int32_t wrong = (home + 1) % kPartitions;

  Decide(sequencer, Command(Submission(AccountOpened()), "sub-1", 7, wrong));
  CHECK(sequencer.events().empty());
  REQUIRE(sequencer.rejections().size() == 1);
  CHECK(sequencer.rejections()[0].partition == wrong);  // written where the command was
  const v1::Rejection rejection = RejectionOf(sequencer.rejections()[0]);
  CHECK(rejection.code() == v1::WRONG_PARTITION);
  CHECK(rejection.command_partition() == wrong);
  CHECK_THAT(rejection.message(),
             Contains("account acme belongs on partition " + std::to_string(home) + " of 3"));
  CHECK_THAT(rejection.message(), Contains("arrived on partition " + std::to_string(wrong)));

  // On its own partition it is accepted, and its event goes to that partition.
  Decide(sequencer, Command(Submission(AccountOpened()), "sub-2", 8, home));
  REQUIRE(sequencer.events().size() == 1);
  CHECK(sequencer.events()[0].partition == home);
}

TEST_CASE(
    "poison on account-commands is refused with its coordinates and a reason, and the next "
    "command is decided") {
  Fixture fixture;
  Sequencer sequencer(fixture.store(), &fixture.clock(), &testing::TestSealKey(), 1);
  LogRecord undecodable{
      "account-commands", 0, 10, "acme", std::string("\xff\xff\xff garbage", 11), {}};
  LogRecord wrong_key = Command(Submission(AccountOpened()), "sub-key", 11);
  wrong_key.key = "globex";
  LogRecord oversized{
      "account-commands", 0, 12, "acme", std::string(kDefaultMaxSubmissionBytes + 1, '{'), {}};
  v1::SubmitEvent unknown = Submission(AccountOpened());
  unknown.mutable_event()->Clear();
  v1::Event* newer = unknown.mutable_event();
  newer->GetReflection()->MutableUnknownFields(newer)->AddLengthDelimited(9999, "a newer event");
  const LogRecord unknown_type = Command(unknown, "sub-unknown", 13);
  for (const LogRecord& command : {undecodable, wrong_key, oversized, unknown_type}) {
    Decide(sequencer, command);
  }
  REQUIRE(sequencer.rejections().size() == 4);
  const v1::RejectionCode expected[] = {v1::MALFORMED_SUBMISSION, v1::INVALID_FIELD, v1::TOO_LARGE,
                                        v1::UNKNOWN_EVENT_TYPE};
  for (size_t i = 0; i < 4; ++i) {
    const v1::Rejection rejection = RejectionOf(sequencer.rejections()[i]);
    INFO("rejection " << i << ": " << rejection.message());
    CHECK(rejection.code() == expected[i]);
    CHECK(rejection.command_partition() == 0);
    CHECK(rejection.command_offset() == static_cast<int64_t>(10 + i));
    CHECK_FALSE(rejection.message().empty());
  }
  CHECK_THAT(RejectionOf(sequencer.rejections()[1]).message(),
             Contains("the record key \"globex\" differs from accountId \"acme\""));
  Decide(sequencer, Command(AccountOpened(), "sub-good", 14));
  CHECK(LastEvent(sequencer, 1).sequence() == 1);
}

}  // namespace
}  // namespace timeline
