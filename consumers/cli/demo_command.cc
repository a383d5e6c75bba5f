// `timeline demo`: submits a believable, deterministic history (consumers/demo_history.h)
// through the normal submit path and summarises the outcome.
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "consumers/cli/commands.h"
#include "consumers/cli/common_options.h"
#include "consumers/demo_history.h"
#include "consumers/submit_client.h"

namespace timeline::cli {
namespace {

// Exit codes: 0 all recorded (or already recorded), 1 could not submit, 2 something refused.
constexpr int kRefused = 2;

// 6000 -> "6,000".
std::string WithThousands(size_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string Rfc3339(int64_t seconds) {
  const std::time_t time = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&time, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace

void AddDemoCommand(CLI::App* app, int* exit_code) {
  struct Flags {
    CommonOptions common;
    DemoOptions demo;
    int timeout_seconds = 300;
    bool print_findings = false;
  };
  auto flags = std::make_shared<Flags>();
  auto* demo = app->add_subcommand(
      "demo",
      "Submit a believable, deterministic history of national accounts (contracts, orders,\n"
      "shipments, invoices, payments, projects, service cases, trainings, team changes) through\n"
      "the normal submit path. The same --accounts, --months and --seed always give the same\n"
      "events; a repeat records nothing twice. A few invoices break their contract on purpose.\n"
      "Exit status: 0 recorded, 1 could not submit, 2 something was refused.");
  AddCommonOptions(demo, &flags->common);
  demo->add_option("--accounts", flags->demo.accounts, "how many national accounts")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  demo->add_option("--months", flags->demo.months, "months of history from 2025-01-01")
      ->capture_default_str()
      ->check(CLI::Range(1, 240));
  demo->add_option("--seed", flags->demo.seed, "the random seed")->capture_default_str();
  demo->add_option("--timeout", flags->timeout_seconds,
                   "seconds to wait for every outcome (is `timeline run` running?)")
      ->capture_default_str();
  demo->add_flag("--print-findings", flags->print_findings,
                 "print the deliberately wrong invoices as JSON lines on stdout and submit nothing");
  demo->footer(R"(Example:
  timeline demo --accounts 20 --months 24 --seed 1
  timeline demo --accounts 20 --months 24 --seed 1 --print-findings > findings.jsonl)");
  demo->callback([flags, exit_code] {
    const DemoHistory history = GenerateDemoHistory(flags->demo);
    if (flags->print_findings) {
      for (const auto& finding : history.seeded_findings) {
        std::printf("%s\n", SeededFindingToJson(finding).c_str());
      }
      return;
    }
    auto client = SubmitClient::Create(flags->common.Kafka());
    if (!client.ok()) {
      *exit_code = Fail(client.status());
      return;
    }
    const size_t total = history.submissions.size();
    std::fprintf(stderr, "demo: submitting %s events for %d accounts over %d months (seed %llu)\n",
                 WithThousands(total).c_str(), flags->demo.accounts, flags->demo.months,
                 static_cast<unsigned long long>(flags->demo.seed));
    size_t next_report = 1;
    auto outcomes = (*client)->SubmitMany(
        history.submissions, std::chrono::seconds(flags->timeout_seconds),
        [&next_report](size_t done, size_t all) {
          if (done * 10 < next_report * all && done != all) return;
          while (next_report * all <= done * 10) ++next_report;
          std::fprintf(stderr, "demo: %s/%s submitted\n", WithThousands(done).c_str(),
                       WithThousands(all).c_str());
        });
    if (!outcomes.ok()) {
      *exit_code = Fail(outcomes.status());
      return;
    }

    size_t recorded = 0;
    size_t repeated = 0;
    size_t refused = 0;
    for (const auto& outcome : *outcomes) {
      if (outcome.accepted) {
        ++recorded;
      } else if (outcome.rejection.code() == v1::DUPLICATE_SUBMISSION) {
        ++repeated;
      } else {
        ++refused;
        std::fprintf(stderr, "refused: %s: %s: %s\n", outcome.rejection.account_id().c_str(),
                     v1::RejectionCode_Name(outcome.rejection.code()).c_str(),
                     outcome.rejection.message().c_str());
      }
    }
    std::map<std::string_view, size_t> by_rule;
    for (const auto& finding : history.seeded_findings) ++by_rule[FindingRuleName(finding.rule)];

    std::printf("accounts:        %zu\n", history.account_ids.size());
    std::printf("events recorded: %s\n", WithThousands(recorded).c_str());
    if (repeated > 0) {
      std::printf("already recorded: %s (idempotency keys repeated)\n",
                  WithThousands(repeated).c_str());
    }
    std::printf("refused:         %s\n", WithThousands(refused).c_str());
    std::printf("reference date:  %s\n", Rfc3339(history.reference_date).c_str());
    std::printf("seeded wrong invoices: %zu\n", history.seeded_findings.size());
    for (const auto& [rule, count] : by_rule) {
      std::printf("  %-24s %zu\n", std::string(rule).c_str(), count);
    }
    if (refused > 0) *exit_code = kRefused;
  });
}

}  // namespace timeline::cli
