// Fuzz target: the query string of an HTTP API request (and a Last-Event-ID header), parsed as the
// server does: httplib's own query parser (percent-decoding included), then each route's
// parameter parsing (consumers/http/query_params.h), and a refusal rendered as the route replies.
// The input is the query text, optionally followed by a newline and the Last-Event-ID value.
//
// Invariants, for every input:
// - a refusal is a 400 whose message names the parameter, and whose body is UTF-8 JSON that
//   reads back as an ApiError with the same message (a decoded %FF must not break the reply);
// - what is accepted is in range: 1 <= limit <= 1000, sequences from 1, timestamps that
//   protobuf's JSON mapping can print (years 1..9999), months of a valid year.
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "consumers/http/api_replies.h"
#include "consumers/http/query_params.h"
#include "tests/fuzz/fuzz_check.h"
#include "timeline/v1/api.pb.h"

namespace timeline::fuzz {
namespace {

using google::protobuf::Timestamp;
using google::protobuf::util::TimeUtil;

httplib::Request RequestOf(std::string_view input) {
  httplib::Request req;
  const size_t newline = input.find('\n');
  httplib::detail::parse_query_text(std::string(input.substr(0, newline)), req.params);
  if (newline != std::string_view::npos) {
    req.headers.emplace("Last-Event-ID", std::string(input.substr(newline + 1)));
  }
  return req;
}

// A refusal names one of `names` first, and its reply is a well-formed ApiError.
void CheckRefusal(const Status& status, std::initializer_list<std::string_view> names) {
  FUZZ_CHECK(status.code() == StatusCode::kInvalidArgument,
             "a bad parameter is invalid_argument: " + status.ToString());
  bool named = false;
  for (std::string_view name : names) {
    named = named || status.message().rfind(std::string(name) + ": ", 0) == 0;
  }
  FUZZ_CHECK(named, "the refusal names its parameter: " + status.message());
  httplib::Response res;
  ReplyStatus(res, status);
  FUZZ_CHECK(res.status == 400, "a bad parameter is a 400");
  CheckUtf8(res.body, "the 400 reply");
  v1::ApiError error;
  FUZZ_CHECK(google::protobuf::util::JsonStringToMessage(res.body, &error).ok(),
             "the 400 reply is an ApiError: " + res.body);
  FUZZ_CHECK(error.message() == status.message(),
             "the reply carries the message unchanged: " + Quoted(status.message(), 200));
}

void CheckPrintable(const std::optional<Timestamp>& at, std::string_view what) {
  if (!at) return;
  FUZZ_CHECK(at->seconds() >= TimeUtil::kTimestampMinSeconds &&
                 at->seconds() <= TimeUtil::kTimestampMaxSeconds && at->nanos() >= 0 &&
                 at->nanos() <= 999'999'999,
             std::string(what) + " is a time protobuf can print: " + at->DebugString());
}

void CheckHistory(const httplib::Request& req) {
  auto query = HistoryParams(req);
  if (!query.ok()) return CheckRefusal(query.status(), {"from_seq", "limit", "from", "to", "type"});
  FUZZ_CHECK(query->limit >= 1 && query->limit <= kMaxHistoryLimit, "the limit is 1..1000");
  FUZZ_CHECK(query->filter.from_sequence >= 1, "the history starts at a sequence >= 1");
  CheckPrintable(query->filter.occurred_from, "from");
  CheckPrintable(query->filter.occurred_to, "to");
}

void CheckViewAndCut(const httplib::Request& req) {
  auto view = ViewParams(req);
  if (!view.ok()) return CheckRefusal(view.status(), {"as_of", "known_at", "on"});
  CheckPrintable(view->reference, "the reference date");
  CheckPrintable(view->cut.occurred_through, "as_of");
  CheckPrintable(view->cut.recorded_through, "known_at");
  auto cut = CutParams(req);
  FUZZ_CHECK(cut.ok(), "the parameters a view accepted are a cut");
}

void CheckSeries(const httplib::Request& req) {
  auto months = SeriesParams(req);
  if (!months.ok()) return CheckRefusal(months.status(), {"interval", "from", "to"});
  for (const auto& month : {months->from, months->to}) {
    FUZZ_CHECK(!month || (*month >= 0 && *month < 10000 * 12), "a month of a year 0..9999");
  }
}

void CheckStreamStart(const httplib::Request& req) {
  constexpr uint64_t kVersion = 41;  // an account's version when the stream opens
  auto start = StreamStartSequence(req, kVersion);
  if (!start.ok()) return CheckRefusal(start.status(), {"from_seq", "Last-Event-ID"});
  FUZZ_CHECK(*start >= 1, "an event stream starts at a sequence >= 1");
}

}  // namespace
}  // namespace timeline::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace timeline::fuzz;
  const httplib::Request req =
      RequestOf(std::string_view(reinterpret_cast<const char*>(data), size));
  CheckHistory(req);
  CheckViewAndCut(req);
  CheckSeries(req);
  CheckStreamStart(req);
  return 0;
}
