// The project-health view (views.proto ProjectHealthView): per project and for the account,
// milestones overdue at the reference date, slipped milestones and their slip in days, and the
// on-time rate of completed milestones. Pure and deterministic; thread-safe.
#pragma once

#include <google/protobuf/timestamp.pb.h>

#include "projections/account_snapshot.h"
#include "timeline/v1/views.pb.h"

namespace timeline {

v1::ProjectHealthView BuildProjectHealthView(const AccountSnapshot& account,
                                             const google::protobuf::Timestamp& reference);

}  // namespace timeline
