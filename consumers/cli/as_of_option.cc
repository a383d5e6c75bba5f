#include "consumers/cli/as_of_option.h"

#include "projections/view_dates.h"

namespace timeline::cli {

Result<google::protobuf::Timestamp> ParseAsOf(std::string_view text) {
  auto parsed = ParseViewDate(text);
  if (!parsed.ok()) return Status::InvalidArgument("--as-of: " + parsed.status().message());
  if (text.size() != 10) return parsed;  // an instant, not a date
  google::protobuf::Timestamp through = StartOfDay(DayOf(*parsed) + 1);
  through.set_seconds(through.seconds() - 1);
  through.set_nanos(999'999'999);
  return through;
}

}  // namespace timeline::cli
