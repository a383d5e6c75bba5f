// Status and Result<T>: how errors cross module boundaries in Account Timeline.
//
// A Status is OK or carries a code and a message a person can act on. Functions that can fail
// return one (or a Result<T>) instead of throwing; exceptions never cross a module boundary.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace timeline {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // the caller's input is wrong; the message says which part
  kNotFound,         // the thing asked for does not exist
  kCorruption,       // stored or received bytes do not decode or do not verify
  kIoError,          // RocksDB or the filesystem failed
  kKafkaError,       // the broker or librdkafka failed
  kTimedOut,         // a wait ran out; the operation may still complete later
  kFenced,           // another instance took over; this one must stop
  kAborted,          // stopped on request
  kInternal,         // a bug: an invariant did not hold
};

// Returns a stable lower-case name for the code, e.g. "invalid_argument".
const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status KafkaError(std::string m) { return {StatusCode::kKafkaError, std::move(m)}; }
  static Status TimedOut(std::string m) { return {StatusCode::kTimedOut, std::move(m)}; }
  static Status Fenced(std::string m) { return {StatusCode::kFenced, std::move(m)}; }
  static Status Aborted(std::string m) { return {StatusCode::kAborted, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid_argument: <message>", or "ok".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// The Internal status a Result made from an OK status holds instead (see Result).
Status OkStatusWithoutValue();

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  // `status` must not be OK: a Result without a value has to say why. An OK one is a bug in the
  // caller and becomes Internal (as Abseil's StatusOr does), so the Result is never taken for
  // a success that has no value to read.
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    if (status_.ok()) status_ = OkStatusWithoutValue();
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace timeline

// Returns early from the enclosing function when `expr` yields a non-OK Status.
#define TIMELINE_RETURN_IF_ERROR(expr)   \
  do {                                   \
    ::timeline::Status _status = (expr); \
    if (!_status.ok()) return _status;   \
  } while (false)

// Evaluates `rexpr`, a Result<T>: returns its Status from the enclosing function when it is not
// OK, else moves its value into `lhs`, a declaration or an existing variable:
//   TIMELINE_ASSIGN_OR_RETURN(std::optional<v1::AccountState> state, store.GetState(account));
// It expands to several statements: not the body of an unbraced if or loop. `lhs` must not hold
// a comma outside parentheses (write `auto` or an alias for such a type).
#define TIMELINE_ASSIGN_OR_RETURN(lhs, rexpr) \
  TIMELINE_ASSIGN_OR_RETURN_IMPL_(TIMELINE_STATUS_CONCAT_(timeline_result_, __LINE__), lhs, rexpr)

// `result` names a variable and `lhs` is a declaration: neither can be parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define TIMELINE_ASSIGN_OR_RETURN_IMPL_(result, lhs, rexpr) \
  auto result = (rexpr);                                    \
  if (!result.ok()) return result.status();                 \
  lhs = std::move(result).value()
// NOLINTEND(bugprone-macro-parentheses)

#define TIMELINE_STATUS_CONCAT_(a, b) TIMELINE_STATUS_CONCAT_INNER_(a, b)
#define TIMELINE_STATUS_CONCAT_INNER_(a, b) a##b
