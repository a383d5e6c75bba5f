#include "projections/money_series.h"

#include <fmt/format.h>

#include <map>
#include <memory>
#include <optional>

#include "engine/account_fold.h"
#include "engine/entity_cache.h"
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
  auto contribution = figure.Contribution(before, envelope, event);
  if (!contribution.ok()) return contribution.status();
  if (!contribution->has_value()) return Status::Ok();
  for (const auto& amount : (*contribution)->amounts()) {
    AddToTotals(month_totals, amount.currency(), amount.minor_units());
  }
  return Status::Ok();
}

}  // namespace

Result<v1::MoneySeries> MonthlyMoneySeries(const ViewStore& store, const std::string& account) {
  auto exists = store.GetState(account);
  if (!exists.ok()) return exists.status();
  if (!exists->has_value()) return Status::NotFound("no account " + account);

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
  if (months.empty()) return series;
  CurrencyTotals running;
  for (int64_t month = months.begin()->first; month <= months.rbegin()->first; ++month) {
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
