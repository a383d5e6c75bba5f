// ServedViews: the views a long-lived reader (the query server of `timeline serve` and of
// `timeline run --listen`) answers from, replaced whole when a rebuild swaps <data>/views.
//
// Why: `timeline rebuild` renames <data>/views aside and renames the rebuilt views in
// (consumers/processes/view_swap.h). A RocksDB secondary opened on the old directory must not
// simply catch up after that: it would read the new database's MANIFEST as if it were its own.
// So Refresh() first compares the directory's identity (device and inode) with the one it
// opened: unchanged, it catches up; changed, it opens the new views and publishes them. While
// the swap is half done (no <data>/views for a moment) it keeps serving what it has.
// Requests take Current() once and use that store for their whole answer, so no answer mixes old
// and new views; the old store closes when the last request holding it lets go.
// Concurrency: Current() from any thread (an atomic shared_ptr, no lock on the read path);
// Refresh() from one thread at a time (the query server serialises it).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "engine/status.h"

namespace timeline {

class ReadOnlyViews;
class ViewStore;

class ServedViews {
 public:
  // A store someone else owns and refreshes (tests, a primary): never replaced. `catch_up`, if
  // set, is what Refresh() does.
  static std::shared_ptr<ServedViews> Fixed(const ViewStore* store,
                                            std::function<Status()> catch_up = {});
  // Opens <data>/views read-only (consumers/processes/read_only_views.h) and follows it across
  // swaps. NotFound (naming the command to run) when there are no views yet.
  static Result<std::shared_ptr<ServedViews>> Follow(const std::string& data_dir);

  // The views to answer one request from.
  std::shared_ptr<const ViewStore> Current() const { return current_.load(); }

  // Catches up with the worker's writes, or reopens after a swap.
  Status Refresh();

  // How many swaps this has followed.
  uint64_t reopened() const { return reopened_.load(); }

 private:
  struct DirectoryIdentity {
    dev_t device = 0;
    ino_t inode = 0;
    bool operator==(const DirectoryIdentity&) const = default;
  };
  static bool Identify(const std::string& dir, DirectoryIdentity* identity);
  Status Open(const DirectoryIdentity& identity);

  std::atomic<std::shared_ptr<const ViewStore>> current_;
  std::function<Status()> catch_up_;         // Fixed only
  std::string data_dir_;                     // Follow only
  std::shared_ptr<ReadOnlyViews> followed_;  // Follow only: what current_ points into
  DirectoryIdentity opened_;                 // Follow only: the directory followed_ was opened on
  std::atomic<uint64_t> reopened_{0};
};

}  // namespace timeline
