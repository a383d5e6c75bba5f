// The rules that need the account's history: what the sequencer checks against the account's
// head before it assigns a sequence. Every cross-event rule lives here, in one place.
#pragma once

#include <optional>

#include "engine/refusal.h"
#include "timeline/v1/commands.pb.h"
#include "timeline/v1/sequencer_head.pb.h"

namespace timeline {

// nullopt when `submission` may become the account's next event given `head` (a default head
// means the account has no events yet). Codes: VERSION_CONFLICT (names both versions),
// ACCOUNT_NOT_OPENED, ACCOUNT_ALREADY_OPENED. Pure and thread-safe.
std::optional<Refusal> CheckAgainstHead(const v1::SubmitEvent& submission,
                                        const v1::SequencerHead& head);

// Moves `head` past an accepted event (used both when deciding and when catching up).
void AdvanceHead(const v1::Event& event, uint64_t sequence, const std::string& hash,
                 v1::SequencerHead* head);

}  // namespace timeline
