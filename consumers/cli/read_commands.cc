#include <cstdio>
#include <filesystem>
#include <memory>

#include "consumers/cli/commands.h"
#include "consumers/cli/common_options.h"
#include "consumers/json_views.h"
#include "consumers/read_only_views.h"
#include "projections/view_store.h"

namespace timeline::cli {

void AddReadCommands(CLI::App* app, int* exit_code) {
  struct Flags {
    CommonOptions common;
    std::string account;
    uint64_t from_sequence = 1;
  };
  auto state_flags = std::make_shared<Flags>();
  auto* state = app->add_subcommand("state", "Print an account's current state as JSON");
  AddCommonOptions(state, &state_flags->common);
  state->add_option("account", state_flags->account, "the account id")->required();
  state->callback([state_flags, exit_code] {
    auto views = ReadOnlyViews::Open(state_flags->common.data_dir);
    if (!views.ok()) {
      *exit_code = Fail(views.status());
      return;
    }
    auto account_state = (*views)->store().GetState(state_flags->account);
    if (!account_state.ok()) {
      *exit_code = Fail(account_state.status());
      return;
    }
    if (!account_state->has_value()) {
      *exit_code = Fail(Status::NotFound("no account " + state_flags->account + " in " +
                                         state_flags->common.data_dir));
      return;
    }
    std::printf("%s\n", ToPrettyJson(**account_state).c_str());
  });

  auto history_flags = std::make_shared<Flags>();
  auto* history = app->add_subcommand(
      "history", "Print an account's events as JSON lines, in sequence order");
  AddCommonOptions(history, &history_flags->common);
  history->add_option("account", history_flags->account, "the account id")->required();
  history->add_option("--from-seq", history_flags->from_sequence, "first sequence to print")
      ->capture_default_str();
  history->callback([history_flags, exit_code] {
    auto views = ReadOnlyViews::Open(history_flags->common.data_dir);
    if (!views.ok()) {
      *exit_code = Fail(views.status());
      return;
    }
    Status failure;
    Status status = (*views)->store().ScanHistory(
        history_flags->account, history_flags->from_sequence,
        [&](const v1::EventEnvelope& envelope) {
          auto entry = ToHistoryEntry(envelope);
          if (!entry.ok()) {
            failure = entry.status();
            return false;
          }
          std::printf("%s\n", ToJsonLine(*entry).c_str());
          return true;
        });
    if (status.ok()) status = failure;
    if (!status.ok()) *exit_code = Fail(status);
  });
}

}  // namespace timeline::cli
