// A rejection an older sequencer wrote with text that is not UTF-8 is still an answer
// (issue 15: `append` reported "corruption" and exit 1 for a command that was decided).
#include <catch2/catch.hpp>
#include <string>

#include "consumers/log/submit_client.h"
#include "timeline/v1/rejection.pb.h"

namespace timeline {
namespace {

TEST_CASE("a rejection whose text is not UTF-8 is read with the text made valid", "[unit]") {
  v1::Rejection written;
  written.set_submission_id("sub-1");
  written.set_account_id("acme\xff");
  written.set_code(v1::MALFORMED_SUBMISSION);
  written.set_message("not a SubmitEvent in JSON: \xfe\xff");
  written.set_original("{\"actor\": \"\xff\"}");
  const std::string bytes = written.SerializeAsString();  // protobuf logs, and writes it
  v1::Rejection strict;
  REQUIRE_FALSE(strict.ParseFromString(bytes));  // what a strict reader meets

  v1::Rejection read;
  REQUIRE(ParseRejection(bytes, &read));
  CHECK(read.code() == v1::MALFORMED_SUBMISSION);
  CHECK(read.submission_id() == "sub-1");
  CHECK(read.account_id() == "acme\xef\xbf\xbd");
  CHECK(read.message() == "not a SubmitEvent in JSON: \xef\xbf\xbd\xef\xbf\xbd");

  v1::Rejection garbage;
  CHECK_FALSE(ParseRejection(std::string("\x0a\x05"
                                         "ab",
                                         4),
                             &garbage));
}

}  // namespace
}  // namespace timeline
