// ReadOnlyViews: the worker's views, opened read-only next to a running `timeline run` on the
// same --data (a RocksDB secondary instance with its own scratch directory, removed on close).
// Used by the CLI's read commands; the HTTP server will read the same way.
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

 private:
  ReadOnlyViews(std::unique_ptr<ViewStore> store, std::string scratch);

  std::unique_ptr<ViewStore> store_;
  std::string scratch_;
};

}  // namespace timeline
