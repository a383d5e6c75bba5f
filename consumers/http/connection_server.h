// ConnectionServer: an httplib::Server whose connections hold a thread only while a request is
// answered or a stream is open, so idle, slow or oversized clients cannot take the threads the
// others need (httplib alone gives each connection a thread for as long as it stays open).
//
// Operation: httplib's accept loop hands each connection to a waiting room, one epoll thread.
// There an idle connection waits, and its request's line and headers are read without blocking
// as they arrive. Once they are in whole, a pool thread parses and answers the request with
// httplib's routing (reading the body, if any, and writing the reply or the stream), then the
// connection goes back to the waiting room. The pool has `threads` threads (QueryServer sizes it
// for its stream limits plus ConnectionLimits::request_threads).
// Limits (ConnectionLimits): a request line longer than max_request_line is answered 414 as soon
// as that many bytes came without its end, a longer head 431, a head that does not arrive within
// head_timeout 408: each with an ApiError body naming the limit, then the connection closes. An
// idle connection closes after idle_timeout; beyond max_connections the longest-idle one closes.
// Concurrency: Start via httplib's listen; stop() ends it: the waiting room closes its
// connections and the pool finishes the requests in flight (streams end on their own stop flag).
// Limitations: plain HTTP only (QueryServer serves TLS with httplib's SSLServer, whose idle
// connections hold a thread until its keep-alive timeout).
#pragma once

#include <httplib.h>

#include <memory>

#include "consumers/http/connection_limits.h"

namespace timeline {

class ConnectionServer : public httplib::Server {
 public:
  ConnectionServer(ConnectionLimits limits, size_t threads);
  ~ConnectionServer() override;  // closes every connection and joins the threads

  // After bind_to_port: lets `backlog` connections wait for accept (httplib's is 5, which
  // drops a burst of connections and has their clients retry a second later).
  void WidenBacklog(int backlog);

  class WaitingRoom;  // connection_server.cc

 private:
  bool process_and_close_socket(socket_t sock) override;
  // Closes the waiting room's connections and joins the pool; idempotent.
  void Shutdown();

  std::shared_ptr<WaitingRoom> room_;
};

}  // namespace timeline
