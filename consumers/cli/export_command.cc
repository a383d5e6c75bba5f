// `timeline export ACCOUNT [--format jsonl|csv] [--as-of T] [--output FILE] --data DIR`: an
// account's timeline with everything needed to verify its hash chain
// (consumers/audit/event_export.h).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "consumers/audit/event_export.h"
#include "consumers/cli/commands.h"
#include "consumers/cli/common_options.h"
#include "consumers/processes/read_only_views.h"
#include "projections/view_dates.h"

namespace timeline::cli {
namespace {

struct ExportFlags {
  CommonOptions common;
  std::string account;
  std::string format = "jsonl";
  std::string as_of;
  std::string output;  // empty: stdout
};

Result<ExportRequest> MakeRequest(const ExportFlags& flags) {
  ExportRequest request;
  request.account = flags.account;
  auto format = ParseExportFormat(flags.format);
  if (!format.ok()) return format.status();
  request.format = *format;
  if (!flags.as_of.empty()) {
    auto as_of = ParseTimeFlag("--as-of", flags.as_of, DateBound::kLastInstant);
    if (!as_of.ok()) return as_of.status();
    request.as_of = *as_of;
  }
  return request;
}

// Writes to FILE.partial and renames it over FILE when complete, so a failed export never
// leaves a truncated file that looks like a whole history.
Status ExportToFile(const ViewStore& store, const ExportRequest& request, const std::string& path) {
  const std::string partial = path + ".partial";
  Status status;
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    if (!out) return Status::IoError("cannot create " + partial);
    auto written = ExportHistory(store, request, out);
    status = written.ok() ? Status::Ok() : written.status();
  }
  std::error_code error;
  if (status.ok()) {
    std::filesystem::rename(partial, path, error);
    if (error) status = Status::IoError("cannot rename " + partial + ": " + error.message());
  }
  if (!status.ok()) std::filesystem::remove(partial, error);
  return status;
}

}  // namespace

void AddExportCommand(CLI::App* app, int* exit_code) {
  auto flags = std::make_shared<ExportFlags>();
  auto* command = app->add_subcommand(
      "export",
      "Write an account's events, with their body bytes, hashes and seals, as JSON lines or CSV "
      "(export.proto); deploy/verify_export.py checks the chain of a JSONL export");
  AddCommonOptions(command, &flags->common);
  command->add_option("account", flags->account, "the account id")->required();
  command->add_option("--format", flags->format, "jsonl or csv")->capture_default_str();
  command->add_option("--as-of", flags->as_of,
                      "only the events that occurred up to T (RFC 3339; a YYYY-MM-DD date "
                      "includes that whole day)");
  command->add_option("--output", flags->output, "the file to write; default stdout");
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
    Status status;
    if (flags->output.empty()) {
      auto written = ExportHistory((*views)->store(), *request, std::cout);
      if (!written.ok()) status = written.status();
    } else {
      status = ExportToFile((*views)->store(), *request, flags->output);
    }
    if (!status.ok()) *exit_code = Fail(status);
  });
}

}  // namespace timeline::cli
