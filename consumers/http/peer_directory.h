// PeerDirectory: which of the other servers (`--peer URL`) reads which worker's views, so that
// an account whose partition another worker folds is answered by the server beside that worker
// (stale_answers.h) rather than refused.
//
// Operation: a thread asks each peer for `GET /api/holder` (the member name of the worker whose
// views it reads, ops_routes.h) every 2 s with a 1 s timeout; a peer that does not answer is
// left out until it does. Readers take the last answers without waiting.
// Concurrency: UrlOf() from any thread.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace timeline {

class PeerDirectory {
 public:
  // Starts asking `urls` ("http://host:port"); none: a directory that knows no one.
  static std::unique_ptr<PeerDirectory> Start(std::vector<std::string> urls);
  ~PeerDirectory();  // stops the thread
  PeerDirectory(const PeerDirectory&) = delete;
  PeerDirectory& operator=(const PeerDirectory&) = delete;

  // The URL of a peer reading the views of worker `member`; nullopt when none said so lately.
  std::optional<std::string> UrlOf(const std::string& member) const;

 private:
  PeerDirectory() = default;
  void Loop();

  std::vector<std::string> urls_;
  mutable std::mutex mutex_;
  std::map<std::string, std::string> url_of_member_;  // guarded by mutex_
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace timeline
