#include "projections/view_dates.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "engine/quoted_text.h"

namespace timeline {
namespace {

bool IsDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

unsigned DaysInMonth(int64_t year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

int64_t DayOfSeconds(int64_t seconds) {
  int64_t day = seconds / kSecondsPerDay;
  if (seconds % kSecondsPerDay < 0) --day;  // floor, not truncation
  return day;
}

int64_t DayOf(const google::protobuf::Timestamp& at) { return DayOfSeconds(at.seconds()); }

int64_t DaysBetween(const google::protobuf::Timestamp& from,
                    const google::protobuf::Timestamp& to) {
  return DayOf(to) - DayOf(from);
}

google::protobuf::Timestamp StartOfDay(int64_t day) {
  google::protobuf::Timestamp at;
  at.set_seconds(day * kSecondsPerDay);
  return at;
}

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t DayFromCivil(const CivilDate& date) {
  const int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t mp = (date.month + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + date.day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDay(int64_t day) {
  const int64_t z = day + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  CivilDate date;
  date.day = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  date.month = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  date.year = yoe + era * 400 + (date.month <= 2 ? 1 : 0);
  return date;
}

int64_t DayMonthsBefore(int64_t day, int months) {
  CivilDate date = CivilFromDay(day);
  int64_t index = date.year * 12 + (date.month - 1) - months;
  int64_t year = index >= 0 ? index / 12 : (index - 11) / 12;
  date.year = year;
  date.month = static_cast<unsigned>(index - year * 12 + 1);
  date.day = std::min(date.day, DaysInMonth(date.year, date.month));
  return DayFromCivil(date);
}

std::string FormatDay(int64_t day) {
  const CivilDate date = CivilFromDay(day);
  char text[32];
  std::snprintf(text, sizeof text, "%04lld-%02u-%02u", static_cast<long long>(date.year),
                date.month, date.day);
  return text;
}

Result<google::protobuf::Timestamp> ParseViewDate(std::string_view text) {
  const auto invalid = [&] {
    return Status::InvalidArgument(Quoted(text, 80) +
                                   " is not a date: use YYYY-MM-DD or RFC 3339, e.g. "
                                   "2026-03-01 or 2026-03-01T12:00:00Z");
  };
  if (text.size() == 10) {
    if (text[4] != '-' || text[7] != '-' || !IsDigits(text.substr(0, 4)) ||
        !IsDigits(text.substr(5, 2)) || !IsDigits(text.substr(8, 2))) {
      return invalid();
    }
    CivilDate date;
    date.year = std::stoll(std::string(text.substr(0, 4)));
    date.month = static_cast<unsigned>(std::stoul(std::string(text.substr(5, 2))));
    date.day = static_cast<unsigned>(std::stoul(std::string(text.substr(8, 2))));
    // Year 0000 is a date the calendar has but protobuf's Timestamp (years 1..9999) has not: a
    // view dated then could not be printed as JSON (the reply would be empty).
    if (date.year < 1 || date.month < 1 || date.month > 12 || date.day < 1 ||
        date.day > DaysInMonth(date.year, date.month)) {
      return invalid();
    }
    return StartOfDay(DayFromCivil(date));
  }
  google::protobuf::Timestamp at;
  if (!google::protobuf::util::TimeUtil::FromString(std::string(text), &at)) return invalid();
  return at;
}

Result<google::protobuf::Timestamp> ParseTimeFlag(std::string_view flag, std::string_view text,
                                                  DateBound bound) {
  auto at = ParseViewDate(text);
  if (!at.ok()) {
    // Quoted: a flag or a URL parameter may hold any bytes; the message must be UTF-8.
    return Status::InvalidArgument(std::string(flag) + ": " + Quoted(text, 80) +
                                   " is not an RFC 3339 time or a YYYY-MM-DD date");
  }
  if (text.size() == 10 && bound == DateBound::kLastInstant) {
    google::protobuf::Timestamp last = StartOfDay(DayOf(*at) + 1);
    last.set_seconds(last.seconds() - 1);
    last.set_nanos(999'999'999);
    return last;
  }
  return *at;
}

google::protobuf::Timestamp TodayUtc() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(now).count();
  return StartOfDay(DayOfSeconds(seconds));
}

}  // namespace timeline
