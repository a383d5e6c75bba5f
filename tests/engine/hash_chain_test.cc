#include "engine/hash_chain.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "engine/event_seal.h"
#include "tests/support/test_seal_key.h"
#include "timeline/v1/envelope.pb.h"

namespace timeline {
namespace {

using testing::ChainAndSeal;
using testing::TestSealKey;

// A well-formed chain of `count` events for one account, bodies "body-1", "body-2", ...
std::vector<v1::EventEnvelope> MakeChain(int count) {
  std::vector<v1::EventEnvelope> chain;
  std::string prev = GenesisHash();
  for (int i = 1; i <= count; ++i) {
    v1::EventEnvelope envelope;
    envelope.set_account_id("acme");
    envelope.set_sequence(static_cast<uint64_t>(i));
    envelope.set_body("body-" + std::to_string(i));
    ChainAndSeal(prev, &envelope);
    prev = envelope.hash();
    chain.push_back(envelope);
  }
  return chain;
}

TEST_CASE("Sha256Of is SHA-256 of its inputs concatenated") {
  // FIPS 180-2 test vector: SHA-256("abc").
  const std::string abc = Sha256Of("abc");
  CHECK(abc.size() == kHashSize);
  CHECK(ToHex(abc) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256Of("ab", "c") == abc);
  CHECK(ToHex(Sha256Of("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("HmacSha256 matches RFC 4231 test case 2") {
  CHECK(ToHex(HmacSha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("HmacSha256 switches keys on one thread and takes an empty key (RFC 4231, RFC 2104)") {
  // The keyed context is kept per thread (engine/sha256.cc): a new key must re-key it, the same
  // key again must not carry the last message over.
  const std::string key1(20, '\x0b');
  const std::string case1 = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
  const std::string case2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  for (int round = 0; round < 3; ++round) {
    CHECK(ToHex(HmacSha256(key1, "Hi There")) == case1);
    CHECK(ToHex(HmacSha256(key1, "Hi There")) == case1);
    CHECK(ToHex(HmacSha256("Jefe", "what do ya want for nothing?")) == case2);
  }
  CHECK(ToHex(HmacSha256("", "")) ==
        "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  CHECK(ToHex(HmacSha256(key1, "Hi There")) == case1);
}

TEST_CASE("the hash input is the documented length-prefixed layout") {
  v1::EventEnvelope envelope;
  envelope.set_prev_hash(GenesisHash());
  envelope.set_sequence(7);
  envelope.set_account_id("acme");
  envelope.set_event_id("e");
  envelope.mutable_occurred_at()->set_seconds(1);
  envelope.mutable_occurred_at()->set_nanos(2);
  envelope.mutable_recorded_at()->set_seconds(3);
  envelope.set_actor("jo");
  envelope.set_schema_version(1);
  envelope.set_body("B");
  std::string expected = GenesisHash();
  expected += std::string("\0\0\0\0\0\0\0\x07", 8);             // sequence
  expected += std::string("\0\0\0\x04", 4) + "acme";            // account_id
  expected += std::string("\0\0\0\x01", 4) + "e";               // event_id
  expected += std::string("\0\0\0\0\0\0\0\x01\0\0\0\x02", 12);  // occurred_at
  expected += std::string("\0\0\0\0\0\0\0\x03\0\0\0\0", 12);    // recorded_at
  expected += std::string("\0\0\0\x02", 4) + "jo";              // actor
  expected += std::string(12, '\0');         // idempotency_key, correlation_id, causation_id: empty
  expected += std::string("\0\0\0\x01", 4);  // schema_version
  expected += std::string(4, '\0');          // submission_id
  expected += std::string("\0\0\0\x01", 4) + "B";  // body
  CHECK(EventHashInput(envelope) == expected);
  CHECK(EventHash(envelope) == Sha256Of(expected));
}

TEST_CASE("changing any envelope field but hash and seal changes the hash") {
  auto chain = MakeChain(1);
  const std::string original = EventHash(chain[0]);
  const auto changed = [&](auto&& change) {
    v1::EventEnvelope copy = chain[0];
    change(copy);
    return EventHash(copy) != original;
  };
  CHECK(changed([](v1::EventEnvelope& e) { e.mutable_occurred_at()->set_seconds(1); }));
  CHECK(changed([](v1::EventEnvelope& e) { e.mutable_recorded_at()->set_nanos(1); }));
  CHECK(changed([](v1::EventEnvelope& e) { e.set_actor("mallory"); }));
  CHECK(changed([](v1::EventEnvelope& e) { e.set_sequence(9); }));
  CHECK(changed([](v1::EventEnvelope& e) { e.set_account_id("other"); }));
  CHECK(changed([](v1::EventEnvelope& e) { e.set_event_id("x"); }));
  CHECK(changed([](v1::EventEnvelope& e) { e.set_idempotency_key("k"); }));
  CHECK(changed([](v1::EventEnvelope& e) { e.set_correlation_id("c"); }));
  CHECK(changed([](v1::EventEnvelope& e) { e.set_causation_id("c"); }));
  CHECK(changed([](v1::EventEnvelope& e) { e.set_schema_version(2); }));
  CHECK(changed([](v1::EventEnvelope& e) { e.set_submission_id("s"); }));
  CHECK(changed([](v1::EventEnvelope& e) { e.set_body("other"); }));
  CHECK(changed([](v1::EventEnvelope& e) { e.set_prev_hash(std::string(32, '\x01')); }));
  // Moving bytes between adjacent fields must not keep the hash: the lengths are hashed too.
  CHECK(changed([](v1::EventEnvelope& e) {
    e.set_actor(e.actor() + e.idempotency_key().substr(0, 0) + "x");
  }));
  CHECK_FALSE(changed([](v1::EventEnvelope& e) { e.set_hash("anything"); }));
  CHECK_FALSE(changed([](v1::EventEnvelope& e) { e.set_seal("anything"); }));
}

TEST_CASE("integrity names an altered event and a forged one") {
  auto chain = MakeChain(2);
  CHECK(CheckIntegrity(TestSealKey(), chain[1]).ok());

  v1::EventEnvelope altered = chain[1];
  altered.mutable_occurred_at()->set_seconds(42);  // back-dated after the fact
  const Status altered_status = CheckIntegrity(TestSealKey(), altered);
  CHECK(altered_status.code() == StatusCode::kCorruption);
  CHECK_THAT(altered_status.message(), Catch::StartsWith("altered: account acme sequence 2"));

  // A forger recomputes a perfect chain hash but has no key for the seal.
  v1::EventEnvelope forged = chain[1];
  forged.set_body("a payment that never happened");
  LinkEvent(chain[0].hash(), &forged);
  const Status forged_status = CheckIntegrity(TestSealKey(), forged);
  CHECK(forged_status.code() == StatusCode::kCorruption);
  CHECK_THAT(forged_status.message(), Catch::StartsWith("forged: account acme sequence 2"));
  // Sealed with another key is forged too.
  SealEvent(SealKey::FromBytes(std::string(32, 'x')), &forged);
  CHECK_THAT(CheckIntegrity(TestSealKey(), forged).message(), Catch::StartsWith("forged:"));
}

TEST_CASE("the genesis hash is 32 zero bytes and ToHex is lower-case") {
  CHECK(GenesisHash() == std::string(32, '\0'));
  CHECK(ToHex(GenesisHash()) == std::string(64, '0'));
  CHECK(ToHex(std::string("\x00\x0f\xab\xff", 4)) == "000fabff");
}

TEST_CASE("the verifier accepts a well-formed chain") {
  ChainVerifier verifier;
  CHECK(verifier.verified() == 0);
  for (const auto& envelope : MakeChain(4)) {
    const Status status = verifier.Next(envelope);
    INFO(status.ToString());
    REQUIRE(status.ok());
  }
  CHECK(verifier.verified() == 4);
}

TEST_CASE("a tampered body is corruption naming the broken sequence") {
  auto chain = MakeChain(3);
  chain[1].set_body("body-2 (altered)");
  ChainVerifier verifier;
  REQUIRE(verifier.Next(chain[0]).ok());
  const Status status = verifier.Next(chain[1]);
  CHECK(status.code() == StatusCode::kCorruption);
  CHECK_THAT(status.message(), Catch::Contains("account acme sequence 2"));
  CHECK_THAT(status.message(), Catch::Contains("stored hash " + ToHex(chain[1].hash())));
  CHECK(verifier.verified() == 1);
}

TEST_CASE("a wrong prev_hash is corruption naming the broken sequence") {
  auto chain = MakeChain(3);
  // Sequence 3 claims to follow a different event; its own hash is consistent with that claim,
  // so only the link to sequence 2 is broken.
  const std::string forged_prev = Sha256Of("some other event");
  ChainAndSeal(forged_prev, &chain[2]);
  ChainVerifier verifier;
  REQUIRE(verifier.Next(chain[0]).ok());
  REQUIRE(verifier.Next(chain[1]).ok());
  const Status status = verifier.Next(chain[2]);
  CHECK(status.code() == StatusCode::kCorruption);
  CHECK_THAT(status.message(), Catch::Contains("account acme sequence 3"));
  CHECK_THAT(status.message(), Catch::Contains("prev_hash " + ToHex(forged_prev)));
  CHECK_THAT(status.message(), Catch::Contains(ToHex(chain[1].hash())));
  CHECK(verifier.verified() == 2);
}

TEST_CASE("a first event whose prev_hash is not the genesis hash is corruption") {
  auto chain = MakeChain(1);
  ChainAndSeal(std::string(32, '\x01'), &chain[0]);
  ChainVerifier verifier;
  const Status status = verifier.Next(chain[0]);
  CHECK(status.code() == StatusCode::kCorruption);
  CHECK_THAT(status.message(), Catch::Contains("sequence 1"));
  CHECK(verifier.verified() == 0);
}

TEST_CASE("a skipped sequence is corruption naming the expected and found sequences") {
  auto chain = MakeChain(3);
  ChainVerifier verifier;
  REQUIRE(verifier.Next(chain[0]).ok());
  // Sequence 2 is missing; 3 arrives next.
  const Status status = verifier.Next(chain[2]);
  CHECK(status.code() == StatusCode::kCorruption);
  CHECK_THAT(status.message(), Catch::Contains("expected sequence 2 but found 3"));
  CHECK(verifier.verified() == 1);
}

}  // namespace
}  // namespace timeline
