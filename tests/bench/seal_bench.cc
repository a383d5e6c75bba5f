// What hashing and sealing one event costs (engine/sha256.h): SHA-256 of a 300-byte hash input
// and the HMAC-SHA256 seal of that hash, as the sequencer and the worker do for every event.
//   seal_bench [EVENTS]   (default 300000)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/sha256.h"

int main(int argc, char** argv) {
  const long events = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 300'000;
  const std::string key(32, 'k');
  std::string input(300, 'm');
  unsigned checksum = 0;  // keeps the work from being optimized away
  const auto started = std::chrono::steady_clock::now();
  for (long i = 0; i < events; ++i) {
    input[i % input.size()] = static_cast<char>(i);
    checksum += static_cast<unsigned char>(timeline::HmacSha256(key, timeline::Sha256Of(input))[0]);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("hash and seal: %ld events in %.3f s = %.2f us each (checksum %u)\n", events, seconds,
              seconds / static_cast<double>(events) * 1e6, checksum);
  return 0;
}
