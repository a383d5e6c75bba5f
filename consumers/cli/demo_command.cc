// `timeline demo`: streams a believable, deterministic history (consumers/demo/demo_history.h)
// through the normal submit path (consumers/demo/demo_run.h) and summarises the outcome.
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "consumers/cli/commands.h"
#include "consumers/cli/common_options.h"
#include "consumers/demo/demo_history.h"
#include "consumers/demo/demo_run.h"

namespace timeline::cli {
namespace {

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
    size_t batch = 5000;
    bool print_findings = false;
  };
  auto flags = std::make_shared<Flags>();
  auto* demo = app->add_subcommand(
      "demo",
      "Submit a believable, deterministic history of national accounts (contracts, orders,\n"
      "shipments, invoices, payments, projects, service cases, trainings, team changes) through\n"
      "the normal submit path, streamed month by month in batches. The same --accounts, --months\n"
      "and --seed always give the same events; a repeat records nothing twice (idempotency keys).\n"
      "Each seed has its own accounts (seed 1: nordwind-logistics-ag, seed 7:\n"
      "nordwind-logistics-ag-s7); when one of them already holds other history, nothing is\n"
      "submitted. A few invoices break their contract on purpose. The last line says what\n"
      "happened. Exit status: 0 recorded (now or by an earlier run of the seed), 1 could not\n"
      "submit, 2 something was refused or an account collided.");
  AddCommonOptions(demo, &flags->common);
  demo->add_option("--accounts", flags->demo.accounts, "how many national accounts")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  demo->add_option("--months", flags->demo.months, "months of history from 2025-01-01")
      ->capture_default_str()
      ->check(CLI::Range(1, 240));
  demo->add_option("--seed", flags->demo.seed, "the random seed")->capture_default_str();
  demo->add_option("--timeout", flags->timeout_seconds,
                   "seconds to wait for each batch's outcomes (is `timeline run` running?)")
      ->capture_default_str();
  demo->add_option("--batch", flags->batch,
                   "events per submitted batch (each batch's outcomes are awaited before the next; "
                   "memory grows with it)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{100000}));
  demo->add_flag(
      "--print-findings", flags->print_findings,
      "print the deliberately wrong invoices as JSON lines on stdout and submit nothing");
  demo->footer(R"(Example:
  timeline demo --accounts 20 --months 24 --seed 1
  timeline demo --accounts 20 --months 24 --seed 1 --print-findings > findings.jsonl)");
  demo->callback([flags, exit_code] {
    if (flags->print_findings) {
      // The findings are complete once the whole history was generated; the submissions are
      // dropped month by month.
      DemoGenerator generator(flags->demo);
      std::vector<v1::SubmitEvent> month;
      while (generator.NextMonth(&month)) {
      }
      for (const auto& finding : generator.seeded_findings()) {
        std::printf("%s\n", SeededFindingToJson(finding).c_str());
      }
      return;
    }
    DemoRunOptions options;
    options.demo = flags->demo;
    options.timeout = std::chrono::seconds(flags->timeout_seconds);
    options.batch_size = flags->batch;
    auto report = RunDemo(flags->common.Kafka(), options, [](const std::string& line) {
      std::fprintf(stderr, "%s\n", line.c_str());
    });
    if (!report.ok()) {
      *exit_code = Fail(report.status());
      return;
    }
    if (report->collisions.empty()) {
      std::map<std::string_view, size_t> by_rule;
      for (const auto& finding : report->seeded_findings) ++by_rule[FindingRuleName(finding.rule)];
      std::printf("accounts:         %zu\n", report->accounts);
      std::printf("events recorded:  %s\n", WithThousands(report->recorded).c_str());
      std::printf("already recorded: %s (by an earlier run of this seed: idempotency keys)\n",
                  WithThousands(report->already_recorded).c_str());
      std::printf("refused:          %s\n", WithThousands(report->refused).c_str());
      for (const auto& [code, count] : report->refused_by_code) {
        std::printf("  %-24s %s\n", code.c_str(), WithThousands(count).c_str());
      }
      std::printf("reference date:   %s\n", Rfc3339(report->reference_date).c_str());
      std::printf("seeded wrong invoices: %zu\n", report->seeded_findings.size());
      for (const auto& [rule, count] : by_rule) {
        std::printf("  %-24s %zu\n", std::string(rule).c_str(), count);
      }
    }
    std::printf("%s\n", report->LastLine().c_str());
    *exit_code = report->ExitCode();
  });
}

}  // namespace timeline::cli
