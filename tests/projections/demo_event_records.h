// The demo history as account-events records, for tests that feed the Projector directly.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "consumers/demo/demo_history.h"
#include "engine/hash_chain.h"
#include "engine/log_record.h"
#include "engine/partitioning.h"
#include "tests/projections/projection_fixtures.h"

namespace timeline::testing {

inline constexpr int32_t kDemoPartitions = 3;

// The demo's submissions as the sequencer would have written them: per-account sequences and
// hash chain, each account on its murmur2 partition, offsets counted per partition.
inline std::vector<LogRecord> DemoEventRecords(const DemoHistory& demo) {
  struct Head {
    uint64_t version = 0;
    std::string hash = GenesisHash();
  };
  std::unordered_map<std::string, Head> heads;
  std::vector<int64_t> next_offset(kDemoPartitions, 0);
  std::vector<LogRecord> records;
  for (const auto& submission : demo.submissions) {
    Head& head = heads[submission.account_id()];
    v1::EventEnvelope envelope;
    envelope.set_account_id(submission.account_id());
    envelope.set_sequence(++head.version);
    *envelope.mutable_occurred_at() = submission.occurred_at();
    *envelope.mutable_recorded_at() = submission.occurred_at();
    envelope.set_idempotency_key(submission.idempotency_key());
    submission.event().SerializeToString(envelope.mutable_body());
    ChainAndSeal(head.hash, &envelope);
    head.hash = envelope.hash();

    LogRecord record;
    record.topic = kEventsTopic;
    record.partition = PartitionForKey(submission.account_id(), kDemoPartitions);
    record.offset = next_offset[record.partition]++;
    record.key = submission.account_id();
    record.value = envelope.SerializeAsString();
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace timeline::testing
