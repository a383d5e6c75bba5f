#include "consumers/http/query_params.h"

#include <charconv>
#include <limits>
#include <string>
#include <string_view>

#include "engine/quoted_text.h"
#include "projections/view_dates.h"

namespace timeline {
namespace {

using google::protobuf::Timestamp;
using httplib::Request;

// A whole number, as the text of parameter (or header) `name`.
Result<uint64_t> WholeNumber(const char* name, const std::string& text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end) {
    return Status::InvalidArgument(std::string(name) + ": " + Quoted(text) +
                                   " is not a whole number");
  }
  return value;
}

// A whole-number query parameter, or `fallback` when absent.
Result<uint64_t> CountParam(const Request& req, const char* name, uint64_t fallback) {
  if (!req.has_param(name)) return fallback;
  return WholeNumber(name, req.get_param_value(name));
}

// A time query parameter (RFC 3339 or YYYY-MM-DD, projections/view_dates.h), nullopt when absent.
Result<std::optional<Timestamp>> TimeParam(const Request& req, const char* name, DateBound bound) {
  if (!req.has_param(name)) return std::optional<Timestamp>();
  auto at = ParseTimeFlag(name, req.get_param_value(name), bound);
  if (!at.ok()) return at.status();
  return std::optional<Timestamp>(*at);
}

}  // namespace

Result<BitemporalCut> CutParams(const Request& req) {
  BitemporalCut cut;
  auto as_of = TimeParam(req, "as_of", DateBound::kLastInstant);
  if (!as_of.ok()) return as_of.status();
  auto known_at = TimeParam(req, "known_at", DateBound::kLastInstant);
  if (!known_at.ok()) return known_at.status();
  if (*as_of) cut.occurred_through = **as_of;
  if (*known_at) cut.recorded_through = **known_at;
  return cut;
}

Result<HistoryQuery> HistoryParams(const Request& req) {
  HistoryQuery query;
  auto from_seq = CountParam(req, "from_seq", 1);
  if (!from_seq.ok()) return from_seq.status();
  if (*from_seq == 0) return Status::InvalidArgument("from_seq: sequences start at 1");
  query.filter.from_sequence = *from_seq;
  auto count = CountParam(req, "limit", kDefaultHistoryLimit);
  if (!count.ok()) return count.status();
  if (*count == 0 || *count > kMaxHistoryLimit) {
    return Status::InvalidArgument("limit: " + std::to_string(*count) + " is not between 1 and " +
                                   std::to_string(kMaxHistoryLimit));
  }
  query.limit = *count;
  auto from = TimeParam(req, "from", DateBound::kFirstInstant);
  if (!from.ok()) return from.status();
  auto to = TimeParam(req, "to", DateBound::kLastInstant);
  if (!to.ok()) return to.status();
  query.filter.occurred_from = *from;
  query.filter.occurred_to = *to;
  for (size_t i = 0; i < req.get_param_value_count("type"); ++i) {
    auto type = ParseEventType(req.get_param_value("type", i));
    if (!type.ok()) return Status::InvalidArgument("type: " + type.status().message());
    query.filter.event_types.insert(*type);
  }
  return query;
}

Result<SeriesMonths> SeriesParams(const Request& req) {
  const std::string interval =
      req.has_param("interval") ? req.get_param_value("interval") : "month";
  if (interval != "month") {
    return Status::InvalidArgument("interval: " + Quoted(interval) +
                                   " is not one; the series has: month");
  }
  SeriesMonths months;
  for (const char* name : {"from", "to"}) {
    if (!req.has_param(name)) continue;
    auto month = ParseSeriesMonth(name, req.get_param_value(name));
    if (!month.ok()) return month.status();
    (std::string_view(name) == "from" ? months.from : months.to) = *month;
  }
  return months;
}

Result<ViewRequest> ViewParams(const Request& req) {
  ViewRequest request;
  request.account = req.get_param_value("account");
  request.reference = TodayUtc();
  auto cut = CutParams(req);
  if (!cut.ok()) return cut.status();
  request.cut = *cut;
  // As `timeline view`: the views' "now" is the as-of day unless `on` says otherwise.
  if (request.cut.occurred_through)
    request.reference = StartOfDay(DayOf(*request.cut.occurred_through));
  auto on = TimeParam(req, "on", DateBound::kFirstInstant);
  if (!on.ok()) return on.status();
  if (*on) request.reference = **on;
  return request;
}

Result<uint64_t> StreamStartSequence(const Request& req, uint64_t version) {
  // Last-Event-ID (the last sequence the client has) wins over from_seq.
  const bool resume = req.has_header("Last-Event-ID");
  if (!resume && !req.has_param("from_seq")) return version + 1;
  const char* name = resume ? "Last-Event-ID" : "from_seq";
  auto value = WholeNumber(
      name, resume ? req.get_header_value("Last-Event-ID") : req.get_param_value("from_seq"));
  if (!value.ok()) return value.status();
  if (resume) {
    // The largest sequence has no next one: + 1 would wrap to 0 and resend the whole history.
    if (*value == std::numeric_limits<uint64_t>::max()) {
      return Status::InvalidArgument("Last-Event-ID: " + std::to_string(*value) +
                                     " is past every sequence");
    }
    return *value + 1;
  }
  if (*value == 0) return Status::InvalidArgument("from_seq: sequences start at 1");
  return *value;
}

}  // namespace timeline
