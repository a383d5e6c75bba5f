#include "consumers/processes/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>
#include <utility>

#include <fmt/format.h>

namespace timeline {

Result<std::optional<FileLock>> FileLock::TryAcquire(const std::string& path,
                                                     std::string_view what) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::IoError(
        fmt::format("cannot open the lock file {}: {}", path, std::strerror(errno)));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) return std::optional<FileLock>();
    return Status::IoError(fmt::format("cannot lock {}: {}", path, std::strerror(error)));
  }
  // Say who holds it; a failure here only loses the hint.
  const std::string note = fmt::format("{} {}\n", ::getpid(), what);
  if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, note.data(), note.size(), 0);
  return std::optional<FileLock>(FileLock(fd));
}

std::string FileLock::Holder(const std::string& path) {
  std::ifstream in(path);
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return "";
  std::string what;
  std::getline(in >> std::ws, what);
  return what.empty() ? fmt::format("pid {}", pid) : fmt::format("pid {} ({})", pid, what);
}

Result<FileLock> FileLock::Acquire(const std::string& path, std::chrono::milliseconds patience,
                                   std::string_view what) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  while (true) {
    auto lock = TryAcquire(path, what);
    if (!lock.ok()) return lock.status();
    if (lock->has_value()) return std::move(**lock);
    if (std::chrono::steady_clock::now() >= deadline) {
      const std::string holder = Holder(path);
      return Status::TimedOut(fmt::format("{} is still locked by another process{} after {} ms",
                                          path, holder.empty() ? "" : ", " + holder,
                                          patience.count()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

FileLock::FileLock(FileLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace timeline
