// `timeline wait [--timeout S]`: returns once the views in --data hold every event on
// account-events, so that a script reads its own writes (deploy/up.sh before the portfolio).
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "consumers/cli/commands.h"
#include "consumers/cli/common_options.h"
#include "consumers/processes/served_views.h"
#include "consumers/processes/views_readiness.h"

namespace timeline::cli {
namespace {

constexpr auto kPollEvery = std::chrono::milliseconds(200);

// OK once caught up; TimedOut after `timeout` with the last reason (no views yet, a partition
// behind, the broker not answering).
Status WaitUntilCaughtUp(const CommonOptions& common, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::shared_ptr<ServedViews> views;
  std::unique_ptr<ViewsCatchUpCheck> check;
  std::string why = "no check ran";
  while (true) {
    if (!views) {
      auto followed = ServedViews::Follow(common.data_dir);  // the worker may not have made them
      if (followed.ok()) {
        views = std::move(followed).value();
        auto made = ViewsCatchUpCheck::Create(common.Kafka(), views.get());
        if (!made.ok()) return made.status();
        check = std::move(made).value();
      } else {
        why = followed.status().message();
      }
    }
    if (check) {
      TIMELINE_RETURN_IF_ERROR(views->Refresh());
      const Readiness now = check->Check();
      if (now.ready) return Status::Ok();
      why = now.reason;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::TimedOut(
          fmt::format("the views in {} did not catch up with the log in {} s: {}", common.data_dir,
                      timeout.count(), why));
    }
    std::this_thread::sleep_for(kPollEvery);
  }
}

}  // namespace

void AddWaitCommand(CLI::App* app, int* exit_code) {
  struct Flags {
    CommonOptions common;
    int timeout_seconds = 60;
  };
  auto flags = std::make_shared<Flags>();
  auto* command = app->add_subcommand(
      "wait",
      "Wait until the views in --data hold every event on account-events (read your own "
      "writes).\nExit status: 0 caught up, 1 not within --timeout (the reason on stderr).");
  AddCommonOptions(command, &flags->common);
  command->add_option("--timeout", flags->timeout_seconds, "seconds to wait at most")
      ->capture_default_str()
      ->check(CLI::Range(0, 86400));
  command->callback([flags, exit_code] {
    Status status = WaitUntilCaughtUp(flags->common, std::chrono::seconds(flags->timeout_seconds));
    if (!status.ok()) {
      *exit_code = Fail(status);
      return;
    }
    std::printf("views caught up with %s\n", flags->common.Kafka().topics.events.c_str());
  });
}

}  // namespace timeline::cli
