// `timeline explain ACCOUNT FIGURE [--as-of T] [--on DATE] --data DIR`: the events that
// produced a figure, one JSON line each (lineage.proto FigureContribution), then a summary line
// (FigureLineage) with the events' total and the figure as the views report it. Exits 1 when
// they differ, naming both.
#include <cstdio>
#include <memory>

#include "consumers/cli/commands.h"
#include "consumers/cli/common_options.h"
#include "consumers/json/json_views.h"
#include "consumers/processes/read_only_views.h"
#include "projections/figure_lineage.h"
#include "projections/figure_registry.h"
#include "projections/view_dates.h"

namespace timeline::cli {
namespace {

struct ExplainFlags {
  CommonOptions common;
  std::string account;
  std::string figure;
  std::string as_of;
  std::string on;
};

std::string HelpText() {
  std::string text =
      "List the events that produced a figure, with what each contributed and its hash, then "
      "the total and the figure as the views report it (lineage.proto). Figures:";
  for (const auto& info : FigureCatalogue()) text += "\n  " + info.usage + ": " + info.description;
  return text;
}

Result<FigureRequest> MakeRequest(const ExplainFlags& flags) {
  FigureRequest request;
  request.account = flags.account;
  request.figure = flags.figure;
  request.reference = TodayUtc();
  // Name an unknown figure before looking for the data, so a typo is the error shown.
  if (auto figure = MakeFigure(flags.figure); !figure.ok()) return figure.status();
  if (!flags.as_of.empty()) {
    auto as_of = ParseTimeFlag("--as-of", flags.as_of, DateBound::kLastInstant);
    if (!as_of.ok()) return as_of.status();
    request.as_of = *as_of;
    request.reference = StartOfDay(DayOf(*as_of));  // as `view --as-of-date` does
  }
  if (!flags.on.empty()) {
    auto on = ParseViewDate(flags.on);
    if (!on.ok()) return Status::InvalidArgument("--on: " + on.status().message());
    request.reference = *on;
  }
  return request;
}

}  // namespace

void AddExplainCommand(CLI::App* app, int* exit_code) {
  auto flags = std::make_shared<ExplainFlags>();
  auto* command = app->add_subcommand("explain", HelpText());
  AddCommonOptions(command, &flags->common);
  command->add_option("account", flags->account, "the account id")->required();
  command->add_option("figure", flags->figure, "the figure, e.g. receivables or finding:INV-7")
      ->required();
  command->add_option("--as-of", flags->as_of,
                      "only the events that occurred up to T (RFC 3339; a YYYY-MM-DD date "
                      "includes that whole day), against the state as of T");
  command->add_option("--on", flags->on,
                      "the reference date of date-dependent figures (overdue): YYYY-MM-DD or "
                      "RFC 3339; default today (UTC), or the --as-of date");
  command->callback([flags, exit_code] {
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
    auto lineage = ExplainFigure((*views)->store(), *request);
    if (!lineage.ok()) {
      *exit_code = Fail(lineage.status());
      return;
    }
    for (const auto& contribution : lineage->contributions()) {
      std::printf("%s\n", ToJsonLine(contribution).c_str());
    }
    lineage->clear_contributions();
    std::printf("%s\n", ToJsonLine(*lineage).c_str());
    if (!lineage->matches()) {
      *exit_code = Fail(Status::Internal("the listed events total " + ToJsonLine(lineage->total()) +
                                         " but the views report " +
                                         ToJsonLine(lineage->reported()) + " for " + flags->figure +
                                         ": the lineage or the fold is wrong; please report it"));
    }
  });
}

}  // namespace timeline::cli
