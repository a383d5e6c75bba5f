// Fuzz target: a subscription's filter, the `account` and `type` parameters of GET
// /api/subscribe (and `timeline subscribe --account/--type`): consumers/log/subscription_filter.h.
// The input is lines; a line starting with 'a' names an account with the rest, any other line
// a type.
//
// Invariants, for every input:
// - a filter that parses holds exactly the accounts and types asked for, each account valid and
//   each type a case of timeline.v1.Event, and matches each of them;
// - an account not asked for does not match a filter that names accounts;
// - a refusal is InvalidArgument with a UTF-8 message (it is sent back in a 400 reply).
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "consumers/log/subscription_filter.h"
#include "engine/submission_validation.h"
#include "tests/fuzz/fuzz_check.h"
#include "timeline/v1/events.pb.h"

namespace timeline::fuzz {
namespace {

void CheckFilter(const SubscriptionFilter& filter, const std::vector<std::string>& accounts) {
  FUZZ_CHECK(filter.accounts.size() <= accounts.size(), "no account is invented");
  for (const auto& account : accounts) {
    FUZZ_CHECK(filter.accounts.count(account) == 1 && IsValidAccountId(account),
               "every account asked for is kept, and valid");
    FUZZ_CHECK(filter.MatchesAccount(account), "the filter matches its accounts");
  }
  const auto* oneof = v1::Event::descriptor()->FindOneofByName("event");
  for (int type : filter.event_types) {
    FUZZ_CHECK(oneof->containing_type()->FindFieldByNumber(type) != nullptr,
               "every type is a case of Event");
    if (!accounts.empty()) FUZZ_CHECK(filter.Matches(accounts.front(), type), "matches its types");
  }
  if (!filter.accounts.empty()) {
    FUZZ_CHECK(!filter.MatchesAccount("not an account id"), "other accounts do not match");
  }
}

}  // namespace
}  // namespace timeline::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace timeline;
  std::istringstream lines(std::string(reinterpret_cast<const char*>(data), size));
  std::vector<std::string> accounts, types;
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line[0] == 'a') {
      accounts.push_back(line.substr(1));
    } else {
      types.push_back(line);
    }
  }
  auto filter = SubscriptionFilter::Parse(accounts, types);
  if (!filter.ok()) {
    FUZZ_CHECK(filter.status().code() == StatusCode::kInvalidArgument,
               "a bad filter is invalid_argument: " + filter.status().ToString());
    fuzz::CheckMessage(filter.status().message(), "a filter's refusal");
    return 0;
  }
  fuzz::CheckFilter(*filter, accounts);
  return 0;
}
