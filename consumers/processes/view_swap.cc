#include "consumers/processes/view_swap.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "consumers/processes/data_directory.h"

namespace timeline {
namespace {

namespace fs = std::filesystem;

// "20260301T101500.123Z": sorts by time, safe in a file name.
std::string UtcStamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%S", &utc);
  return fmt::format("{}.{:03}Z", text, millis);
}

// Makes the renames in `dir` durable (a power loss keeps them or not, never half). A failed
// fsync is returned, never ignored: after one, what the disk holds of the renames is unknown.
Status SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return Status::IoError(fmt::format("cannot open {} to sync it: {}", dir, std::strerror(errno)));
  }
  const int synced = ::fsync(fd);
  const int sync_errno = errno;
  ::close(fd);
  if (synced != 0) {
    return Status::IoError(fmt::format("cannot fsync {}: {}", dir, std::strerror(sync_errno)));
  }
  return Status::Ok();
}

Status Rename(const std::string& from, const std::string& to) {
  std::error_code error;
  fs::rename(from, to, error);
  if (error) {
    return Status::IoError(fmt::format("cannot rename {} to {}: {}", from, to, error.message()));
  }
  return Status::Ok();
}

// The name READY chose for the replaced views, else a fresh one; never an existing directory.
std::string OldViewsDirectory(const std::string& data_dir, const std::string& ready_file) {
  std::string name;
  std::ifstream(ready_file) >> name;
  if (name.rfind("views.old-", 0) != 0 || name.find('/') != std::string::npos) {
    name = "views.old-" + UtcStamp();
  }
  std::string path = data_dir + "/" + name;
  for (int suffix = 2; fs::exists(path); ++suffix)
    path = fmt::format("{}/{}-{}", data_dir, name, suffix);
  return path;
}

}  // namespace

bool RebuiltViewsReady(const std::string& data_dir) {
  std::error_code ignored;
  return fs::exists(RebuildReadyPath(data_dir), ignored);
}

Status MarkRebuildReady(const std::string& data_dir) {
  const std::string ready = RebuildReadyPath(data_dir);
  const std::string partial = ready + ".partial";
  {
    std::ofstream out(partial, std::ios::trunc);
    out << "views.old-" << UtcStamp() << "\n";
    out.flush();
    if (!out) return Status::IoError("cannot write " + partial);
  }
  TIMELINE_RETURN_IF_ERROR(Rename(partial, ready));
  return SyncDirectory(RebuildDirectory(data_dir));
}

Result<SwapOutcome> SwapInRebuiltViews(const std::string& data_dir) {
  if (!RebuiltViewsReady(data_dir)) return SwapOutcome{};
  std::error_code error;
  fs::rename(RebuildDirectory(data_dir), IncomingViewsDirectory(data_dir), error);
  if (error == std::errc::no_such_file_or_directory) return SwapOutcome{};  // claimed elsewhere
  if (error) {
    return Status::IoError(fmt::format("cannot claim the rebuilt views {}: {}",
                                       RebuildDirectory(data_dir), error.message()));
  }
  // Claimed: from here a failure leaves views.incoming for FinishInterruptedSwap.
  TIMELINE_RETURN_IF_ERROR(SyncDirectory(data_dir));
  return FinishInterruptedSwap(data_dir);
}

Result<SwapOutcome> FinishInterruptedSwap(const std::string& data_dir) {
  const std::string incoming = IncomingViewsDirectory(data_dir);
  std::error_code ignored;
  if (!fs::exists(incoming, ignored)) return SwapOutcome{};
  SwapOutcome outcome;
  const std::string views = ViewsDirectory(data_dir);
  if (fs::exists(views, ignored)) {
    outcome.old_views = OldViewsDirectory(data_dir, incoming + "/READY");
    TIMELINE_RETURN_IF_ERROR(Rename(views, outcome.old_views));
  }
  TIMELINE_RETURN_IF_ERROR(Rename(incoming, views));
  TIMELINE_RETURN_IF_ERROR(SyncDirectory(data_dir));
  fs::remove(views + "/READY", ignored);
  outcome.swapped = true;
  return outcome;
}

Status DiscardUnfinishedRebuild(const std::string& data_dir) {
  const std::string aside = data_dir + "/views.rebuild.abandoned-" + UtcStamp();
  std::error_code error;
  fs::rename(RebuildDirectory(data_dir), aside, error);
  if (error == std::errc::no_such_file_or_directory) return Status::Ok();
  if (error) {
    return Status::IoError(fmt::format("cannot set aside the earlier rebuild {}: {}",
                                       RebuildDirectory(data_dir), error.message()));
  }
  fs::remove_all(aside, error);
  if (error) return Status::IoError(fmt::format("cannot remove {}: {}", aside, error.message()));
  return Status::Ok();
}

}  // namespace timeline
