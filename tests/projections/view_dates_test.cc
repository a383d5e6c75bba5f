#include "projections/view_dates.h"

#include <google/protobuf/util/time_util.h>
#include <catch2/catch.hpp>

namespace timeline {
namespace {

using google::protobuf::util::TimeUtil;

TEST_CASE("a view date is YYYY-MM-DD or RFC 3339, from year 0001 to 9999", "[unit]") {
  CHECK(TimeUtil::ToString(ParseViewDate("2026-03-01").value()) == "2026-03-01T00:00:00Z");
  CHECK(TimeUtil::ToString(ParseViewDate("0001-01-01").value()) == "0001-01-01T00:00:00Z");
  CHECK(TimeUtil::ToString(ParseTimeFlag("--to", "9999-12-31", DateBound::kLastInstant).value()) ==
        "9999-12-31T23:59:59.999999999Z");
}

// Found by the reference-date invariant of tests/fuzz/http_query_params_fuzz.cc: year 0000 was
// taken, and a view whose reference date protobuf cannot print was served as an empty 200.
TEST_CASE("year 0000 is refused as a date, as RFC 3339 refuses it", "[unit]") {
  for (const char* year_zero : {"0000-01-01", "0000-12-31T23:59:59Z"}) {
    INFO(year_zero);
    auto parsed = ParseTimeFlag("on", year_zero, DateBound::kFirstInstant);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().message() ==
          std::string("on: \"") + year_zero + "\" is not an RFC 3339 time or a YYYY-MM-DD date");
  }
}

}  // namespace
}  // namespace timeline
