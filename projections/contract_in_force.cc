#include "projections/contract_in_force.h"

#include "projections/view_dates.h"

namespace timeline {

ContractInForce ContractOnDay(const v1::ContractRecord& contract, int64_t day) {
  ContractInForce result;
  const std::string& id = contract.contract_id();
  if (contract.versions().empty()) {
    result.why_not = id + " has no terms";
    return result;
  }
  if (day < DayOf(contract.versions(0).effective_from())) {
    result.why_not = id + " not yet valid";
    return result;
  }
  const v1::ContractVersion* version = nullptr;
  for (const auto& candidate : contract.versions()) {  // in effective_from order
    if (DayOf(candidate.effective_from()) <= day) version = &candidate;
  }
  if (version->terms().has_valid_until() && day >= DayOf(version->terms().valid_until())) {
    result.why_not = id + " expired on " + FormatDay(DayOf(version->terms().valid_until()));
    return result;
  }
  if (contract.terminated() && day >= DayOf(contract.terminated_on())) {
    result.why_not = id + " terminated on " + FormatDay(DayOf(contract.terminated_on()));
    return result;
  }
  result.contract = &contract;
  result.version = version;
  return result;
}

std::vector<ContractInForce> ContractsInForce(const std::vector<v1::ContractRecord>& contracts,
                                              int64_t day) {
  std::vector<ContractInForce> in_force;
  for (const auto& contract : contracts) {  // key order: by id
    ContractInForce found = ContractOnDay(contract, day);
    if (found) in_force.push_back(std::move(found));
  }
  return in_force;
}

ContractInForce FindContractInForce(const std::vector<v1::ContractRecord>& contracts,
                                    std::string_view named, int64_t day) {
  if (!named.empty()) {
    for (const auto& contract : contracts) {
      if (contract.contract_id() == named) return ContractOnDay(contract, day);
    }
    ContractInForce unknown;
    unknown.why_not = std::string(named) + " unknown";
    return unknown;
  }
  ContractInForce best;
  for (auto& candidate : ContractsInForce(contracts, day)) {
    if (!best ||
        DayOf(candidate.version->effective_from()) > DayOf(best.version->effective_from())) {
      best = std::move(candidate);
    }
  }
  if (!best) best.why_not = "none";
  return best;
}

}  // namespace timeline
