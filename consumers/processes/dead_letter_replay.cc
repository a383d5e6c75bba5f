#include "consumers/processes/dead_letter_replay.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "consumers/processes/data_directory.h"
#include "consumers/processes/file_lock.h"
#include "consumers/processes/seal_key_guard.h"
#include "consumers/processes/view_swap.h"

namespace timeline {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

constexpr std::string_view kRequestSuffix = ".request";
constexpr std::string_view kResultSuffix = ".result";
constexpr auto kPollEvery = std::chrono::milliseconds(100);

std::string ResultPathOf(const std::string& request_path) {
  return request_path.substr(0, request_path.size() - kRequestSuffix.size()) +
         std::string(kResultSuffix);
}

// Writes `text` to `path` whole: to a file aside, fsynced, then renamed over it.
Status WriteWhole(const std::string& path, const std::string& text) {
  const std::string aside = path + ".tmp";
  const int fd = ::open(aside.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError(fmt::format("cannot write {}", aside));
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = written && ::fsync(fd) == 0;
  ::close(fd);
  std::error_code error;
  if (synced) fs::rename(aside, path, error);
  if (!synced || error) return Status::IoError(fmt::format("cannot write {}", path));
  return Status::Ok();
}

// The letters of `letters` the request names (with `all`: the open ones), in their (key)
// order; NotFound for missing ids.
Result<std::vector<v1::DeadLetter>> Select(const std::vector<v1::DeadLetter>& letters,
                                           const DeadLetterReplayRequest& request) {
  std::vector<v1::DeadLetter> selected;
  for (const auto& letter : letters) {
    const bool named = std::any_of(request.ids.begin(), request.ids.end(),
                                   [&](const DeadLetterId& id) { return id.Names(letter); });
    if (request.all ? !DeadLetterResolved(letter) : named) selected.push_back(letter);
  }
  std::vector<std::string> missing;
  for (const auto& id : request.ids) {
    if (std::none_of(letters.begin(), letters.end(),
                     [&](const v1::DeadLetter& letter) { return id.Names(letter); })) {
      missing.push_back(fmt::format("{}:{}@{}", id.topic, id.partition, id.offset));
    }
  }
  if (!missing.empty()) {
    return Status::NotFound(fmt::format(
        "the views hold no dead letter {}; `timeline dlq list --data DIR` shows those they hold",
        fmt::join(missing, ", ")));
  }
  return selected;
}

// Splits `selected` into the open letters and those a replay resolved (appended to `resolved`).
std::vector<v1::DeadLetter> OpenOnes(std::vector<v1::DeadLetter> selected,
                                     std::vector<v1::DeadLetter>* resolved) {
  std::vector<v1::DeadLetter> open;
  for (auto& letter : selected) {
    (DeadLetterResolved(letter) ? resolved : &open)->push_back(std::move(letter));
  }
  return open;
}

Result<std::vector<v1::DeadLetter>> StoredLetters(const ViewStore& store) {
  std::vector<v1::DeadLetter> letters;
  TIMELINE_RETURN_IF_ERROR(store.ScanDeadLetters([&](const v1::DeadLetter& letter) {
    letters.push_back(letter);
    return true;
  }));
  return letters;
}

// No worker runs: this command is the views' writer for the moment.
Result<DeadLetterReplayReport> ReplayHere(const DeadLetterReplayOptions& options) {
  TIMELINE_RETURN_IF_ERROR(FinishInterruptedSwap(options.data_dir).status());
  const std::string views = ViewsDirectory(options.data_dir);
  if (!fs::exists(views + "/CURRENT")) {
    return Status::NotFound("no views in " + views + "; run `timeline run --data " +
                            options.data_dir + "` first");
  }
  TIMELINE_ASSIGN_OR_RETURN(
      SealKey key, LoadRequiredSealKey(SealKeyPath(options.data_dir, options.seal_key_path),
                                       "the dead-letter replay"));
  TIMELINE_ASSIGN_OR_RETURN(std::unique_ptr<ViewStore> store, ViewStore::OpenPrimary(views));
  TIMELINE_ASSIGN_OR_RETURN(std::vector<v1::DeadLetter> letters, StoredLetters(*store));
  TIMELINE_ASSIGN_OR_RETURN(std::vector<v1::DeadLetter> selected, Select(letters, options.request));
  DeadLetterReplayReport report;
  Projector projector(store.get(), &key);
  TIMELINE_ASSIGN_OR_RETURN(report.replayed, projector.ReplayDeadLetters(
                                                 OpenOnes(std::move(selected), &report.resolved)));
  return report;
}

// A worker runs: leave it a request and wait for its result.
Result<DeadLetterReplayReport> ReplayByWorker(const DeadLetterReplayOptions& options) {
  TIMELINE_ASSIGN_OR_RETURN(std::vector<v1::DeadLetter> before,
                            DeadLettersInViews(options.data_dir));
  TIMELINE_ASSIGN_OR_RETURN(std::vector<v1::DeadLetter> chosen, Select(before, options.request));
  DeadLetterReplayReport report;
  report.by_worker = true;
  const std::vector<v1::DeadLetter> selected = OpenOnes(std::move(chosen), &report.resolved);
  if (selected.empty()) return report;

  std::string text;
  for (const auto& letter : selected) text += DeadLetterIdOf(letter) + "\n";
  const std::string dir = ReplayRequestsDirectory(options.data_dir);
  std::error_code ignored;
  fs::create_directories(dir, ignored);
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const std::string request =
      fmt::format("{}/{:020}-{}-{:08x}{}", dir,
                  std::chrono::duration_cast<std::chrono::milliseconds>(now).count(), ::getpid(),
                  std::random_device{}(), kRequestSuffix);
  TIMELINE_RETURN_IF_ERROR(WriteWhole(request, text));

  const std::string result = ResultPathOf(request);
  const auto deadline = SteadyClock::now() + options.timeout;
  while (!fs::exists(result)) {
    if (SteadyClock::now() >= deadline) {
      return Status::TimedOut(fmt::format(
          "no worker took the replay request {} within {} ms; it stays there, and the worker on "
          "--data {} replays it when it next looks (delete the file to cancel)",
          request, options.timeout.count(), options.data_dir));
    }
    std::this_thread::sleep_for(kPollEvery);
  }
  std::ifstream in(result);
  std::string outcome;
  std::getline(in, outcome);
  fs::remove(result, ignored);
  if (outcome != "ok") {
    return Status::InvalidArgument(
        fmt::format("the worker did not replay: {}",
                    outcome.starts_with("error ") ? outcome.substr(6) : outcome));
  }
  TIMELINE_ASSIGN_OR_RETURN(std::vector<v1::DeadLetter> after,
                            DeadLettersInViews(options.data_dir));
  DeadLetterReplayRequest named;
  for (const auto& letter : selected) {
    named.ids.push_back({letter.topic(), letter.partition(), letter.offset()});
  }
  TIMELINE_ASSIGN_OR_RETURN(report.replayed, Select(after, named));
  return report;
}

}  // namespace

Result<std::vector<v1::DeadLetter>> ReplayDeadLettersInViews(
    Projector& projector, const ViewStore& store, const DeadLetterReplayRequest& request) {
  TIMELINE_ASSIGN_OR_RETURN(std::vector<v1::DeadLetter> letters, StoredLetters(store));
  TIMELINE_ASSIGN_OR_RETURN(std::vector<v1::DeadLetter> selected, Select(letters, request));
  std::vector<v1::DeadLetter> resolved;
  return projector.ReplayDeadLetters(OpenOnes(std::move(selected), &resolved));
}

std::vector<std::string> PendingReplayRequests(const std::string& data_dir) {
  std::vector<std::string> pending;
  std::error_code error;
  for (fs::directory_iterator it(ReplayRequestsDirectory(data_dir), error), end;
       !error && it != end; it.increment(error)) {
    const std::string path = it->path().string();
    if (path.ends_with(kRequestSuffix)) pending.push_back(path);
  }
  std::sort(pending.begin(), pending.end());  // names start with the time: oldest first
  return pending;
}

Result<DeadLetterReplayRequest> ReadReplayRequest(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::IoError("cannot read " + path);
  DeadLetterReplayRequest request;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    TIMELINE_ASSIGN_OR_RETURN(DeadLetterId id, ParseDeadLetterId(line));
    request.ids.push_back(std::move(id));
  }
  return request;
}

Status FinishReplayRequest(const std::string& path, const Status& outcome) {
  TIMELINE_RETURN_IF_ERROR(
      WriteWhole(ResultPathOf(path),
                 outcome.ok() ? std::string("ok\n") : "error " + outcome.message() + "\n"));
  std::error_code error;
  fs::remove(path, error);
  if (error) return Status::IoError(fmt::format("cannot remove {}: {}", path, error.message()));
  return Status::Ok();
}

Result<DeadLetterReplayReport> ReplayDeadLetters(const DeadLetterReplayOptions& options) {
  if (!options.request.all && options.request.ids.empty()) {
    return Status::InvalidArgument("name the dead letters to replay, or --all");
  }
  std::error_code ignored;
  fs::create_directories(options.data_dir, ignored);
  auto lock = FileLock::TryAcquire(ViewsLockPath(options.data_dir), "timeline dlq replay");
  if (!lock.ok()) return lock.status();
  if (lock->has_value()) return ReplayHere(options);  // the lock goes with `lock`
  return ReplayByWorker(options);
}

}  // namespace timeline
