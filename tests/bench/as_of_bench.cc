// As-of and history read times on one 1,000,000-event account, without Kafka:
//   as_of_bench [EVENTS]   (default 1000000)
// Folds a generated account (orders, shipments, invoices, payments, corrections, credits; 5%
// late events) with the real Projector into a temp RocksDB in batches of 5000, then times:
// the full history stream (scan + decode) and a 1000-event page from the middle with and
// without protobuf's JSON printing, as `timeline history` does minus the printf; as-of and
// known-at at 20 random instants through the snapshots, both the whole account (views) and the
// state alone (`timeline state`); and a plain full replay as-of for comparison. Not a ctest: run
// it by hand.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <google/protobuf/util/json_util.h>

#include "consumers/json/json_views.h"
#include "projections/bitemporal_loader.h"
#include "projections/history_filter.h"
#include "tests/bench/bench_load.h"
#include "tests/support/test_environment.h"

namespace timeline::bench {
namespace {

using Clock = std::chrono::steady_clock;

double MillisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct Times {
  std::vector<double> ms;
  double P50() {
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
  }
  double Max() const { return *std::max_element(ms.begin(), ms.end()); }
};

enum class Json { kNone, kLine, kProtobufDirect };

// protobuf's MessageToJsonString as ToJsonLine called it before it cached the types.
size_t ProtobufJsonSize(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json.size();
}

// Streams the history through `filter` as `timeline history` does, minus the printing; with
// Json::kNone it stops at the decoded HistoryEntry.
bool StreamHistory(const ViewStore& store, const HistoryFilter& filter, Json json, uint64_t* count,
                   size_t* bytes) {
  Status failure;
  Status status = ScanFilteredHistory(store, "bench", filter, [&](const v1::EventEnvelope& e) {
    auto entry = ToHistoryEntry(e);
    if (!entry.ok()) {
      failure = entry.status();
      return false;
    }
    switch (json) {
      case Json::kNone: *bytes += entry->ByteSizeLong(); break;
      case Json::kLine: *bytes += ToJsonLine(*entry).size(); break;
      case Json::kProtobufDirect: *bytes += ProtobufJsonSize(*entry); break;
    }
    ++*count;
    return true;
  });
  if (status.ok()) status = failure;
  if (!status.ok()) std::fprintf(stderr, "history: %s\n", status.ToString().c_str());
  return status.ok();
}

uint64_t Version(const AccountSnapshot& snapshot) { return snapshot.state.version(); }
uint64_t Version(const v1::AccountState& state) { return state.version(); }

// Times `runs` loads at random instants in [low, high] for the bound `bound` picks.
template <typename Loader>
bool TimeCuts(const char* what, int runs, int64_t low, int64_t high, bool known_at,
              std::mt19937_64* random, Loader load) {
  Times times;
  uint64_t versions = 0;
  for (int i = 0; i < runs; ++i) {
    google::protobuf::Timestamp at;
    at.set_seconds(std::uniform_int_distribution<int64_t>(low, high)(*random));
    BitemporalCut cut;
    (known_at ? cut.recorded_through : cut.occurred_through) = at;
    const auto start = Clock::now();
    auto snapshot = load(cut);
    times.ms.push_back(MillisSince(start));
    if (!snapshot.ok()) {
      std::fprintf(stderr, "%s: %s\n", what, snapshot.status().ToString().c_str());
      return false;
    }
    if (snapshot->has_value()) versions += Version(**snapshot);
  }
  std::printf("%-36s %2d instants: p50 %8.1f ms, max %8.1f ms (mean version %llu)\n", what, runs,
              times.P50(), times.Max(), static_cast<unsigned long long>(versions / runs));
  return true;
}

int Run(uint64_t events) {
  testing::TempDir dir;
  auto opened = ViewStore::OpenPrimary(dir.Sub("views"));
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
    return 1;
  }
  ViewStore& store = **opened;
  LoadResult load;
  if (!LoadAccount(&store, "bench", events, 5000, &load)) return 1;
  std::printf("projector: %llu events in %.2f s = %.0f events/s\n",
              static_cast<unsigned long long>(load.events), load.projector_seconds,
              load.events / load.projector_seconds);
  uint64_t snapshots = 0, full = 0;
  (void)store.ScanSnapshotHeaders("bench", [&](const v1::SnapshotHeader& header) {
    ++snapshots;
    full += header.full() ? 1 : 0;
    return true;
  });
  std::printf("snapshots: %llu (%llu full)\n", static_cast<unsigned long long>(snapshots),
              static_cast<unsigned long long>(full));

  uint64_t count = 0;
  size_t bytes = 0;
  auto start = Clock::now();
  if (!StreamHistory(store, HistoryFilter(), Json::kNone, &count, &bytes)) return 1;
  std::printf("history, full stream (no JSON):     %llu events in %.0f ms\n",
              static_cast<unsigned long long>(count), MillisSince(start));
  HistoryFilter page;
  page.from_sequence = load.events / 2;
  page.to_sequence = page.from_sequence + 999;
  // The JSON printers alternate three times (the machine is shared); the best of each is shown.
  double best[3] = {1e9, 1e9, 1e9};
  for (int round = 0; round < 3; ++round) {
    for (const Json json : {Json::kNone, Json::kLine, Json::kProtobufDirect}) {
      count = bytes = 0;
      start = Clock::now();
      if (!StreamHistory(store, page, json, &count, &bytes)) return 1;
      double& slot = best[static_cast<int>(json)];
      slot = std::min(slot, MillisSince(start));
    }
  }
  for (const Json json : {Json::kNone, Json::kLine, Json::kProtobufDirect}) {
    std::printf("history, 1000-event page from %llu%s: 1000 events in %.2f ms (best of 3)\n",
                static_cast<unsigned long long>(page.from_sequence),
                json == Json::kNone   ? ""
                : json == Json::kLine ? ", JSON"
                                      : ", JSON (MessageToJsonString, as before)",
                best[static_cast<int>(json)]);
  }
  HistoryFilter invoices;
  invoices.event_types = {v1::Event::kInvoiceIssued};
  count = bytes = 0;
  start = Clock::now();
  if (!StreamHistory(store, invoices, Json::kNone, &count, &bytes)) return 1;
  std::printf("history --type invoiceIssued (no JSON): %llu events in %.0f ms\n",
              static_cast<unsigned long long>(count), MillisSince(start));

  std::mt19937_64 random(20);
  const auto snapshot_path = [&](const BitemporalCut& cut) {
    return LoadAccountSnapshotAt(store, "bench", cut);
  };
  const auto state_path = [&](const BitemporalCut& cut) {
    return LoadAccountStateAt(store, "bench", cut);
  };
  const auto replay_path = [&](const BitemporalCut& cut) {
    return ReplayAccountSnapshotAt(store, "bench", cut);
  };
  const int64_t low = load.first_second, high = load.last_second;
  // Each state-only line times the same instants as the snapshot line above it.
  for (const bool known_at : {false, true}) {
    std::mt19937_64 same = random;
    if (!TimeCuts(known_at ? "known-at state (snapshots)" : "as-of state (snapshots)", 20, low,
                  high, known_at, &random, snapshot_path) ||
        !TimeCuts(
            known_at ? "known-at state only (lazy entities)" : "as-of state only (lazy entities)",
            20, low, high, known_at, &same, state_path)) {
      return 1;
    }
  }
  if (!TimeCuts("as-of state (plain full replay)", 3, low, high, false, &random, replay_path)) {
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace timeline::bench

int main(int argc, char** argv) {
  return timeline::bench::Run(argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000);
}
