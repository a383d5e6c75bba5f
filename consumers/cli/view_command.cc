// `timeline view NAME [ACCOUNT] [--on DATE] [--as-of-date DATE] --data DIR`: prints one of the
// views of projections/view_registry.h as JSON (views.proto).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "consumers/cli/commands.h"
#include "consumers/cli/common_options.h"
#include "consumers/json_views.h"
#include "consumers/read_only_views.h"
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
  if (!flags.as_of.empty()) {
    auto as_of = ParseViewDate(flags.as_of);
    if (!as_of.ok()) return as_of.status();
    google::protobuf::Timestamp through = *as_of;
    if (flags.as_of.size() == 10) {  // a whole day: every event of that day
      through = StartOfDay(DayOf(*as_of) + 1);
      through.set_seconds(through.seconds() - 1);
      through.set_nanos(999'999'999);
    }
    request.as_of = through;
    request.reference = StartOfDay(DayOf(*as_of));
  } else {
    request.reference = TodayUtc();
  }
  if (!flags.on.empty()) {
    auto on = ParseViewDate(flags.on);
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
                   "or the --as-of-date");
  view->add_option("--as-of-date", flags->as_of,
                   "replay the accounts' events that occurred up to this date (a YYYY-MM-DD "
                   "date includes the whole day) instead of reading the current state");
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
