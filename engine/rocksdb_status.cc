#include "engine/rocksdb_status.h"

#include <fmt/format.h>
#include <rocksdb/status.h>

namespace timeline {

Status FromRocks(const rocksdb::Status& status, std::string_view what) {
  if (status.ok()) return Status::Ok();
  std::string message = fmt::format("{}: {}", what, status.ToString());
  if (status.IsCorruption()) return Status::Corruption(std::move(message));
  return Status::IoError(std::move(message));
}

}  // namespace timeline
