// The training view (views.proto TrainingCoverageView): per product (SKU) ordered or trained,
// the quantity ordered and the training scheduled and delivered; the products ordered with no
// training delivered. Pure and deterministic; thread-safe.
#pragma once

#include <vector>

#include <google/protobuf/timestamp.pb.h>

#include "projections/account_snapshot.h"
#include "timeline/v1/views.pb.h"

namespace timeline {

v1::TrainingCoverageView BuildTrainingCoverageView(const AccountSnapshot& account,
                                                   const google::protobuf::Timestamp& reference);

// Trainings by status and their seats (shared with the summary).
v1::TrainingTotals TrainingTotalsOf(const std::vector<v1::TrainingRecord>& trainings);

}  // namespace timeline
