// AccountSimulation (consumers/demo/demo_simulation.h): projects and milestones.
#include "consumers/demo/demo_simulation.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace timeline::demo {

void AccountSimulation::StartProject() {
  if (closing_ || active_projects_ >= 2) return;
  const ProjectTemplate& tpl = rng_.Pick(ProjectTemplates());
  const size_t project_index = projects_.size();
  Project project;
  project.id = fmt::format("PRJ-{}", 100 + ++project_count_);
  const int64_t due = StartOfDay(now_) + rng_.Range(120, 240) * kDay + 17 * kHour;
  static const std::vector<std::string> sites = {
      "Hamburg", "Bremen", "Rotterdam", "Antwerp", "Gdansk", "Lyon", "Brno", "Aarhus", "Essen"};
  v1::Event event;
  auto* started = event.mutable_project_started();
  started->set_project_id(project.id);
  started->set_name(fmt::format("{} {}", tpl.name, rng_.Pick(sites)));
  SetTime(started->mutable_due_at(), due);
  Emit(Member(v1::PROJECT_MANAGER), std::move(event));
  ++active_projects_;

  const int count = static_cast<int>(rng_.Range(3, 5));
  const int64_t start = StartOfDay(now_);
  for (int m = 0; m < count; ++m) {
    Milestone milestone;
    milestone.id = fmt::format("M{}", m + 1);
    const int64_t milestone_due = StartOfDay(start + (due - start) * (m + 1) / count) + 17 * kHour;
    v1::Event planned_event;
    auto* planned = planned_event.mutable_milestone_planned();
    planned->set_project_id(project.id);
    planned->set_milestone_id(milestone.id);
    planned->set_name(tpl.milestones[static_cast<size_t>(m)]);
    SetTime(planned->mutable_due_at(), milestone_due);
    now_ += rng_.Range(2, 20) * kMinute;
    Emit(Member(v1::PROJECT_MANAGER), std::move(planned_event));
    project.milestones.push_back(milestone);

    const size_t mi = static_cast<size_t>(m);
    const int fate = static_cast<int>(rng_.Below(100));
    if (fate < 10) {
      // Stalled: never completed, overdue once its date passes.
    } else if (fate < 32) {
      const int64_t at = milestone_due - rng_.Range(3, 10) * kDay - 6 * kHour;
      Schedule(at, [this, project_index, mi, milestone_due] {
        Reschedule(project_index, mi, milestone_due);
      });
    } else {
      const int64_t delta = rng_.Percent(30) ? rng_.Range(2, 25) : -rng_.Range(0, 12);
      Schedule(milestone_due + delta * kDay - 3 * kHour,
               [this, project_index, mi] { CompleteMilestone(project_index, mi); });
    }
  }
  projects_.push_back(std::move(project));
  if (rng_.Percent(10)) {
    Schedule(Later(30, 90), [this, project_index] { CancelProject(project_index); });
  }
}

void AccountSimulation::Reschedule(size_t project_index, size_t milestone_index, int64_t old_due) {
  Project& project = projects_[project_index];
  if (closing_ || !project.active || project.milestones[milestone_index].completed) return;
  const int64_t new_due = old_due + rng_.Range(14, 45) * kDay;
  v1::Event event;
  auto* moved = event.mutable_milestone_rescheduled();
  moved->set_project_id(project.id);
  moved->set_milestone_id(project.milestones[milestone_index].id);
  SetTime(moved->mutable_due_at(), new_due);
  moved->set_reason(rng_.Pick(SlippingReasons()));
  Emit(Member(v1::PROJECT_MANAGER), std::move(event));
  if (rng_.Percent(92)) {
    const int64_t delta = rng_.Percent(35) ? rng_.Range(2, 20) : -rng_.Range(0, 7);
    Schedule(new_due + delta * kDay - 3 * kHour, [this, project_index, milestone_index] {
      CompleteMilestone(project_index, milestone_index);
    });
  }
}

void AccountSimulation::CompleteMilestone(size_t project_index, size_t milestone_index) {
  Project& project = projects_[project_index];
  Milestone& milestone = project.milestones[milestone_index];
  if (closing_ || !project.active || milestone.completed) return;
  milestone.completed = true;
  v1::Event event;
  event.mutable_milestone_completed()->set_project_id(project.id);
  event.mutable_milestone_completed()->set_milestone_id(milestone.id);
  Emit(Member(v1::PROJECT_MANAGER), std::move(event));
  if (project.AllCompleted()) {
    Schedule(Later(1, 5), [this, project_index] { CompleteProject(project_index); });
  }
}

void AccountSimulation::CompleteProject(size_t project_index) {
  Project& project = projects_[project_index];
  if (closing_ || !project.active || !project.AllCompleted()) return;
  project.active = false;
  --active_projects_;
  v1::Event event;
  event.mutable_project_completed()->set_project_id(project.id);
  Emit(Member(v1::PROJECT_MANAGER), std::move(event));
}

void AccountSimulation::CancelProject(size_t project_index) {
  Project& project = projects_[project_index];
  if (closing_ || !project.active) return;
  project.active = false;
  --active_projects_;
  v1::Event event;
  event.mutable_project_cancelled()->set_project_id(project.id);
  event.mutable_project_cancelled()->set_reason("client postponed the investment to next year");
  Emit(manager_, std::move(event));
}

}  // namespace timeline::demo
