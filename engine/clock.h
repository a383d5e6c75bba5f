// The clock, injected so tests can stop time.
#pragma once

#include <chrono>

#include <google/protobuf/timestamp.pb.h>

namespace timeline {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual google::protobuf::Timestamp Now() = 0;
};

// The system's wall clock. Thread-safe.
class SystemClock final : public Clock {
 public:
  google::protobuf::Timestamp Now() override {
    const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count();
    google::protobuf::Timestamp now;
    now.set_seconds(micros / 1'000'000);
    now.set_nanos(static_cast<int32_t>((micros % 1'000'000) * 1000));
    return now;
  }
};

// A clock that says what the test tells it to. Not thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t seconds) { now_.set_seconds(seconds); }
  google::protobuf::Timestamp Now() override { return now_; }
  void Advance(int64_t seconds) { now_.set_seconds(now_.seconds() + seconds); }

 private:
  google::protobuf::Timestamp now_;
};

}  // namespace timeline
