// The projection worker's fold throughput on one large generated account, without Kafka:
//   projector_bench [EVENTS]   (default 1000000; batches of 5000 records, a temp RocksDB)
// Builds at any commit that has the Projector, so throughput can be compared across changes.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/bench/bench_load.h"
#include "tests/support/test_environment.h"

int main(int argc, char** argv) {
  const uint64_t events = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  timeline::testing::TempDir dir;
  auto store = timeline::ViewStore::OpenPrimary(dir.Sub("views"));
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  timeline::bench::LoadResult load;
  if (!timeline::bench::LoadAccount(store->get(), "bench", events, 5000, &load)) return 1;
  std::printf("projector: %llu events in %.2f s = %.0f events/s\n",
              static_cast<unsigned long long>(load.events), load.projector_seconds,
              load.events / load.projector_seconds);
  return 0;
}
