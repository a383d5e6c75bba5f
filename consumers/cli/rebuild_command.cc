// `timeline rebuild [--view NAME]`: replays account-events into fresh views and swaps them in
// (consumers/processes/view_rebuild.h), showing progress on stderr and what changed on stdout.
#include <fmt/format.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>

#include "consumers/cli/commands.h"
#include "consumers/cli/common_options.h"
#include "consumers/processes/read_only_views.h"
#include "consumers/processes/view_rebuild.h"
#include "projections/view_digest.h"

namespace timeline::cli {
namespace {

// One line per view: is the rebuilt view the one it replaced? The old views are still (they were
// swapped out), so this compares the rebuild with what served until the swap.
void PrintComparison(const RebuildReport& report, const std::string& view) {
  if (report.swap.old_views.empty()) {
    std::printf("no earlier views to compare with\n");
    return;
  }
  auto old_views = ReadOnlyViews::OpenDirectory(report.swap.old_views);
  if (!old_views.ok()) {
    std::printf("cannot compare with the old views: %s\n", old_views.status().ToString().c_str());
    return;
  }
  auto old_digest = DigestViews((*old_views)->store(), view);
  if (!old_digest.ok()) {
    std::printf("cannot digest the old views: %s\n", old_digest.status().ToString().c_str());
    return;
  }
  for (const auto& rebuilt : report.digest.views()) {
    const v1::ViewDigest* before = nullptr;
    for (const auto& candidate : old_digest->views()) {
      if (candidate.view() == rebuilt.view()) before = &candidate;
    }
    if (before == nullptr) {
      std::printf("view %s: new (%s, %lu entries)\n", rebuilt.view().c_str(),
                  rebuilt.sha256().c_str(), static_cast<unsigned long>(rebuilt.entries()));
    } else if (before->sha256() == rebuilt.sha256()) {
      std::printf("view %s: unchanged (%s, %lu entries)\n", rebuilt.view().c_str(),
                  rebuilt.sha256().c_str(), static_cast<unsigned long>(rebuilt.entries()));
    } else {
      std::printf("view %s: changed (%s, %lu entries before; %s, %lu entries now)\n",
                  rebuilt.view().c_str(), before->sha256().c_str(),
                  static_cast<unsigned long>(before->entries()), rebuilt.sha256().c_str(),
                  static_cast<unsigned long>(rebuilt.entries()));
    }
  }
  // Equal digests mean equal views only at the same log position.
  std::string old_positions, new_positions;
  for (const auto& p : old_digest->positions())
    old_positions += fmt::format(" {}:{}", p.partition(), p.next_offset());
  for (const auto& p : report.digest.positions())
    new_positions += fmt::format(" {}:{}", p.partition(), p.next_offset());
  if (old_positions != new_positions) {
    std::printf(
        "note: the old views stood at partition:offset%s, the rebuild at%s; events "
        "between the two explain differences (the worker folds them into the new views)\n",
        old_positions.c_str(), new_positions.c_str());
  }
}

}  // namespace

void AddRebuildCommand(CLI::App* app, int* exit_code) {
  struct Flags {
    CommonOptions common;
    std::string view;
    int swap_timeout_seconds = 60;
    int batch = 5000;
  };
  auto flags = std::make_shared<Flags>();
  auto* command = app->add_subcommand(
      "rebuild",
      "Replay account-events into fresh views while the current ones serve, then swap them in "
      "(the running worker swaps between batches; without one, this does)");
  AddCommonOptions(command, &flags->common);
  command->add_option(
      "--view", flags->view,
      "the view to compare before and after (every view is rebuilt: they share one checkpoint)");
  command
      ->add_option("--swap-timeout", flags->swap_timeout_seconds,
                   "seconds to wait for a running worker to swap the rebuilt views in")
      ->capture_default_str();
  command->add_option("--batch", flags->batch, "records per RocksDB write")->capture_default_str();
  command->callback([flags, exit_code] {
    RebuildOptions options;
    options.kafka = flags->common.Kafka();
    options.data_dir = flags->common.data_dir;
    options.seal_key_path = flags->common.seal_key_path;
    options.max_batch = flags->batch;
    options.swap_timeout = std::chrono::seconds(flags->swap_timeout_seconds);
    options.digest_view = flags->view;
    options.progress = [](const RebuildProgress& progress) {
      std::fprintf(stderr, "rebuild: %lu events, %.1f%% of the log, %.0f events/s\n",
                   static_cast<unsigned long>(progress.records), progress.Percent(),
                   progress.EventsPerSecond());
    };
    std::atomic<bool> stop{false};
    StopOnSignals(&stop);
    auto report = RebuildViews(options, stop);
    if (!report.ok()) {
      *exit_code = Fail(report.status());
      return;
    }
    std::printf(
        "rebuilt %lu events from %zu partition(s) of %s in %.2f s (%.0f events/s); "
        "%lu dead-lettered\n",
        static_cast<unsigned long>(report->replay.records), report->partitions.size(),
        options.kafka.topics.events.c_str(), report->replay.seconds,
        report->replay.EventsPerSecond(),
        static_cast<unsigned long>(report->projector.dead_lettered));
    std::printf(
        "swapped in by %s; the old views are in %s (delete them when done)\n",
        report->swapped_by_worker ? "the running worker" : "the rebuild (no worker ran)",
        report->swap.old_views.empty() ? "(there were none)" : report->swap.old_views.c_str());
    PrintComparison(*report, flags->view);
  });
}

}  // namespace timeline::cli
