// The query server under hostile clients (connection_server.h): streams at their limits, idle and
// slow connections, and oversized requests must not make anyone else wait; each limit answers
// at once with an ApiError naming it.
#include "consumers/http/connection_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/consumers/http/api_fixture.h"
#include "tests/consumers/http/sse_reader.h"
#include "timeline/v1/api.pb.h"

namespace timeline {
namespace {

using testing::api::ApiFixture;
using testing::api::kAuditor;
using testing::api::kJane;
using testing::api::SseReader;
using Clock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

// A TCP connection to the server that sends exactly what the test says, and reads what comes.
class RawConnection {
 public:
  explicit RawConnection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~RawConnection() { ::close(fd_); }
  bool connected() const { return connected_; }

  // Sends what the socket takes now; false if it took nothing.
  bool Send(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL) > 0;
  }

  // What arrives until the server closes or `timeout` passes; `closed` says which.
  std::string ReadUntilClosed(Ms timeout, bool* closed) {
    std::string got;
    *closed = false;
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      const auto left = std::chrono::duration_cast<Ms>(deadline - Clock::now()).count();
      if (::poll(&p, 1, static_cast<int>(std::max<int64_t>(left, 1))) <= 0) continue;
      char chunk[4096];
      const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
      if (n <= 0) {
        *closed = true;
        break;
      }
      got.append(chunk, static_cast<size_t>(n));
    }
    return got;
  }

 private:
  int fd_;
  bool connected_ = false;
};

// The status and the ApiError of a raw HTTP reply.
struct RawReply {
  int status = 0;
  v1::ApiError error;
};

RawReply ParseReply(const std::string& text) {
  RawReply reply;
  if (text.rfind("HTTP/1.1 ", 0) == 0) reply.status = std::stoi(text.substr(9, 3));
  const size_t body = text.find("\r\n\r\n");
  if (body != std::string::npos) {
    reply.error = ApiFixture::Parse<v1::ApiError>(text.substr(body + 4));
  }
  return reply;
}

// GET `path` with a fresh client; the time it took is in `*took`.
httplib::Result TimedGet(int port, const std::string& path, const std::string& token, Ms* took) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10, 0);
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("Authorization", std::string("Bearer ") + token);
  const auto start = Clock::now();
  auto result = client.Get(path.c_str(), headers);
  *took = std::chrono::duration_cast<Ms>(Clock::now() - start);
  return result;
}

// Generous for a loaded machine, far below the seconds a held thread or a read timeout takes.
constexpr Ms kPrompt{2000};

QueryServerOptions QuickHeartbeat() {
  QueryServerOptions options;
  options.stream_heartbeat = Ms(200);  // so that the readers end soon when the test does
  return options;
}

TEST_CASE(
    "streams at their limit leave threads for every other request and the next is 503 at once",
    "[unit]") {
  QueryServerOptions options = QuickHeartbeat();
  options.max_event_streams = 64;  // as many as the server once had threads
  ApiFixture api(true, options);
  const int port = api.server().port();
  std::vector<std::unique_ptr<SseReader>> streams;
  for (int i = 0; i < 64; ++i) {
    streams.push_back(std::make_unique<SseReader>(
        port, i % 2 ? "/api/portfolio/events" : "/api/accounts/acme/events", kJane));
  }
  for (auto& stream : streams) {
    REQUIRE(stream->WaitUntilOpen(Ms(20000)));
    REQUIRE(stream->status() == 200);
  }

  Ms took{};
  auto health = TimedGet(port, "/healthz", "", &took);
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(took < kPrompt);
  auto accounts = TimedGet(port, "/api/accounts", kAuditor, &took);
  REQUIRE(accounts);
  CHECK(accounts->status == 200);
  CHECK(took < kPrompt);
  auto refused = TimedGet(port, "/api/accounts/acme/events", kJane, &took);
  REQUIRE(refused);
  CHECK(refused->status == 503);
  CHECK_THAT(refused->body, Catch::Contains("at most 64"));
  CHECK(took < kPrompt);
  api.server().Stop();  // ends every stream at once, rather than each reader in turn
}

TEST_CASE("idle and slow connections hold no thread: healthz answers at once beside 240 of them",
          "[unit]") {
  ApiFixture api;
  const int port = api.server().port();
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 240; ++i) {
    idle.push_back(std::make_unique<RawConnection>(port));
    REQUIRE(idle.back()->connected());
    // One in six starts a request and never finishes it (a byte now and then, at worst).
    if (i % 6 == 0) REQUIRE(idle.back()->Send("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
  }
  for (int round = 0; round < 3; ++round) {
    Ms took{};
    auto health = TimedGet(port, "/healthz", "", &took);
    REQUIRE(health);
    CHECK(health->status == 200);
    CHECK(took < kPrompt);
  }
}

TEST_CASE("an idle connection closes after the idle timeout, and an unfinished head gets 408",
          "[unit]") {
  QueryServerOptions options;
  options.connections.idle_timeout = Ms(300);
  options.connections.head_timeout = Ms(300);
  ApiFixture api(true, options);
  RawConnection idle(api.server().port());
  RawConnection slow(api.server().port());
  REQUIRE(slow.Send("GET /healthz HTTP/1.1\r\n"));
  bool closed = false;
  CHECK(idle.ReadUntilClosed(Ms(5000), &closed).empty());
  CHECK(closed);
  const RawReply reply = ParseReply(slow.ReadUntilClosed(Ms(5000), &closed));
  CHECK(closed);
  CHECK(reply.status == 408);
  CHECK(reply.error.code() == "request_timeout");
  CHECK_THAT(reply.error.message(), Catch::Contains("within 300 ms"));
}

TEST_CASE("beyond the connection limit the longest-idle connection closes to admit the next",
          "[unit]") {
  QueryServerOptions options;
  options.connections.max_connections = 4;
  ApiFixture api(true, options);
  const int port = api.server().port();
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 4; ++i) idle.push_back(std::make_unique<RawConnection>(port));
  Ms took{};
  auto health = TimedGet(port, "/healthz", "", &took);  // the fifth connection
  REQUIRE(health);
  CHECK(health->status == 200);
  bool closed = false;
  idle.front()->ReadUntilClosed(Ms(5000), &closed);
  CHECK(closed);
}

TEST_CASE("an oversized request line is answered 414 at once with an ApiError naming the limit",
          "[unit]") {
  ApiFixture api;
  // The line never ends: the server must not wait for the rest of it.
  RawConnection endless(api.server().port());
  REQUIRE(endless.Send("GET /api/accounts?q=" + std::string(9000, 'a')));
  const auto start = Clock::now();
  bool closed = false;
  const RawReply reply = ParseReply(endless.ReadUntilClosed(Ms(5000), &closed));
  CHECK(Clock::now() - start < kPrompt);
  CHECK(closed);
  CHECK(reply.status == 414);
  CHECK(reply.error.code() == "uri_too_long");
  CHECK_THAT(reply.error.message(), Catch::Contains("longer than 8192 bytes"));

  // A whole request from a client that sends far more gets the same answer.
  Ms took{};
  auto whole =
      TimedGet(api.server().port(), "/api/accounts?q=" + std::string(100000, 'a'), kAuditor, &took);
  REQUIRE(whole);
  CHECK(whole->status == 414);
  CHECK(took < kPrompt);
  CHECK(ApiFixture::Parse<v1::ApiError>(whole->body).code() == "uri_too_long");
}

TEST_CASE("oversized headers are 431 and an oversized body 413, each naming the limit", "[unit]") {
  ApiFixture api;
  httplib::Client client("127.0.0.1", api.server().port());
  client.set_read_timeout(10, 0);
  httplib::Headers many;
  for (int i = 0; i < 20; ++i) {
    many.emplace("X-Filler-" + std::to_string(i), std::string(1000, 'f'));
  }
  const auto start = Clock::now();
  auto headers = client.Get("/healthz", many);
  REQUIRE(headers);
  CHECK(headers->status == 431);
  CHECK(Clock::now() - start < kPrompt);
  const auto error = ApiFixture::Parse<v1::ApiError>(headers->body);
  CHECK(error.code() == "headers_too_large");
  CHECK_THAT(error.message(), Catch::Contains("16384 bytes"));

  auto body = client.Post("/api/session", {{"Authorization", std::string("Bearer ") + kJane}},
                          std::string(100000, 'b'), "application/json");
  REQUIRE(body);
  CHECK(body->status == 413);
  const auto too_large = ApiFixture::Parse<v1::ApiError>(body->body);
  CHECK(too_large.code() == "payload_too_large");
  CHECK_THAT(too_large.message(), Catch::Contains("65536 bytes"));
}

}  // namespace
}  // namespace timeline
