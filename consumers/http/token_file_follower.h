// TokenFileFollower: the tokens file as it is now, for a server that runs for months: adding a
// manager or revoking a leaked token must not need a restart (TokenStore::Follow).
//
// Operation: Current() looks at the file's modification time, size and inode at most once a
// second; when one changed it loads the file again (TokenStore::Load) and, if that works,
// serves the new tokens. A file that no longer loads (a half-edited line, a missing file) is
// logged and the last good tokens stay: a typo must not lock everyone out or let anyone in.
// Every TokenStore it loaded is kept while it lives, so a Grant a request holds stays valid.
// Concurrency: Current() from any thread; one thread reloads (try-lock), the others read the
// current tokens meanwhile (an atomic pointer, no lock on the read path).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "consumers/http/access_control.h"
#include "engine/status.h"

namespace timeline {

class TokenFileFollower {
 public:
  // Loads `path` (whatever TokenStore::Load says when it cannot) and follows it from then on.
  static Result<std::shared_ptr<TokenFileFollower>> Open(const std::string& path);

  const TokenStore& Current();

  // How many times the file was read again after a change (tests, logs).
  uint64_t reloads() const { return reloads_.load(); }

 private:
  struct FileStamp {
    bool exists = false;
    ino_t inode = 0;
    off_t size = 0;
    timespec modified{};
    bool operator==(const FileStamp& other) const;
  };
  static FileStamp StampOf(const std::string& path);
  void ReloadIfChanged();

  std::string path_;
  std::atomic<const TokenStore*> current_{nullptr};
  std::atomic<int64_t> next_look_ns_{0};
  std::mutex reload_mutex_;                          // guards the members below
  std::vector<std::unique_ptr<TokenStore>> loaded_;  // every generation, the last is current_
  FileStamp stamp_;                                  // of the file current_ was read from
  std::atomic<uint64_t> reloads_{0};
};

}  // namespace timeline
