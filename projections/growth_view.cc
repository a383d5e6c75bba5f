#include "projections/growth_view.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "projections/contract_in_force.h"
#include "projections/view_dates.h"

namespace timeline {
namespace {

bool Earlier(const google::protobuf::Timestamp& a, const google::protobuf::Timestamp& b) {
  return a.seconds() < b.seconds() || (a.seconds() == b.seconds() && a.nanos() < b.nanos());
}

}  // namespace

v1::GrowthView BuildGrowthView(const AccountSnapshot& account,
                               const google::protobuf::Timestamp& reference) {
  v1::GrowthView view;
  view.set_account_id(account.state.account_id());
  *view.mutable_reference_date() = reference;
  const int64_t today = DayOf(reference);
  const int64_t window_start = DayMonthsBefore(today, 12);
  *view.mutable_window_start() = StartOfDay(window_start);

  std::map<std::string, v1::SkuCadence> cadence;  // by SKU
  std::set<std::string> ordered_in_window;
  for (const auto& order : account.orders) {
    if (order.status() == v1::ORDER_CANCELLED) continue;
    const int64_t day = DayOf(order.placed_at());
    if (day > today) continue;  // placed after the reference date
    std::set<std::string> skus;
    for (const auto& line : order.lines()) {
      v1::SkuCadence& sku = cadence[line.sku()];
      sku.set_sku(line.sku());
      sku.set_quantity(sku.quantity() + line.quantity());
      if (!skus.insert(line.sku()).second) continue;  // one order counts once per SKU
      sku.set_orders(sku.orders() + 1);
      if (!sku.has_first_ordered_at() || Earlier(order.placed_at(), sku.first_ordered_at())) {
        *sku.mutable_first_ordered_at() = order.placed_at();
      }
      if (!sku.has_last_ordered_at() || Earlier(sku.last_ordered_at(), order.placed_at())) {
        *sku.mutable_last_ordered_at() = order.placed_at();
      }
      if (day >= window_start) ordered_in_window.insert(line.sku());
    }
  }

  std::set<std::string> listed;
  for (const auto& in_force : ContractsInForce(account.contracts, today)) {
    view.add_contracts_in_force(in_force.contract->contract_id());
    for (const auto& entry : in_force.version->terms().price_list()) {
      if (ordered_in_window.count(entry.sku()) > 0 || !listed.insert(entry.sku()).second) continue;
      v1::UnorderedSku unordered;
      unordered.set_sku(entry.sku());
      unordered.set_contract_id(in_force.contract->contract_id());
      *unordered.mutable_list_price() = entry.unit_price();
      if (auto found = cadence.find(entry.sku()); found != cadence.end()) {
        *unordered.mutable_last_ordered_at() = found->second.last_ordered_at();
      }
      *view.add_not_ordered() = std::move(unordered);
    }
  }
  std::sort(view.mutable_not_ordered()->begin(), view.mutable_not_ordered()->end(),
            [](const v1::UnorderedSku& a, const v1::UnorderedSku& b) { return a.sku() < b.sku(); });

  for (auto& [name, sku] : cadence) {
    if (sku.orders() > 1) {
      sku.set_average_days_between_orders(
          static_cast<double>(DaysBetween(sku.first_ordered_at(), sku.last_ordered_at())) /
          static_cast<double>(sku.orders() - 1));
    }
    sku.set_days_since_last_order(DaysBetween(sku.last_ordered_at(), reference));
    *view.add_cadence() = std::move(sku);
  }

  for (const auto& proposal : account.proposals) {
    if (proposal.status() != v1::PROPOSAL_OPEN) continue;
    v1::OpenProposal* open = view.add_open_proposals();
    open->set_proposal_id(proposal.proposal_id());
    open->set_sku(proposal.sku());
    open->set_description(proposal.description());
    *open->mutable_estimated_value() = proposal.estimated_value();
    open->set_co_designed(proposal.co_designed());
    *open->mutable_proposed_at() = proposal.proposed_at();
    open->set_age_days(DaysBetween(proposal.proposed_at(), reference));
  }
  return view;
}

}  // namespace timeline
