// The query parameters (and the Last-Event-ID header) of the HTTP API, parsed into what the
// handlers need. Apart from the routes so that the parsing of what a client sends can be tested
// and fuzzed on its own (tests/fuzz/http_query_params_fuzz.cc).
// Every failure is InvalidArgument whose message starts with the parameter's name and quotes
// what was sent escaped as engine/quoted_text.h does: a decoded %FF is not UTF-8, and the
// message goes back in a JSON reply.
// Thread-safe: functions of the request.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <optional>

#include "engine/status.h"
#include "projections/bitemporal_cut.h"
#include "projections/history_filter.h"
#include "projections/money_series.h"
#include "projections/view_registry.h"

namespace timeline {

inline constexpr uint64_t kDefaultHistoryLimit = 100;
inline constexpr uint64_t kMaxHistoryLimit = 1000;

// ?as_of=&known_at= (RFC 3339 or YYYY-MM-DD, through that day).
Result<BitemporalCut> CutParams(const httplib::Request& req);

// /history: which events, and how many on a page.
struct HistoryQuery {
  HistoryFilter filter;
  uint64_t limit = kDefaultHistoryLimit;  // 1..kMaxHistoryLimit
};
// ?from_seq= (>= 1) &limit= &from= &to= &type= (repeatable).
Result<HistoryQuery> HistoryParams(const httplib::Request& req);

// /series: ?interval=month &from=YYYY-MM &to=YYYY-MM.
Result<SeriesMonths> SeriesParams(const httplib::Request& req);

// /views/{name}: ?account= &on= &as_of= &known_at=; the reference date is `on`, else the as-of
// day, else today (UTC).
Result<ViewRequest> ViewParams(const httplib::Request& req);

// The first sequence an account's event stream sends: after the Last-Event-ID header's sequence
// when the client resumes, else ?from_seq= (>= 1), else the next event after `version`.
Result<uint64_t> StreamStartSequence(const httplib::Request& req, uint64_t version);

}  // namespace timeline
