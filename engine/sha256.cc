#include "engine/sha256.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstdlib>
#include <string>

namespace timeline {
namespace {

// OpenSSL fails here only when memory is exhausted; a wrong hash must never be written, so the
// process stops rather than go on with one.
void Check(bool ok) {
  if (!ok) std::abort();
}

// The algorithms fetched once: EVP_sha256() and the one-shot HMAC() look the implementation up
// in OpenSSL 3's provider tables on every call (locks, string compares, a context allocated and
// cleansed), which cost more than hashing an event's few hundred bytes. Fetched objects are
// immutable and may be shared by every thread.
const EVP_MD* Sha256Digest() {
  static EVP_MD* const digest = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  Check(digest != nullptr);
  return digest;
}

EVP_MAC* HmacAlgorithm() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  Check(mac != nullptr);
  return mac;
}

// One HMAC-SHA256 context per thread, keyed with the key of the last call: the engine seals and
// checks seals with one key, so its ipad and opad are computed once per thread, not per event.
class ThreadHmac {
 public:
  ThreadHmac() : ctx_(EVP_MAC_CTX_new(HmacAlgorithm())) { Check(ctx_ != nullptr); }
  ~ThreadHmac() { EVP_MAC_CTX_free(ctx_); }
  ThreadHmac(const ThreadHmac&) = delete;
  ThreadHmac& operator=(const ThreadHmac&) = delete;

  std::string Mac(std::string_view key, std::string_view message) {
    if (!keyed_ || key != key_) {
      char digest_name[] = "SHA256";
      const OSSL_PARAM params[] = {
          OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
          OSSL_PARAM_construct_end()};
      Check(EVP_MAC_init(ctx_, reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                         params) == 1);
      key_.assign(key);
      keyed_ = true;
    } else {
      Check(EVP_MAC_init(ctx_, nullptr, 0, nullptr) == 1);  // the same key again
    }
    Check(EVP_MAC_update(ctx_, reinterpret_cast<const unsigned char*>(message.data()),
                         message.size()) == 1);
    std::string out(kHashSize, '\0');
    size_t length = 0;
    Check(EVP_MAC_final(ctx_, reinterpret_cast<unsigned char*>(out.data()), &length, out.size()) ==
              1 &&
          length == kHashSize);
    return out;
  }

 private:
  EVP_MAC_CTX* ctx_;
  std::string key_;
  bool keyed_ = false;
};

}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  Check(ctx_ != nullptr && EVP_DigestInit_ex2(ctx_, Sha256Digest(), nullptr) == 1);
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::Update(std::string_view bytes) {
  Check(EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()) == 1);
}

std::string Sha256::Final() {
  std::string out(kHashSize, '\0');
  unsigned int length = 0;
  Check(EVP_DigestFinal_ex(ctx_, reinterpret_cast<unsigned char*>(out.data()), &length) == 1 &&
        length == kHashSize);
  return out;
}

std::string Sha256Of(std::string_view first, std::string_view second) {
  Sha256 sha;
  sha.Update(first);
  sha.Update(second);
  return sha.Final();
}

std::string HmacSha256(std::string_view key, std::string_view message) {
  thread_local ThreadHmac hmac;
  return hmac.Mac(key, message);
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

bool FromHex(std::string_view hex, std::string* out) {
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return false;
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int high = nibble(hex[i]);
    const int low = nibble(hex[i + 1]);
    if (high < 0 || low < 0) return false;
    bytes.push_back(static_cast<char>(high << 4 | low));
  }
  *out = std::move(bytes);
  return true;
}

}  // namespace timeline
