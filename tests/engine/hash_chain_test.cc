#include "engine/hash_chain.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "timeline/v1/envelope.pb.h"

namespace timeline {
namespace {

// A well-formed chain of `count` events for one account, bodies "body-1", "body-2", ...
std::vector<v1::EventEnvelope> MakeChain(int count) {
  std::vector<v1::EventEnvelope> chain;
  std::string prev = GenesisHash();
  for (int i = 1; i <= count; ++i) {
    v1::EventEnvelope envelope;
    envelope.set_account_id("acme");
    envelope.set_sequence(static_cast<uint64_t>(i));
    envelope.set_body("body-" + std::to_string(i));
    envelope.set_prev_hash(prev);
    envelope.set_hash(ChainHash(prev, envelope.body()));
    prev = envelope.hash();
    chain.push_back(envelope);
  }
  return chain;
}

TEST_CASE("ChainHash is SHA-256 of prev_hash followed by body") {
  // FIPS 180-2 test vector: SHA-256("abc").
  const std::string abc = ChainHash("", "abc");
  CHECK(abc.size() == kHashSize);
  CHECK(ToHex(abc) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // The hash covers the concatenation, so splitting the input elsewhere gives the same digest.
  CHECK(ChainHash("ab", "c") == abc);
  CHECK(ChainHash("a", "bc") == abc);
  // SHA-256 of the empty string.
  CHECK(ToHex(ChainHash("", "")) ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
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
  const std::string forged_prev = ChainHash(GenesisHash(), "some other event");
  chain[2].set_prev_hash(forged_prev);
  chain[2].set_hash(ChainHash(forged_prev, chain[2].body()));
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
  chain[0].set_prev_hash(std::string(32, '\x01'));
  chain[0].set_hash(ChainHash(chain[0].prev_hash(), chain[0].body()));
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
