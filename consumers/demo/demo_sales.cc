// AccountSimulation (consumers/demo/demo_simulation.h): marketing programmes and product proposals.
#include "consumers/demo/demo_simulation.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace timeline::demo {

void AccountSimulation::LaunchProgramme() {
  if (closing_) return;
  static const std::vector<std::string> names = {
      "Joint stand at Hannover Messe",    "Energy savings webinar series",
      "Customer reference case study",    "Regional installer roadshow",
      "Telemetry early-adopter campaign", "Water efficiency award entry"};
  const std::string id = fmt::format("MKT-{}", 400 + ++programme_count_);
  const int64_t ends = StartOfDay(now_) + rng_.Range(60, 120) * kDay + 17 * kHour;
  v1::Event event;
  auto* launched = event.mutable_marketing_programme_launched();
  launched->set_programme_id(id);
  launched->set_name(rng_.Pick(names));
  *launched->mutable_budget() = Eur(rng_.Range(15, 80) * 1000 * 100);
  SetTime(launched->mutable_ends_at(), ends);
  Emit(Member(v1::MARKETING), std::move(event));
  if (rng_.Percent(85)) {
    Schedule(ends + rng_.Range(0, 10) * kDay, [this, id] {
      if (closing_) return;
      v1::Event completed;
      completed.mutable_marketing_programme_completed()->set_programme_id(id);
      // Drawn one statement at a time, in the order gcc evaluated the arguments (right to
      // left): a call's arguments are evaluated in an unspecified order, which clang chooses
      // differently, and the demo must be the same history whatever compiled it.
      const int64_t follow_ups = rng_.Range(0, 6);
      const int64_t leads = rng_.Range(5, 60);
      completed.mutable_marketing_programme_completed()->set_outcome(
          fmt::format("{} qualified leads, {} follow-up orders", leads, follow_ups));
      Emit(manager_, std::move(completed));
    });
  }
}

void AccountSimulation::Propose() {
  if (closing_) return;
  const Contract* contract = InForce(now_);
  std::vector<std::string> candidates;
  for (const auto& item : Catalogue()) {
    const bool bought = contract != nullptr && contract->versions.back().prices.count(item.sku);
    if (!bought && !proposed_.count(item.sku)) candidates.emplace_back(item.sku);
  }
  const bool co_design = rng_.Percent(15);
  std::string sku;
  std::string description;
  int64_t value = 0;
  if (co_design || candidates.empty()) {
    sku = fmt::format("CUSTOM-SKID-{}", ++custom_count_);
    description = "pump skid designed with the client's engineering team";
    value = rng_.Range(80, 400) * 1000 * 100;
  } else {
    sku = rng_.Pick(candidates);
    const CatalogueItem* item = FindItem(sku);
    description = item->description;
    value = item->list_price * item->max_quantity * size_;
  }
  proposed_.insert(sku);
  const std::string id = fmt::format("PROP-{}", 200 + ++proposal_count_);
  v1::Event event;
  auto* proposed = event.mutable_product_proposed();
  proposed->set_proposal_id(id);
  proposed->set_sku(sku);
  proposed->set_description(description);
  *proposed->mutable_estimated_value() = Eur(value);
  proposed->set_co_designed(co_design || candidates.empty());
  Emit(Member(v1::SALES), std::move(event));
  const int fate = static_cast<int>(rng_.Below(100));
  if (fate < 40) {
    Schedule(Later(20, 60), [this, id, sku] { AcceptProposal(id, sku); });
  } else if (fate < 70) {
    Schedule(Later(20, 60), [this, id] {
      if (closing_) return;
      static const std::vector<std::string> reasons = {
          "budget frozen until next year", "client standardised on a competitor's product",
          "not needed after the site consolidation"};
      v1::Event declined;
      declined.mutable_proposal_declined()->set_proposal_id(id);
      declined.mutable_proposal_declined()->set_reason(rng_.Pick(reasons));
      Emit(Member(v1::SALES), std::move(declined));
    });
  }  // else: still open
}

void AccountSimulation::AcceptProposal(const std::string& id, const std::string& sku) {
  if (closing_) return;
  v1::Event event;
  event.mutable_proposal_accepted()->set_proposal_id(id);
  Emit(Member(v1::SALES), std::move(event));
  const CatalogueItem* item = FindItem(sku);
  if (item == nullptr) return;  // a co-designed product is priced when it is specified
  // The product enters the price list: by amendment when the contract runs on, else with the
  // renewal.
  Schedule(Later(3, 10), [this, sku, item] {
    if (closing_) return;
    Contract* contract = InForceMutable(now_);
    if (contract != nullptr && !contract->versions.back().prices.count(sku)) {
      TermsVersion version = contract->versions.back();
      version.prices[sku] = RoundTo100(item->list_price * 95 / 100);
      if (Amend(contract, std::move(version),
                fmt::format("adds {} after the client accepted the proposal", sku))) {
        return;
      }
    }
    pending_skus_.insert(sku);
  });
}

}  // namespace timeline::demo
