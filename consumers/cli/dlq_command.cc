// `timeline dlq list|show|replay`: the records a reader of the log refused, where they are kept
// (a worker's views with --data, or the account-events-dlq topic with --source topic), and, after
// a fix, their replay through the worker's fold (consumers/processes/dead_letter_replay.h).
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "consumers/cli/commands.h"
#include "consumers/cli/common_options.h"
#include "consumers/json/json_views.h"
#include "consumers/processes/dead_letter_queue.h"
#include "consumers/processes/dead_letter_replay.h"
#include "timeline/v1/envelope.pb.h"

namespace timeline::cli {
namespace {

constexpr char kSourceViews[] = "views";
constexpr char kSourceTopic[] = "topic";

Result<std::vector<v1::DeadLetter>> LettersFrom(const CommonOptions& common,
                                                const std::string& source) {
  if (source == kSourceTopic) return DeadLettersOnTopic(common.Kafka());
  return DeadLettersInViews(common.data_dir);
}

// {"id": "<topic>:<partition>@<offset>", ...the letter's fields}: ids are topic names and
// numbers, safe in JSON as they are.
std::string WithId(const v1::DeadLetter& letter, const std::string& json) {
  return fmt::format("{{\"id\":\"{}\",{}", DeadLetterIdOf(letter), json.substr(1));
}

// A list line: the letter without its value (`dlq show` prints it).
std::string ListLine(const v1::DeadLetter& letter) {
  v1::DeadLetter summary = letter;
  summary.clear_value();
  return WithId(letter, ToJsonLine(summary));
}

// The letter with its value in base64 and, when the value decodes as an EventEnvelope, the
// envelope with its body decoded (or raw, when the body is not an Event).
std::string ShowJson(const v1::DeadLetter& letter) {
  std::string envelope_json = "null";
  v1::EventEnvelope envelope;
  if (!letter.value().empty() && envelope.ParseFromString(letter.value())) {
    auto entry = ToHistoryEntry(envelope);
    envelope_json = entry.ok() ? ToJsonLine(*entry) : ToJsonLine(envelope);
  }
  return fmt::format("{{\"id\":\"{}\",\"deadLetter\":{},\"envelope\":{}}}", DeadLetterIdOf(letter),
                     ToJsonLine(letter), envelope_json);
}

void AddList(CLI::App* dlq, int* exit_code) {
  struct Flags {
    CommonOptions common;
    std::string source = kSourceViews;
    bool open_only = false;
  };
  auto flags = std::make_shared<Flags>();
  auto* list = dlq->add_subcommand(
      "list", "Print each dead letter as a JSON line (its value left out: `dlq show` prints it)");
  AddCommonOptions(list, &flags->common);
  list->add_option("--source", flags->source,
                   "views: the worker's in --data, whole, with replay outcomes; topic: every "
                   "reader's on account-events-dlq")
      ->check(CLI::IsMember({kSourceViews, kSourceTopic}))
      ->capture_default_str();
  list->add_flag("--open", flags->open_only, "only letters no replay has resolved");
  list->callback([flags, exit_code] {
    auto letters = LettersFrom(flags->common, flags->source);
    if (!letters.ok()) {
      *exit_code = Fail(letters.status());
      return;
    }
    size_t open = 0;
    for (const auto& letter : *letters) {
      if (DeadLetterResolved(letter)) {
        if (flags->open_only) continue;
      } else {
        ++open;
      }
      std::printf("%s\n", ListLine(letter).c_str());
    }
    std::fprintf(stderr, "%zu dead letter(s), %zu open\n", letters->size(), open);
  });
}

void AddShow(CLI::App* dlq, int* exit_code) {
  struct Flags {
    CommonOptions common;
    std::string source = kSourceViews;
    std::string id;
  };
  auto flags = std::make_shared<Flags>();
  auto* show = dlq->add_subcommand(
      "show",
      "Print one dead letter as JSON: the reason, the record's bytes in base64 and, when "
      "they decode, the envelope");
  AddCommonOptions(show, &flags->common);
  show->add_option("id", flags->id, "<topic>:<partition>@<offset>, as `dlq list` prints it")
      ->required();
  show->add_option("--source", flags->source, "views (in --data) or topic (account-events-dlq)")
      ->check(CLI::IsMember({kSourceViews, kSourceTopic}))
      ->capture_default_str();
  show->callback([flags, exit_code] {
    auto id = ParseDeadLetterId(flags->id);
    if (!id.ok()) {
      *exit_code = Fail(id.status());
      return;
    }
    auto letters = LettersFrom(flags->common, flags->source);
    if (!letters.ok()) {
      *exit_code = Fail(letters.status());
      return;
    }
    bool found = false;
    for (const auto& letter : *letters) {
      if (!id->Names(letter)) continue;
      std::printf("%s\n", ShowJson(letter).c_str());  // the topic may hold one per reader
      found = true;
    }
    if (!found) {
      *exit_code = Fail(Status::NotFound(fmt::format(
          "no dead letter {} in the {}; `timeline dlq list` shows those there are", flags->id,
          flags->source == kSourceTopic ? "dead-letter topic"
                                        : "views in " + flags->common.data_dir)));
    }
  });
}

void AddReplay(CLI::App* dlq, int* exit_code) {
  struct Flags {
    CommonOptions common;
    std::vector<std::string> ids;
    bool all = false;
    int timeout_seconds = 60;
  };
  auto flags = std::make_shared<Flags>();
  auto* replay = dlq->add_subcommand(
      "replay",
      "After a fix, fold dead letters of the worker's views in --data again, in log order, "
      "exactly once: the running worker does it between batches (without one, this does); "
      "prints each letter's outcome as a JSON line");
  AddCommonOptions(replay, &flags->common);
  auto* ids = replay->add_option("ids", flags->ids, "<topic>:<partition>@<offset> ...");
  auto* all = replay->add_flag("--all", flags->all, "every open dead letter");
  ids->excludes(all);
  replay
      ->add_option("--timeout", flags->timeout_seconds,
                   "seconds to wait for a running worker to take the request")
      ->capture_default_str();
  replay->callback([flags, exit_code] {
    DeadLetterReplayOptions options;
    options.data_dir = flags->common.data_dir;
    options.seal_key_path = flags->common.seal_key_path;
    options.timeout = std::chrono::seconds(flags->timeout_seconds);
    options.request.all = flags->all;
    for (const auto& text : flags->ids) {
      auto id = ParseDeadLetterId(text);
      if (!id.ok()) {
        *exit_code = Fail(id.status());
        return;
      }
      options.request.ids.push_back(std::move(id).value());
    }
    auto report = ReplayDeadLetters(options);
    if (!report.ok()) {
      *exit_code = Fail(report.status());
      return;
    }
    size_t applied = 0;
    for (const auto& letter : report->replayed) {
      if (letter.last_replay().outcome() == v1::DeadLetterReplay::APPLIED) ++applied;
      std::printf("%s\n", ListLine(letter).c_str());
    }
    for (const auto& letter : report->resolved) {
      std::fprintf(stderr, "%s was resolved by an earlier replay (%s): left alone\n",
                   DeadLetterIdOf(letter).c_str(),
                   v1::DeadLetterReplay::Outcome_Name(letter.last_replay().outcome()).c_str());
    }
    std::fprintf(stderr, "replayed %zu dead letter(s) (%s), %zu applied\n", report->replayed.size(),
                 report->by_worker ? "by the running worker" : "by this command: no worker ran",
                 applied);
  });
}

}  // namespace

void AddDlqCommand(CLI::App* app, int* exit_code) {
  auto* dlq = app->add_subcommand(
      "dlq", "Dead letters: the records a reader of the log refused, and their replay after a fix");
  dlq->require_subcommand(1);
  AddList(dlq, exit_code);
  AddShow(dlq, exit_code);
  AddReplay(dlq, exit_code);
}

}  // namespace timeline::cli
