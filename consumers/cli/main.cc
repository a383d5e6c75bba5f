// timeline: the command-line entry point of Account Timeline.
#include <CLI/CLI.hpp>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "consumers/cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "Account Timeline: an event-sourced record of national accounts on Apache Kafka.\n"
      "Submit events with `append`, run the engine with `run`, read views with `state` and "
      "`history`."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "timeline " TIMELINE_VERSION);
  // Logs go to stderr: stdout holds only what a command prints for scripts (e.g. `run
  // --listen`'s address line, `state`'s JSON).
  spdlog::set_default_logger(spdlog::stderr_color_mt("timeline"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  int exit_code = 0;
  timeline::cli::AddTopicsCommand(&app, &exit_code);
  timeline::cli::AddRunCommands(&app, &exit_code);
  timeline::cli::AddAppendCommand(&app, &exit_code);
  timeline::cli::AddReadCommands(&app, &exit_code);
  timeline::cli::AddDemoCommand(&app, &exit_code);
  timeline::cli::AddViewCommand(&app, &exit_code);
  timeline::cli::AddVerifyCommand(&app, &exit_code);
  timeline::cli::AddExportCommand(&app, &exit_code);
  timeline::cli::AddExplainCommand(&app, &exit_code);
  timeline::cli::AddRebuildCommand(&app, &exit_code);
  timeline::cli::AddDigestCommand(&app, &exit_code);
  timeline::cli::AddServeCommand(&app, &exit_code);
  timeline::cli::AddTokenCommand(&app, &exit_code);
  timeline::cli::AddSubscribeCommand(&app, &exit_code);
  timeline::cli::AddWaitCommand(&app, &exit_code);
  timeline::cli::AddDlqCommand(&app, &exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
