#include "projections/training_coverage_view.h"

#include <map>
#include <set>
#include <string>

namespace timeline {

v1::TrainingTotals TrainingTotalsOf(const std::vector<v1::TrainingRecord>& trainings) {
  v1::TrainingTotals totals;
  for (const auto& training : trainings) {
    switch (training.status()) {
      case v1::TRAINING_SCHEDULED:
        totals.set_trainings_pending(totals.trainings_pending() + 1);
        totals.set_seats_scheduled(totals.seats_scheduled() + training.seats());
        totals.set_seats_pending(totals.seats_pending() + training.seats());
        break;
      case v1::TRAINING_DELIVERED:
        totals.set_trainings_delivered(totals.trainings_delivered() + 1);
        totals.set_seats_scheduled(totals.seats_scheduled() + training.seats());
        totals.set_seats_delivered(totals.seats_delivered() + training.attendees());
        break;
      case v1::TRAINING_CANCELLED:
        totals.set_trainings_cancelled(totals.trainings_cancelled() + 1);
        break;
      default: break;
    }
  }
  return totals;
}

v1::TrainingCoverageView BuildTrainingCoverageView(const AccountSnapshot& account,
                                                   const google::protobuf::Timestamp& reference) {
  v1::TrainingCoverageView view;
  view.set_account_id(account.state.account_id());
  *view.mutable_reference_date() = reference;

  std::map<std::string, v1::SkuTraining> by_sku;
  const auto entry = [&](const std::string& sku) -> v1::SkuTraining& {
    v1::SkuTraining& found = by_sku[sku];
    found.set_sku(sku);
    return found;
  };
  for (const auto& order : account.orders) {
    if (order.status() == v1::ORDER_CANCELLED) continue;
    std::set<std::string> skus;
    for (const auto& line : order.lines()) {
      v1::SkuTraining& sku = entry(line.sku());
      sku.set_quantity_ordered(sku.quantity_ordered() + line.quantity());
      if (skus.insert(line.sku()).second) sku.set_orders(sku.orders() + 1);
    }
  }
  for (const auto& training : account.trainings) {
    if (training.product_sku().empty()) continue;  // counted in the totals only
    v1::SkuTraining& sku = entry(training.product_sku());
    if (training.status() == v1::TRAINING_SCHEDULED) {
      sku.set_trainings_pending(sku.trainings_pending() + 1);
      sku.set_seats_scheduled(sku.seats_scheduled() + training.seats());
    } else if (training.status() == v1::TRAINING_DELIVERED) {
      sku.set_trainings_delivered(sku.trainings_delivered() + 1);
      sku.set_seats_scheduled(sku.seats_scheduled() + training.seats());
      sku.set_seats_delivered(sku.seats_delivered() + training.attendees());
    }
  }
  for (auto& [name, sku] : by_sku) {
    sku.set_untrained(sku.quantity_ordered() > 0 && sku.trainings_delivered() == 0);
    if (sku.untrained()) view.add_untrained_skus(name);
    *view.add_skus() = std::move(sku);
  }
  *view.mutable_totals() = TrainingTotalsOf(account.trainings);
  return view;
}

}  // namespace timeline
