// SubscriptionFilter: which events of account-events a subscription hands out — a set of
// accounts and a set of event types (either empty: all). Types are named as `timeline history
// --type` names them ("invoiceIssued", or "invoice_issued"). Pure, thread-safe once built.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "engine/status.h"

namespace timeline {

struct SubscriptionFilter {
  std::set<std::string> accounts;  // empty: every account
  std::set<int> event_types;       // v1::Event oneof field numbers; empty: every type

  // InvalidArgument naming an invalid account id, or an unknown type with every valid name.
  static Result<SubscriptionFilter> Parse(const std::vector<std::string>& accounts,
                                          const std::vector<std::string>& types);

  bool MatchesAccount(const std::string& account) const {
    return accounts.empty() || accounts.count(account) > 0;
  }
  // `event_type`: the case of the event's body (EventTypeOfBody); 0 (a case this build does
  // not know, or an undecodable body) matches only when no type is asked for.
  bool Matches(const std::string& account, int event_type) const {
    return MatchesAccount(account) && (event_types.empty() || event_types.count(event_type) > 0);
  }
};

}  // namespace timeline
