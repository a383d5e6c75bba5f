#include "consumers/http/token_file_follower.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <chrono>

namespace timeline {
namespace {

constexpr std::chrono::seconds kLookEvery{1};

int64_t SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

bool TokenFileFollower::FileStamp::operator==(const FileStamp& other) const {
  return exists == other.exists && inode == other.inode && size == other.size &&
         modified.tv_sec == other.modified.tv_sec && modified.tv_nsec == other.modified.tv_nsec;
}

TokenFileFollower::FileStamp TokenFileFollower::StampOf(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return FileStamp{};
  return FileStamp{true, info.st_ino, info.st_size, info.st_mtim};
}

Result<std::shared_ptr<TokenFileFollower>> TokenFileFollower::Open(const std::string& path) {
  auto follower = std::make_shared<TokenFileFollower>();
  follower->path_ = path;
  // Stamp first, read second: a change in between is seen again at the next look.
  follower->stamp_ = StampOf(path);
  auto tokens = TokenStore::Load(path);
  if (!tokens.ok()) return tokens.status();
  follower->loaded_.push_back(std::make_unique<TokenStore>(std::move(tokens).value()));
  follower->current_.store(follower->loaded_.back().get());
  follower->next_look_ns_.store(SteadyNowNs() + std::chrono::nanoseconds(kLookEvery).count());
  return follower;
}

const TokenStore& TokenFileFollower::Current() {
  if (SteadyNowNs() >= next_look_ns_.load(std::memory_order_relaxed)) ReloadIfChanged();
  return *current_.load(std::memory_order_acquire);
}

void TokenFileFollower::ReloadIfChanged() {
  std::unique_lock<std::mutex> lock(reload_mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return;  // another thread is looking; use what there is
  next_look_ns_.store(SteadyNowNs() + std::chrono::nanoseconds(kLookEvery).count());
  const FileStamp stamp = StampOf(path_);
  if (stamp == stamp_) return;
  stamp_ = stamp;
  auto tokens = TokenStore::Load(path_);
  if (!tokens.ok()) {
    spdlog::warn("tokens: {} changed but does not load ({}); the last good tokens stay", path_,
                 tokens.status().message());
    return;
  }
  loaded_.push_back(std::make_unique<TokenStore>(std::move(tokens).value()));
  current_.store(loaded_.back().get(), std::memory_order_release);
  reloads_.fetch_add(1);
  spdlog::info("tokens: {} read again: {} token(s)", path_, loaded_.back()->size());
}

}  // namespace timeline
