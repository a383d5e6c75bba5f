// Fuzz target: the resume cursor of the portfolio event stream, the Last-Event-ID header of
// GET /api/stream/portfolio (consumers/http/portfolio_cursor.h). The input is the header's value.
//
// Invariants, for every input:
// - a cursor that parses holds valid account ids, and the text printed for it parses to the
//   same cursor;
// - a refusal is InvalidArgument naming Last-Event-ID, with a UTF-8 message (a 400 reply).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "consumers/http/portfolio_cursor.h"
#include "engine/submission_validation.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace timeline;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto cursor = ParsePortfolioCursor(text);
  if (!cursor.ok()) {
    FUZZ_CHECK(
        cursor.status().code() == StatusCode::kInvalidArgument &&
            cursor.status().message().rfind("Last-Event-ID: ", 0) == 0,
        "a bad cursor is invalid_argument naming Last-Event-ID: " + cursor.status().ToString());
    fuzz::CheckMessage(cursor.status().message(), "a cursor's refusal");
    return 0;
  }
  for (const auto& [account, version] : *cursor) {
    FUZZ_CHECK(IsValidAccountId(account), "a cursor holds valid account ids");
  }
  auto again = ParsePortfolioCursor(EncodePortfolioCursor(*cursor));
  FUZZ_CHECK(again.ok() && *again == *cursor, "a printed cursor parses to the same cursor");
  return 0;
}
