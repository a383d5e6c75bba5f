// SHA-256 and HMAC-SHA256 through OpenSSL's EVP interface (never hand-written).
// Concurrency: each object is used by one thread; the free functions are thread-safe
// (HmacSha256 keeps a context per thread, keyed with the last key it was given).
#pragma once

#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace timeline {

inline constexpr size_t kHashSize = 32;

// Incremental SHA-256: Update() any number of times, then Final() once.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  // The 32 raw bytes of the digest; the object is spent afterwards.
  std::string Final();

 private:
  evp_md_ctx_st* ctx_;
};

// SHA-256(first || second) as 32 raw bytes.
std::string Sha256Of(std::string_view first, std::string_view second = {});

// HMAC-SHA256(key, message) as 32 raw bytes.
std::string HmacSha256(std::string_view key, std::string_view message);

// Lower-case hex of raw bytes, for people and logs.
std::string ToHex(std::string_view bytes);

// Decodes lower- or upper-case hex into `out`; false (and `out` untouched) when `hex` has an
// odd length or a character that is not a hex digit.
bool FromHex(std::string_view hex, std::string* out);

}  // namespace timeline
