#include "engine/idempotency_window.h"

#include <rocksdb/compaction_filter.h>

#include <chrono>
#include <string>

namespace timeline {
namespace {

class IdempotencyExpiryFilter final : public rocksdb::CompactionFilter {
 public:
  explicit IdempotencyExpiryFilter(std::chrono::seconds window) : window_(window) {}

  bool Filter(int /*level*/, const rocksdb::Slice& /*key*/, const rocksdb::Slice& value,
              std::string* /*new_value*/, bool* /*value_changed*/) const override {
    v1::IdempotencyRecord record;
    // A value that does not decode is kept: dropping what we cannot read would hide a fault.
    if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) return false;
    google::protobuf::Timestamp now;
    now.set_seconds(std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count());
    return IdempotencyExpired(record, now, window_);
  }

  const char* Name() const override { return "timeline.IdempotencyExpiryFilter"; }

 private:
  std::chrono::seconds window_;
};

}  // namespace

bool IdempotencyExpired(const v1::IdempotencyRecord& record,
                        const google::protobuf::Timestamp& now, std::chrono::seconds window) {
  if (!record.has_recorded_at()) return false;
  return now.seconds() - record.recorded_at().seconds() > window.count();
}

std::unique_ptr<rocksdb::CompactionFilter> MakeIdempotencyExpiryFilter(
    std::chrono::seconds window) {
  return std::make_unique<IdempotencyExpiryFilter>(window);
}

}  // namespace timeline
