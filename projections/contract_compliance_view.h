// The compliance view (views.proto ComplianceView): every line of every invoice checked
// against the contract in force on the invoice date (projections/contract_in_force.h), and
// billed quantities against shipped ones. Pure and deterministic; thread-safe.
#pragma once

#include <google/protobuf/timestamp.pb.h>

#include "projections/account_snapshot.h"
#include "timeline/v1/views.pb.h"

namespace timeline {

// The rule names of ComplianceFinding.rule, in their listed order.
inline constexpr const char* kNoContractInForce = "no_contract_in_force";
inline constexpr const char* kPriceDiffers = "price_differs";
inline constexpr const char* kDiscountAboveCap = "discount_above_cap";
inline constexpr const char* kPaymentTermsDiffer = "payment_terms_differ";
inline constexpr const char* kBilledAboveFulfilled = "billed_above_fulfilled";

// `reference` is only echoed: compliance depends on invoice dates alone.
v1::ComplianceView BuildComplianceView(const AccountSnapshot& account,
                                       const google::protobuf::Timestamp& reference);

}  // namespace timeline
