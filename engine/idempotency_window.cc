#include "engine/idempotency_window.h"

#include <rocksdb/compaction_filter.h>

#include <chrono>
#include <string>

namespace timeline {
namespace {

class IdempotencyExpiryFilter final : public rocksdb::CompactionFilter {
 public:
  IdempotencyExpiryFilter(std::chrono::seconds window, Clock* clock)
      : window_(window), clock_(clock) {}

  bool Filter(int /*level*/, const rocksdb::Slice& /*key*/, const rocksdb::Slice& value,
              std::string* /*new_value*/, bool* /*value_changed*/) const override {
    v1::IdempotencyRecord record;
    // A value that does not decode is kept: dropping what we cannot read would hide a fault.
    if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) return false;
    return IdempotencyExpired(record, clock_->Now(), window_);
  }

  const char* Name() const override { return "timeline.IdempotencyExpiryFilter"; }

 private:
  std::chrono::seconds window_;
  Clock* clock_;
};

}  // namespace

bool IdempotencyExpired(const v1::IdempotencyRecord& record, const google::protobuf::Timestamp& now,
                        std::chrono::seconds window) {
  if (!record.has_recorded_at()) return false;
  return now.seconds() - record.recorded_at().seconds() > window.count();
}

std::unique_ptr<rocksdb::CompactionFilter> MakeIdempotencyExpiryFilter(std::chrono::seconds window,
                                                                       Clock* clock) {
  return std::make_unique<IdempotencyExpiryFilter>(window, clock);
}

}  // namespace timeline
