#include "engine/chain_digest.h"

#include <openssl/crypto.h>

#include "engine/big_endian.h"
#include "engine/hash_chain.h"

namespace timeline {

v1::ChainDigest EmptyChainDigest(const std::string& topic, int32_t partition) {
  v1::ChainDigest digest;
  digest.set_topic(topic);
  digest.set_partition(partition);
  digest.set_digest(GenesisHash());
  return digest;
}

void FoldIntoDigest(const v1::EventEnvelope& envelope, v1::ChainDigest* digest) {
  digest->set_events(digest->events() + 1);
  digest->set_digest(Sha256Of(digest->digest(), envelope.hash()));
  digest->set_last_account_id(envelope.account_id());
  digest->set_last_sequence(envelope.sequence());
}

std::string ChainDigestSealInput(const v1::ChainDigest& digest) {
  std::string input;
  AppendBigEndian32(static_cast<uint32_t>(digest.topic().size()), &input);
  input.append(digest.topic());
  AppendBigEndian32(static_cast<uint32_t>(digest.partition()), &input);
  AppendBigEndian64(digest.events(), &input);
  input.append(digest.digest());
  AppendBigEndian32(static_cast<uint32_t>(digest.last_account_id().size()), &input);
  input.append(digest.last_account_id());
  AppendBigEndian64(digest.last_sequence(), &input);
  AppendBigEndian64(static_cast<uint64_t>(digest.published_at().seconds()), &input);
  AppendBigEndian32(static_cast<uint32_t>(digest.published_at().nanos()), &input);
  return input;
}

void SealChainDigest(const SealKey& key, v1::ChainDigest* digest) {
  digest->set_seal(key.Seal(ChainDigestSealInput(*digest)));
}

bool ChainDigestSealValid(const SealKey& key, const v1::ChainDigest& digest) {
  const std::string expected = key.Seal(ChainDigestSealInput(digest));
  return digest.seal().size() == expected.size() &&
         CRYPTO_memcmp(digest.seal().data(), expected.data(), expected.size()) == 0;
}

}  // namespace timeline
