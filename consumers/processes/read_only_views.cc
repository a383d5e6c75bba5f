#include "consumers/processes/read_only_views.h"

#include <unistd.h>

#include <filesystem>

#include "consumers/processes/data_directory.h"

namespace timeline {

Result<std::unique_ptr<ReadOnlyViews>> ReadOnlyViews::Open(const std::string& data_dir) {
  const std::string views = ViewsDirectory(data_dir);
  if (!std::filesystem::exists(views + "/CURRENT")) {
    return Status::NotFound("no views in " + views + "; run `timeline run --data " + data_dir +
                            "` first");
  }
  return OpenDirectory(views);
}

Result<std::unique_ptr<ReadOnlyViews>> ReadOnlyViews::OpenDirectory(const std::string& views) {
  std::string scratch =
      (std::filesystem::temp_directory_path() / "timeline-reader-XXXXXX").string();
  if (mkdtemp(scratch.data()) == nullptr) return Status::IoError("cannot create " + scratch);
  auto store = ViewStore::OpenSecondary(views, scratch);
  if (!store.ok()) {
    std::error_code ignored;
    std::filesystem::remove_all(scratch, ignored);
    return store.status();
  }
  return std::unique_ptr<ReadOnlyViews>(new ReadOnlyViews(std::move(store).value(), scratch));
}

ReadOnlyViews::ReadOnlyViews(std::unique_ptr<ViewStore> store, std::string scratch)
    : store_(std::move(store)), scratch_(std::move(scratch)) {}

ReadOnlyViews::~ReadOnlyViews() {
  store_.reset();  // close RocksDB before its scratch directory goes
  std::error_code ignored;
  std::filesystem::remove_all(scratch_, ignored);
}

}  // namespace timeline
