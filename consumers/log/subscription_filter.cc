#include "consumers/log/subscription_filter.h"

#include <fmt/format.h>

#include "engine/quoted_text.h"
#include "engine/submission_validation.h"
#include "projections/history_filter.h"

namespace timeline {

Result<SubscriptionFilter> SubscriptionFilter::Parse(const std::vector<std::string>& accounts,
                                                     const std::vector<std::string>& types) {
  SubscriptionFilter filter;
  for (const auto& account : accounts) {
    if (!IsValidAccountId(account)) {
      return Status::InvalidArgument(
          fmt::format("account {} is not a valid account id (1 to 64 of A-Z a-z 0-9 . _ : -)",
                      Quoted(account, 80)));
    }
    filter.accounts.insert(account);
  }
  for (const auto& type : types) {
    auto parsed = ParseEventType(type);  // its message lists every valid name
    if (!parsed.ok()) return parsed.status();
    filter.event_types.insert(*parsed);
  }
  return filter;
}

}  // namespace timeline
