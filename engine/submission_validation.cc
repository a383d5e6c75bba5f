#include "engine/submission_validation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "timeline/v1/events.pb.h"

namespace timeline {
namespace {

// Totals are int64 minor units; capping a line at 10^15 (ten trillion in major units) keeps any
// account's sums far from overflow.
constexpr int64_t kMaxLineTotal = 1'000'000'000'000'000;

Refusal Invalid(std::string message) { return {v1::INVALID_FIELD, std::move(message)}; }

std::optional<Refusal> RequireText(std::string_view path, const std::string& value) {
  if (value.empty()) return Invalid(fmt::format("{} is required", path));
  return std::nullopt;
}

bool IsCurrencyCode(const std::string& currency) {
  return currency.size() == 3 &&
         std::all_of(currency.begin(), currency.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::optional<Refusal> CheckMoney(const std::string& path, const v1::Money& money) {
  if (money.minor_units() < 0) {
    return Refusal{v1::NEGATIVE_AMOUNT,
                   fmt::format("{}.minorUnits is {}; amounts must be zero or more (fix a mistake "
                               "with a correcting event, not a negative amount)",
                               path, money.minor_units())};
  }
  if (!IsCurrencyCode(money.currency())) {
    return Invalid(fmt::format("{}.currency is \"{}\"; expected an ISO 4217 code such as \"EUR\"",
                               path, money.currency()));
  }
  return std::nullopt;
}

// Order and invoice lines share one shape: sku, a positive quantity, a non-negative price.
template <typename Line>
std::optional<Refusal> CheckLines(const std::string& path,
                                  const google::protobuf::RepeatedPtrField<Line>& lines) {
  if (lines.empty()) return Invalid(fmt::format("{} must hold at least one line", path));
  for (int i = 0; i < lines.size(); ++i) {
    const std::string line_path = fmt::format("{}[{}]", path, i);
    const Line& line = lines[i];
    if (auto refusal = RequireText(line_path + ".sku", line.sku())) return refusal;
    if (line.quantity() < 0) {
      return Refusal{v1::NEGATIVE_AMOUNT,
                     fmt::format("{}.quantity is {}; quantities must be positive", line_path,
                                 line.quantity())};
    }
    if (line.quantity() == 0) {
      return Invalid(fmt::format("{}.quantity is 0; quantities must be positive", line_path));
    }
    if (auto refusal = CheckMoney(line_path + ".unitPrice", line.unit_price())) return refusal;
    int64_t line_total = 0;
    if (__builtin_mul_overflow(line.quantity(), line.unit_price().minor_units(), &line_total) ||
        line_total > kMaxLineTotal) {
      return Invalid(fmt::format("{}: quantity {} x unitPrice {} exceeds the largest line total "
                                 "({} minor units)",
                                 line_path, line.quantity(), line.unit_price().minor_units(),
                                 kMaxLineTotal));
    }
  }
  return std::nullopt;
}

std::optional<Refusal> CheckEvent(const v1::Event& event) {
  switch (event.event_case()) {
    case v1::Event::kAccountOpened: {
      const auto& opened = event.account_opened();
      if (auto r = RequireText("event.accountOpened.name", opened.name())) return r;
      if (!opened.currency().empty() && !IsCurrencyCode(opened.currency())) {
        return Invalid(fmt::format(
            "event.accountOpened.currency is \"{}\"; expected an ISO 4217 code such as \"EUR\"",
            opened.currency()));
      }
      return std::nullopt;
    }
    case v1::Event::kOrderPlaced: {
      const auto& order = event.order_placed();
      if (auto r = RequireText("event.orderPlaced.orderId", order.order_id())) return r;
      return CheckLines("event.orderPlaced.lines", order.lines());
    }
    case v1::Event::kMilestoneCompleted: {
      const auto& milestone = event.milestone_completed();
      if (auto r = RequireText("event.milestoneCompleted.projectId", milestone.project_id())) {
        return r;
      }
      return RequireText("event.milestoneCompleted.milestoneId", milestone.milestone_id());
    }
    case v1::Event::kInvoiceIssued: {
      const auto& invoice = event.invoice_issued();
      if (auto r = RequireText("event.invoiceIssued.invoiceId", invoice.invoice_id())) return r;
      return CheckLines("event.invoiceIssued.lines", invoice.lines());
    }
    case v1::Event::kTrainingDelivered: {
      const auto& training = event.training_delivered();
      if (auto r = RequireText("event.trainingDelivered.trainingId", training.training_id())) {
        return r;
      }
      if (training.attendees() < 0) {
        return Refusal{v1::NEGATIVE_AMOUNT,
                       fmt::format("event.trainingDelivered.attendees is {}; must be positive",
                                   training.attendees())};
      }
      if (training.attendees() == 0) {
        return Invalid("event.trainingDelivered.attendees is 0; must be positive");
      }
      return std::nullopt;
    }
    case v1::Event::EVENT_NOT_SET:
      break;
  }
  return Refusal{v1::UNKNOWN_EVENT_TYPE, "the submission carries no event of a known type"};
}

}  // namespace

bool IsValidAccountId(std::string_view account_id) {
  if (account_id.empty() || account_id.size() > 64) return false;
  return std::all_of(account_id.begin(), account_id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' ||
           c == '-';
  });
}

std::optional<Refusal> ValidateSubmission(const v1::SubmitEvent& submission) {
  if (!IsValidAccountId(submission.account_id())) {
    return Invalid(fmt::format(
        "accountId \"{}\" is not valid; use 1 to 64 characters of letters, digits, '.', '_', ':' "
        "or '-'",
        submission.account_id()));
  }
  if (!submission.has_occurred_at()) {
    return Invalid("occurredAt is required: when the event happened, e.g. \"2026-11-26T09:30:00Z\"");
  }
  if (submission.idempotency_key().size() > 256) {
    return Invalid(fmt::format("idempotencyKey is {} bytes long; at most 256",
                               submission.idempotency_key().size()));
  }
  return CheckEvent(submission.event());
}

}  // namespace timeline
