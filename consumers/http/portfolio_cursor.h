// The resume token of the portfolio event stream: the version of every account the stream had
// sent up to, as "account=version" pairs joined by ',' ("acme=7,beta=2"). Account ids never hold
// '=' or ',' (engine/submission_validation.h), so the text needs no escaping, and it is sent as
// an SSE `id:` and comes back as the Last-Event-ID header unchanged.
// Limitations: it grows with the accounts a token sees (about 20 bytes each), which suits a
// portfolio of a handful of large clients; a token for thousands would want a compact encoding.
// Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "engine/status.h"

namespace timeline {

using PortfolioCursor = std::map<std::string, uint64_t, std::less<>>;  // account → version sent

std::string EncodePortfolioCursor(const PortfolioCursor& cursor);

// InvalidArgument naming Last-Event-ID when `text` is not pairs as above.
Result<PortfolioCursor> ParsePortfolioCursor(std::string_view text);

}  // namespace timeline
