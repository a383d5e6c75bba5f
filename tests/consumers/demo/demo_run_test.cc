// The demo's last line and exit status (consumers/demo/demo_run.h), for each outcome; the runs
// themselves are in tests/integration/demo_run_test.cc.
#include "consumers/demo/demo_run.h"

#include <catch2/catch.hpp>

namespace timeline {
namespace {

DemoRunReport Report(uint64_t seed, size_t generated) {
  DemoRunReport report;
  report.seed = seed;
  report.accounts = 20;
  report.months = 24;
  report.generated = generated;
  return report;
}

TEST_CASE("the demo's last line names refusals by reason code and the exit status is 2") {
  DemoRunReport report = Report(7, 6171);
  report.recorded = 10;
  report.refused = 6161;
  report.refused_by_code = {{"VERSION_CONFLICT", 6160}, {"DUPLICATE_ID", 1}};
  CHECK(report.LastLine() ==
        "demo seed 7: recorded 10 of 6,171 events for 20 accounts; refused 6,161 "
        "(DUPLICATE_ID 1, VERSION_CONFLICT 6,160)");
  CHECK(report.ExitCode() == 2);
}

TEST_CASE("the demo's last line says what was recorded now and before, and the exit status is 0") {
  DemoRunReport first = Report(1, 5585);
  first.recorded = 5585;
  CHECK(first.LastLine() ==
        "demo seed 1: recorded 5,585 of 5,585 events for 20 accounts; none refused");
  CHECK(first.ExitCode() == 0);

  DemoRunReport repeat = Report(1, 5585);
  repeat.already_recorded = 5585;
  CHECK(repeat.LastLine() ==
        "demo seed 1: nothing new: all 5,585 events for 20 accounts were already recorded by an "
        "earlier run of seed 1 (idempotency keys); none refused");
  CHECK(repeat.ExitCode() == 0);

  DemoRunReport longer = Report(1, 11000);
  longer.recorded = 5415;
  longer.already_recorded = 5585;
  CHECK(longer.LastLine() ==
        "demo seed 1: recorded 5,415 of 11,000 events for 20 accounts; 5,585 already recorded by "
        "an earlier run of seed 1 (idempotency keys); none refused");
  CHECK(longer.ExitCode() == 0);
}

TEST_CASE("the demo's last line names every colliding account and the exit status is 2") {
  DemoRunReport report = Report(7, 6171);
  report.collisions = {{"vinter-foods-ab-s7", 3, 0, ""}, {"lumen-pharma-se-s7", 1, 0, "mine:1"}};
  CHECK(report.LastLine() ==
        "demo seed 7: submitted nothing: 2 of 20 accounts already exist with history not from "
        "seed 7: vinter-foods-ab-s7 (3 events), lumen-pharma-se-s7 (1 event); choose another "
        "--seed, or another --topic-prefix for a fresh log");
  CHECK(report.ExitCode() == 2);
}

TEST_CASE("counts print with thousands separators") {
  CHECK(WithThousands(0) == "0");
  CHECK(WithThousands(999) == "999");
  CHECK(WithThousands(1000) == "1,000");
  CHECK(WithThousands(299723) == "299,723");
  CHECK(WithThousands(1234567) == "1,234,567");
}

}  // namespace
}  // namespace timeline
