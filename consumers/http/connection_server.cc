#include "consumers/http/connection_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "consumers/http/api_replies.h"

namespace timeline {
namespace {

using Clock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

// How long a refused connection's further bytes are read and dropped before it closes, so that
// the client reads the refusal rather than a reset.
constexpr Ms kDrainFor{2000};
// How often the waiting room looks for connections past their deadline.
constexpr Ms kExpireEvery{50};

// One client connection and the bytes read from it that httplib has not consumed yet.
struct Connection {
  enum class Phase { kIdle, kHead, kDraining };

  Connection(int socket, std::atomic<size_t>* open_count) : fd(socket), open(open_count) {}
  ~Connection() {
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
    open->fetch_sub(1);
  }
  size_t buffered() const { return in.size() - pos; }

  const int fd;
  std::atomic<size_t>* const open;
  std::string in;
  size_t pos = 0;
  size_t served = 0;  // requests answered
  Phase phase = Phase::kIdle;
  bool in_epoll = false;       // in the waiting room's epoll set (possibly disarmed: one-shot)
  Clock::time_point deadline;  // idle: closes; head: 408; draining: closes
  Clock::time_point idle_since;
};

enum class Head { kIncomplete, kComplete, kLineTooLong, kTooLarge };

// Whether the buffered bytes hold a whole request line and headers within the limits. The line
// is counted with its CRLF, as httplib does.
Head ScanHead(const Connection& c, const ConnectionLimits& limits) {
  std::string_view view(c.in);
  view.remove_prefix(c.pos);
  const size_t line_end = view.find('\n');
  if (line_end == std::string_view::npos ? view.size() >= limits.max_request_line
                                         : line_end + 1 > limits.max_request_line) {
    return Head::kLineTooLong;
  }
  const size_t end = view.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    return view.size() >= limits.max_request_head ? Head::kTooLarge : Head::kIncomplete;
  }
  if (end + 4 > limits.max_request_head) return Head::kTooLarge;
  // httplib refuses a header line longer than this with a bare 400.
  for (size_t start = line_end + 1; start < end + 2;) {
    const size_t next = view.find("\r\n", start);
    if (next + 2 - start > CPPHTTPLIB_HEADER_MAX_LENGTH) return Head::kTooLarge;
    start = next + 2;
  }
  return Head::kComplete;
}

bool WaitFor(int fd, short events, Ms timeout) {
  pollfd p{fd, events, 0};
  for (;;) {
    const int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (ready < 0 && errno == EINTR) continue;
    return ready > 0 && (p.revents & events) != 0;
  }
}

std::string IpOf(const sockaddr_storage& address, int* port) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof(text));
    *port = ntohs(v4.sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof(text));
    *port = ntohs(v6.sin6_port);
  }
  return text;
}

// httplib's view of a connection on a pool thread: reads start with the bytes the waiting room
// buffered; each read or write waits at most `timeout` for the socket.
class ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(Connection& c, Ms timeout) : c_(c), timeout_(timeout) {}

  bool is_readable() const override {
    return c_.buffered() > 0 || WaitFor(c_.fd, POLLIN, timeout_);
  }
  bool is_writable() const override { return WaitFor(c_.fd, POLLOUT, timeout_) && Alive(); }

  ssize_t read(char* ptr, size_t size) override {
    if (c_.buffered() == 0) {
      c_.in.clear();
      c_.pos = 0;
      char chunk[4096];
      ssize_t got = -1;
      while (got < 0) {
        if (!WaitFor(c_.fd, POLLIN, timeout_)) return -1;
        got = ::recv(c_.fd, chunk, sizeof(chunk), MSG_DONTWAIT);
        if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return -1;
      }
      if (got == 0) return 0;
      c_.in.append(chunk, static_cast<size_t>(got));
    }
    const size_t n = std::min(size, c_.buffered());
    std::memcpy(ptr, c_.in.data() + c_.pos, n);
    c_.pos += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    size_t sent = 0;
    while (sent < size) {
      if (!WaitFor(c_.fd, POLLOUT, timeout_)) return -1;
      const ssize_t n = ::send(c_.fd, ptr + sent, size - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return -1;
      if (n > 0) sent += static_cast<size_t>(n);
    }
    return static_cast<ssize_t>(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    if (::getpeername(c_.fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      ip = IpOf(address, &port);
    }
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    if (::getsockname(c_.fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      ip = IpOf(address, &port);
    }
  }
  socket_t socket() const override { return c_.fd; }

 private:
  // Open unless the client closed it (a stream notices this between two writes).
  bool Alive() const {
    if (!WaitFor(c_.fd, POLLIN, Ms(0))) return true;
    char byte;
    const ssize_t n = ::recv(c_.fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
  }

  Connection& c_;
  const Ms timeout_;
};

const char* ReasonPhrase(int status) {
  switch (status) {
    case 408: return "Request Timeout";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    default: return "Error";
  }
}

}  // namespace

class ConnectionServer::WaitingRoom {
 public:
  WaitingRoom(ConnectionServer* server, ConnectionLimits limits, size_t threads)
      : server_(server), limits_(limits) {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    epoll_event wake{};
    wake.events = EPOLLIN;
    wake.data.fd = wake_fd_;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &wake);
    loop_ = std::thread([this] { Loop(); });
    for (size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
  }

  // A connection httplib accepted (on its accept thread): waits here for its first request.
  void Admit(int fd) {
    open_.fetch_add(1);
    auto c = std::make_unique<Connection>(fd, &open_);
    if (open_.load() > limits_.max_connections && !EvictLongestIdle()) return;  // closes `c`
    c->phase = Connection::Phase::kIdle;
    c->idle_since = Clock::now();
    c->deadline = c->idle_since + limits_.idle_timeout;
    Park(std::move(c));
  }

  void Shutdown() {
    std::call_once(shut_, [this] {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
      }
      // Wakes the loop at once (it would notice within kExpireEvery anyway).
      const uint64_t one = 1;
      [[maybe_unused]] const ssize_t woke = ::write(wake_fd_, &one, sizeof(one));
      jobs_ready_.notify_all();
      loop_.join();
      for (auto& worker : workers_) worker.join();
      std::lock_guard<std::mutex> lock(mutex_);
      parked_.clear();
      jobs_.clear();
      ::close(epoll_fd_);
      ::close(wake_fd_);
    });
  }

 private:
  bool Stopping() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stopping_;
  }

  // Waits in epoll for `c` to be readable (once: the event disarms it).
  void Park(std::unique_ptr<Connection> c) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    const int fd = c->fd;
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
    event.data.fd = fd;
    ::epoll_ctl(epoll_fd_, c->in_epoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event);
    c->in_epoll = true;
    parked_[fd] = std::move(c);
  }

  void Unwatch(Connection& c) {
    if (c.in_epoll) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
    c.in_epoll = false;
  }

  // Takes `fd`'s connection out of the waiting room (and epoll); null if it is not there.
  std::unique_ptr<Connection> Take(int fd) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = parked_.find(fd);
    if (it == parked_.end()) return nullptr;
    auto c = std::move(it->second);
    parked_.erase(it);
    return c;
  }

  // Closes the connection idle the longest, to admit a new one; false if none is idle.
  bool EvictLongestIdle() {
    std::lock_guard<std::mutex> lock(mutex_);
    auto oldest = parked_.end();
    for (auto it = parked_.begin(); it != parked_.end(); ++it) {
      if (it->second->phase == Connection::Phase::kHead) continue;
      if (oldest == parked_.end() || it->second->idle_since < oldest->second->idle_since) {
        oldest = it;
      }
    }
    if (oldest == parked_.end()) return false;
    Unwatch(*oldest->second);
    parked_.erase(oldest);
    return true;
  }

  void Loop() {
    std::vector<epoll_event> events(64);
    auto last_expiry = Clock::now();
    for (;;) {
      const int ready = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()),
                                     static_cast<int>(kExpireEvery.count()));
      if (Stopping()) return;
      for (int i = 0; i < ready; ++i) {
        if (events[i].data.fd == wake_fd_) continue;
        if (auto c = Take(events[i].data.fd)) OnReadable(std::move(c));
      }
      const auto now = Clock::now();
      if (now - last_expiry >= kExpireEvery) {
        last_expiry = now;
        Expire(now);
      }
    }
  }

  // Reads what arrived without blocking: a whole head goes to a pool thread.
  void OnReadable(std::unique_ptr<Connection> c) {
    char chunk[4096];
    bool closed = false;
    if (c->phase == Connection::Phase::kDraining) {
      for (;;) {
        const ssize_t n = ::recv(c->fd, chunk, sizeof(chunk), MSG_DONTWAIT);
        if (n > 0) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Park(std::move(c));
        return;  // the client closed: so do we
      }
    }
    Head head = ScanHead(*c, limits_);
    while (head == Head::kIncomplete) {
      const ssize_t n = ::recv(c->fd, chunk, sizeof(chunk), MSG_DONTWAIT);
      if (n > 0) {
        c->in.append(chunk, static_cast<size_t>(n));
        head = ScanHead(*c, limits_);
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) break;
      closed = true;
      break;
    }
    if (c->buffered() > 0 && c->phase == Connection::Phase::kIdle) {
      c->phase = Connection::Phase::kHead;
      c->deadline = Clock::now() + limits_.head_timeout;
    }
    switch (head) {
      case Head::kComplete: Unwatch(*c); return Enqueue(std::move(c));
      case Head::kLineTooLong:
      case Head::kTooLarge: return RefuseHead(std::move(c), head);
      case Head::kIncomplete:
        if (closed) return;
        return Park(std::move(c));
    }
  }

  void RefuseHead(std::unique_ptr<Connection> c, Head head) {
    if (head == Head::kLineTooLong) {
      return Refuse(std::move(c), 414, "uri_too_long",
                    "the request line is longer than " + std::to_string(limits_.max_request_line) +
                        " bytes; shorten the path and query");
    }
    Refuse(std::move(c), 431, "headers_too_large",
           "the request's headers are longer than " + std::to_string(limits_.max_request_head) +
               " bytes, or one of them than " + std::to_string(CPPHTTPLIB_HEADER_MAX_LENGTH) +
               "; send fewer or shorter headers");
  }

  // Answers `status` with an ApiError, then drops what the client still sends until it closes.
  void Refuse(std::unique_ptr<Connection> c, int status, const std::string& code,
              const std::string& message) {
    httplib::Response res;
    ReplyError(res, status, code, message);
    const std::string reply =
        "HTTP/1.1 " + std::to_string(status) + " " + ReasonPhrase(status) +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(res.body.size()) +
        "\r\nConnection: close\r\n\r\n" + res.body;
    // A fresh socket's send buffer holds a reply this small; if not, the client sees a close.
    if (::send(c->fd, reply.data(), reply.size(), MSG_DONTWAIT | MSG_NOSIGNAL) < 0) return;
    ::shutdown(c->fd, SHUT_WR);
    c->phase = Connection::Phase::kDraining;
    c->deadline = Clock::now() + kDrainFor;
    c->in.clear();
    c->pos = 0;
    Park(std::move(c));
  }

  void Expire(Clock::time_point now) {
    std::vector<std::unique_ptr<Connection>> expired;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto it = parked_.begin(); it != parked_.end();) {
        if (it->second->deadline > now) {
          ++it;
          continue;
        }
        Unwatch(*it->second);
        expired.push_back(std::move(it->second));
        it = parked_.erase(it);
      }
    }
    for (auto& c : expired) {
      if (c->phase != Connection::Phase::kHead) continue;  // idle or drained: closes
      Refuse(std::move(c), 408, "request_timeout",
             "the request's line and headers did not arrive within " +
                 std::to_string(limits_.head_timeout.count()) + " ms");
    }
  }

  void Enqueue(std::unique_ptr<Connection> c) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
      jobs_.push_back(std::move(c));
    }
    jobs_ready_.notify_one();
  }

  void Work() {
    for (;;) {
      std::unique_ptr<Connection> c;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        jobs_ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (stopping_) return;
        c = std::move(jobs_.front());
        jobs_.pop_front();
      }
      Serve(std::move(c));
    }
  }

  // Answers the requests `c` holds whole, then sends it back to wait (a pool thread).
  void Serve(std::unique_ptr<Connection> c) {
    ConnectionStream stream(*c, limits_.io_timeout);
    for (;;) {
      ++c->served;
      const bool close_connection = c->served >= limits_.max_requests_per_connection || Stopping();
      bool connection_closed = false;
      const bool ok = server_->process_request(stream, close_connection, connection_closed, {});
      if (!ok || close_connection || connection_closed) return;
      c->in.erase(0, c->pos);
      c->pos = 0;
      c->phase = Connection::Phase::kIdle;
      c->idle_since = Clock::now();
      c->deadline = c->idle_since + limits_.idle_timeout;
      const Head head = ScanHead(*c, limits_);
      if (head == Head::kComplete) continue;  // a pipelined request, already here
      if (head != Head::kIncomplete) return RefuseHead(std::move(c), head);
      if (c->buffered() > 0) {
        c->phase = Connection::Phase::kHead;
        c->deadline = c->idle_since + limits_.head_timeout;
      }
      return Park(std::move(c));  // waits for (the rest of) its next request
    }
  }

  ConnectionServer* const server_;
  const ConnectionLimits limits_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::atomic<size_t> open_{0};
  std::mutex mutex_;
  bool stopping_ = false;
  std::unordered_map<int, std::unique_ptr<Connection>> parked_;
  std::deque<std::unique_ptr<Connection>> jobs_;
  std::condition_variable jobs_ready_;
  std::thread loop_;
  std::vector<std::thread> workers_;
  std::once_flag shut_;
};

namespace {

// httplib's task queue for a ConnectionServer: hands each accepted connection over at once, and
// shuts the waiting room when httplib stops listening.
class AdmitAtOnce final : public httplib::TaskQueue {
 public:
  explicit AdmitAtOnce(std::function<void()> shutdown) : shutdown_(std::move(shutdown)) {}
  void enqueue(std::function<void()> admit) override { admit(); }
  void shutdown() override { shutdown_(); }

 private:
  std::function<void()> shutdown_;
};

}  // namespace

ConnectionServer::ConnectionServer(ConnectionLimits limits, size_t threads)
    : room_(std::make_shared<WaitingRoom>(this, limits, threads)) {
  set_payload_max_length(limits.max_request_body);
  new_task_queue = [this] { return new AdmitAtOnce([this] { Shutdown(); }); };
}

ConnectionServer::~ConnectionServer() { Shutdown(); }

bool ConnectionServer::process_and_close_socket(socket_t sock) {
  room_->Admit(sock);
  return true;
}

void ConnectionServer::WidenBacklog(int backlog) {
  if (svr_sock_ != INVALID_SOCKET) ::listen(svr_sock_, backlog);  // listen again: a new length
}

void ConnectionServer::Shutdown() { room_->Shutdown(); }

}  // namespace timeline
