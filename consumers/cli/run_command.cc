#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>
#include <optional>

#include "consumers/cli/commands.h"
#include "consumers/cli/common_options.h"
#include "consumers/cli/serve_options.h"
#include "consumers/http/query_server.h"
#include "consumers/processes/engine_runner.h"
#include "consumers/processes/worker_metrics.h"

namespace timeline::cli {
namespace {

struct RunFlags {
  CommonOptions common;
  std::string instance_id = "0";
  int broker_outage_seconds = 600;        // KafkaSettings::outage_wait
  int session_timeout_seconds = 120;      // KafkaSettings::static_session_timeout
  int idempotency_window_hours = 24 * 7;  // `run` and `sequencer`
  size_t max_submission_bytes = kDefaultMaxSubmissionBytes;  // `run` and `sequencer`
  ServeFlags serve;  // `run` only: the query server in-process when --listen is given
};

CLI::App* AddRoleCommand(CLI::App* app, const std::string& name, const std::string& help,
                         const std::shared_ptr<RunFlags>& flags) {
  auto* command = app->add_subcommand(name, help);
  AddCommonOptions(command, &flags->common);
  command
      ->add_option(
          "--instance", flags->instance_id,
          "this process's id among its peers (its transactional.id and static group membership)")
      ->capture_default_str();
  command
      ->add_option("--broker-outage", flags->broker_outage_seconds,
                   "seconds a running engine waits for a broker that stopped answering (a "
                   "restart, a network cut) before it stops; --kafka-wait bounds the waits at "
                   "start")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  command
      ->add_option("--session-timeout", flags->session_timeout_seconds,
                   "seconds the consumer group keeps a silent (hung, partitioned) instance's "
                   "partitions before the others take them; a restarted instance takes its own "
                   "back at once whatever this is. Below a broker restart's length (about a "
                   "minute) the instance may stop after such a restart (group_fencing.h)")
      ->check(CLI::Range(6, 1800))
      ->capture_default_str();
  return command;
}

// The role's Kafka settings: the common ones, and how long an outage is waited out.
KafkaSettings RoleKafka(const RunFlags& flags) {
  KafkaSettings kafka = flags.common.Kafka();
  kafka.outage_wait = std::chrono::seconds(flags.broker_outage_seconds);
  kafka.static_session_timeout = std::chrono::seconds(flags.session_timeout_seconds);
  return kafka;
}

// Runs one role until SIGINT/SIGTERM or a failure.
template <typename Process, typename Options>
int RunRole(const RunFlags& flags, Options options) {
  options.kafka = RoleKafka(flags);
  options.data_dir = flags.common.data_dir;
  options.seal_key_path = flags.common.seal_key_path;
  auto process = Process::Create(options);
  if (!process.ok()) return Fail(process.status());
  std::atomic<bool> stop{false};
  StopOnSignals(&stop);
  Status status = (*process)->Run(stop);
  return status.ok() ? 0 : Fail(status);
}

// For the roles that sequence: how long an idempotency key is remembered.
void AddIdempotencyWindowOption(CLI::App* command, RunFlags* flags) {
  command
      ->add_option("--idempotency-window", flags->idempotency_window_hours,
                   "hours an idempotency key is remembered: a repeat within them is refused as "
                   "DUPLICATE_SUBMISSION, a later one is a new event")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
}

// For the roles that sequence: how large a submission may be.
void AddMaxSubmissionBytesOption(CLI::App* command, RunFlags* flags) {
  command
      ->add_option("--max-submission-bytes", flags->max_submission_bytes,
                   "larger submissions are refused as TOO_LARGE (their first 4 KiB kept on "
                   "account-rejections); give `append` the same")
      ->check(CLI::Range(size_t{1024}, kMaxSubmissionBytesCeiling))
      ->capture_default_str();
}

std::chrono::seconds IdempotencyWindow(const RunFlags& flags) {
  return std::chrono::hours(flags.idempotency_window_hours);
}

}  // namespace

void AddRunCommands(CLI::App* app, int* exit_code) {
  auto run_flags = std::make_shared<RunFlags>();
  auto* run = AddRoleCommand(
      app, "run", "Run the sequencer and the projection worker in one process", run_flags);
  AddIdempotencyWindowOption(run, run_flags.get());
  AddMaxSubmissionBytesOption(run, run_flags.get());
  AddServeOptions(run, &run_flags->serve,
                  "also serve the HTTP/JSON query API on HOST:PORT (as `timeline serve`); prints "
                  "its address");
  run->callback([run_flags, exit_code] {
    RunOptions options;
    options.kafka = RoleKafka(*run_flags);
    options.data_dir = run_flags->common.data_dir;
    options.seal_key_path = run_flags->common.seal_key_path;
    options.instance_id = run_flags->instance_id;
    options.idempotency_window = IdempotencyWindow(*run_flags);
    options.max_submission_bytes = run_flags->max_submission_bytes;
    // One registry for the sequencer, the worker and the server's /metrics.
    options.metrics = std::make_shared<MetricsRegistry>();
    std::optional<QueryServerOptions> server_options;  // checked before anything starts
    if (!run_flags->serve.listen.empty()) {
      auto made = MakeQueryServerOptions(run_flags->serve, run_flags->common);
      if (!made.ok()) {
        *exit_code = Fail(made.status());
        return;
      }
      server_options = std::move(made).value();
      server_options->metrics = options.metrics;
      // Ready: the broker answers and the worker owns partitions folded near the log's end.
      auto probe = BrokerProbe::Create(options.kafka);
      if (!probe.ok()) {
        *exit_code = Fail(probe.status());
        return;
      }
      server_options->readiness =
          WorkerReadiness(options.metrics, options.instance_id,
                          std::shared_ptr<BrokerProbe>(std::move(probe).value()));
    }
    auto runner = EngineRunner::Start(options);
    if (!runner.ok()) {
      *exit_code = Fail(runner.status());
      return;
    }
    std::unique_ptr<QueryServer> server;
    if (server_options && !server_options->seal_key) {
      // The engine creates the seal key when it first starts; verify checks seals with it.
      auto key = ExistingSealKey(run_flags->common);
      if (key.ok() && key->has_value()) server_options->seal_key = std::move(**key);
    }
    if (server_options) {
      // The worker has opened its views by now, so the server can open them read-only.
      auto started = QueryServer::StartOnDataDir(std::move(*server_options), options.data_dir);
      if (!started.ok()) {
        (*runner)->Stop();
        (void)(*runner)->Wait();
        *exit_code = Fail(started.status());
        return;
      }
      server = std::move(started).value();
      std::printf("%s\n", server->url().c_str());
      std::fflush(stdout);
    }
    spdlog::info("timeline run: sequencer and worker running on {} (data in {}); Ctrl-C stops",
                 options.kafka.brokers, options.data_dir);
    std::atomic<bool> stop{false};
    StopOnSignals(&stop);
    // Wait for a signal or for a role to fail, whichever comes first.
    std::thread watcher([&] {
      while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      (*runner)->Stop();
    });
    Status status = (*runner)->Wait();
    if (server) server->Stop();
    stop.store(true);
    watcher.join();
    spdlog::info("timeline run: stopped");
    *exit_code = status.ok() ? 0 : Fail(status);
  });

  auto sequencer_flags = std::make_shared<RunFlags>();
  auto* sequencer =
      AddRoleCommand(app, "sequencer", "Run only the sequencer (account-commands → account-events)",
                     sequencer_flags);
  AddIdempotencyWindowOption(sequencer, sequencer_flags.get());
  AddMaxSubmissionBytesOption(sequencer, sequencer_flags.get());
  sequencer->callback([sequencer_flags, exit_code] {
    SequencerOptions options;
    options.instance_id = sequencer_flags->instance_id;
    options.idempotency_window = IdempotencyWindow(*sequencer_flags);
    options.max_submission_bytes = sequencer_flags->max_submission_bytes;
    *exit_code = RunRole<SequencerProcess>(*sequencer_flags, options);
  });

  auto worker_flags = std::make_shared<RunFlags>();
  AddRoleCommand(app, "worker", "Run only the projection worker (account-events → RocksDB views)",
                 worker_flags)
      ->callback([worker_flags, exit_code] {
        WorkerOptions options;
        options.instance_id = worker_flags->instance_id;
        *exit_code = RunRole<WorkerProcess>(*worker_flags, options);
      });
}

}  // namespace timeline::cli
