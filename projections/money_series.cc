#include "projections/money_series.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>

#include "engine/account_fold.h"
#include "engine/entity_cache.h"
#include "engine/quoted_text.h"
#include "projections/currency_totals.h"
#include "projections/money_figures.h"
#include "projections/view_dates.h"
#include "projections/view_store.h"

namespace timeline {
namespace {

// Months as year * 12 + (month - 1), so that consecutive months are consecutive numbers.
int64_t MonthOf(const google::protobuf::Timestamp& at) {
  const CivilDate date = CivilFromDay(DayOf(at));
  return date.year * 12 + (date.month - 1);
}

std::string PeriodName(int64_t month) {
  return fmt::format("{:04d}-{:02d}", month / 12, month % 12 + 1);
}

// What the events of one month added to each figure, per currency.
struct MonthMoves {
  CurrencyTotals revenue;
  CurrencyTotals receivables;
};

Status AddContribution(FigureDefinition& figure, const AccountBefore& before,
                       const v1::EventEnvelope& envelope, const v1::Event& event,
                       CurrencyTotals* month_totals) {
  TIMELINE_ASSIGN_OR_RETURN(std::optional<v1::FigureContribution> contribution,
                            figure.Contribution(before, envelope, event));
  if (!contribution.has_value()) return Status::Ok();
  for (const auto& amount : contribution->amounts()) {
    AddToTotals(month_totals, amount.currency(), amount.minor_units());
  }
  return Status::Ok();
}

}  // namespace

Result<int64_t> ParseSeriesMonth(std::string_view param, std::string_view text) {
  int year = 0;
  int month = 0;
  // Not ::isdigit on a char: a byte above 0x7f is a negative char, undefined for isdigit.
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  const bool shaped = text.size() == 7 && text[4] == '-' &&
                      std::all_of(text.begin(), text.begin() + 4, digit) &&
                      std::all_of(text.begin() + 5, text.end(), digit);
  if (shaped) {
    year = std::stoi(std::string(text.substr(0, 4)));
    month = std::stoi(std::string(text.substr(5, 2)));
  }
  if (!shaped || month < 1 || month > 12) {
    return Status::InvalidArgument(
        fmt::format("{}: {} is not a month; expected YYYY-MM, e.g. 2026-01", param, Quoted(text)));
  }
  return int64_t{year} * 12 + (month - 1);
}

Result<v1::MoneySeries> MonthlyMoneySeries(const ViewStore& store, const std::string& account,
                                           const SeriesMonths& wanted) {
  TIMELINE_ASSIGN_OR_RETURN(std::optional<v1::AccountState> exists, store.GetState(account));
  if (!exists.has_value()) return Status::NotFound("no account " + account);

  std::unique_ptr<FigureDefinition> invoiced = MakeMoneyFigure("invoiced");
  std::unique_ptr<FigureDefinition> receivables = MakeMoneyFigure("receivables");
  EntityCache entities([](const std::string&) -> Result<std::optional<std::string>> {
    return std::optional<std::string>();
  });
  v1::AccountState state;
  std::map<int64_t, MonthMoves> months;
  Status failure;
  TIMELINE_RETURN_IF_ERROR(store.ScanHistory(account, 1, [&](const v1::EventEnvelope& stored) {
    v1::Event event;
    if (!event.ParseFromString(stored.body())) {
      failure =
          Status::Corruption(fmt::format("account {} sequence {}: body is not a timeline.v1.Event",
                                         stored.account_id(), stored.sequence()));
      return false;
    }
    MonthMoves& month = months[MonthOf(stored.occurred_at())];
    const AccountBefore before{state, entities};
    failure = AddContribution(*invoiced, before, stored, event, &month.revenue);
    if (failure.ok())
      failure = AddContribution(*receivables, before, stored, event, &month.receivables);
    if (failure.ok()) failure = FoldDecodedEvent(stored, event, &state, &entities);
    return failure.ok();
  }));
  TIMELINE_RETURN_IF_ERROR(failure);

  v1::MoneySeries series;
  series.set_account_id(account);
  series.set_interval("month");
  if (months.empty() && !(wanted.from && wanted.to)) return series;
  const int64_t first = wanted.from.value_or(months.empty() ? 0 : months.begin()->first);
  const int64_t last = wanted.to.value_or(months.empty() ? 0 : months.rbegin()->first);
  if (last < first) {
    return Status::InvalidArgument(
        fmt::format("to: {} is before from: {}", PeriodName(last), PeriodName(first)));
  }
  if (static_cast<uint64_t>(last - first) + 1 > kMaxSeriesPoints) {
    return Status::InvalidArgument(fmt::format(
        "from, to: the series from {} to {} has {} months, more than {}; ask for a part of it "
        "with from=YYYY-MM and to=YYYY-MM",
        PeriodName(first), PeriodName(last), last - first + 1, kMaxSeriesPoints));
  }
  CurrencyTotals running;  // receivables at the end of the month before `first`
  for (auto it = months.begin(); it != months.end() && it->first < first; ++it) {
    for (const auto& move : it->second.receivables) {
      AddToTotals(&running, move.currency(), move.minor_units());
    }
  }
  for (int64_t month = first; month <= last; ++month) {
    v1::MoneySeriesPoint& point = *series.add_points();
    point.set_period(PeriodName(month));
    auto moves = months.find(month);
    if (moves != months.end()) {
      *point.mutable_revenue() = moves->second.revenue;
      for (const auto& move : moves->second.receivables) {
        AddToTotals(&running, move.currency(), move.minor_units());
      }
    }
    *point.mutable_receivables() = running;
  }
  return series;
}

}  // namespace timeline
