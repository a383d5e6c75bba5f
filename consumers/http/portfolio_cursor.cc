#include "consumers/http/portfolio_cursor.h"

#include <charconv>

#include "engine/quoted_text.h"
#include "engine/submission_validation.h"

namespace timeline {

std::string EncodePortfolioCursor(const PortfolioCursor& cursor) {
  std::string text;
  for (const auto& [account, version] : cursor) {
    if (!text.empty()) text += ',';
    text += account;
    text += '=';
    text += std::to_string(version);
  }
  return text;
}

Result<PortfolioCursor> ParsePortfolioCursor(std::string_view text) {
  PortfolioCursor cursor;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view pair = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const size_t equals = pair.find('=');
    uint64_t version = 0;
    const char* end = pair.data() + pair.size();
    const auto parsed = equals == std::string_view::npos
                            ? std::from_chars_result{pair.data(), std::errc::invalid_argument}
                            : std::from_chars(pair.data() + equals + 1, end, version);
    if (equals == std::string_view::npos || equals + 1 == pair.size() || parsed.ec != std::errc() ||
        parsed.ptr != end || !IsValidAccountId(pair.substr(0, equals))) {
      // Quoted: a header may hold any bytes, and the message goes back in a JSON reply.
      return Status::InvalidArgument("Last-Event-ID: " + Quoted(pair, 80) +
                                     " is not ACCOUNT=VERSION");
    }
    cursor[std::string(pair.substr(0, equals))] = version;
  }
  return cursor;
}

}  // namespace timeline
