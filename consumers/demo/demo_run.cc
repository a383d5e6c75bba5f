#include "consumers/demo/demo_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "consumers/log/submit_client.h"
#include "consumers/log/topic_reader.h"
#include "timeline/v1/envelope.pb.h"
#include "timeline/v1/rejection.pb.h"

namespace timeline {
namespace {

// Refusals printed in full; past them, a count (all of them are in account-rejections).
constexpr size_t kRefusalsLogged = 10;

// The whole-log read's prefetch per partition: librdkafka's default (64 MB) would put the demo's
// memory past its bound on a long log; the read is not faster for it.
constexpr int kReadPrefetchKb = 24 * 1024;

// What account-events already holds for one demo account.
struct Recorded {
  uint64_t events = 0;
  bool foreign = false;  // an event not from this seed
  uint64_t first_other = 0;
  std::string other_key;
};

// Reads account-events to its end for the demo's accounts.
Result<std::unordered_map<std::string, Recorded>> ReadRecorded(
    const KafkaSettings& settings, uint64_t seed, const std::vector<std::string>& account_ids) {
  std::unordered_map<std::string, Recorded> recorded;
  const std::unordered_set<std::string> wanted(account_ids.begin(), account_ids.end());
  auto visit = [&](const LogRecord& record) {
    if (!wanted.count(record.key)) return Status::Ok();
    Recorded& account = recorded[record.key];
    v1::EventEnvelope envelope;
    const bool decoded = envelope.ParseFromString(record.value);
    if (!account.foreign &&
        (!decoded ||
         envelope.idempotency_key() != DemoIdempotencyKey(seed, record.key, account.events))) {
      account.foreign = true;
      account.first_other = account.events;
      account.other_key = decoded ? envelope.idempotency_key() : "(undecodable record)";
    }
    ++account.events;
    return Status::Ok();
  };
  const Status status =
      ReadTopicToEnd(settings, settings.topics.events, visit,
                     {{"queued.max.messages.kbytes", std::to_string(kReadPrefetchKb)},
                      {"fetch.max.bytes", std::to_string(kReadPrefetchKb * 1024)}});
  if (!status.ok()) return status;
  return recorded;
}

}  // namespace

std::string WithThousands(size_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

int DemoRunReport::ExitCode() const { return refused > 0 || !collisions.empty() ? 2 : 0; }

std::string DemoRunReport::LastLine() const {
  std::string line = fmt::format("demo seed {}: ", seed);
  if (!collisions.empty()) {
    line += fmt::format(
        "submitted nothing: {} of {} accounts already exist with history not from "
        "seed {}:",
        collisions.size(), accounts, seed);
    for (size_t i = 0; i < collisions.size(); ++i) {
      line +=
          fmt::format("{} {} ({} event{})", i == 0 ? "" : ",", collisions[i].account_id,
                      WithThousands(collisions[i].events), collisions[i].events == 1 ? "" : "s");
    }
    return line + "; choose another --seed, or another --topic-prefix for a fresh log";
  }
  std::string refusals = "none refused";
  if (refused > 0) {
    std::string codes;
    for (const auto& [code, count] : refused_by_code) {
      codes += fmt::format("{}{} {}", codes.empty() ? "" : ", ", code, WithThousands(count));
    }
    refusals = fmt::format("refused {} ({})", WithThousands(refused), codes);
  }
  const std::string earlier =
      fmt::format("already recorded by an earlier run of seed {} (idempotency keys)", seed);
  if (recorded == 0 && refused == 0) {
    return line + fmt::format("nothing new: all {} events for {} accounts were {}; none refused",
                              WithThousands(already_recorded), accounts, earlier);
  }
  line += fmt::format("recorded {} of {} events for {} accounts", WithThousands(recorded),
                      WithThousands(generated), accounts);
  if (already_recorded > 0) {
    line += fmt::format("; {} {}", WithThousands(already_recorded), earlier);
  }
  return line + "; " + refusals;
}

Result<DemoRunReport> RunDemo(const KafkaSettings& settings, const DemoRunOptions& options,
                              const DemoLog& log) {
  DemoGenerator generator(options.demo);
  DemoRunReport report;
  report.seed = options.demo.seed;
  report.accounts = generator.account_ids().size();
  report.months = std::clamp(options.demo.months, 1, 240);
  report.reference_date = generator.reference_date();

  log(fmt::format("demo: reading {} for the {} accounts of seed {}", settings.topics.events,
                  report.accounts, report.seed));
  auto recorded = ReadRecorded(settings, report.seed, generator.account_ids());
  if (!recorded.ok()) return recorded.status();
  for (const auto& id : generator.account_ids()) {
    auto it = recorded->find(id);
    if (it == recorded->end() || !it->second.foreign) continue;
    report.collisions.push_back(
        {id, it->second.events, it->second.first_other, it->second.other_key});
    log(fmt::format(
        "refused: {}: already holds {} event(s) not all from seed {} (event {} has "
        "idempotency key \"{}\", not \"{}\")",
        id, WithThousands(it->second.events), report.seed, it->second.first_other,
        it->second.other_key, DemoIdempotencyKey(report.seed, id, it->second.first_other)));
  }
  if (!report.collisions.empty()) return report;

  auto client = SubmitClient::Create(settings);
  if (!client.ok()) return client.status();
  log(fmt::format("demo: submitting {} accounts over {} months (seed {}) in batches of up to {}",
                  report.accounts, report.months, report.seed, WithThousands(options.batch_size)));

  std::vector<v1::SubmitEvent> batch;
  batch.reserve(options.batch_size);
  size_t refusals_logged = 0;
  auto submit = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    auto outcomes = (*client)->SubmitMany(batch, options.timeout);
    if (!outcomes.ok()) {
      return Status(outcomes.status().code(),
                    fmt::format("{} ({} events recorded before this batch)",
                                outcomes.status().message(), WithThousands(report.recorded)));
    }
    for (const auto& outcome : *outcomes) {
      if (outcome.accepted) {
        ++report.recorded;
      } else if (outcome.rejection.code() == v1::DUPLICATE_SUBMISSION) {
        ++report.already_recorded;
      } else {
        ++report.refused;
        ++report.refused_by_code[v1::RejectionCode_Name(outcome.rejection.code())];
        if (refusals_logged++ < kRefusalsLogged) {
          log(fmt::format("refused: {}: {}: {}", outcome.rejection.account_id(),
                          v1::RejectionCode_Name(outcome.rejection.code()),
                          outcome.rejection.message()));
        }
      }
    }
    batch.clear();
    return Status::Ok();
  };

  std::vector<v1::SubmitEvent> month;
  int months_done = 0;
  int next_report = 1;
  while (generator.NextMonth(&month)) {
    for (auto& submission : month) {
      ++report.generated;
      auto it = recorded->find(submission.account_id());
      if (it != recorded->end() && submission.expected_version() < it->second.events) {
        ++report.already_recorded;  // recorded with this very key by an earlier run
        continue;
      }
      batch.push_back(std::move(submission));
      if (batch.size() >= options.batch_size) TIMELINE_RETURN_IF_ERROR(submit());
    }
    ++months_done;
    if (months_done * 10 >= next_report * report.months || months_done == report.months) {
      while (next_report * report.months <= months_done * 10) ++next_report;
      TIMELINE_RETURN_IF_ERROR(submit());
      log(fmt::format("demo: {}/{} months: {} recorded, {} already recorded, {} refused",
                      months_done, report.months, WithThousands(report.recorded),
                      WithThousands(report.already_recorded), WithThousands(report.refused)));
    }
  }
  TIMELINE_RETURN_IF_ERROR(submit());
  if (refusals_logged > kRefusalsLogged) {
    log(fmt::format("refused: {} more, not shown (all are in {})",
                    WithThousands(refusals_logged - kRefusalsLogged), settings.topics.rejections));
  }
  report.seeded_findings = generator.seeded_findings();
  return report;
}

}  // namespace timeline
