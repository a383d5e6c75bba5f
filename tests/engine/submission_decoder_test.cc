#include "engine/submission_decoder.h"

#include <catch2/catch.hpp>

#include <google/protobuf/util/json_util.h>

#include <string>
#include <variant>

#include "engine/quoted_text.h"
#include "timeline/v1/events.pb.h"

namespace timeline {
namespace {

LogRecord JsonRecord(std::string json) {
  LogRecord record;
  record.topic = "account-commands";
  record.key = "acme";
  record.value = std::move(json);
  record.headers.emplace_back(std::string(kContentTypeHeader), std::string(kJsonContentType));
  return record;
}

LogRecord BinaryRecord(const v1::SubmitEvent& submission) {
  LogRecord record;
  record.topic = "account-commands";
  record.key = submission.account_id();
  record.value = submission.SerializeAsString();
  return record;
}

v1::SubmitEvent Decoded(const LogRecord& record) {
  auto decoded = DecodeSubmission(record);
  if (const auto* refusal = std::get_if<Refusal>(&decoded)) {
    FAIL("refused (" << v1::RejectionCode_Name(refusal->code) << "): " << refusal->message);
  }
  return std::get<v1::SubmitEvent>(std::move(decoded));
}

Refusal Refused(const LogRecord& record) {
  auto decoded = DecodeSubmission(record);
  REQUIRE(std::holds_alternative<Refusal>(decoded));
  return std::get<Refusal>(std::move(decoded));
}

constexpr const char* kOrderJson = R"({
  "accountId": "acme",
  "expectedVersion": "4",
  "idempotencyKey": "order-o-1",
  "occurredAt": "2026-11-26T09:30:00.250Z",
  "actor": "jane.doe",
  "submissionId": "from-body",
  "event": {"orderPlaced": {"orderId": "o-1", "reorder": true,
            "lines": [{"sku": "LIC-SEAT", "quantity": "3",
                       "unitPrice": {"minorUnits": "1250", "currency": "EUR"}}]}}
})";

TEST_CASE("a JSON submission with the content-type header decodes") {
  const v1::SubmitEvent submission = Decoded(JsonRecord(kOrderJson));
  CHECK(submission.account_id() == "acme");
  REQUIRE(submission.has_expected_version());
  CHECK(submission.expected_version() == 4);
  CHECK(submission.idempotency_key() == "order-o-1");
  CHECK(submission.actor() == "jane.doe");
  // RFC 3339: 2026-11-26T09:30:00Z is 1795685400 seconds after the epoch.
  CHECK(submission.occurred_at().seconds() == 1795685400);
  CHECK(submission.occurred_at().nanos() == 250000000);
  CHECK(submission.submission_id() == "from-body");
  REQUIRE(submission.event().has_order_placed());
  const auto& order = submission.event().order_placed();
  CHECK(order.order_id() == "o-1");
  CHECK(order.reorder());
  REQUIRE(order.lines_size() == 1);
  CHECK(order.lines(0).quantity() == 3);
  CHECK(order.lines(0).unit_price().minor_units() == 1250);
  CHECK(order.lines(0).unit_price().currency() == "EUR");
}

TEST_CASE("an RFC 3339 occurredAt with a UTC offset decodes to the same instant") {
  const v1::SubmitEvent submission = Decoded(JsonRecord(
      R"({"accountId":"acme","occurredAt":"2026-11-26T10:30:00+01:00",
          "event":{"milestoneCompleted":{"projectId":"p","milestoneId":"m"}}})"));
  CHECK(submission.occurred_at().seconds() == 1795685400);
  CHECK(submission.occurred_at().nanos() == 0);
}

TEST_CASE("the submission id header wins over the one in the body") {
  LogRecord record = JsonRecord(kOrderJson);
  record.headers.emplace_back(std::string(kSubmissionIdHeader), "from-header");
  CHECK(Decoded(record).submission_id() == "from-header");
  CHECK(SubmissionIdOf(record) == "from-header");

  v1::SubmitEvent binary = Decoded(JsonRecord(kOrderJson));
  LogRecord binary_record = BinaryRecord(binary);
  binary_record.headers.emplace_back(std::string(kSubmissionIdHeader), "from-header");
  CHECK(Decoded(binary_record).submission_id() == "from-header");
}

TEST_CASE("SubmissionIdOf is empty without the header") {
  CHECK(SubmissionIdOf(JsonRecord(kOrderJson)).empty());
}

TEST_CASE("malformed JSON is refused as malformed and quotes the parser's message") {
  const std::string broken = R"({"accountId": "acme", "event": {)";
  v1::SubmitEvent scratch;
  const auto parser = google::protobuf::util::JsonStringToMessage(broken, &scratch);
  REQUIRE_FALSE(parser.ok());
  const std::string parser_message(parser.message());
  REQUIRE_FALSE(parser_message.empty());

  const Refusal refusal = Refused(JsonRecord(broken));
  CHECK(refusal.code == v1::MALFORMED_SUBMISSION);
  CHECK_THAT(refusal.message, Catch::Contains("not a SubmitEvent in JSON"));
  CHECK_THAT(refusal.message, Catch::Contains(parser_message));
}

TEST_CASE("an unknown top-level JSON field is malformed, not an unknown event type") {
  const Refusal refusal = Refused(JsonRecord(
      R"({"accountId":"acme","colour":"red",
          "event":{"milestoneCompleted":{"projectId":"p","milestoneId":"m"}}})"));
  CHECK(refusal.code == v1::MALFORMED_SUBMISSION);
  CHECK_THAT(refusal.message, Catch::Contains("colour"));
}

TEST_CASE("a JSON event of an unknown type is refused listing every known type") {
  const Refusal refusal = Refused(JsonRecord(R"({"accountId":"a","event":{"dealClosed":{}}})"));
  CHECK(refusal.code == v1::UNKNOWN_EVENT_TYPE);
  CHECK_THAT(refusal.message, Catch::Contains("dealClosed"));
  const auto* cases = v1::Event::descriptor()->FindOneofByName("event");
  REQUIRE(cases != nullptr);
  CHECK(cases->field_count() > 30);
  for (int i = 0; i < cases->field_count(); ++i) {
    CHECK_THAT(refusal.message, Catch::Contains(cases->field(i)->json_name()));
  }
}

TEST_CASE("JSON that is not UTF-8 is refused as malformed in a message that is UTF-8") {
  const std::string json =
      "{\"accountId\":\"acme\",\"actor\":\"j\xff\xfe\","
      "\"event\":{\"accountOpened\":{\"name\":\"A\"}}}";
  const Refusal refusal = Refused(JsonRecord(json));
  CHECK(refusal.code == v1::MALFORMED_SUBMISSION);
  CHECK_THAT(refusal.message, Catch::Contains("not UTF-8 (at byte 30)"));
  CHECK(IsValidUtf8(refusal.message));
}

TEST_CASE("a submission id header that is not UTF-8 is refused and quoted with escapes") {
  LogRecord record = JsonRecord(kOrderJson);
  record.headers.emplace_back(std::string(kSubmissionIdHeader), "sub-\xfe");
  const Refusal refusal = Refused(record);
  CHECK(refusal.code == v1::INVALID_FIELD);
  CHECK_THAT(refusal.message, Catch::Contains("\"sub-\\xfe\", not UTF-8"));
}

TEST_CASE("a JSON submission without an event is refused as an unknown event type") {
  const Refusal refusal = Refused(JsonRecord(R"({"accountId":"a"})"));
  CHECK(refusal.code == v1::UNKNOWN_EVENT_TYPE);
  CHECK_THAT(refusal.message, Catch::Contains("known types"));
}

TEST_CASE("a binary protobuf submission decodes") {
  v1::SubmitEvent original;
  original.set_account_id("acme");
  original.set_expected_version(0);
  original.set_idempotency_key("open-acme");
  original.mutable_occurred_at()->set_seconds(1795685400);
  original.set_submission_id("s-1");
  original.mutable_event()->mutable_account_opened()->set_name("Acme Corp");

  const v1::SubmitEvent decoded = Decoded(BinaryRecord(original));
  CHECK(decoded.SerializeAsString() == original.SerializeAsString());
  CHECK(decoded.has_expected_version());
  CHECK(decoded.expected_version() == 0);
  CHECK(decoded.event().account_opened().name() == "Acme Corp");

  // The explicit protobuf content type is read as binary too.
  LogRecord typed = BinaryRecord(original);
  typed.headers.emplace_back(std::string(kContentTypeHeader), std::string(kProtobufContentType));
  CHECK(Decoded(typed).SerializeAsString() == original.SerializeAsString());
}

TEST_CASE("garbage binary is refused as malformed") {
  LogRecord record;
  record.value = std::string("\xff\xff\xff\xff", 4);  // a truncated varint tag
  const Refusal refusal = Refused(record);
  CHECK(refusal.code == v1::MALFORMED_SUBMISSION);
  CHECK_THAT(refusal.message, Catch::Contains("content-type: application/json"));
}

TEST_CASE("JSON sent without the content-type header is refused as malformed binary") {
  LogRecord record = JsonRecord(kOrderJson);
  record.headers.clear();
  const Refusal refusal = Refused(record);
  CHECK(refusal.code == v1::MALFORMED_SUBMISSION);
}

TEST_CASE("a binary submission with no event is refused as an unknown event type") {
  v1::SubmitEvent submission;
  submission.set_account_id("acme");
  submission.mutable_occurred_at()->set_seconds(1795685400);
  const Refusal refusal = Refused(BinaryRecord(submission));
  CHECK(refusal.code == v1::UNKNOWN_EVENT_TYPE);
  CHECK_THAT(refusal.message, Catch::Contains("orderPlaced"));
}

}  // namespace
}  // namespace timeline
