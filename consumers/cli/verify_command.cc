// `timeline verify ACCOUNT|--all [--source log|view]`: the auditor's tamper check.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "consumers/audit/chain_audit.h"
#include "consumers/cli/commands.h"
#include "consumers/cli/common_options.h"
#include "consumers/json/json_views.h"
#include "consumers/processes/data_directory.h"
#include "consumers/processes/read_only_views.h"

namespace timeline::cli {
namespace {

struct VerifyFlags {
  CommonOptions common;
  std::string account;
  bool all = false;
  std::string source = "log";
};

int Verify(const VerifyFlags& flags) {
  auto key = ExistingSealKey(flags.common);
  if (!key.ok()) return Fail(key.status());
  if (!key->has_value()) {
    std::fprintf(stderr,
                 "timeline verify: no seal key at %s: checking the chains and digests only (a "
                 "forged record shows as a fork or a broken link, not by name)\n",
                 SealKeyPath(flags.common.data_dir, flags.common.seal_key_path).c_str());
  }
  AuditOptions options;
  if (!flags.all) options.account = flags.account;
  options.seal_key = key->has_value() ? &**key : nullptr;
  options.on_problem = [](const v1::ChainProblem& problem) {
    std::printf("%s\n", ToJsonLine(problem).c_str());
  };
  const KafkaSettings kafka = flags.common.Kafka();
  auto pins = ReadPublishedPins(kafka, options);
  if (!pins.ok()) return Fail(pins.status());

  Result<v1::VerifyReport> report = Status::Ok();
  uint64_t log_problems = 0;
  if (flags.source == "log") {
    report = VerifyLog(kafka, *pins, options);
  } else {
    auto views = ReadOnlyViews::Open(flags.common.data_dir);
    if (!views.ok()) return Fail(views.status());
    // The log first: a view proven complete holds every event of the log's chains.
    AuditOptions log_options = options;
    log_options.on_problem = [](const v1::ChainProblem&) {};
    auto log = VerifyLog(kafka, *pins, log_options);
    if (!log.ok()) return Fail(log.status());
    log_problems = log->problems();
    report = VerifyView((*views)->store(), kafka.topics.events, *pins, options, &*log);
    if (report.ok() && flags.all) {
      std::fprintf(stderr,
                   "timeline verify: the views hold %llu event(s); the log's chains "
                   "hold %llu\n",
                   static_cast<unsigned long long>(report->events_verified()),
                   static_cast<unsigned long long>(report->log_events()));
    }
  }
  if (!report.ok()) return Fail(report.status());
  std::printf("%s\n", ToJsonLine(*report).c_str());
  if (log_problems > 0) {
    std::fprintf(stderr,
                 "timeline verify: the log itself has %llu problem(s) (`timeline verify --all "
                 "--source log` names them): the views cannot be proven complete\n",
                 static_cast<unsigned long long>(log_problems));
    return 1;
  }
  if (report->problems() > 0) {
    std::fprintf(stderr, "timeline verify: %llu problem(s) in the %s\n",
                 static_cast<unsigned long long>(report->problems()), flags.source.c_str());
    return 1;
  }
  return 0;
}

}  // namespace

void AddVerifyCommand(CLI::App* app, int* exit_code) {
  auto flags = std::make_shared<VerifyFlags>();
  auto* verify = app->add_subcommand(
      "verify",
      "Walk hash chains, seals and chain digests; print each broken link as a JSON line, then a "
      "report; exit 1 when anything is broken");
  AddCommonOptions(verify, &flags->common);
  auto* account = verify->add_option("account", flags->account, "the account to verify");
  auto* all = verify->add_flag("--all", flags->all, "verify every account");
  account->excludes(all);
  verify
      ->add_option("--source", flags->source,
                   "log: account-events, the source of truth; view: the worker's timeline")
      ->check(CLI::IsMember({"log", "view"}))
      ->capture_default_str();
  verify->callback([flags, exit_code, account, all] {
    if (account->count() == 0 && all->count() == 0) {
      *exit_code = Fail(Status::InvalidArgument("give an ACCOUNT or --all"));
      return;
    }
    *exit_code = Verify(*flags);
  });
}

}  // namespace timeline::cli
