// AccountSimulation (consumers/demo/demo_simulation.h): contracts: signing, renewals, amendments.
#include "consumers/demo/demo_simulation.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace timeline::demo {

const Contract* AccountSimulation::InForce(int64_t t) const {
  for (const auto& contract : contracts_) {
    if (contract.InForce(t)) return &contract;
  }
  return nullptr;
}

void AccountSimulation::FillTerms(const Contract& contract, const TermsVersion& version,
                                  v1::ContractTerms* terms) {
  for (const auto& [sku, price] : version.prices) {
    auto* entry = terms->add_price_list();
    entry->set_sku(sku);
    *entry->mutable_unit_price() = Eur(price);
  }
  terms->set_payment_terms_days(version.payment_terms_days);
  terms->set_discount_cap_bps(version.discount_cap_bps);
  auto* critical = terms->add_service_levels();
  critical->set_name("critical case response");
  critical->set_target_hours(service_critical_hours_);
  auto* high = terms->add_service_levels();
  high->set_name("high case response");
  high->set_target_hours(service_critical_hours_ * 6);
  SetTime(terms->mutable_valid_from(), contract.valid_from);
  SetTime(terms->mutable_valid_until(), contract.valid_until);
}

void AccountSimulation::SignFirstContract() {
  // The client buys 5 to 8 items of the catalogue at negotiated prices.
  std::vector<size_t> items(Catalogue().size());
  std::iota(items.begin(), items.end(), 0);
  rng_.Shuffle(&items);
  const size_t count = static_cast<size_t>(rng_.Range(5, 8));
  TermsVersion version;
  version.effective_from = StartOfDay(now_);
  for (size_t i = 0; i < count; ++i) {
    const auto& item = Catalogue()[items[i]];
    version.prices[item.sku] = RoundTo100(item.list_price * rng_.Range(88, 100) / 100);
  }
  static const std::vector<int> terms = {30, 30, 45, 60};
  static const std::vector<int> caps = {500, 800, 1000, 1000, 1200, 1500};
  version.payment_terms_days = rng_.Pick(terms);
  version.discount_cap_bps = rng_.Pick(caps);
  service_critical_hours_ = rng_.Percent(50) ? 4 : 8;

  Contract contract;
  contract.id = fmt::format("CTR-{}-{:02}", YearOf(now_), ++contract_count_);
  contract.valid_from = StartOfDay(now_);
  contract.valid_until = NextMonthStart(now_, 12);
  contract.versions.push_back(std::move(version));
  gap_before_renewal_ = rng_.Percent(25) || index_ % 5 == 2;  // at least one account in five
  Sign(std::move(contract));
}

int64_t AccountSimulation::NextMonthStart(int64_t t, int months) {
  const std::chrono::year_month_day date = DateOf(t);
  return SecondsAt(date.year() / date.month() / 1 + std::chrono::months(months));
}

void AccountSimulation::Sign(Contract contract) {
  v1::Event event;
  auto* signed_ = event.mutable_contract_signed();
  signed_->set_contract_id(contract.id);
  FillTerms(contract, contract.versions.back(), signed_->mutable_terms());
  Emit(manager_, std::move(event));
  const int64_t valid_until = contract.valid_until;
  const int64_t valid_from = contract.valid_from;
  const std::string id = contract.id;
  contracts_.push_back(std::move(contract));

  // Renewal: signed about a month before expiry; once in the account's life a month late,
  // leaving a month with no contract in force.
  const bool late = gap_before_renewal_ && contracts_.size() == 1;
  const int64_t renew_at = late ? valid_until + rng_.Range(8, 20) * kDay + 10 * kHour
                                : valid_until - rng_.Range(20, 40) * kDay + 10 * kHour;
  Schedule(renew_at, [this, id, late] { Renew(id, late); });
  // Before a late renewal the client stocks up, so goods ship (and are billed) in the gap.
  if (late) Schedule(valid_until - rng_.Range(4, 6) * kDay + 10 * kHour, [this] { PlaceOrder(); });
  // Now and then, a price change in the middle of the term.
  if (rng_.Percent(40)) {
    const int64_t at = valid_from + rng_.Range(150, 240) * kDay + 11 * kHour;
    Schedule(at, [this, id] { AmendPrices(id); });
  }
}

Contract* AccountSimulation::FindContract(const std::string& id) {
  for (auto& contract : contracts_) {
    if (contract.id == id) return &contract;
  }
  return nullptr;
}

void AccountSimulation::Renew(const std::string& id, bool late) {
  if (closing_) return;
  Contract* old = FindContract(id);
  if (old == nullptr || old->terminated || old->renewal_signed) return;
  old->renewal_signed = true;
  TermsVersion version = old->versions.back();
  for (auto& [sku, price] : version.prices) price = RoundTo100(price * rng_.Range(101, 104) / 100);
  for (const auto& sku : pending_skus_) {
    if (!version.prices.count(sku)) {
      version.prices[sku] = RoundTo100(FindItem(sku)->list_price * 95 / 100);
    }
  }
  pending_skus_.clear();
  if (rng_.Percent(20)) version.payment_terms_days = version.payment_terms_days == 30 ? 45 : 30;
  Contract contract;
  contract.id = fmt::format("CTR-{}-{:02}", YearOf(now_), ++contract_count_);
  contract.valid_from = late ? NextMonthStart(now_, 1) : old->valid_until;
  contract.valid_until = NextMonthStart(contract.valid_from, 12);
  version.effective_from = contract.valid_from;
  contract.versions.push_back(std::move(version));
  Sign(std::move(contract));
}

bool AccountSimulation::Amend(Contract* contract, TermsVersion version, const std::string& reason) {
  const int64_t effective = NextMonthStart(now_, 1);
  if (contract->terminated || contract->renewal_signed ||
      effective + 60 * kDay > contract->valid_until ||
      effective <= contract->versions.back().effective_from) {
    return false;
  }
  version.effective_from = effective;
  v1::Event event;
  auto* amended = event.mutable_contract_amended();
  amended->set_contract_id(contract->id);
  FillTerms(*contract, version, amended->mutable_terms());
  SetTime(amended->mutable_effective_from(), effective);
  amended->set_reason(reason);
  contract->versions.push_back(std::move(version));
  Emit(manager_, std::move(event));
  return true;
}

void AccountSimulation::AmendPrices(const std::string& id) {
  if (closing_) return;
  Contract* contract = FindContract(id);
  if (contract == nullptr || !contract->InForce(now_)) return;
  TermsVersion version = contract->versions.back();
  std::vector<std::string> skus;
  for (const auto& [sku, price] : version.prices) skus.push_back(sku);
  rng_.Shuffle(&skus);
  const size_t changed = std::min(skus.size(), static_cast<size_t>(rng_.Range(1, 2)));
  std::string reason = "raw material surcharge on";
  for (size_t i = 0; i < changed; ++i) {
    version.prices[skus[i]] = RoundTo100(version.prices[skus[i]] * rng_.Range(103, 108) / 100);
    reason += (i == 0 ? " " : ", ") + skus[i];
  }
  Amend(contract, std::move(version), reason);
}

}  // namespace timeline::demo
