// `timeline digest [--view NAME]`: a fingerprint of the views, as JSON (projections/view_digest.h).
#include <cstdio>
#include <memory>
#include <string>

#include "consumers/cli/commands.h"
#include "consumers/cli/common_options.h"
#include "consumers/json/json_views.h"
#include "consumers/processes/read_only_views.h"
#include "projections/view_digest.h"

namespace timeline::cli {

void AddDigestCommand(CLI::App* app, int* exit_code) {
  struct Flags {
    CommonOptions common;
    std::string view;
  };
  auto flags = std::make_shared<Flags>();
  auto* command = app->add_subcommand(
      "digest",
      "Print a SHA-256 of each view (column family) with its counts, as JSON; equal digests, "
      "equal views (checkpoints and dead letters' recorded_at are left out)");
  AddCommonOptions(command, &flags->common);
  command->add_option("--view", flags->view,
                      "only this view (state, events, entities, dead_letters, ...)");
  command->callback([flags, exit_code] {
    auto views = ReadOnlyViews::Open(flags->common.data_dir);
    if (!views.ok()) {
      *exit_code = Fail(views.status());
      return;
    }
    auto digest = DigestViews((*views)->store(), flags->view);
    if (!digest.ok()) {
      *exit_code = Fail(digest.status());
      return;
    }
    std::printf("%s\n", ToPrettyJson(*digest).c_str());
  });
}

}  // namespace timeline::cli
