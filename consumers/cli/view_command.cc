// `timeline view NAME [ACCOUNT] [--on DATE] [--as-of T] [--known-at R] --data DIR`: prints one
// of the views of projections/view_registry.h as JSON (views.proto). `--as-of-date` is the
// earlier name of --as-of and stays an alias.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "consumers/cli/commands.h"
#include "consumers/cli/common_options.h"
#include "consumers/json/json_views.h"
#include "consumers/processes/read_only_views.h"
#include "projections/view_dates.h"
#include "projections/view_registry.h"
#include "projections/view_store.h"

namespace timeline::cli {
namespace {

struct ViewFlags {
  CommonOptions common;
  std::string name;
  std::string account;
  std::string on;
  std::string as_of;
  std::string known_at;
  bool json_line = false;
};

std::string HelpText() {
  std::string text = "Print a view as JSON (views.proto). Views:";
  for (const auto& info : ViewCatalogue()) {
    text += std::string("\n  ") + info.name + (info.per_account ? " ACCOUNT" : "") + ": " +
            info.description;
  }
  return text;
}

Result<ViewRequest> MakeRequest(const ViewFlags& flags) {
  ViewRequest request;
  request.account = flags.account;
  request.reference = TodayUtc();
  if (!flags.known_at.empty()) {
    auto known_at = ParseTimeFlag("--known-at", flags.known_at, DateBound::kLastInstant);
    if (!known_at.ok()) return known_at.status();
    request.cut.recorded_through = *known_at;
  }
  if (!flags.as_of.empty()) {
    auto as_of = ParseTimeFlag("--as-of", flags.as_of, DateBound::kLastInstant);
    if (!as_of.ok()) return as_of.status();
    request.cut.occurred_through = *as_of;
    request.reference = StartOfDay(DayOf(*as_of));  // the views' "now" is the as-of day
  }
  if (!flags.on.empty()) {
    auto on = ParseTimeFlag("--on", flags.on, DateBound::kFirstInstant);
    if (!on.ok()) return on.status();
    request.reference = *on;
  }
  return request;
}

}  // namespace

void AddViewCommand(CLI::App* app, int* exit_code) {
  auto flags = std::make_shared<ViewFlags>();
  auto* view = app->add_subcommand("view", HelpText());
  AddCommonOptions(view, &flags->common);
  view->add_option("name", flags->name, "the view")->required();
  view->add_option("account", flags->account, "the account id (every view but portfolio)");
  view->add_option("--on", flags->on,
                   "the reference date (\"now\"): YYYY-MM-DD or RFC 3339; default today (UTC), "
                   "or the --as-of date");
  view->add_option("--as-of,--as-of-date", flags->as_of,
                   "the accounts as of this time: only events that occurred at or before it (a "
                   "YYYY-MM-DD date includes the whole day); RFC 3339 or YYYY-MM-DD");
  view->add_option("--known-at", flags->known_at,
                   "the accounts as known at this time: leave out events recorded after it (a "
                   "YYYY-MM-DD date includes the whole day); RFC 3339 or YYYY-MM-DD");
  view->add_flag("--json-line", flags->json_line, "print one line of JSON, not indented");
  view->callback([flags, exit_code] {
    auto request = MakeRequest(*flags);
    if (!request.ok()) {
      *exit_code = Fail(request.status());
      return;
    }
    auto views = ReadOnlyViews::Open(flags->common.data_dir);
    if (!views.ok()) {
      *exit_code = Fail(views.status());
      return;
    }
    auto result = RunView((*views)->store(), flags->name, *request);
    if (!result.ok()) {
      *exit_code = Fail(result.status());
      return;
    }
    const auto& message = **result;
    std::printf("%s\n", (flags->json_line ? ToJsonLine(message) : ToPrettyJson(message)).c_str());
  });
}

}  // namespace timeline::cli
