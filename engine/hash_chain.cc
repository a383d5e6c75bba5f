#include "engine/hash_chain.h"

#include <openssl/evp.h>

#include <fmt/format.h>

#include "timeline/v1/envelope.pb.h"

namespace timeline {

const std::string& GenesisHash() {
  static const std::string kGenesis(kHashSize, '\0');
  return kGenesis;
}

std::string ChainHash(std::string_view prev_hash, std::string_view body) {
  // EVP_Digest* is OpenSSL's supported SHA-256 path; the context is per call so this is
  // thread-safe.
  std::string out(kHashSize, '\0');
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned int length = 0;
  const bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
                  EVP_DigestUpdate(ctx, prev_hash.data(), prev_hash.size()) == 1 &&
                  EVP_DigestUpdate(ctx, body.data(), body.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx, reinterpret_cast<unsigned char*>(out.data()), &length) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok || length != kHashSize) {
    // OpenSSL cannot fail here short of memory exhaustion; a wrong chain must never be written.
    std::abort();
  }
  return out;
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    hex.push_back(kDigits[c >> 4]);
    hex.push_back(kDigits[c & 0x0f]);
  }
  return hex;
}

Status ChainVerifier::Next(const v1::EventEnvelope& envelope) {
  const uint64_t expected_sequence = last_sequence_ + 1;
  if (envelope.sequence() != expected_sequence) {
    return Status::Corruption(fmt::format("account {}: expected sequence {} but found {}",
                                          envelope.account_id(), expected_sequence,
                                          envelope.sequence()));
  }
  if (envelope.prev_hash() != last_hash_) {
    return Status::Corruption(fmt::format(
        "account {} sequence {}: prev_hash {} does not match the previous event's hash {}",
        envelope.account_id(), envelope.sequence(), ToHex(envelope.prev_hash()),
        ToHex(last_hash_)));
  }
  const std::string computed = ChainHash(envelope.prev_hash(), envelope.body());
  if (envelope.hash() != computed) {
    return Status::Corruption(fmt::format(
        "account {} sequence {}: stored hash {} but SHA-256(prev_hash || body) is {}",
        envelope.account_id(), envelope.sequence(), ToHex(envelope.hash()), ToHex(computed)));
  }
  last_sequence_ = envelope.sequence();
  last_hash_ = envelope.hash();
  return Status::Ok();
}

}  // namespace timeline
