// ReadOnlyViews: the worker's views, opened read-only next to a running `timeline run` on the
// same --data (a RocksDB secondary instance with its own scratch directory, removed on close).
// Used by the CLI's read commands and the query server (consumers/http/query_server.h).
#pragma once

#include <memory>
#include <string>

#include "engine/status.h"
#include "projections/view_store.h"

namespace timeline {

class ReadOnlyViews {
 public:
  // NotFound (naming the command to run) when `data_dir` holds no views yet.
  static Result<std::unique_ptr<ReadOnlyViews>> Open(const std::string& data_dir);
  // The same for any views directory, e.g. views.old-* kept by a rebuild (no primary needed).
  static Result<std::unique_ptr<ReadOnlyViews>> OpenDirectory(const std::string& views_dir);
  ~ReadOnlyViews();

  const ViewStore& store() const { return *store_; }
  // Replays what the worker wrote since the last catch-up (ViewStore::CatchUp); reads may run
  // meanwhile. Long-lived readers (the query server) call it to see fresh data.
  Status CatchUp() { return store_->CatchUp(); }

 private:
  ReadOnlyViews(std::unique_ptr<ViewStore> store, std::string scratch);

  std::unique_ptr<ViewStore> store_;
  std::string scratch_;
};

}  // namespace timeline
