// Fuzz target: a record on account-commands in protobuf's binary encoding (no content-type), with
// and without a timeline-submission-id header, as engine/submission_decoder.h reads it.
//
// Invariants, for every input:
// - a refusal has a code the decoder documents and a UTF-8 message;
// - the header's submission id wins when it is UTF-8, and a header that is not UTF-8 is refused
//   as INVALID_FIELD (it would go into the event's envelope, a protobuf string);
// - a decoded submission names an event, reads back the same from its re-serialized bytes, and,
//   when it prints as JSON (timestamps out of JSON's range do not), from that JSON too.
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "engine/submission_decoder.h"
#include "tests/fuzz/fuzz_check.h"

namespace timeline::fuzz {
namespace {

LogRecord CommandRecord(std::string value, std::string content_type = "") {
  LogRecord record;
  record.topic = "account-commands";
  record.value = std::move(value);
  if (!content_type.empty()) record.headers.emplace_back(kContentTypeHeader, content_type);
  return record;
}

void CheckRefusal(const Refusal& refusal) {
  FUZZ_CHECK(refusal.code == v1::MALFORMED_SUBMISSION || refusal.code == v1::UNKNOWN_EVENT_TYPE ||
                 refusal.code == v1::INVALID_FIELD,
             "a refusal of the decoder has one of its three codes, not " +
                 v1::RejectionCode_Name(refusal.code));
  CheckMessage(refusal.message, "the refusal's message");
}

void CheckRoundTrips(const v1::SubmitEvent& submission) {
  FUZZ_CHECK(submission.event().event_case() != v1::Event::EVENT_NOT_SET,
             "a decoded submission names an event");
  auto again = DecodeSubmission(CommandRecord(submission.SerializeAsString()));
  FUZZ_CHECK(std::holds_alternative<v1::SubmitEvent>(again), "re-serialized bytes decode");
  FUZZ_CHECK(SameMessage(std::get<v1::SubmitEvent>(again), submission),
             "binary -> SubmitEvent -> binary -> SubmitEvent keeps every field");

  // JSON has no place for fields this build does not know: compare without them.
  v1::SubmitEvent known = submission;
  known.DiscardUnknownFields();
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(known, &json).ok()) return;
  auto from_json = DecodeSubmission(CommandRecord(json, std::string(kJsonContentType)));
  FUZZ_CHECK(std::holds_alternative<v1::SubmitEvent>(from_json),
             "the JSON printed from a binary submission decodes: " + json);
  FUZZ_CHECK(SameMessage(std::get<v1::SubmitEvent>(from_json), known),
             "binary -> SubmitEvent -> JSON -> SubmitEvent keeps every known field: " + json);
}

// The same bytes with the first few input bytes as the submission id header.
void CheckSubmissionIdHeader(const LogRecord& plain, bool plain_decoded) {
  LogRecord with_id = plain;
  const std::string id = plain.value.substr(0, std::min<size_t>(plain.value.size(), 16));
  if (id.empty()) return;
  with_id.headers.emplace_back(kSubmissionIdHeader, id);
  auto decoded = DecodeSubmission(with_id);
  if (!plain_decoded) {
    FUZZ_CHECK(std::holds_alternative<Refusal>(decoded), "a header cannot make bad bytes decode");
    return;
  }
  if (!IsValidUtf8(id)) {
    const auto* refusal = std::get_if<Refusal>(&decoded);
    FUZZ_CHECK(refusal != nullptr && refusal->code == v1::INVALID_FIELD,
               "a submission id header that is not UTF-8 is refused as INVALID_FIELD");
    CheckMessage(refusal->message, "the header refusal's message");
    return;
  }
  const auto* submission = std::get_if<v1::SubmitEvent>(&decoded);
  FUZZ_CHECK(submission != nullptr && submission->submission_id() == id,
             "a UTF-8 submission id header becomes the submission id");
}

}  // namespace
}  // namespace timeline::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace timeline;
  const LogRecord record =
      fuzz::CommandRecord(std::string(reinterpret_cast<const char*>(data), size));
  auto decoded = DecodeSubmission(record);
  if (const auto* refusal = std::get_if<Refusal>(&decoded)) {
    fuzz::CheckRefusal(*refusal);
  } else {
    fuzz::CheckRoundTrips(std::get<v1::SubmitEvent>(decoded));
  }
  fuzz::CheckSubmissionIdHeader(record, std::holds_alternative<v1::SubmitEvent>(decoded));
  return 0;
}
