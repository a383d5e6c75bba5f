#include "projections/project_health_view.h"

#include <catch2/catch.hpp>

#include "tests/projections/view_test_scenarios.h"

namespace timeline {
namespace {

using testing::views::Date;
using testing::views::ProjectHistory;
using testing::views::ViewsFixture;

TEST_CASE("milestones are overdue only once their due date has passed, at each reference date") {
  ViewsFixture views;
  views.Apply(ProjectHistory());
  const AccountSnapshot gamma = views.Snapshot("gamma");

  // M-3 is due 2026-05-20 (rescheduled), M-4 2026-06-01; M-9's project is cancelled.
  const auto on_due_day = BuildProjectHealthView(gamma, Date("2026-05-20"));
  CHECK(on_due_day.account().overdue() == 0);

  const auto next_day = BuildProjectHealthView(gamma, Date("2026-05-21"));
  CHECK(next_day.account().overdue() == 1);
  REQUIRE(next_day.projects_size() == 2);
  REQUIRE(next_day.projects(0).overdue_milestones_size() == 1);
  CHECK(next_day.projects(0).overdue_milestones(0).milestone_id() == "M-3");
  CHECK(next_day.projects(0).overdue_milestones(0).days_overdue() == 1);

  const auto later = BuildProjectHealthView(gamma, Date("2026-06-10"));
  CHECK(later.account().overdue() == 2);
  const auto& p1 = later.projects(0);
  CHECK(p1.project_id() == "P-1");
  CHECK(p1.milestones().overdue() == 2);
  REQUIRE(p1.overdue_milestones_size() == 2);
  CHECK(p1.overdue_milestones(0).milestone_id() == "M-3");  // most overdue first
  CHECK(p1.overdue_milestones(0).days_overdue() == 21);
  CHECK(p1.overdue_milestones(1).milestone_id() == "M-4");
  CHECK(p1.overdue_milestones(1).days_overdue() == 9);
  CHECK(later.projects(1).project_id() == "P-2");
  CHECK(later.projects(1).status() == v1::PROJECT_CANCELLED);
  CHECK(later.projects(1).milestones().overdue() == 0);
}

TEST_CASE("slipped milestones, slip days and the on-time rate are counted per project") {
  ViewsFixture views;
  views.Apply(ProjectHistory());
  const auto view = BuildProjectHealthView(views.Snapshot("gamma"), Date("2026-06-10"));
  const auto& p1 = view.projects(0).milestones();
  CHECK(p1.milestones() == 4);
  CHECK(p1.completed() == 2);
  CHECK(p1.completed_on_time() == 1);  // M-1 done 2026-02-27, planned 2026-03-01
  CHECK(p1.slipped() == 2);            // M-2: done 19 days late; M-3: moved 19 days later
  CHECK(p1.slip_days() == 38);
  REQUIRE(p1.has_on_time_rate());
  CHECK(p1.on_time_rate() == Approx(0.5));
  CHECK_FALSE(view.projects(1).milestones().has_on_time_rate());  // nothing completed
  CHECK(view.account().milestones() == 5);
  CHECK(view.account().on_time_rate() == Approx(0.5));
  CHECK_FALSE(view.projects(0).past_due());  // due 2026-09-30
}

}  // namespace
}  // namespace timeline
