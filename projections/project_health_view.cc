#include "projections/project_health_view.h"

#include <algorithm>
#include <map>
#include <string>

#include "projections/view_dates.h"

namespace timeline {
namespace {

void SetRate(v1::MilestoneHealth* health) {
  if (health->completed() > 0) {
    health->set_on_time_rate(static_cast<double>(health->completed_on_time()) /
                             static_cast<double>(health->completed()));
  }
}

void AddHealth(const v1::MilestoneHealth& from, v1::MilestoneHealth* to) {
  to->set_milestones(to->milestones() + from.milestones());
  to->set_completed(to->completed() + from.completed());
  to->set_overdue(to->overdue() + from.overdue());
  to->set_slipped(to->slipped() + from.slipped());
  to->set_slip_days(to->slip_days() + from.slip_days());
  to->set_completed_on_time(to->completed_on_time() + from.completed_on_time());
}

}  // namespace

v1::ProjectHealthView BuildProjectHealthView(const AccountSnapshot& account,
                                             const google::protobuf::Timestamp& reference) {
  v1::ProjectHealthView view;
  view.set_account_id(account.state.account_id());
  *view.mutable_reference_date() = reference;
  const int64_t today = DayOf(reference);

  std::map<std::string, v1::ProjectHealth> by_project;
  for (const auto& project : account.projects) {
    v1::ProjectHealth& health = by_project[project.project_id()];
    health.set_project_id(project.project_id());
    health.set_name(project.name());
    health.set_status(project.status());
    *health.mutable_due_at() = project.due_at();
    health.set_past_due(project.status() == v1::PROJECT_ACTIVE && project.has_due_at() &&
                        DayOf(project.due_at()) < today);
    health.mutable_milestones();
  }

  for (const auto& milestone : account.milestones) {
    v1::ProjectHealth& project = by_project[milestone.project_id()];
    project.set_project_id(milestone.project_id());  // also for an unknown project
    v1::MilestoneHealth* health = project.mutable_milestones();
    health->set_milestones(health->milestones() + 1);

    int64_t slip = DaysBetween(milestone.planned_due_at(), milestone.due_at());
    if (milestone.completed()) {
      health->set_completed(health->completed() + 1);
      const int64_t late = DaysBetween(milestone.planned_due_at(), milestone.completed_at());
      if (late <= 0) health->set_completed_on_time(health->completed_on_time() + 1);
      slip = std::max(slip, late);
    }
    if (slip > 0) {
      health->set_slipped(health->slipped() + 1);
      health->set_slip_days(health->slip_days() + slip);
    }

    const bool project_open = project.status() == v1::PROJECT_ACTIVE ||
                              project.status() == v1::PROJECT_STATUS_UNSPECIFIED;
    if (!milestone.completed() && project_open && DayOf(milestone.due_at()) < today) {
      health->set_overdue(health->overdue() + 1);
      v1::OverdueMilestone* overdue = project.add_overdue_milestones();
      overdue->set_project_id(milestone.project_id());
      overdue->set_milestone_id(milestone.milestone_id());
      overdue->set_name(milestone.name());
      *overdue->mutable_due_at() = milestone.due_at();
      overdue->set_days_overdue(DaysBetween(milestone.due_at(), reference));
    }
  }

  v1::MilestoneHealth* total = view.mutable_account();
  for (auto& [id, project] : by_project) {
    auto* overdue = project.mutable_overdue_milestones();
    std::stable_sort(overdue->begin(), overdue->end(),
                     [](const v1::OverdueMilestone& a, const v1::OverdueMilestone& b) {
                       return a.days_overdue() > b.days_overdue();
                     });
    SetRate(project.mutable_milestones());
    AddHealth(project.milestones(), total);
    *view.add_projects() = std::move(project);
  }
  SetRate(total);
  return view;
}

}  // namespace timeline
