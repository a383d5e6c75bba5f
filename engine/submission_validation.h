// The rules a submission must meet on its own, before the account's history is consulted.
#pragma once

#include <optional>

#include "engine/refusal.h"
#include "timeline/v1/commands.pb.h"

namespace timeline {

// Account ids: 1 to 64 characters of [A-Za-z0-9._:-]. The restriction keeps RocksDB keys
// unambiguous (docs/storage.md) and ids safe in URLs and shells.
bool IsValidAccountId(std::string_view account_id);

// nullopt when every field rule holds; otherwise the first broken rule, naming the field by its
// JSON path (e.g. "event.orderPlaced.lines[1].unitPrice.minorUnits") and the value found.
// Codes: INVALID_FIELD, NEGATIVE_AMOUNT, UNKNOWN_EVENT_TYPE. Pure and thread-safe.
std::optional<Refusal> ValidateSubmission(const v1::SubmitEvent& submission);

}  // namespace timeline
