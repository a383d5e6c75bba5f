// JSON printing, protobuf 3.21's printer against the fast printer
// (consumers/json/fast_json_printer.h):
//   json_bench [EVENTS] [DATA_DIR]     (default 100000 events, a temp directory)
// 1. Every event of the demo history (20 accounts x 24 months, seed 1) as a HistoryEntry,
//    printed compact (a `history` line) and pretty (`--pretty`), best of 3 alternating passes:
//    microseconds a line for each printer.
// 2. A long generated account (tests/projections/generated_history.h, EVENTS events) folded
//    into DATA_DIR/views, then its whole history streamed as `timeline history` does (scan,
//    decode, ToHistoryEntry, print, write the line to /dev/null) with each printer.
// With DATA_DIR the views are kept, so that `timeline history bench --data DATA_DIR` can be timed
// on them. Not a ctest: run it by hand (BENCHMARKS.md).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "consumers/demo/demo_history.h"
#include "consumers/json/fast_json_printer.h"
#include "consumers/json/json_views.h"
#include "consumers/json/library_json_printer.h"
#include "projections/history_filter.h"
#include "tests/bench/bench_load.h"
#include "tests/projections/demo_event_records.h"
#include "tests/support/test_environment.h"

namespace timeline::bench {
namespace {

using Clock = std::chrono::steady_clock;
using Printer = std::function<std::string(const google::protobuf::Message&)>;

double MillisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string Library(const google::protobuf::Message& message, JsonLayout layout) {
  return PrintLibraryJson(message, layout);
}

std::string Fast(const google::protobuf::Message& message, JsonLayout layout) {
  auto json = PrintFastJson(message, layout);
  if (!json) {
    std::fprintf(stderr, "the fast printer declined a %s\n",
                 message.GetDescriptor()->full_name().c_str());
    std::exit(1);
  }
  return std::move(*json);
}

// Prints every entry once; returns the milliseconds and adds the bytes printed.
double PrintAll(const std::vector<v1::HistoryEntry>& entries, JsonLayout layout, bool fast,
                size_t* bytes) {
  const auto start = Clock::now();
  size_t total = 0;
  for (const auto& entry : entries) {
    total += (fast ? Fast(entry, layout) : Library(entry, layout)).size();
  }
  const double ms = MillisSince(start);
  *bytes = total;
  return ms;
}

void DemoLines() {
  const DemoHistory demo = GenerateDemoHistory({20, 24, 1});
  std::vector<v1::HistoryEntry> entries;
  for (const auto& record : testing::DemoEventRecords(demo)) {
    v1::EventEnvelope envelope;
    envelope.ParseFromString(record.value);
    entries.push_back(*ToHistoryEntry(envelope));
  }
  std::printf("demo history (20 accounts, 24 months, seed 1): %zu HistoryEntry lines\n",
              entries.size());
  for (const JsonLayout layout : {JsonLayout::kCompact, JsonLayout::kPretty}) {
    double library_best = 1e300, fast_best = 1e300;
    size_t library_bytes = 0, fast_bytes = 0;
    for (int pass = 0; pass < 3; ++pass) {
      library_best = std::min(library_best, PrintAll(entries, layout, false, &library_bytes));
      fast_best = std::min(fast_best, PrintAll(entries, layout, true, &fast_bytes));
    }
    const double n = static_cast<double>(entries.size());
    std::printf("  %-7s library %7.2f us/line   fast %6.2f us/line   x%.1f   (%zu / %zu bytes)\n",
                layout == JsonLayout::kCompact ? "compact" : "pretty", library_best * 1000 / n,
                fast_best * 1000 / n, library_best / fast_best, library_bytes, fast_bytes);
  }
}

// The account's whole history as `timeline history` prints it, to /dev/null.
bool StreamHistory(const ViewStore& store, bool fast, FILE* sink, uint64_t* count, double* ms) {
  Status failure;
  *count = 0;
  const auto start = Clock::now();
  const HistoryFilter all;
  Status status = ScanFilteredHistory(store, "bench", all, [&](const v1::EventEnvelope& e) {
    auto entry = ToHistoryEntry(e);
    if (!entry.ok()) {
      failure = entry.status();
      return false;
    }
    const std::string line =
        fast ? Fast(*entry, JsonLayout::kCompact) : Library(*entry, JsonLayout::kCompact);
    std::fprintf(sink, "%s\n", line.c_str());
    ++*count;
    return true;
  });
  std::fflush(sink);
  *ms = MillisSince(start);
  if (status.ok()) status = failure;
  if (!status.ok()) std::fprintf(stderr, "history: %s\n", status.ToString().c_str());
  return status.ok();
}

int LongHistory(uint64_t events, const std::string& data_dir) {
  std::unique_ptr<testing::TempDir> temp;
  std::string views = data_dir + "/views";
  if (data_dir.empty()) {
    temp = std::make_unique<testing::TempDir>();
    views = temp->Sub("views");
  }
  auto opened = ViewStore::OpenPrimary(views);
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  LoadResult load;
  if (!LoadAccount(opened->get(), "bench", events, 5000, &load)) return 1;
  std::printf("account 'bench': %llu events folded\n",
              static_cast<unsigned long long>(load.events));
  FILE* sink = std::fopen("/dev/null", "w");
  for (int pass = 0; pass < 2; ++pass) {
    for (const bool fast : {false, true}) {
      uint64_t count = 0;
      double ms = 0;
      if (!StreamHistory(**opened, fast, sink, &count, &ms)) return 1;
      std::printf("  history, whole account, %-7s printer: %llu lines in %8.0f ms (%.2f us/line)\n",
                  fast ? "fast" : "library", static_cast<unsigned long long>(count), ms,
                  ms * 1000 / static_cast<double>(count));
    }
  }
  std::fclose(sink);
  if (!data_dir.empty()) {
    std::printf("views kept in %s: time `timeline history bench --data %s > /dev/null`\n",
                views.c_str(), data_dir.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace timeline::bench

int main(int argc, char** argv) {
  const uint64_t events = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100'000;
  const std::string data_dir = argc > 2 ? argv[2] : "";
  timeline::bench::DemoLines();
  return timeline::bench::LongHistory(events, data_dir);
}
