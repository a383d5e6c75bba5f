#include "consumers/http/query_params.h"

#include <google/protobuf/util/json_util.h>
#include <catch2/catch.hpp>

#include <string>

#include "consumers/http/api_replies.h"
#include "engine/quoted_text.h"
#include "timeline/v1/api.pb.h"

namespace timeline {
namespace {

// A request with `query` parsed as the server parses it (percent-decoding included).
httplib::Request WithQuery(const std::string& query) {
  httplib::Request req;
  httplib::detail::parse_query_text(query, req.params);
  return req;
}

// The ApiError the route replies with for `status`, read back from the reply's JSON.
v1::ApiError RepliedError(const Status& status, std::string* body) {
  httplib::Response res;
  ReplyStatus(res, status);
  *body = res.body;
  v1::ApiError error;
  REQUIRE(google::protobuf::util::JsonStringToMessage(res.body, &error).ok());
  return error;
}

TEST_CASE("history parameters give the filter and the page size, and refuse what is out of range",
          "[unit]") {
  auto query = HistoryParams(WithQuery("from_seq=3&limit=7&from=2026-01-01&type=invoiceIssued"));
  REQUIRE(query.ok());
  CHECK(query->filter.from_sequence == 3);
  CHECK(query->limit == 7);
  CHECK(query->filter.occurred_from.has_value());
  CHECK_FALSE(query->filter.occurred_to.has_value());
  CHECK(query->filter.event_types.size() == 1);

  auto defaults = HistoryParams(WithQuery(""));
  REQUIRE(defaults.ok());
  CHECK(defaults->filter.from_sequence == 1);
  CHECK(defaults->limit == kDefaultHistoryLimit);

  CHECK(HistoryParams(WithQuery("from_seq=0")).status().message() ==
        "from_seq: sequences start at 1");
  CHECK(HistoryParams(WithQuery("limit=0")).status().message() ==
        "limit: 0 is not between 1 and 1000");
}

// Found by tests/fuzz/http_query_params_fuzz.cc: a percent-encoded byte that is not UTF-8 was
// quoted as it came, and the JSON printer drops such bytes, so the reply misquoted the request.
TEST_CASE(
    "a parameter holding bytes that are not UTF-8 is refused with them escaped, intact in "
    "the reply",
    "[unit]") {
  const struct {
    const char* query;
    Status status;
    const char* message;
  } cases[] = {
      {"limit=1%FF", HistoryParams(WithQuery("limit=1%FF")).status(),
       "limit: \"1\\xff\" is not a whole number"},
      {"known_at=2026-02-01T%D210:00:00Z",
       CutParams(WithQuery("known_at=2026-02-01T%D210:00:00Z")).status(),
       "known_at: \"2026-02-01T\\xd210:00:00Z\" is not an RFC 3339 time or a YYYY-MM-DD date"},
      {"interval=%C0%AF", SeriesParams(WithQuery("interval=%C0%AF")).status(),
       "interval: \"\\xc0\\xaf\" is not one; the series has: month"},
      {"from=2026-%E9", SeriesParams(WithQuery("from=2026-%E9")).status(),
       "from: \"2026-\\xe9\" is not a month; expected YYYY-MM, e.g. 2026-01"},
  };
  for (const auto& c : cases) {
    INFO(c.query);
    CHECK(c.status.code() == StatusCode::kInvalidArgument);
    CHECK(c.status.message() == c.message);
    std::string body;
    const v1::ApiError error = RepliedError(c.status, &body);
    CHECK(IsValidUtf8(body));
    CHECK(error.message() == c.status.message());
  }
}

TEST_CASE("a view's reference date in year 0000 is refused, not served as an empty reply",
          "[unit]") {
  auto view = ViewParams(WithQuery("account=acme&on=0000-01-01"));
  REQUIRE_FALSE(view.ok());
  CHECK(view.status().message().rfind("on: \"0000-01-01\"", 0) == 0);
  CHECK_FALSE(CutParams(WithQuery("as_of=0000-01-01")).ok());
}

TEST_CASE("an event stream starts after Last-Event-ID, else at from_seq, else after the version",
          "[unit]") {
  CHECK(StreamStartSequence(WithQuery(""), 41).value() == 42);
  CHECK(StreamStartSequence(WithQuery("from_seq=5"), 41).value() == 5);
  auto resumed = WithQuery("from_seq=5");
  resumed.headers.emplace("Last-Event-ID", "9");
  CHECK(StreamStartSequence(resumed, 41).value() == 10);
  CHECK(StreamStartSequence(WithQuery("from_seq=0"), 41).status().message() ==
        "from_seq: sequences start at 1");
}

// Broke the stream-start invariant of tests/fuzz/http_query_params_fuzz.cc: the last sequence
// plus one wrapped to 0, and the stream would have sent the account's whole history again.
TEST_CASE("a Last-Event-ID at the largest sequence is refused, not wrapped to 0", "[unit]") {
  auto resumed = WithQuery("");
  resumed.headers.emplace("Last-Event-ID", "18446744073709551615");
  auto start = StreamStartSequence(resumed, 41);
  REQUIRE_FALSE(start.ok());
  CHECK(start.status().message() == "Last-Event-ID: 18446744073709551615 is past every sequence");
}

}  // namespace
}  // namespace timeline
