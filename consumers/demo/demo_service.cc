// AccountSimulation (consumers/demo/demo_simulation.h): service cases and trainings.
#include "consumers/demo/demo_simulation.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace timeline::demo {

void AccountSimulation::OpenCase() {
  if (closing_) return;
  static const std::vector<std::string> problems = {"leaking seal",
                                                    "unusual vibration",
                                                    "no telemetry data since yesterday",
                                                    "controller alarm E42",
                                                    "flow below specification",
                                                    "delivery missing items",
                                                    "wrong spare part delivered",
                                                    "dashboard login fails",
                                                    "noise at start-up"};
  static const std::vector<std::string> sites = {
      "Hamburg", "Bremen", "Rotterdam", "Antwerp", "Gdansk", "Lyon", "Brno", "Aarhus", "Essen"};
  const int roll = static_cast<int>(rng_.Below(100));
  const v1::Severity severity = roll < 40   ? v1::LOW
                                : roll < 75 ? v1::MEDIUM
                                : roll < 93 ? v1::HIGH
                                            : v1::CRITICAL;
  std::string subject = rng_.Pick(problems);
  if (!orders_.empty()) {
    const Order& order = orders_[rng_.Below(orders_.size())];
    subject = fmt::format("{}: {} at site {}", order.lines.front().sku, subject, rng_.Pick(sites));
  }
  const std::string id = fmt::format("CASE-{}", 3000 + ++case_count_);
  v1::Event event;
  auto* opened = event.mutable_service_case_opened();
  opened->set_case_id(id);
  opened->set_severity(severity);
  opened->set_subject(subject);
  Emit(Member(v1::CUSTOMER_SERVICE), std::move(event));
  if (rng_.Percent(5)) return;  // still open
  int64_t hours = 0;
  switch (severity) {
    case v1::CRITICAL: hours = rng_.Range(2, 30); break;
    case v1::HIGH: hours = rng_.Range(12, 96); break;
    case v1::MEDIUM: hours = rng_.Range(48, 240); break;
    default: hours = rng_.Range(72, 480); break;
  }
  Schedule(now_ + hours * kHour + rng_.Range(0, 59) * kMinute, [this, id] {
    if (closing_) return;
    static const std::vector<std::string> resolutions = {
        "part replaced on site",
        "firmware updated remotely",
        "configuration corrected",
        "missing items shipped",
        "explained operation to the client's staff",
        "replaced under warranty"};
    v1::Event resolved;
    resolved.mutable_service_case_resolved()->set_case_id(id);
    resolved.mutable_service_case_resolved()->set_resolution(rng_.Pick(resolutions));
    Emit(Member(v1::CUSTOMER_SERVICE), std::move(resolved));
  });
}

void AccountSimulation::ConsiderTraining(const std::string& sku) {
  const CatalogueItem* item = FindItem(sku);
  if (item == nullptr || !item->trainable || !trained_skus_.insert(sku).second) return;
  if (!rng_.Percent(65)) return;  // this product is never trained
  Schedule(Later(2, 7), [this, sku] { ScheduleTraining(sku); });
}

void AccountSimulation::ScheduleTraining(const std::string& sku) {
  if (closing_) return;
  const std::string id = fmt::format("TRN-{}", 600 + ++training_count_);
  const int64_t at = StartOfDay(now_) + rng_.Range(14, 45) * kDay + 9 * kHour;
  const int seats = static_cast<int>(rng_.Range(6, 20));
  v1::Event event;
  auto* scheduled = event.mutable_training_scheduled();
  scheduled->set_training_id(id);
  scheduled->set_product_sku(sku);
  scheduled->set_seats(seats);
  SetTime(scheduled->mutable_scheduled_at(), at);
  Emit(Member(v1::TRAINER), std::move(event));
  const int fate = static_cast<int>(rng_.Below(100));
  if (fate < 80) {
    Schedule(at + 7 * kHour, [this, id, sku, seats] {
      if (closing_) return;
      v1::Event delivered;
      delivered.mutable_training_delivered()->set_training_id(id);
      delivered.mutable_training_delivered()->set_product_sku(sku);
      delivered.mutable_training_delivered()->set_attendees(
          static_cast<int>(rng_.Range(std::max(1, seats - 6), seats)));
      Emit(Member(v1::TRAINER), std::move(delivered));
    });
  } else if (fate < 92) {
    Schedule(at - rng_.Range(1, 7) * kDay, [this, id, sku] {
      if (closing_) return;
      static const std::vector<std::string> reasons = {"client site closed for an audit",
                                                       "trainer ill, no replacement available",
                                                       "too few registrations"};
      v1::Event cancelled;
      cancelled.mutable_training_cancelled()->set_training_id(id);
      cancelled.mutable_training_cancelled()->set_reason(rng_.Pick(reasons));
      Emit(Member(v1::TRAINER), std::move(cancelled));
      if (rng_.Percent(60)) Schedule(Later(7, 21), [this, sku] { ScheduleTraining(sku); });
    });
  }  // else: scheduled, then neither delivered nor cancelled (not yet delivered)
}

}  // namespace timeline::demo
