// `timeline state ACCOUNT [--as-of T] [--known-at R]` and `timeline history ACCOUNT
// [--from-seq A] [--to-seq B] [--from T1] [--to T2] [--type T...]`: read the worker's views.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "consumers/cli/commands.h"
#include "consumers/cli/common_options.h"
#include "consumers/json/json_views.h"
#include "consumers/processes/read_only_views.h"
#include "projections/bitemporal_loader.h"
#include "projections/history_filter.h"
#include "projections/view_dates.h"
#include "projections/view_store.h"

namespace timeline::cli {
namespace {

struct StateFlags {
  CommonOptions common;
  std::string account;
  std::string as_of;
  std::string known_at;
};

struct HistoryFlags {
  CommonOptions common;
  std::string account;
  uint64_t from_sequence = 1;
  std::optional<uint64_t> to_sequence;
  std::string from;
  std::string to;
  std::vector<std::string> types;
};

Result<BitemporalCut> MakeCut(const StateFlags& flags) {
  BitemporalCut cut;
  if (!flags.as_of.empty()) {
    auto as_of = ParseTimeFlag("--as-of", flags.as_of, DateBound::kLastInstant);
    if (!as_of.ok()) return as_of.status();
    cut.occurred_through = *as_of;
  }
  if (!flags.known_at.empty()) {
    auto known_at = ParseTimeFlag("--known-at", flags.known_at, DateBound::kLastInstant);
    if (!known_at.ok()) return known_at.status();
    cut.recorded_through = *known_at;
  }
  return cut;
}

// The account's state: current, or as the cut sees it (the state alone: no entity is decoded
// but those the fold after the snapshot needs).
Result<std::optional<v1::AccountState>> ReadState(const ViewStore& store,
                                                  const std::string& account,
                                                  const BitemporalCut& cut) {
  if (!cut.occurred_through && !cut.recorded_through) return store.GetState(account);
  return LoadAccountStateAt(store, account, cut);
}

Result<HistoryFilter> MakeFilter(const HistoryFlags& flags) {
  HistoryFilter filter;
  filter.from_sequence = flags.from_sequence;
  filter.to_sequence = flags.to_sequence;
  if (!flags.from.empty()) {
    auto from = ParseTimeFlag("--from", flags.from, DateBound::kFirstInstant);
    if (!from.ok()) return from.status();
    filter.occurred_from = *from;
  }
  if (!flags.to.empty()) {
    auto to = ParseTimeFlag("--to", flags.to, DateBound::kLastInstant);
    if (!to.ok()) return to.status();
    filter.occurred_to = *to;
  }
  for (const auto& name : flags.types) {
    auto type = ParseEventType(name);
    if (!type.ok()) return type.status();
    filter.event_types.insert(*type);
  }
  return filter;
}

}  // namespace

void AddReadCommands(CLI::App* app, int* exit_code) {
  auto state_flags = std::make_shared<StateFlags>();
  auto* state = app->add_subcommand(
      "state", "Print an account's state as JSON: current, or as of a time and known at another");
  AddCommonOptions(state, &state_flags->common);
  state->add_option("account", state_flags->account, "the account id")->required();
  state->add_option("--as-of", state_flags->as_of,
                    "fold only the events that occurred at or before this time (RFC 3339, or "
                    "YYYY-MM-DD for the whole day)");
  state->add_option("--known-at", state_flags->known_at,
                    "also leave out the events recorded after this time (RFC 3339, or "
                    "YYYY-MM-DD for the whole day)");
  state->callback([state_flags, exit_code] {
    auto cut = MakeCut(*state_flags);
    if (!cut.ok()) {
      *exit_code = Fail(cut.status());
      return;
    }
    auto views = ReadOnlyViews::Open(state_flags->common.data_dir);
    if (!views.ok()) {
      *exit_code = Fail(views.status());
      return;
    }
    auto account_state = ReadState((*views)->store(), state_flags->account, *cut);
    if (!account_state.ok()) {
      *exit_code = Fail(account_state.status());
      return;
    }
    if (!account_state->has_value()) {
      const bool bitemporal = cut->occurred_through || cut->recorded_through;
      *exit_code = Fail(Status::NotFound("no account " + state_flags->account +
                                         (bitemporal ? " with events by that time" : "") + " in " +
                                         state_flags->common.data_dir));
      return;
    }
    std::printf("%s\n", ToPrettyJson(**account_state).c_str());
  });

  auto history_flags = std::make_shared<HistoryFlags>();
  auto* history =
      app->add_subcommand("history", "Print an account's events as JSON lines, in sequence order");
  AddCommonOptions(history, &history_flags->common);
  history->add_option("account", history_flags->account, "the account id")->required();
  history->add_option("--from-seq", history_flags->from_sequence, "first sequence to print")
      ->capture_default_str();
  history->add_option("--to-seq", history_flags->to_sequence, "last sequence to print");
  history->add_option("--from", history_flags->from,
                      "only events that occurred at or after this time (RFC 3339, or YYYY-MM-DD "
                      "from the start of that day)");
  history->add_option("--to", history_flags->to,
                      "only events that occurred at or before this time (RFC 3339, or "
                      "YYYY-MM-DD through the end of that day)");
  history->add_option("--type", history_flags->types,
                      "only events of these types, named as in the JSON (invoiceIssued, "
                      "paymentReceived, ...); repeatable");
  history->callback([history_flags, exit_code] {
    auto filter = MakeFilter(*history_flags);
    if (!filter.ok()) {
      *exit_code = Fail(filter.status());
      return;
    }
    auto views = ReadOnlyViews::Open(history_flags->common.data_dir);
    if (!views.ok()) {
      *exit_code = Fail(views.status());
      return;
    }
    Status failure;
    Status status = ScanFilteredHistory((*views)->store(), history_flags->account, *filter,
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
