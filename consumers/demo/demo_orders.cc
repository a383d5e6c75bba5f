// AccountSimulation (consumers/demo/demo_simulation.h): orders and shipments.
#include "consumers/demo/demo_simulation.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace timeline::demo {

void AccountSimulation::PlaceOrder() {
  if (closing_) return;
  const Contract* contract = InForce(now_);
  if (contract == nullptr) return;  // no contract, no order: the client waits for the renewal
  const TermsVersion& terms = contract->VersionAt(now_);
  Order order;
  order.number = ++order_count_;
  bool reorder = false;
  if (!orders_.empty() && rng_.Percent(35)) {
    // A reorder repeats an earlier order's SKUs and quantities, at today's prices.
    const Order& earlier = orders_[rng_.Below(orders_.size())];
    for (const auto& line : earlier.lines) {
      if (terms.prices.count(line.sku)) {
        order.lines.push_back({line.sku, line.quantity, terms.prices.at(line.sku), 0, 0});
      }
    }
    reorder = !order.lines.empty();
  }
  if (order.lines.empty()) {
    std::vector<std::string> skus;
    for (const auto& [sku, price] : terms.prices) skus.push_back(sku);
    rng_.Shuffle(&skus);
    const size_t count = std::min(skus.size(), static_cast<size_t>(rng_.Range(1, 4)));
    for (size_t i = 0; i < count; ++i) {
      const CatalogueItem* item = FindItem(skus[i]);
      const int64_t quantity =
          rng_.Range(item->min_quantity, item->max_quantity) * (item->max_quantity > 2 ? size_ : 1);
      order.lines.push_back({item->sku, quantity, terms.prices.at(skus[i]), 0, 0});
    }
  }
  v1::Event event;
  auto* placed = event.mutable_order_placed();
  placed->set_order_id(order.Id());
  for (const auto& line : order.lines) {
    auto* out = placed->add_lines();
    out->set_sku(line.sku);
    out->set_quantity(line.quantity);
    *out->mutable_unit_price() = Eur(line.unit_price);
  }
  placed->set_reorder(reorder);
  placed->set_contract_id(contract->id);
  Emit(kErpActor, std::move(event));
  const size_t index = orders_.size();
  orders_.push_back(std::move(order));

  for (const auto& line : orders_[index].lines) ConsiderTraining(line.sku);
  if (rng_.Percent(4)) {
    Schedule(Later(1, 2), [this, index] { CancelOrder(index); });
  } else if (rng_.Percent(7)) {
    Schedule(Later(1, 2), [this, index] { AmendOrder(index); });
  }
  Schedule(Later(3, 10), [this, index] { Ship(index); });
}

void AccountSimulation::CancelOrder(size_t index) {
  Order& order = orders_[index];
  if (closing_ || order.shipments > 0 || order.cancelled) return;
  order.cancelled = true;
  static const std::vector<std::string> reasons = {
      "client cancelled: budget moved to next quarter", "duplicate order entered by the client",
      "client switched to a larger model after site survey"};
  v1::Event event;
  event.mutable_order_cancelled()->set_order_id(order.Id());
  event.mutable_order_cancelled()->set_reason(rng_.Pick(reasons));
  Emit(kErpActor, std::move(event));
}

void AccountSimulation::AmendOrder(size_t index) {
  Order& order = orders_[index];
  if (closing_ || order.shipments > 0 || order.cancelled) return;
  OrderLineState& line = order.lines[rng_.Below(order.lines.size())];
  line.quantity += std::max<int64_t>(1, line.quantity * rng_.Range(10, 50) / 100);
  v1::Event event;
  auto* amended = event.mutable_order_amended();
  amended->set_order_id(order.Id());
  for (const auto& l : order.lines) {
    auto* out = amended->add_lines();
    out->set_sku(l.sku);
    out->set_quantity(l.quantity);
    *out->mutable_unit_price() = Eur(l.unit_price);
  }
  amended->set_reason(
      fmt::format("client raised the quantity of {} after a site survey", line.sku));
  Emit(kErpActor, std::move(event));
}

void AccountSimulation::Ship(size_t index) {
  Order& order = orders_[index];
  if (closing_ || order.cancelled || order.backordered || order.FullyShipped()) return;
  const bool first = order.shipments == 0;
  const bool partial = first && rng_.Percent(35);
  v1::Event event;
  auto* fulfilled = event.mutable_order_fulfilled();
  fulfilled->set_order_id(order.Id());
  fulfilled->set_shipment_id(fmt::format("SHP-{}", 50000 + ++shipment_count_));
  bool left_over = false;
  for (auto& line : order.lines) {
    int64_t quantity = line.quantity - line.shipped;
    if (quantity <= 0) continue;
    if (partial && quantity >= 2) {
      quantity = std::max<int64_t>(1, quantity * rng_.Range(40, 75) / 100);
      left_over = true;
    }
    line.shipped += quantity;
    auto* out = fulfilled->add_lines();
    out->set_sku(line.sku);
    out->set_quantity(quantity);
  }
  if (fulfilled->lines().empty()) return;
  ++order.shipments;
  Emit(kErpActor, std::move(event));
  Schedule(Later(1, 5), [this, index] { IssueInvoice(index); });
  if (left_over) Schedule(Later(7, 25), [this, index] { Ship(index); });
}

}  // namespace timeline::demo
