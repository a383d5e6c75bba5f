// The growth view (views.proto GrowthView): products on the price list of the contracts in
// force at the reference date that the account has not ordered in the 12 months before it,
// the reorder cadence of each product, and the open proposals. Pure and deterministic;
// thread-safe.
#pragma once

#include <google/protobuf/timestamp.pb.h>

#include "projections/account_snapshot.h"
#include "timeline/v1/views.pb.h"

namespace timeline {

v1::GrowthView BuildGrowthView(const AccountSnapshot& account,
                               const google::protobuf::Timestamp& reference);

}  // namespace timeline
