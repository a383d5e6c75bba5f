// ConnectionLimits: how much of the HTTP server one client may hold, and for how long
// (connection_server.h applies them; QueryServerOptions carries them). The defaults suit the
// dashboard and API clients of one business; each bound answers or closes at once when reached,
// so that a hostile client cannot make the others wait.
#pragma once

#include <chrono>
#include <cstddef>

namespace timeline {

struct ConnectionLimits {
  // Threads that answer requests beside the open streams: the pool holds this many plus one per
  // stream the stream limits allow, so streams at their limit still leave these free.
  size_t request_threads = 16;
  // Connections open at once (idle ones included). Beyond it the longest-idle connection is
  // closed to make room, or the new one if none is idle. httplib answers 500 on a socket
  // numbered 1024 or above (it uses select()), so this stays well below that.
  size_t max_connections = 512;
  // An idle connection (before its first request or between two) closes after this long.
  std::chrono::milliseconds idle_timeout{5000};
  // A request's line and headers must arrive whole within this long of their first byte;
  // otherwise 408 and the connection closes (a client sending a byte at a time holds nothing).
  std::chrono::milliseconds head_timeout{5000};
  // A read of a request's body or a write of a reply waits at most this long for the socket.
  std::chrono::milliseconds io_timeout{5000};
  // The request line (method, target, version) at most, else 414; the line and headers at most,
  // else 431; a request's body at most, else 413. Each as an ApiError naming the limit.
  size_t max_request_line = 8192;
  size_t max_request_head = 16384;
  size_t max_request_body = 65536;
  // Requests served on one kept-alive connection before it closes.
  size_t max_requests_per_connection = 1000;
};

}  // namespace timeline
