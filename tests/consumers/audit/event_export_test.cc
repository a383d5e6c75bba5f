// `timeline export`: the exported file carries what an auditor needs, and the standalone Python
// recipe of the README (deploy/verify_export.py) verifies it and names an altered event.
#include "consumers/audit/event_export.h"

#include <catch2/catch.hpp>

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "consumers/audit/csv_record.h"
#include "engine/hash_chain.h"
#include "projections/projector.h"
#include "tests/projections/view_test_history.h"

namespace timeline {
namespace {

using google::protobuf::util::TimeUtil;
using testing::views::Date;
using testing::views::History;

// A history whose envelopes fill every hashed field, with commas, quotes and non-ASCII text.
std::vector<v1::EventEnvelope> RichHistory() {
  History history("acme");
  history.On("2026-01-05")
      .Opened("Acme, \"the\" Industrial")
      .On("2026-01-10")
      .Order("PO-1", {{"PUMP", 2, 1250}})
      .On("2026-02-01")
      .Invoice("INV-1", "PO-1", {{"PUMP", 2, 1250}}, "2026-03-03")
      .On("2026-02-20")
      .Paid("PAY-1", "INV-1", 2500)
      .On("2026-03-01")
      .Order("PO-2", {{"VALVE", 1, 990}});
  std::vector<v1::EventEnvelope> envelopes = history.envelopes();
  std::string prev = GenesisHash();
  for (auto& envelope : envelopes) {
    envelope.set_actor("José Doe, \"JD\"");
    envelope.set_idempotency_key("key-" + std::to_string(envelope.sequence()));
    envelope.set_correlation_id("corr,1");
    envelope.set_causation_id(envelope.sequence() > 1 ? "acme-1" : "");
    envelope.set_submission_id("sub-" + std::to_string(envelope.sequence()));
    envelope.mutable_recorded_at()->set_nanos(123'456'789);
    testing::ChainAndSeal(prev, &envelope);
    prev = envelope.hash();
  }
  return envelopes;
}

// The rich history folded by the real Projector into a ViewStore in a temp directory.
class ExportFixture {
 public:
  ExportFixture() : envelopes_(RichHistory()) {
    auto store = ViewStore::OpenPrimary(dir_.Sub("views"));
    REQUIRE(store.ok());
    store_ = std::move(store).value();
    Projector projector(store_.get(), &testing::TestSealKey());
    REQUIRE(projector.ApplyBatch(testing::RecordsOf(envelopes_, 0)).ok());
    REQUIRE(projector.stats().applied == envelopes_.size());
  }

  std::string Export(ExportFormat format, std::optional<google::protobuf::Timestamp> as_of = {}) {
    std::ostringstream out;
    auto written = ExportHistory(*store_, {"acme", format, as_of}, out);
    REQUIRE(written.ok());
    return out.str();
  }

  // Writes `text` to a file in the temp directory and returns its path.
  std::string File(const std::string& name, const std::string& text) {
    const std::string path = dir_.Sub(name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  const std::vector<v1::EventEnvelope>& envelopes() const { return envelopes_; }
  const ViewStore& store() const { return *store_; }
  std::string Path(const std::string& name) const { return dir_.Sub(name); }

 private:
  testing::TempDir dir_;
  std::vector<v1::EventEnvelope> envelopes_;
  std::unique_ptr<ViewStore> store_;
};

struct ScriptRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs the README's recipe, deploy/verify_export.py, with python3 as an auditor would.
ScriptRun VerifyWithPython(const std::string& arguments) {
  const std::string command =
      std::string("python3 ") + TIMELINE_VERIFY_EXPORT_SCRIPT + " " + arguments + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  ScriptRun run;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) run.output += buffer;
  const int status = pclose(pipe);
  REQUIRE(WIFEXITED(status));
  run.exit_code = WEXITSTATUS(status);
  return run;
}

std::vector<std::string> Lines(const std::string& text, const std::string& end = "\n") {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t at; (at = text.find(end, start)) != std::string::npos; start = at + end.size()) {
    lines.push_back(text.substr(start, at - start));
  }
  REQUIRE(start == text.size());  // every line is terminated
  return lines;
}

// Splits one RFC 4180 record (without its CRLF) into its fields.
std::vector<std::string> CsvFields(const std::string& record) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < record.size(); ++i) {
    const char c = record[i];
    if (quoted && c == '"' && i + 1 < record.size() && record[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

v1::ExportedEvent ParseLine(const std::string& line) {
  v1::ExportedEvent exported;
  REQUIRE(google::protobuf::util::JsonStringToMessage(line, &exported).ok());
  return exported;
}

TEST_CASE("a JSONL export carries every envelope field, the body bytes, hashes and seal") {
  ExportFixture fixture;
  const auto lines = Lines(fixture.Export(ExportFormat::kJsonLines));
  REQUIRE(lines.size() == fixture.envelopes().size());
  for (size_t i = 0; i < lines.size(); ++i) {
    const v1::EventEnvelope& stored = fixture.envelopes()[i];
    const v1::ExportedEvent exported = ParseLine(lines[i]);
    CHECK(exported.sequence() == stored.sequence());
    CHECK(exported.actor() == "José Doe, \"JD\"");
    CHECK(exported.submission_id() == stored.submission_id());
    CHECK(exported.recorded_at().nanos() == 123'456'789);
    CHECK(exported.prev_hash() == ToHex(stored.prev_hash()));
    CHECK(exported.hash() == ToHex(stored.hash()));
    CHECK(exported.seal() == ToHex(stored.seal()));
    v1::Event body;
    REQUIRE(body.ParseFromString(stored.body()));
    CHECK(google::protobuf::util::MessageDifferencer::Equals(exported.event(), body));
  }
  CHECK(ParseLine(lines[2]).event_type() == "invoice_issued");
  CHECK(lines[0].find("\"bodyBase64\":\"") != std::string::npos);
}

TEST_CASE("the README's Python recipe verifies a JSONL export, seals included") {
  ExportFixture fixture;
  const std::string path = fixture.File("acme.jsonl", fixture.Export(ExportFormat::kJsonLines));
  const ScriptRun run = VerifyWithPython(path);
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(run.output == "verified 5 events of account acme: last sequence 5, last hash " +
                          ToHex(fixture.envelopes().back().hash()) + "\n");

  const std::string key = fixture.File("seal.key", ToHex(std::string(32, 'k')) + "\n");
  const ScriptRun sealed = VerifyWithPython(path + " --seal-key " + key);
  INFO(sealed.output);
  CHECK(sealed.exit_code == 0);
  CHECK(sealed.output.find(", seals checked") != std::string::npos);
}

TEST_CASE("the Python recipe refuses an export altered in one field and names the sequence") {
  ExportFixture fixture;
  auto lines = Lines(fixture.Export(ExportFormat::kJsonLines));
  // Back-date the payment (sequence 4) by one day, as a forger hiding a late payment would.
  const std::string original = "\"occurredAt\":\"2026-02-20T09:00:00Z\"";
  REQUIRE(lines[3].find(original) != std::string::npos);
  lines[3].replace(lines[3].find(original), original.size(),
                   "\"occurredAt\":\"2026-02-19T09:00:00Z\"");
  std::string altered;
  for (const auto& line : lines) altered += line + "\n";
  const ScriptRun run = VerifyWithPython(fixture.File("altered.jsonl", altered));
  INFO(run.output);
  CHECK(run.exit_code == 1);
  CHECK(run.output.find("NOT VERIFIED: sequence 4 (line 4): the contents do not hash to hash") !=
        std::string::npos);
}

TEST_CASE("the Python recipe names an event whose seal is not the sequencer's as forged") {
  ExportFixture fixture;
  const std::string path = fixture.File("acme.jsonl", fixture.Export(ExportFormat::kJsonLines));
  const std::string key = fixture.File("other.key", ToHex(std::string(32, 'x')));
  const ScriptRun run = VerifyWithPython(path + " --seal-key " + key);
  INFO(run.output);
  CHECK(run.exit_code == 1);
  CHECK(run.output.find("sequence 1 (line 1): the seal does not match (forged)") !=
        std::string::npos);
}

TEST_CASE("an --as-of export keeps the events that occurred up to T") {
  ExportFixture fixture;
  auto through = Date("2026-02-20");  // the payment occurs at 09:00 that day: left out
  const auto lines = Lines(fixture.Export(ExportFormat::kJsonLines, through));
  REQUIRE(lines.size() == 3);
  CHECK(ParseLine(lines.back()).sequence() == 3);
  // A prefix of the chain still verifies on its own.
  const ScriptRun run = VerifyWithPython(
      fixture.File("prefix.jsonl", fixture.Export(ExportFormat::kJsonLines, through)));
  INFO(run.output);
  CHECK(run.exit_code == 0);
}

TEST_CASE("a CSV export has a header row and RFC 4180 quoting around JSON and commas") {
  ExportFixture fixture;
  const auto records = Lines(fixture.Export(ExportFormat::kCsv), "\r\n");
  REQUIRE(records.size() == 1 + fixture.envelopes().size());
  CHECK(records[0] ==
        "accountId,sequence,eventId,occurredAt,recordedAt,actor,idempotencyKey,correlationId,"
        "causationId,schemaVersion,submissionId,eventType,event,bodyBase64,prevHash,hash,seal");
  const auto header = CsvFields(records[0]);
  const auto jsonl = Lines(fixture.Export(ExportFormat::kJsonLines));
  for (size_t i = 1; i < records.size(); ++i) {
    const auto fields = CsvFields(records[i]);
    REQUIRE(fields.size() == header.size());
    const v1::ExportedEvent same = ParseLine(jsonl[i - 1]);
    CHECK(fields[1] == std::to_string(same.sequence()));
    CHECK(fields[4] == TimeUtil::ToString(fixture.envelopes()[i - 1].recorded_at()));
    CHECK(fields[4].ends_with("T09:00:00.123456789Z"));
    CHECK(fields[5] == "José Doe, \"JD\"");
    CHECK(fields[11] == same.event_type());
    v1::Event event;
    REQUIRE(google::protobuf::util::JsonStringToMessage(fields[12], &event).ok());
    CHECK(google::protobuf::util::MessageDifferencer::Equals(event, same.event()));
    CHECK(fields[13] == same.body_base64());
    CHECK(fields[15] == same.hash());
  }
  CHECK(CsvField("plain") == "plain");
  CHECK(CsvField("say \"hi\", twice") == "\"say \"\"hi\"\", twice\"");
  CHECK(CsvField("two\nlines") == "\"two\nlines\"");
}

TEST_CASE("an export names an unknown format and an unknown account") {
  ExportFixture fixture;
  auto format = ParseExportFormat("xml");
  REQUIRE_FALSE(format.ok());
  CHECK(format.status().message() == "unknown export format 'xml'; formats: jsonl, csv");

  std::ostringstream out;
  auto written = ExportHistory(fixture.store(), {"nobody", ExportFormat::kJsonLines, {}}, out);
  REQUIRE_FALSE(written.ok());
  CHECK(written.status().code() == StatusCode::kNotFound);
  CHECK(written.status().message() == "no account nobody");
  CHECK(out.str().empty());
}

}  // namespace
}  // namespace timeline
