#include "engine/sha256.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>

namespace timeline {

// OpenSSL fails here only when memory is exhausted; a wrong hash must never be written, so the
// process stops rather than go on with one.
static void Check(bool ok) {
  if (!ok) std::abort();
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  Check(ctx_ != nullptr && EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) == 1);
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
  std::string out(kHashSize, '\0');
  unsigned int length = 0;
  const unsigned char* result =
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(),
           reinterpret_cast<unsigned char*>(out.data()), &length);
  Check(result != nullptr && length == kHashSize);
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
