#include "consumers/processes/served_views.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include "consumers/processes/data_directory.h"
#include "consumers/processes/read_only_views.h"
#include "projections/view_store.h"

namespace timeline {

std::shared_ptr<ServedViews> ServedViews::Fixed(const ViewStore* store,
                                                std::function<Status()> catch_up) {
  auto views = std::make_shared<ServedViews>();
  // Not owned: an aliasing pointer with no owner never deletes it.
  views->current_.store(std::shared_ptr<const ViewStore>(std::shared_ptr<void>(), store));
  views->catch_up_ = std::move(catch_up);
  return views;
}

Result<std::shared_ptr<ServedViews>> ServedViews::Follow(const std::string& data_dir) {
  auto views = std::make_shared<ServedViews>();
  views->data_dir_ = data_dir;
  DirectoryIdentity identity;
  // Identify first, open second: a swap in between makes the next Refresh() reopen once more,
  // never follow the wrong directory.
  if (!Identify(ViewsDirectory(data_dir), &identity)) {
    return ReadOnlyViews::Open(data_dir).status();  // its NotFound names the command to run
  }
  Status status = views->Open(identity);
  if (!status.ok()) return status;
  return views;
}

Status ServedViews::Refresh() {
  if (!followed_) return catch_up_ ? catch_up_() : Status::Ok();
  DirectoryIdentity identity;
  if (!Identify(ViewsDirectory(data_dir_), &identity)) return Status::Ok();  // mid-swap
  if (identity == opened_) {
    Status status = followed_->CatchUp();
    // A swap during the catch-up may have fed it the new MANIFEST: look again, and reopen then.
    if (!Identify(ViewsDirectory(data_dir_), &identity) || identity == opened_) return status;
  }
  Status status = Open(identity);
  if (!status.ok()) return status;
  reopened_.fetch_add(1);
  spdlog::info("views: a rebuild was swapped in; serving the new {}", ViewsDirectory(data_dir_));
  return Status::Ok();
}

bool ServedViews::Identify(const std::string& dir, DirectoryIdentity* identity) {
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) return false;
  *identity = DirectoryIdentity{info.st_dev, info.st_ino};
  return true;
}

Status ServedViews::Open(const DirectoryIdentity& identity) {
  auto views = ReadOnlyViews::Open(data_dir_);
  if (!views.ok()) return views.status();
  std::shared_ptr<ReadOnlyViews> owner = std::move(views).value();
  // The store shares its owner's lifetime: the old views close when the last request drops them.
  current_.store(std::shared_ptr<const ViewStore>(owner, &owner->store()));
  followed_ = std::move(owner);
  opened_ = identity;
  return Status::Ok();
}

}  // namespace timeline
