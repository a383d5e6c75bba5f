// StreamSlots: how many long-lived streams (server-sent events) are open, with a limit, because
// each holds one of the server's threads for as long as it lasts (event_stream.h,
// subscription_stream.h); also how many heavy requests run at once (api_routes.h).
// Concurrency: TryAcquire from any thread; a slot may be released on any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>

namespace timeline {

class StreamSlots {
 public:
  explicit StreamSlots(size_t limit) : limit_(limit) {}

  // A held slot, released when the last copy is destroyed; nullptr when all are taken.
  // The slots must outlive every slot handed out.
  std::shared_ptr<void> TryAcquire() {
    if (open_.fetch_add(1) >= limit_) {
      open_.fetch_sub(1);
      return nullptr;
    }
    return std::shared_ptr<void>(
        this, [](void* slots) { static_cast<StreamSlots*>(slots)->open_.fetch_sub(1); });
  }

 private:
  const size_t limit_;
  std::atomic<size_t> open_{0};
};

}  // namespace timeline
