#include "engine/submission_decoder.h"

#include <google/protobuf/util/json_util.h>

#include <fmt/format.h>

#include <cctype>

#include "engine/quoted_text.h"
#include "timeline/v1/events.pb.h"

namespace timeline {
namespace {

// Every case of timeline.v1.Event by its JSON name, from the descriptor: all of them, always.
const std::string& KnownEventTypes() {
  static const std::string names = [] {
    std::string joined;
    const auto* oneof = v1::Event::descriptor()->FindOneofByName("event");
    for (int i = 0; oneof != nullptr && i < oneof->field_count(); ++i) {
      if (!joined.empty()) joined += ", ";
      joined += oneof->field(i)->json_name();
    }
    return joined;
  }();
  return names;
}

std::variant<v1::SubmitEvent, Refusal> DecodeJson(const std::string& text) {
  v1::SubmitEvent submission;
  google::protobuf::util::JsonParseOptions strict;
  const auto status = google::protobuf::util::JsonStringToMessage(text, &submission, strict);
  if (status.ok()) return submission;

  // A strict parse fails both for broken JSON and for an event type we do not know. Parsing
  // again while ignoring unknown fields tells the two apart: if that works and leaves the event
  // empty, the submitter named an event type this sequencer does not have.
  google::protobuf::util::JsonParseOptions lenient;
  lenient.ignore_unknown_fields = true;
  v1::SubmitEvent lenient_submission;
  if (google::protobuf::util::JsonStringToMessage(text, &lenient_submission, lenient).ok() &&
      lenient_submission.event().event_case() == v1::Event::EVENT_NOT_SET &&
      text.find("\"event\"") != std::string::npos) {
    return Refusal{v1::UNKNOWN_EVENT_TYPE,
                   fmt::format("unknown event type ({}); known types: {}",
                               ValidUtf8(std::string(status.message())), KnownEventTypes())};
  }
  return Refusal{v1::MALFORMED_SUBMISSION, fmt::format("not a SubmitEvent in JSON: {}",
                                                       ValidUtf8(std::string(status.message())))};
}

}  // namespace

// "application/json", also with parameters ("application/json; charset=utf-8") or in capitals.
static bool IsJson(std::string_view content_type) {
  const std::string_view media_type = content_type.substr(0, content_type.find(';'));
  std::string lowered;
  for (char c : media_type) {
    if (c != ' ') lowered.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return lowered == kJsonContentType;
}

std::string SubmissionIdOf(const LogRecord& record) {
  auto header = record.Header(kSubmissionIdHeader);
  return header ? std::string(*header) : std::string();
}

std::variant<v1::SubmitEvent, Refusal> DecodeSubmission(const LogRecord& record) {
  std::variant<v1::SubmitEvent, Refusal> decoded;
  auto content_type = record.Header(kContentTypeHeader);
  if (content_type && IsJson(*content_type)) {
    if (!IsValidUtf8(record.value)) {
      return Refusal{v1::MALFORMED_SUBMISSION,
                     fmt::format("the JSON is not UTF-8 (at byte {}); JSON text must be UTF-8",
                                 FirstInvalidUtf8(record.value))};
    }
    decoded = DecodeJson(record.value);
  } else {
    v1::SubmitEvent submission;
    if (!submission.ParseFromString(record.value)) {
      decoded = Refusal{v1::MALFORMED_SUBMISSION,
                        "not a binary timeline.v1.SubmitEvent; send JSON with the header "
                        "content-type: application/json"};
    } else {
      decoded = std::move(submission);
    }
  }
  auto* submission = std::get_if<v1::SubmitEvent>(&decoded);
  if (submission == nullptr) return decoded;

  if (std::string id = SubmissionIdOf(record); !id.empty()) {
    // The id goes into the event's envelope, a protobuf string: it must be UTF-8.
    if (!IsValidUtf8(id)) {
      return Refusal{v1::INVALID_FIELD, fmt::format("the {} header is {}, not UTF-8; send a UUID",
                                                    kSubmissionIdHeader, Quoted(id))};
    }
    submission->set_submission_id(id);
  }
  if (submission->event().event_case() == v1::Event::EVENT_NOT_SET) {
    return Refusal{v1::UNKNOWN_EVENT_TYPE,
                   fmt::format("the submission carries no event of a known type; known types: {}",
                               KnownEventTypes())};
  }
  return decoded;
}

}  // namespace timeline
