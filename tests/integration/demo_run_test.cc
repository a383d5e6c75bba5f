// `timeline demo`'s run (consumers/demo/demo_run.h) against the broker and a running engine: what a
// first run, a repeat, a longer repeat, another seed and a run onto existing accounts record,
// and the last line and exit status they end with.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>

#include "consumers/demo/demo_history.h"
#include "consumers/demo/demo_run.h"
#include "consumers/log/topic_reader.h"
#include "tests/support/running_engine.h"

namespace timeline {
namespace {

using namespace std::chrono_literals;

DemoRunReport Run(const testing::RunningEngine& engine, const DemoOptions& demo,
                  size_t batch_size = 5000) {
  DemoRunOptions options;
  options.demo = demo;
  options.timeout = 120s;
  options.batch_size = batch_size;
  auto report =
      RunDemo(engine.kafka(), options, [](const std::string& line) { UNSCOPED_INFO(line); });
  INFO(report.status().ToString());
  REQUIRE(report.ok());
  return *report;
}

size_t Generated(const DemoOptions& demo) { return GenerateDemoHistory(demo).submissions.size(); }

// Events per account on account-events, as recorded.
std::map<std::string, size_t> EventsPerAccount(const testing::RunningEngine& engine) {
  std::map<std::string, size_t> events;
  REQUIRE(ReadTopicToEnd(engine.kafka(), engine.kafka().topics.events, [&](const LogRecord& r) {
            ++events[r.key];
            return Status::Ok();
          }).ok());
  return events;
}

TEST_CASE("a first demo run records every event and says so, and a repeat records nothing twice",
          "[integration]") {
  testing::RunningEngine engine;
  engine.Start();
  const DemoOptions six_months{3, 6, 1};
  const size_t events = Generated(six_months);
  REQUIRE(events > 50);

  // Small batches: the stream crosses many SubmitMany calls and each account's order holds.
  const DemoRunReport first = Run(engine, six_months, 40);
  CHECK(first.generated == events);
  CHECK(first.recorded == events);
  CHECK(first.already_recorded == 0);
  CHECK(first.refused == 0);
  CHECK(first.ExitCode() == 0);
  CHECK(first.LastLine() == "demo seed 1: recorded " + WithThousands(events) + " of " +
                                WithThousands(events) + " events for 3 accounts; none refused");

  const DemoRunReport repeat = Run(engine, six_months);
  CHECK(repeat.recorded == 0);
  CHECK(repeat.already_recorded == events);
  CHECK(repeat.refused == 0);
  CHECK(repeat.ExitCode() == 0);
  CHECK(repeat.LastLine() == "demo seed 1: nothing new: all " + WithThousands(events) +
                                 " events for 3 accounts were already recorded by an earlier run "
                                 "of seed 1 (idempotency keys); none refused");

  // A longer history of the same seed adds only the months after the first run's.
  const DemoOptions year{3, 12, 1};
  const size_t year_events = Generated(year);
  const DemoRunReport longer = Run(engine, year);
  CHECK(longer.recorded == year_events - events);
  CHECK(longer.already_recorded == events);
  CHECK(longer.refused == 0);
  CHECK(longer.ExitCode() == 0);
  CHECK(longer.LastLine() == "demo seed 1: recorded " + WithThousands(year_events - events) +
                                 " of " + WithThousands(year_events) + " events for 3 accounts; " +
                                 WithThousands(events) +
                                 " already recorded by an earlier run of seed 1 (idempotency "
                                 "keys); none refused");

  // Seed 7 after seed 1: its own accounts, all recorded, nothing refused.
  const DemoRunReport seven = Run(engine, {3, 6, 7});
  CHECK(seven.recorded == Generated({3, 6, 7}));
  CHECK(seven.refused == 0);
  CHECK(seven.ExitCode() == 0);

  const auto recorded = EventsPerAccount(engine);
  const DemoGenerator seed_one_generator(year);
  const std::set<std::string> seed_one(seed_one_generator.account_ids().begin(),
                                       seed_one_generator.account_ids().end());
  size_t total = 0;
  for (const auto& [account, count] : recorded) total += count;
  CHECK(total == year_events + seven.recorded);  // nothing recorded twice
  const DemoGenerator seed_seven_generator({3, 6, 7});
  for (const auto& id : seed_seven_generator.account_ids()) CHECK_FALSE(seed_one.count(id));
}

TEST_CASE("a demo run onto an account with other history submits nothing and names it",
          "[integration]") {
  testing::RunningEngine engine;
  engine.Start();
  const DemoOptions demo{3, 6, 2};
  const std::string taken = DemoGenerator(demo).account_ids()[1];
  const SubmitOutcome opened =
      engine.Submit(R"({"accountId": ")" + taken +
                    R"(", "occurredAt": "2026-01-05T09:00:00Z", "actor": "jane.doe",
          "event": {"accountOpened": {"name": "Someone Else", "manager": "jane.doe",
                                       "currency": "EUR"}}})");
  REQUIRE(opened.accepted);

  const DemoRunReport report = Run(engine, demo);
  REQUIRE(report.collisions.size() == 1);
  CHECK(report.collisions[0].account_id == taken);
  CHECK(report.collisions[0].events == 1);
  CHECK(report.collisions[0].first_other == 0);
  CHECK(report.recorded == 0);
  CHECK(report.refused == 0);
  CHECK(report.ExitCode() == 2);
  CHECK(report.LastLine() ==
        "demo seed 2: submitted nothing: 1 of 3 accounts already exist with history not from "
        "seed 2: " +
            taken +
            " (1 event); choose another --seed, or another --topic-prefix for "
            "a fresh log");

  // Nothing was submitted: the only recorded event is the one above.
  const auto recorded = EventsPerAccount(engine);
  CHECK(recorded.size() == 1);
  CHECK(recorded.at(taken) == 1);
}

}  // namespace
}  // namespace timeline
