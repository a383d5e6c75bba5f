// Which contract, and which of its versions, is in force on a day (views.proto, compliance):
// a contract is valid from its first version's effective_from, until the valid_until of the
// version in force (exclusive; unset: open-ended), and not on or after its termination date.
// Its terms on a day are those of the version with the latest effective_from on or before it.
// Days are UTC days (projections/view_dates.h). Pure, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "timeline/v1/entities.pb.h"

namespace timeline {

struct ContractInForce {
  const v1::ContractRecord* contract = nullptr;  // nullptr: none in force
  const v1::ContractVersion* version = nullptr;  // set with contract
  // When none: why, e.g. "C-1 unknown", "C-1 terminated on 2026-05-01", "C-1 not yet valid",
  // "C-1 expired on 2027-01-01", "none".
  std::string why_not;

  explicit operator bool() const { return contract != nullptr; }
};

// The version of `contract` in force on `day`, or a reason it is not in force.
ContractInForce ContractOnDay(const v1::ContractRecord& contract, int64_t day);

// The contract named `named` (when not empty) or else the account's contract in force on
// `day`; several: the one whose version in force took effect last, then the smallest id.
ContractInForce FindContractInForce(const std::vector<v1::ContractRecord>& contracts,
                                    std::string_view named, int64_t day);

// Every contract in force on `day`, by contract id.
std::vector<ContractInForce> ContractsInForce(const std::vector<v1::ContractRecord>& contracts,
                                              int64_t day);

}  // namespace timeline
