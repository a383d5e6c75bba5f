// Reads a server-sent-event stream over real HTTP on its own thread, for the event stream tests:
// collects each message (id, event, data) and comment as it arrives.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace timeline::testing::api {

struct SseMessage {
  std::string id;
  std::string event;
  std::string data;
};

class SseReader {
 public:
  // Opens GET `path` on 127.0.0.1:`port` with the bearer `token` and, unless empty, the
  // Last-Event-ID header.
  SseReader(int port, std::string path, const std::string& token,
            const std::string& last_event_id = "")
      : SseReader(port, std::move(path), Headers(token, last_event_id)) {}

  // Opens GET `path` with exactly `headers` (a session cookie rather than a bearer token).
  SseReader(int port, std::string path, httplib::Headers headers)
      : thread_([this, port, path = std::move(path), headers = std::move(headers)] {
          httplib::Client client("127.0.0.1", port);
          client.set_read_timeout(5, 0);
          client.Get(
              path.c_str(), headers,
              [this](const httplib::Response& response) {
                Update([&] { status_ = response.status; });
                return true;
              },
              [this](const char* data, size_t size) {
                Update([&] { Parse(std::string(data, size)); });
                return !stop_.load();
              });
          Update([&] { ended_ = true; });
        }) {}

  ~SseReader() {
    stop_.store(true);  // the next chunk (a heartbeat at the latest) ends the request
    thread_.join();
  }

  // Each waits at most `timeout` for what it names and says whether it came.
  bool WaitForMessages(size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(2)) {
    return WaitUntil([&] { return messages_.size() >= count; }, timeout);
  }
  bool WaitForComments(size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(2)) {
    return WaitUntil([&] { return comments_.size() >= count; }, timeout);
  }
  bool WaitUntilOpen(std::chrono::milliseconds timeout = std::chrono::seconds(2)) {
    return WaitUntil([&] { return !comments_.empty() || ended_; }, timeout);
  }
  bool WaitForStatus(std::chrono::milliseconds timeout = std::chrono::seconds(2)) {
    return WaitUntil([&] { return status_ != 0; }, timeout);
  }
  bool WaitUntilEnded(std::chrono::milliseconds timeout = std::chrono::seconds(2)) {
    return WaitUntil([&] { return ended_; }, timeout);
  }

  std::vector<SseMessage> messages() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return messages_;
  }
  std::vector<std::string> comments() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return comments_;
  }
  int status() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return status_;
  }
  bool ended() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return ended_;
  }

 private:
  static httplib::Headers Headers(const std::string& token, const std::string& last_event_id) {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    if (!last_event_id.empty()) headers.emplace("Last-Event-ID", last_event_id);
    return headers;
  }

  // `ready` runs under the mutex: it reads the members, never the locking accessors.
  bool WaitUntil(const std::function<bool()>& ready, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, ready);
  }

  void Update(const std::function<void()>& change) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      change();
    }
    changed_.notify_all();
  }

  // Splits the text read so far into messages at blank lines (the SSE framing).
  void Parse(const std::string& chunk) {
    pending_ += chunk;
    size_t end;
    while ((end = pending_.find("\n\n")) != std::string::npos) {
      const std::string block = pending_.substr(0, end + 1);
      pending_.erase(0, end + 2);
      SseMessage message;
      bool has_data = false;
      size_t start = 0;
      for (size_t nl; (nl = block.find('\n', start)) != std::string::npos; start = nl + 1) {
        const std::string line = block.substr(start, nl - start);
        if (line.rfind(":", 0) == 0) {
          comments_.push_back(line);
        } else if (line.rfind("id: ", 0) == 0) {
          message.id = line.substr(4);
        } else if (line.rfind("event: ", 0) == 0) {
          message.event = line.substr(7);
        } else if (line.rfind("data: ", 0) == 0) {
          message.data += line.substr(6);
          has_data = true;
        }
      }
      if (has_data) messages_.push_back(std::move(message));
    }
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string pending_;
  std::vector<SseMessage> messages_;
  std::vector<std::string> comments_;
  int status_ = 0;
  bool ended_ = false;
  std::atomic<bool> stop_{false};
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace timeline::testing::api
