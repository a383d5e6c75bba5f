// `timeline serve [--listen HOST:PORT] --tokens FILE [--tls-cert F --tls-key F]`: the HTTP/JSON
// query API over the worker's views in --data, until SIGINT/SIGTERM. Prints its address
// (`http://HOST:PORT`, the real port when 0 was asked for) as the only line on stdout; logs go
// to stderr.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "consumers/cli/commands.h"
#include "consumers/cli/common_options.h"
#include "consumers/cli/serve_options.h"

namespace timeline::cli {
namespace {

struct ServeCommandFlags {
  CommonOptions common;
  ServeFlags serve;
};

int Serve(const ServeCommandFlags& flags) {
  // stdout carries the address line only, for scripts that read it.
  spdlog::set_default_logger(spdlog::stderr_color_mt("serve"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  auto options = MakeQueryServerOptions(flags.serve, flags.common);
  if (!options.ok()) return Fail(options.status());
  auto server = QueryServer::StartOnDataDir(std::move(options).value(), flags.common.data_dir);
  if (!server.ok()) return Fail(server.status());
  std::printf("%s\n", (*server)->url().c_str());
  std::fflush(stdout);
  spdlog::info("timeline serve: views of {} on {}; Ctrl-C stops", flags.common.data_dir,
               (*server)->url());
  std::atomic<bool> stop{false};
  StopOnSignals(&stop);
  while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  (*server)->Stop();
  spdlog::info("timeline serve: stopped");
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App* app, int* exit_code) {
  auto flags = std::make_shared<ServeCommandFlags>();
  flags->serve.listen = "127.0.0.1:8080";
  auto* serve = app->add_subcommand(
      "serve",
      "Serve the HTTP/JSON query API (/api/accounts, /api/views/NAME, ...) over the worker's "
      "views; prints its address on stdout");
  AddCommonOptions(serve, &flags->common);
  AddServeOptions(serve, &flags->serve, "HOST:PORT to listen on (port 0: any free port)");
  serve->callback([flags, exit_code] { *exit_code = Serve(*flags); });
}

}  // namespace timeline::cli
