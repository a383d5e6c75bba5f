#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>

#include "consumers/cli/commands.h"
#include "consumers/cli/common_options.h"
#include "consumers/log/submit_client.h"
#include "engine/hash_chain.h"

namespace timeline::cli {
namespace {

// Exit codes: 0 recorded (or already recorded), 1 could not submit, 2 refused.
constexpr int kRefused = 2;

Result<std::string> ReadInput(const std::string& file) {
  if (file.empty() || file == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), {});
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + file);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

int Report(const SubmitOutcome& outcome) {
  if (outcome.accepted) {
    std::printf("recorded: account %s sequence %llu hash %s\n", outcome.event.account_id().c_str(),
                static_cast<unsigned long long>(outcome.event.sequence()),
                ToHex(outcome.event.hash()).c_str());
    return 0;
  }
  const auto& rejection = outcome.rejection;
  if (rejection.code() == v1::DUPLICATE_SUBMISSION) {
    std::printf("already recorded: account %s sequence %llu hash %s (idempotency key repeated)\n",
                rejection.account_id().c_str(),
                static_cast<unsigned long long>(rejection.original_sequence()),
                ToHex(rejection.original_hash()).c_str());
    return 0;
  }
  // The whole message, also past a zero byte.
  const std::string line =
      "refused: " + v1::RejectionCode_Name(rejection.code()) + ": " + rejection.message() + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
  return kRefused;
}

}  // namespace

void AddAppendCommand(CLI::App* app, int* exit_code) {
  struct Flags {
    CommonOptions common;
    std::string file;
    int timeout_seconds = 30;
    size_t max_submission_bytes = kDefaultMaxSubmissionBytes;
  };
  auto flags = std::make_shared<Flags>();
  auto* append = app->add_subcommand(
      "append",
      "Submit one event (a SubmitEvent in protobuf's JSON mapping) and wait for its outcome.\n"
      "Exit status: 0 recorded, 1 could not submit, 2 refused (code and reason on stderr).");
  AddCommonOptions(append, &flags->common);
  append->add_option("--file,-f", flags->file, "read the JSON from this file (default: stdin)");
  append->add_option("--timeout", flags->timeout_seconds, "seconds to wait for the outcome")
      ->capture_default_str();
  append
      ->add_option("--max-submission-bytes", flags->max_submission_bytes,
                   "refuse a larger submission without sending it (the engine's "
                   "--max-submission-bytes)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  append->footer(R"(Example:
  echo '{"accountId": "acme", "occurredAt": "2026-11-26T09:00:00Z", "actor": "jane",
         "event": {"accountOpened": {"name": "ACME Corp", "currency": "EUR"}}}' | timeline append)");
  append->callback([flags, exit_code] {
    auto input = ReadInput(flags->file);
    if (!input.ok()) {
      *exit_code = Fail(input.status());
      return;
    }
    auto client = SubmitClient::Create(flags->common.Kafka());
    if (!client.ok()) {
      *exit_code = Fail(client.status());
      return;
    }
    (*client)->set_max_submission_bytes(flags->max_submission_bytes);
    auto outcome = (*client)->SubmitJson(*input, std::chrono::seconds(flags->timeout_seconds));
    *exit_code = outcome.ok() ? Report(*outcome) : Fail(outcome.status());
  });
}

}  // namespace timeline::cli
