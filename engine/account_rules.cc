#include "engine/account_rules.h"

#include <fmt/format.h>

#include "timeline/v1/events.pb.h"

namespace timeline {

std::optional<Refusal> CheckAgainstHead(const v1::SubmitEvent& submission,
                                        const v1::SequencerHead& head) {
  if (submission.has_expected_version() && submission.expected_version() != head.version()) {
    return Refusal{v1::VERSION_CONFLICT,
                   fmt::format("expected version {} but account {} is at version {}; read its "
                               "state again and resubmit",
                               submission.expected_version(), submission.account_id(),
                               head.version())};
  }
  const bool opening = submission.event().has_account_opened();
  if (opening && head.opened()) {
    return Refusal{v1::ACCOUNT_ALREADY_OPENED,
                   fmt::format("account {} is already open (version {})", submission.account_id(),
                               head.version())};
  }
  if (!opening && !head.opened()) {
    return Refusal{v1::ACCOUNT_NOT_OPENED,
                   fmt::format("account {} has not been opened; submit accountOpened first",
                               submission.account_id())};
  }
  return std::nullopt;
}

void AdvanceHead(const v1::Event& event, uint64_t sequence, const std::string& hash,
                 v1::SequencerHead* head) {
  head->set_version(sequence);
  head->set_last_hash(hash);
  if (event.has_account_opened()) head->set_opened(true);
}

}  // namespace timeline
