// `timeline subscribe [--account A...] [--type T...] [--from BEGINNING|END|TOKEN] [--max N]
// [--until-idle SECONDS] [--heartbeat SECONDS]`: account-events as JSON lines, filtered, each
// with a resume token (consumers/log/event_subscription.h).
//
// Output, one JSON object a line, flushed at once:
//   {"token":"...","event":{...}}   a matching event (v1::HistoryEntry) and the token after it
//   {"token":"..."}                 a heartbeat: the position moved past records that did not
//                                   match (every --heartbeat seconds or 1000 skipped records),
//                                   and the last line before a stop other than --max
// Resume with --from the last token kept: nothing after it is missed; an event whose token was
// not kept comes again (dedupe by eventId).
#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "consumers/cli/commands.h"
#include "consumers/cli/common_options.h"
#include "consumers/json/json_views.h"
#include "consumers/log/event_subscription.h"

namespace timeline::cli {
namespace {

struct SubscribeFlags {
  CommonOptions common;
  std::vector<std::string> accounts;
  std::vector<std::string> types;
  std::string from = "END";
  uint64_t max = 0;       // 0: no limit
  double until_idle = 0;  // 0: never
  double heartbeat = 5;
};

void PrintLine(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

std::string TokenLine(const std::string& token) { return "{\"token\":\"" + token + "\"}"; }

Status Subscribe(const SubscribeFlags& flags) {
  SubscriptionOptions options;
  options.kafka = flags.common.Kafka();
  auto filter = SubscriptionFilter::Parse(flags.accounts, flags.types);
  if (!filter.ok()) return filter.status();
  options.filter = std::move(filter).value();
  auto start = SubscriptionStart::Parse(flags.from);
  if (!start.ok()) return Status::InvalidArgument("--from " + start.status().message());
  options.start = std::move(start).value();
  options.heartbeat_every = std::chrono::milliseconds(static_cast<int64_t>(flags.heartbeat * 1000));
  auto subscription = EventSubscription::Open(options);
  if (!subscription.ok()) return subscription.status();

  std::atomic<bool> stop{false};
  StopOnSignals(&stop);
  const auto idle_limit = std::chrono::milliseconds(static_cast<int64_t>(flags.until_idle * 1000));
  auto last_event_at = std::chrono::steady_clock::now();
  uint64_t printed = 0;
  while (!stop.load()) {
    auto item = (*subscription)->Next(std::chrono::milliseconds(200));
    if (!item.ok()) return item.status();
    if (item->has_value() && (*item)->event) {
      auto entry = ToHistoryEntry(*(*item)->event);
      if (entry.ok()) {
        PrintLine("{\"token\":\"" + (*item)->token + "\",\"event\":" + ToJsonLine(*entry) + "}");
      } else {  // the envelope decoded, its body did not: say so, keep the position
        std::fprintf(stderr, "timeline: account %s sequence %llu: %s\n",
                     (*item)->event->account_id().c_str(),
                     static_cast<unsigned long long>((*item)->event->sequence()),
                     entry.status().message().c_str());
        PrintLine(TokenLine((*item)->token));
      }
      last_event_at = std::chrono::steady_clock::now();
      if (flags.max > 0 && ++printed >= flags.max) return Status::Ok();
    } else if (item->has_value()) {
      PrintLine(TokenLine((*item)->token));
    }
    if (idle_limit.count() > 0 && (*subscription)->CaughtUp() &&
        std::chrono::steady_clock::now() - last_event_at >= idle_limit) {
      break;
    }
  }
  PrintLine(TokenLine((*subscription)->Token()));
  if ((*subscription)->undecodable() > 0) {
    std::fprintf(stderr, "timeline: %llu record(s) were not EventEnvelopes and were skipped\n",
                 static_cast<unsigned long long>((*subscription)->undecodable()));
  }
  return Status::Ok();
}

}  // namespace

void AddSubscribeCommand(CLI::App* app, int* exit_code) {
  auto* command = app->add_subcommand(
      "subscribe",
      "Print account-events as JSON lines, filtered, each with a resume token "
      "({\"token\":...,\"event\":...}; a {\"token\":...} line alone is a heartbeat)");
  auto flags = std::make_shared<SubscribeFlags>();
  AddCommonOptions(command, &flags->common);
  command->add_option("--account", flags->accounts, "only this account (repeatable)");
  command->add_option("--type", flags->types,
                      "only this event type, e.g. invoiceIssued (repeatable)");
  command
      ->add_option("--from", flags->from,
                   "BEGINNING, END (events to come) or a token printed earlier")
      ->capture_default_str();
  command->add_option("--max", flags->max, "stop after this many events (0: no limit)")
      ->capture_default_str();
  command
      ->add_option("--until-idle", flags->until_idle,
                   "stop once at the end of the log with no event for this many seconds")
      ->check(CLI::NonNegativeNumber);
  command
      ->add_option("--heartbeat", flags->heartbeat,
                   "seconds between token lines while records are skipped")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command->callback([flags, exit_code] {
    Status status = Subscribe(*flags);
    if (!status.ok()) *exit_code = Fail(status);
  });
}

}  // namespace timeline::cli
