// FileLock: an exclusive advisory lock on a file (flock), held while the object lives.
//
// Used to say "I write this directory" across processes and threads: flock locks belong to an
// open file, so two FileLocks on one path conflict even inside one process (unlike the fcntl
// locks RocksDB's LOCK uses), and the kernel drops the lock when the process dies, so a kill -9
// never leaves a stale lock behind. The file is created when missing and never removed. The
// holder writes "<pid> <what>" into it, so that a process that finds it locked can say who has
// it (Holder); the words are a hint, the flock is the lock.
// Concurrency: one owner; moving it hands the lock over.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/status.h"

namespace timeline {

class FileLock {
 public:
  // The lock, or nullopt when another holder has it. IoError when the file cannot be opened.
  // `what` says who holds it (e.g. "timeline worker"), for Holder.
  static Result<std::optional<FileLock>> TryAcquire(const std::string& path,
                                                    std::string_view what = {});
  // Retries TryAcquire every 50 ms for up to `patience`; TimedOut (naming the file and the
  // holder) after that.
  static Result<FileLock> Acquire(const std::string& path, std::chrono::milliseconds patience,
                                  std::string_view what = {});
  // Who holds (or last held) the lock at `path`, as written by TryAcquire: "pid 1234 (timeline
  // worker)", or empty when nothing is known.
  static std::string Holder(const std::string& path);

  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();  // releases the lock

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace timeline
