// Loads one generated account (tests/projections/generated_history.h) into a fresh ViewStore
// with the real Projector, in Kafka-sized batches, timing only the projector's ApplyBatch.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "engine/log_record.h"
#include "projections/projector.h"
#include "projections/view_store.h"
#include "tests/projections/generated_history.h"

namespace timeline::bench {

struct LoadResult {
  uint64_t events = 0;
  double projector_seconds = 0;  // inside ApplyBatch only
  int64_t first_second = 0;
  int64_t last_second = 0;
};

// Folds `events` events of account `account` (5% late by up to 60 days) in batches of
// `batch_size`. Returns false (after printing why) when a batch fails.
inline bool LoadAccount(ViewStore* store, const std::string& account, uint64_t events,
                        size_t batch_size, LoadResult* result) {
  Projector projector(store, &testing::TestSealKey());
  testing::GeneratedHistory history(account, 42);
  int64_t offset = 0;
  std::vector<LogRecord> records;
  for (uint64_t done = 0; done < events;) {
    records.clear();
    for (; records.size() < batch_size && done < events; ++done) {
      const v1::EventEnvelope envelope = history.Next();
      LogRecord record;
      record.topic = "account-events";
      record.partition = 0;
      record.offset = offset++;
      record.key = account;
      record.value = envelope.SerializeAsString();
      records.push_back(std::move(record));
    }
    const auto start = std::chrono::steady_clock::now();
    const Status status = projector.ApplyBatch(records);
    result->projector_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!status.ok()) {
      std::fprintf(stderr, "ApplyBatch failed: %s\n", status.ToString().c_str());
      return false;
    }
  }
  result->events = projector.stats().applied;
  result->first_second = history.first_second();
  result->last_second = history.last_second();
  return true;
}

}  // namespace timeline::bench
