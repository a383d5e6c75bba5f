// /metrics and /readyz over real HTTP, on the query server fixture.
#include "consumers/http/ops_routes.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/consumers/http/api_fixture.h"
#include "tests/consumers/metrics/exposition_grammar.h"

namespace timeline {
namespace {

using testing::api::ApiFixture;
using testing::api::kJane;

// The value of the sample whose name and labels are exactly `series`; -1 when absent.
double Sample(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

TEST_CASE("/metrics is the text format 0.0.4 and counts requests by route and status", "[unit]") {
  ApiFixture api;
  auto first = api.Get("/metrics");
  REQUIRE(first->status == 200);
  CHECK(first->get_header_value("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(testing::NonConformingLines(first->body).empty());
  const std::string ok_series =
      R"(timeline_http_requests_total{route="/api/accounts/{id}",status="200"})";
  const std::string forbidden_series =
      R"(timeline_http_requests_total{route="/api/accounts/{id}",status="403"})";
  CHECK(Sample(first->body, ok_series) == 0);

  REQUIRE(api.Get("/api/accounts/acme", kJane)->status == 200);
  REQUIRE(api.Get("/api/accounts/acme", kJane)->status == 200);
  REQUIRE(api.Get("/api/accounts/beta", kJane)->status == 403);
  auto second = api.Get("/metrics");
  CHECK(testing::NonConformingLines(second->body).empty());
  CHECK(Sample(second->body, ok_series) == 2);
  CHECK(Sample(second->body, forbidden_series) == 1);
  CHECK(Sample(second->body, R"(timeline_http_requests_total{route="/metrics",status="200"})") ==
        1);
  // The route's latency histogram: cumulative buckets ending at +Inf with _count.
  const std::regex bucket(
      R"re(timeline_http_request_duration_seconds_bucket\{route="/api/accounts/\{id\}",le="([^"]+)"\} (\d+))re");
  std::vector<std::pair<std::string, double>> buckets;
  std::istringstream lines(second->body);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (std::regex_match(line, match, bucket)) buckets.emplace_back(match[1], std::stod(match[2]));
  }
  REQUIRE(buckets.size() > 2);
  for (size_t i = 1; i < buckets.size(); ++i) CHECK(buckets[i].second >= buckets[i - 1].second);
  CHECK(buckets.back().first == "+Inf");
  CHECK(buckets.back().second == 3);
  CHECK(Sample(second->body,
               R"(timeline_http_request_duration_seconds_count{route="/api/accounts/{id}"})") == 3);
}

TEST_CASE("/readyz is 503 with a reason until the views have caught up, then 200", "[unit]") {
  auto caught_up = std::make_shared<std::atomic<bool>>(false);
  QueryServerOptions options;
  options.readiness = [caught_up] {
    return caught_up->load() ? Readiness{true, ""}
                             : Readiness{false, "partition 0 is 3 events behind"};
  };
  ApiFixture api(true, options);
  auto waiting = api.Get("/readyz");  // no token needed
  CHECK(waiting->status == 503);
  CHECK(waiting->body == R"({"code":"not_ready","message":"partition 0 is 3 events behind"})");
  caught_up->store(true);
  auto ready = api.Get("/readyz");
  CHECK(ready->status == 200);
  CHECK(ready->body == "ready");
}

}  // namespace
}  // namespace timeline
