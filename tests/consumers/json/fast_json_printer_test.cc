// The fast JSON printer prints what protobuf 3.21's printer prints, byte for byte, compact and
// pretty: for every message type of proto/timeline/v1 (default instances and thousands of
// random instances each, filled by reflection), for the demo history and the views folded
// from it, and for the strings, numbers and timestamps at the edges of the mapping.
#include "consumers/json/fast_json_printer.h"

#include <catch2/catch.hpp>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/json_util.h>

#include <dirent.h>
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "consumers/demo/demo_history.h"
#include "consumers/json/json_views.h"
#include "consumers/json/library_json_printer.h"
#include "projections/account_snapshot.h"
#include "projections/account_summary_view.h"
#include "projections/contract_compliance_view.h"
#include "projections/growth_view.h"
#include "projections/portfolio_view.h"
#include "projections/project_health_view.h"
#include "projections/projector.h"
#include "projections/training_coverage_view.h"
#include "projections/view_store.h"
#include "tests/projections/demo_event_records.h"
#include "tests/support/test_environment.h"
#include "timeline/v1/account_state.pb.h"
#include "timeline/v1/api.pb.h"
#include "timeline/v1/audit.pb.h"
#include "timeline/v1/chain_digest.pb.h"
#include "timeline/v1/changelog.pb.h"
#include "timeline/v1/commands.pb.h"
#include "timeline/v1/dead_letter.pb.h"
#include "timeline/v1/entities.pb.h"
#include "timeline/v1/envelope.pb.h"
#include "timeline/v1/events.pb.h"
#include "timeline/v1/export.pb.h"
#include "timeline/v1/lineage.pb.h"
#include "timeline/v1/money.pb.h"
#include "timeline/v1/query.pb.h"
#include "timeline/v1/rejection.pb.h"
#include "timeline/v1/sequencer_head.pb.h"
#include "timeline/v1/snapshots.pb.h"
#include "timeline/v1/subscription.pb.h"
#include "timeline/v1/view_digest.pb.h"
#include "timeline/v1/views.pb.h"

namespace timeline {
namespace {

namespace pb = google::protobuf;
using pb::FieldDescriptor;

// One descriptor per file of proto/timeline/v1, which also makes the linker keep every file's
// generated code, so that the generated pool knows all of them.
std::vector<const pb::FileDescriptor*> TimelineFiles() {
  return {v1::CurrencyTotal::descriptor()->file(),
          v1::AccountListEntry::descriptor()->file(),
          v1::ChainProblem::descriptor()->file(),
          v1::ChainDigest::descriptor()->file(),
          v1::ChangelogProgress::descriptor()->file(),
          v1::SubmitEvent::descriptor()->file(),
          v1::DeadLetter::descriptor()->file(),
          v1::ContractVersion::descriptor()->file(),
          v1::EventEnvelope::descriptor()->file(),
          v1::AccountOpened::descriptor()->file(),
          v1::ExportedEvent::descriptor()->file(),
          v1::FigureContribution::descriptor()->file(),
          v1::Money::descriptor()->file(),
          v1::HistoryEntry::descriptor()->file(),
          v1::Rejection::descriptor()->file(),
          v1::SequencerHead::descriptor()->file(),
          v1::EventTimeRange::descriptor()->file(),
          v1::SubscriptionToken::descriptor()->file(),
          v1::ViewDigest::descriptor()->file(),
          v1::AccountProfile::descriptor()->file()};
}

void AddTypes(const pb::Descriptor* type, std::vector<const pb::Descriptor*>* types) {
  types->push_back(type);
  for (int i = 0; i < type->nested_type_count(); ++i) AddTypes(type->nested_type(i), types);
}

// Every message type of timeline.v1, nested ones included, in file order.
std::vector<const pb::Descriptor*> TimelineTypes() {
  std::vector<const pb::Descriptor*> types;
  for (const pb::FileDescriptor* file : TimelineFiles()) {
    for (int i = 0; i < file->message_type_count(); ++i) AddTypes(file->message_type(i), &types);
  }
  return types;
}

std::unique_ptr<pb::Message> NewMessage(const pb::Descriptor* type) {
  return std::unique_ptr<pb::Message>(
      pb::MessageFactory::generated_factory()->GetPrototype(type)->New());
}

// Both printers on one message; fails showing both outputs when they differ, or when the fast
// printer declined a message it should print.
void ExpectSameJson(const pb::Message& message, const std::string& label) {
  for (const JsonLayout layout : {JsonLayout::kCompact, JsonLayout::kPretty}) {
    const std::string expected = PrintLibraryJson(message, layout);
    const std::optional<std::string> actual = PrintFastJson(message, layout);
    const char* layout_name = layout == JsonLayout::kCompact ? "compact" : "pretty";
    if (!actual) {
      FAIL(label << " (" << layout_name << "): the fast printer declined it; the library printed\n"
                 << expected << "\nmessage:\n"
                 << message.DebugString());
    }
    if (*actual != expected) {
      FAIL(label << " (" << layout_name << "): the printers differ\nlibrary:\n"
                 << expected << "\nfast:\n"
                 << *actual << "\nmessage:\n"
                 << message.DebugString());
    }
  }
}

// Fills messages with random values by reflection, edges of every type favoured.
class RandomFiller {
 public:
  explicit RandomFiller(uint64_t seed) : random_(seed) {}

  void Fill(pb::Message* message, int depth) {
    const pb::Descriptor* type = message->GetDescriptor();
    for (int i = 0; i < type->oneof_decl_count(); ++i) {
      const pb::OneofDescriptor* oneof = type->oneof_decl(i);
      if (oneof->is_synthetic()) continue;
      const int pick = static_cast<int>(Uniform(-1, oneof->field_count() - 1));
      if (pick >= 0) SetSingular(message, oneof->field(pick), depth);
    }
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor* field = type->field(i);
      if (field->real_containing_oneof() != nullptr) continue;
      if (field->is_repeated()) {
        const int64_t count = Uniform(0, depth < 3 ? 4 : 1);
        for (int64_t n = 0; n < count; ++n) AddRepeated(message, field, depth);
      } else if (field->has_optional_keyword()) {
        if (Chance(50)) SetSingular(message, field, depth);  // set, maybe to its default
      } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        if (depth < 4 && Chance(60)) SetSingular(message, field, depth);
      } else if (Chance(70)) {
        SetSingular(message, field, depth);
      }
    }
  }

  // Seconds and nanos the library prints: the whole range, and 0, 3, 6 or 9 fraction digits.
  void FillTimestamp(pb::Timestamp* timestamp) {
    constexpr int64_t kMin = -62135596800LL, kMax = 253402300799LL;
    switch (Uniform(0, 5)) {
      case 0: timestamp->set_seconds(Pick<int64_t>({kMin, kMax, 0, -1, 1, 951782400})); break;
      case 1: timestamp->set_seconds(Uniform(kMin, kMax)); break;
      default: timestamp->set_seconds(1735689600 + Uniform(-400000000, 400000000)); break;
    }
    switch (Uniform(0, 4)) {
      case 0: timestamp->set_nanos(0); break;
      case 1: timestamp->set_nanos(static_cast<int32_t>(Uniform(0, 999)) * 1000000); break;
      case 2: timestamp->set_nanos(static_cast<int32_t>(Uniform(0, 999999)) * 1000); break;
      case 3: timestamp->set_nanos(static_cast<int32_t>(Uniform(0, 999999999))); break;
      default: timestamp->set_nanos(Pick<int32_t>({1, 999999999, 10, 100000, 1000})); break;
    }
  }

  std::string RandomString() {
    static const std::vector<std::string> kPieces = {
        "a", "Zq", "acme-12", " ", "\"", "\\", "/", "<", ">", "&", "'", "\x7f", "\n", "\r", "\t",
        "\b", "\f", std::string(1, '\0'), "\x01", "\x1f", "\x0b",
        "\xc3\xa9",                                          // é
        "\xe4\xb8\xad",                                      // 中
        "\xf0\x9f\x98\x80",                                  // 😀
        "\xc2\x80", "\xc2\x9f",                              // C1 controls
        "\xc2\xa0",                                          // no-break space: copied
        "\xc2\xad",                                          // soft hyphen: escaped
        "\xd8\x80", "\xdb\x9d", "\xdc\x8f", "\xe1\x9e\xb4",  // Arabic, Syriac, Khmer signs
        "\xe2\x80\x8b", "\xe2\x80\x8f", "\xe2\x80\xa8", "\xe2\x80\xae",  // U+200B..U+202E
        "\xe2\x81\xa0", "\xe2\x81\xaf",                                  // U+2060, U+206F
        "\xef\xbb\xbf", "\xef\xbf\xb9", "\xef\xbf\xbb", "\xef\xbf\xbd",  // FEFF, FFF9, FFFB, FFFD
        "\xf3\xa0\x80\x81", "\xf3\xa0\x81\xbf",                          // U+E0001, U+E007F
        "\xf0\x9d\x85\xb3", "\xf0\x9d\x85\xba",                          // U+1D173, U+1D17A
        "\xf4\x8f\xbf\xbf",                                              // U+10FFFF
        // Not UTF-8: what the library drops, and what it decodes anyway.
        "\x80", "\xbf", "\xff", "\xf8\x88", "\xc3", "\xe4\xb8",
        "\xc3"
        "A",
        "\xe4"
        "A\x80",
        "\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80", "\xc0\x80", "\xc1\x81", "\xc0\xa2",
        "\xe0\x82\x80", "\xf0\x80\x80\xbc", "\xc3\xc3\xa9"};
    std::string text;
    const int64_t count = Uniform(0, 3) == 0 ? 0 : Uniform(1, 12);
    for (int64_t i = 0; i < count; ++i) {
      if (Chance(70)) {
        text += kPieces[Uniform(0, static_cast<int64_t>(kPieces.size()) - 1)];
      } else {
        text += static_cast<char>(Uniform(0x20, 0x7e));
      }
    }
    return text;
  }

 private:
  int64_t Uniform(int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high)(random_);
  }
  bool Chance(int percent) { return Uniform(0, 99) < percent; }
  template <typename T>
  T Pick(std::initializer_list<T> values) {
    return values.begin()[Uniform(0, static_cast<int64_t>(values.size()) - 1)];
  }
  uint64_t Bits() { return random_(); }

  int32_t RandomInt32() {
    switch (Uniform(0, 3)) {
      case 0:
        return Pick<int32_t>(
            {0, 1, -1, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()});
      case 1: return static_cast<int32_t>(Bits());
      default: return static_cast<int32_t>(Uniform(-1000, 100000));
    }
  }
  int64_t RandomInt64() {
    switch (Uniform(0, 3)) {
      case 0:
        return Pick<int64_t>({0, 1, -1, std::numeric_limits<int64_t>::min(),
                              std::numeric_limits<int64_t>::max(), 9007199254740993LL});
      case 1: return static_cast<int64_t>(Bits());
      default: return Uniform(-1000000, 100000000);
    }
  }
  uint32_t RandomUint32() {
    return Chance(30) ? Pick<uint32_t>({0, 1, std::numeric_limits<uint32_t>::max()})
                      : static_cast<uint32_t>(Chance(50) ? Bits() : Bits() % 1000);
  }
  uint64_t RandomUint64() {
    return Chance(30) ? Pick<uint64_t>({0, 1, std::numeric_limits<uint64_t>::max()})
                      : (Chance(50) ? Bits() : Bits() % 100000);
  }
  double RandomDouble() {
    switch (Uniform(0, 4)) {
      case 0:
        return Pick<double>({0.0,
                             -0.0,
                             1.0,
                             -1.0,
                             0.1,
                             0.3,
                             1.0 / 3.0,
                             0.1 + 0.2,
                             1e21,
                             1e-7,
                             123456789012345678.0,
                             1e15,
                             1e16,
                             1e17,
                             100.0,
                             0.5,
                             2.5e-5,
                             std::numeric_limits<double>::quiet_NaN(),
                             std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity(),
                             DBL_MAX,
                             -DBL_MAX,
                             DBL_MIN,
                             std::numeric_limits<double>::denorm_min(),
                             DBL_EPSILON});
      case 1: {  // any bit pattern: subnormals, NaN payloads, huge and tiny
        const uint64_t bits = Bits();
        double value;
        std::memcpy(&value, &bits, sizeof(value));
        return value;
      }
      case 2: return static_cast<double>(Uniform(-100000, 100000)) / 100.0;  // money-like
      default:
        return std::uniform_real_distribution<double>(-1.0, 1.0)(random_) *
               std::pow(10.0, static_cast<double>(Uniform(-30, 30)));
    }
  }
  int RandomEnum(const pb::EnumDescriptor* type) {
    if (Chance(85)) {
      return type->value(static_cast<int>(Uniform(0, type->value_count() - 1)))->number();
    }
    return Pick<int>(
        {-1, 12345, 7, std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::min()});
  }
  std::string RandomBytes() {
    std::string bytes(static_cast<size_t>(Uniform(0, 40)), '\0');
    for (char& byte : bytes) byte = static_cast<char>(Bits());
    return bytes;
  }

  void SetSingular(pb::Message* message, const FieldDescriptor* field, int depth) {
    const pb::Reflection* r = message->GetReflection();
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32: r->SetInt32(message, field, RandomInt32()); break;
      case FieldDescriptor::CPPTYPE_INT64: r->SetInt64(message, field, RandomInt64()); break;
      case FieldDescriptor::CPPTYPE_UINT32: r->SetUInt32(message, field, RandomUint32()); break;
      case FieldDescriptor::CPPTYPE_UINT64: r->SetUInt64(message, field, RandomUint64()); break;
      case FieldDescriptor::CPPTYPE_DOUBLE: r->SetDouble(message, field, RandomDouble()); break;
      case FieldDescriptor::CPPTYPE_FLOAT: r->SetFloat(message, field, 1.5f); break;
      case FieldDescriptor::CPPTYPE_BOOL: r->SetBool(message, field, Chance(50)); break;
      case FieldDescriptor::CPPTYPE_ENUM:
        r->SetEnumValue(message, field, RandomEnum(field->enum_type()));
        break;
      case FieldDescriptor::CPPTYPE_STRING:
        r->SetString(message, field,
                     field->type() == FieldDescriptor::TYPE_BYTES ? RandomBytes() : RandomString());
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE:
        FillMessage(r->MutableMessage(message, field), depth);
        break;
    }
  }

  void AddRepeated(pb::Message* message, const FieldDescriptor* field, int depth) {
    const pb::Reflection* r = message->GetReflection();
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32: r->AddInt32(message, field, RandomInt32()); break;
      case FieldDescriptor::CPPTYPE_INT64: r->AddInt64(message, field, RandomInt64()); break;
      case FieldDescriptor::CPPTYPE_UINT32: r->AddUInt32(message, field, RandomUint32()); break;
      case FieldDescriptor::CPPTYPE_UINT64: r->AddUInt64(message, field, RandomUint64()); break;
      case FieldDescriptor::CPPTYPE_DOUBLE: r->AddDouble(message, field, RandomDouble()); break;
      case FieldDescriptor::CPPTYPE_FLOAT: r->AddFloat(message, field, 1.5f); break;
      case FieldDescriptor::CPPTYPE_BOOL: r->AddBool(message, field, Chance(50)); break;
      case FieldDescriptor::CPPTYPE_ENUM:
        r->AddEnumValue(message, field, RandomEnum(field->enum_type()));
        break;
      case FieldDescriptor::CPPTYPE_STRING:
        r->AddString(message, field,
                     field->type() == FieldDescriptor::TYPE_BYTES ? RandomBytes() : RandomString());
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE:
        FillMessage(r->AddMessage(message, field), depth);
        break;
    }
  }

  // A nested message: a Timestamp by its own rules, another message empty now and then.
  void FillMessage(pb::Message* nested, int depth) {
    if (nested->GetDescriptor() == pb::Timestamp::descriptor()) {
      FillTimestamp(static_cast<pb::Timestamp*>(nested));
    } else if (Chance(90)) {
      Fill(nested, depth + 1);
    }
  }

  std::mt19937_64 random_;
};

TEST_CASE("the fast printer covers every message type of timeline.v1", "[consumers][json]") {
  // Every .proto of the source tree is in TimelineFiles().
  std::vector<std::string> on_disk;
  if (DIR* dir = opendir(TIMELINE_PROTO_DIR)) {
    while (const dirent* entry = readdir(dir)) {
      const std::string name = entry->d_name;
      if (name.size() > 6 && name.substr(name.size() - 6) == ".proto") {
        on_disk.push_back("timeline/v1/" + name);
      }
    }
    closedir(dir);
  }
  std::vector<std::string> known;
  for (const pb::FileDescriptor* file : TimelineFiles()) known.push_back(file->name());
  std::sort(on_disk.begin(), on_disk.end());
  std::sort(known.begin(), known.end());
  CHECK(known == on_disk);

  const auto types = TimelineTypes();
  CHECK(types.size() > 100);
  for (const pb::Descriptor* type : types) {
    INFO(type->full_name());
    CHECK(FastJsonCoversType(type));
  }
}

TEST_CASE("default instances of every type print as the library prints them", "[consumers][json]") {
  for (const pb::Descriptor* type : TimelineTypes()) {
    ExpectSameJson(*NewMessage(type), type->full_name() + " (default)");
  }
}

TEST_CASE("random instances of every type print as the library prints them", "[consumers][json]") {
  // Strings that are not UTF-8 make protobuf log an error on each serialization.
  google::protobuf::LogSilencer silence;
  constexpr int kPerType = 2000;
  RandomFiller filler(20261204);
  for (const pb::Descriptor* type : TimelineTypes()) {
    for (int i = 0; i < kPerType; ++i) {
      auto message = NewMessage(type);
      filler.Fill(message.get(), 0);
      ExpectSameJson(*message, type->full_name() + " #" + std::to_string(i));
    }
  }
}

TEST_CASE("the cached library path prints what MessageToJsonString prints", "[consumers][json]") {
  google::protobuf::LogSilencer silence;
  RandomFiller filler(7);
  for (const pb::Descriptor* type : TimelineTypes()) {
    for (int i = 0; i < 20; ++i) {
      auto message = NewMessage(type);
      filler.Fill(message.get(), 0);
      for (const bool pretty : {false, true}) {
        pb::util::JsonPrintOptions options;
        options.always_print_primitive_fields = true;
        options.add_whitespace = pretty;
        std::string json;
        REQUIRE(pb::util::MessageToJsonString(*message, &json, options).ok());
        if (pretty) json.pop_back();
        INFO(type->full_name() << " #" << i);
        CHECK(PrintLibraryJson(*message, pretty ? JsonLayout::kPretty : JsonLayout::kCompact) ==
              json);
      }
    }
  }
}

TEST_CASE("the demo history, its fold and its views print as the library prints them",
          "[consumers][json]") {
  const DemoHistory demo = GenerateDemoHistory({4, 12, 3});
  const std::vector<LogRecord> records = testing::DemoEventRecords(demo);
  REQUIRE(records.size() > 200);
  testing::TempDir dir;
  auto store = ViewStore::OpenPrimary(dir.Sub("views"));
  REQUIRE(store.ok());
  Projector projector(store->get(), &testing::TestSealKey(), nullptr);
  REQUIRE(projector.ApplyBatch(records).ok());

  for (const auto& submission : demo.submissions) ExpectSameJson(submission, "SubmitEvent");
  for (const auto& record : records) {
    v1::EventEnvelope envelope;
    REQUIRE(envelope.ParseFromString(record.value));
    ExpectSameJson(envelope, "EventEnvelope");
    auto entry = ToHistoryEntry(envelope);
    REQUIRE(entry.ok());
    ExpectSameJson(*entry, "HistoryEntry " + envelope.event_id());
  }

  pb::Timestamp reference;
  reference.set_seconds(demo.reference_date);
  std::vector<AccountSnapshot> snapshots;
  for (const auto& account : demo.account_ids) {
    auto snapshot = LoadAccountSnapshot(**store, account);
    REQUIRE(snapshot.ok());
    REQUIRE(snapshot->has_value());
    const AccountSnapshot& a = **snapshot;
    ExpectSameJson(a.state, "AccountState " + account);
    const auto each = [](const auto& list, const char* label) {
      for (const auto& item : list) ExpectSameJson(item, label);
    };
    each(a.contracts, "ContractRecord");
    each(a.orders, "OrderRecord");
    each(a.invoices, "InvoiceRecord");
    each(a.projects, "ProjectRecord");
    each(a.milestones, "MilestoneRecord");
    each(a.proposals, "ProposalRecord");
    each(a.service_cases, "ServiceCaseRecord");
    each(a.programmes, "ProgrammeRecord");
    each(a.trainings, "TrainingRecord");
    each(a.team, "TeamMemberRecord");
    ExpectSameJson(BuildAccountSummaryView(a, reference), "AccountSummaryView " + account);
    ExpectSameJson(BuildComplianceView(a, reference), "ComplianceView " + account);
    ExpectSameJson(BuildGrowthView(a, reference), "GrowthView " + account);
    ExpectSameJson(BuildProjectHealthView(a, reference), "ProjectHealthView " + account);
    ExpectSameJson(BuildTrainingCoverageView(a, reference), "TrainingCoverageView " + account);
    ExpectSameJson(BuildAccountHeadline(a, reference), "AccountHeadline " + account);
    snapshots.push_back(a);
  }
  ExpectSameJson(BuildPortfolioView(snapshots, reference), "PortfolioView");
}

TEST_CASE("proto3 optional and oneof scalars and Timestamps print after the other fields",
          "[consumers][json]") {
  v1::SubmitEvent submission;
  submission.set_account_id("acct-1");
  submission.set_expected_version(0);  // set to its default: printed, after the rest
  submission.mutable_occurred_at()->set_seconds(1735689600);
  submission.mutable_occurred_at()->set_nanos(120000000);
  const std::string json = *PrintFastJson(submission, JsonLayout::kCompact);
  CHECK(json == PrintLibraryJson(submission, JsonLayout::kCompact));
  CHECK(json.find("\"expectedVersion\":\"0\",\"occurredAt\":\"2025-01-01T00:00:00.120Z\"") !=
        std::string::npos);
  CHECK(json.substr(0, 15) == "{\"accountId\":\"a");
}

TEST_CASE(
    "strings escape as the library escapes them, and bytes that are not UTF-8 drop as it "
    "drops them",
    "[consumers][json]") {
  google::protobuf::LogSilencer silence;
  v1::HistoryEntry entry;
  for (const std::string& text :
       {std::string("plain"), std::string("<a href=\"x\">&amp;</a>\\"),
        std::string("\0\x01\x1f\x7f", 4), std::string("caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80"),
        std::string("\xe2\x80\xa8\xef\xbb\xbf"), std::string("\xf3\xa0\x80\x81"),
        std::string("bad \x80 \xff \xc3"
                    "A \xed\xa0\x80 end\xe4\xb8"),
        std::string("\xc0\x80\xc1\x81")}) {
    entry.set_actor(text);
    ExpectSameJson(entry, "actor " + text);
  }
  entry.set_actor("\xc2\xad\xe2\x80\xa8");
  CHECK(PrintFastJson(entry, JsonLayout::kCompact)->find("\"actor\":\"\\u00ad\\u2028\"") !=
        std::string::npos);
}

TEST_CASE("doubles print as SimpleDtoa prints them, NaN and the infinities quoted",
          "[consumers][json]") {
  v1::SkuCadence cadence;
  for (const double value :
       {0.1 + 0.2, 1e21, -0.0, 5e-324, 1.7976931348623157e308, 0.5,
        std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::infinity()}) {
    cadence.set_average_days_between_orders(value);
    ExpectSameJson(cadence, "double " + std::to_string(value));
  }
  cadence.set_average_days_between_orders(0.1 + 0.2);
  CHECK(PrintFastJson(cadence, JsonLayout::kCompact)->find("0.30000000000000004") !=
        std::string::npos);
  cadence.set_average_days_between_orders(std::numeric_limits<double>::infinity());
  CHECK(PrintFastJson(cadence, JsonLayout::kCompact)->find("\"Infinity\"") != std::string::npos);
}

TEST_CASE("what the fast printer declines still prints as the library prints it",
          "[consumers][json]") {
  // A Timestamp outside 0001..9999 (the library fails on it), and a well-known type on its own.
  v1::HistoryEntry entry;
  entry.set_account_id("a");
  entry.mutable_occurred_at()->set_seconds(253402300800LL);
  CHECK_FALSE(PrintFastJson(entry, JsonLayout::kCompact).has_value());
  CHECK(ToJsonLine(entry) == PrintLibraryJson(entry, JsonLayout::kCompact));
  entry.mutable_occurred_at()->set_seconds(0);
  entry.mutable_occurred_at()->set_nanos(-1);
  CHECK_FALSE(PrintFastJson(entry, JsonLayout::kPretty).has_value());
  CHECK(ToPrettyJson(entry) == PrintLibraryJson(entry, JsonLayout::kPretty));

  pb::Timestamp timestamp;
  timestamp.set_seconds(1735689600);
  CHECK_FALSE(PrintFastJson(timestamp, JsonLayout::kCompact).has_value());
  CHECK(ToJsonLine(timestamp) == "\"2025-01-01T00:00:00Z\"");

  // A dynamic message (another pool) is the library's.
  pb::DynamicMessageFactory factory;
  pb::DescriptorPool pool;
  pb::FileDescriptorProto file;
  v1::Money::descriptor()->file()->CopyTo(&file);
  REQUIRE(pool.BuildFile(file) != nullptr);
  std::unique_ptr<pb::Message> dynamic(
      factory.GetPrototype(pool.FindMessageTypeByName("timeline.v1.Money"))->New());
  CHECK_FALSE(PrintFastJson(*dynamic, JsonLayout::kCompact).has_value());
  CHECK(ToJsonLine(*dynamic) == PrintLibraryJson(*dynamic, JsonLayout::kCompact));
}

}  // namespace
}  // namespace timeline
