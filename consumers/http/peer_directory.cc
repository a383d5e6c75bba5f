#include "consumers/http/peer_directory.h"

#include <httplib.h>

#include <chrono>

namespace timeline {
namespace {
constexpr std::chrono::seconds kAskEvery{2};
constexpr time_t kPeerTimeoutSeconds = 1;
}  // namespace

std::unique_ptr<PeerDirectory> PeerDirectory::Start(std::vector<std::string> urls) {
  std::unique_ptr<PeerDirectory> directory(new PeerDirectory());
  directory->urls_ = std::move(urls);
  if (!directory->urls_.empty()) {
    directory->thread_ = std::thread([raw = directory.get()] { raw->Loop(); });
  }
  return directory;
}

PeerDirectory::~PeerDirectory() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::optional<std::string> PeerDirectory::UrlOf(const std::string& member) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = url_of_member_.find(member);
  if (found == url_of_member_.end()) return std::nullopt;
  return found->second;
}

void PeerDirectory::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    std::map<std::string, std::string> answers;
    for (const std::string& url : urls_) {
      httplib::Client client(url);
      client.set_connection_timeout(kPeerTimeoutSeconds, 0);
      client.set_read_timeout(kPeerTimeoutSeconds, 0);
      auto reply = client.Get("/api/holder");
      if (reply && reply->status == 200 && !reply->body.empty()) answers[reply->body] = url;
    }
    lock.lock();
    url_of_member_ = std::move(answers);
    wake_.wait_for(lock, kAskEvery, [this] { return stopping_; });
  }
}

}  // namespace timeline
