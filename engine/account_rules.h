// The rules that need the account's history: what the sequencer checks against the account's
// head and entities before it assigns a sequence. Every cross-event rule lives here, in one
// place; docs/rules.md lists them with their reason codes.
#pragma once

#include <optional>

#include "engine/entity_cache.h"
#include "engine/refusal.h"
#include "timeline/v1/commands.pb.h"
#include "timeline/v1/sequencer_head.pb.h"

namespace timeline {

// nullopt when `submission` may become the account's next event given `head` (a default head
// means the account has no events yet) and its `entities`; otherwise the first broken rule.
// The submission has passed ValidateSubmission. Errors only when the entity store fails.
Result<std::optional<Refusal>> CheckAgainstHistory(const v1::SubmitEvent& submission,
                                                   const v1::SequencerHead& head,
                                                   EntityCache* entities);

}  // namespace timeline
