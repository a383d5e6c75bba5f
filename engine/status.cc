#include "engine/status.h"

namespace timeline {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kCorruption: return "corruption";
    case StatusCode::kIoError: return "io_error";
    case StatusCode::kKafkaError: return "kafka_error";
    case StatusCode::kTimedOut: return "timed_out";
    case StatusCode::kFenced: return "fenced";
    case StatusCode::kAborted: return "aborted";
    case StatusCode::kInternal: return "internal";
  }
  return "unknown";
}

Status OkStatusWithoutValue() {
  return Status::Internal("a Result was made from an OK status and no value: a bug in its maker");
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

}  // namespace timeline
