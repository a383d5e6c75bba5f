// The summary view (views.proto AccountSummaryView): an account's profile, team, revenue,
// aged receivables, open orders, active projects, open cases, active programmes and training,
// at a reference date. Pure and deterministic; thread-safe.
#pragma once

#include <vector>

#include <google/protobuf/timestamp.pb.h>

#include "projections/account_snapshot.h"
#include "timeline/v1/views.pb.h"

namespace timeline {

v1::AccountSummaryView BuildAccountSummaryView(const AccountSnapshot& account,
                                               const google::protobuf::Timestamp& reference);

// The account's unsettled invoices aged at `reference`, one entry per currency (by currency).
// Shared with the portfolio.
std::vector<v1::ReceivablesAgeing> AgeReceivables(const std::vector<v1::InvoiceRecord>& invoices,
                                                  const google::protobuf::Timestamp& reference);

}  // namespace timeline
