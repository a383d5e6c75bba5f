// Fuzz target: a record on account-commands sent as JSON (content-type: application/json), as
// engine/submission_decoder.h reads it.
//
// Invariants, for every input:
// - a refusal has a code the decoder documents and a message a person can read (UTF-8: it is
//   written into a Rejection, a protobuf string);
// - a decoded submission names an event, and reads back the same through both encodings: printed
//   as JSON and decoded again, and serialized as binary and decoded again.
#include <google/protobuf/util/json_util.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "engine/submission_decoder.h"
#include "tests/fuzz/fuzz_check.h"

namespace timeline::fuzz {
namespace {

LogRecord CommandRecord(std::string value, bool json) {
  LogRecord record;
  record.topic = "account-commands";
  record.value = std::move(value);
  if (json) record.headers.emplace_back(kContentTypeHeader, kJsonContentType);
  return record;
}

void CheckRefusal(const Refusal& refusal) {
  FUZZ_CHECK(refusal.code == v1::MALFORMED_SUBMISSION || refusal.code == v1::UNKNOWN_EVENT_TYPE,
             "a JSON refusal is MALFORMED_SUBMISSION or UNKNOWN_EVENT_TYPE, not " +
                 v1::RejectionCode_Name(refusal.code));
  CheckMessage(refusal.message, "the refusal's message");
}

// `submission` decoded once; it must decode again, unchanged, from each of its encodings.
void CheckRoundTrips(const v1::SubmitEvent& submission) {
  FUZZ_CHECK(submission.event().event_case() != v1::Event::EVENT_NOT_SET,
             "a decoded submission names an event");
  std::string json;
  FUZZ_CHECK(google::protobuf::util::MessageToJsonString(submission, &json).ok(),
             "a submission decoded from JSON prints as JSON");
  auto again = DecodeSubmission(CommandRecord(json, true));
  FUZZ_CHECK(std::holds_alternative<v1::SubmitEvent>(again),
             "the printed JSON decodes again: " + json);
  FUZZ_CHECK(SameMessage(std::get<v1::SubmitEvent>(again), submission),
             "JSON -> SubmitEvent -> JSON -> SubmitEvent keeps every field: " + json);

  auto binary = DecodeSubmission(CommandRecord(submission.SerializeAsString(), false));
  FUZZ_CHECK(std::holds_alternative<v1::SubmitEvent>(binary), "its binary form decodes");
  FUZZ_CHECK(SameMessage(std::get<v1::SubmitEvent>(binary), submission),
             "JSON -> SubmitEvent -> binary -> SubmitEvent keeps every field: " + json);
}

}  // namespace
}  // namespace timeline::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace timeline;
  auto decoded = DecodeSubmission(
      fuzz::CommandRecord(std::string(reinterpret_cast<const char*>(data), size), true));
  if (const auto* refusal = std::get_if<Refusal>(&decoded)) {
    fuzz::CheckRefusal(*refusal);
  } else {
    fuzz::CheckRoundTrips(std::get<v1::SubmitEvent>(decoded));
  }
  return 0;
}
