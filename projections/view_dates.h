// Dates for the views: the reference date, UTC days and calendar arithmetic (views.proto, the
// "Days" convention). Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <google/protobuf/timestamp.pb.h>

#include "engine/status.h"

namespace timeline {

inline constexpr int64_t kSecondsPerDay = 86400;

// The UTC day of an instant: floor(seconds / 86400), also for instants before 1970.
int64_t DayOf(const google::protobuf::Timestamp& at);
int64_t DayOfSeconds(int64_t seconds);
// day(to) - day(from).
int64_t DaysBetween(const google::protobuf::Timestamp& from, const google::protobuf::Timestamp& to);

// 00:00:00Z of a day, as a timestamp.
google::protobuf::Timestamp StartOfDay(int64_t day);

// The civil (proleptic Gregorian) date of a day, and back.
struct CivilDate {
  int64_t year = 1970;
  unsigned month = 1;  // 1..12
  unsigned day = 1;    // 1..31
};
CivilDate CivilFromDay(int64_t day);
int64_t DayFromCivil(const CivilDate& date);

// The same calendar date `months` months earlier (negative: later); a date past the end of the
// target month becomes its last day (29 February minus 12 months is 28 February).
int64_t DayMonthsBefore(int64_t day, int months);

// "YYYY-MM-DD" of a day.
std::string FormatDay(int64_t day);

// Parses a reference date: "YYYY-MM-DD" (00:00:00Z that day) or RFC 3339
// ("2026-03-01T12:00:00Z", "2026-03-01T12:00:00.5+01:00"), in the years 0001..9999 that
// protobuf's Timestamp holds. InvalidArgument names the text.
Result<google::protobuf::Timestamp> ParseViewDate(std::string_view text);

// Which instant of a YYYY-MM-DD date a bound means: its first (a lower bound, "from") or its
// last nanosecond (an upper bound, "through that day").
enum class DateBound { kFirstInstant, kLastInstant };

// Parses the value of a time flag such as --as-of: RFC 3339 as written, or a YYYY-MM-DD date
// taken as `bound` says. InvalidArgument names the flag and the text, e.g.
// `--as-of: "2024-13-01" is not an RFC 3339 time or a YYYY-MM-DD date`.
Result<google::protobuf::Timestamp> ParseTimeFlag(std::string_view flag, std::string_view text,
                                                  DateBound bound);

// 00:00:00Z of today in UTC, from the system clock (the CLI's default reference date).
google::protobuf::Timestamp TodayUtc();

}  // namespace timeline
