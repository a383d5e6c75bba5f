#include "projections/milestone_figure.h"

#include <fmt/format.h>

#include <utility>
#include <vector>

#include "projections/project_health_view.h"
#include "projections/subject_replay.h"
#include "projections/view_dates.h"

namespace timeline {
namespace {

class MilestoneFigure : public SubjectFigure {
 public:
  explicit MilestoneFigure(std::string id) {
    if (const auto slash = id.find('/'); slash != std::string::npos) {
      project_id_ = id.substr(0, slash);
      milestone_id_ = id.substr(slash + 1);
    } else {
      milestone_id_ = std::move(id);
    }
  }

  Result<v1::FigureValue> Reported(const AccountSnapshot& account,
                                   const google::protobuf::Timestamp& reference) override {
    std::vector<std::string> projects;
    for (const auto& milestone : account.milestones) {
      if (milestone.milestone_id() == milestone_id_ &&
          (project_id_.empty() || milestone.project_id() == project_id_)) {
        projects.push_back(milestone.project_id());
      }
    }
    if (projects.empty()) {
      return Status::NotFound(
          fmt::format("no milestone {} in account {}", Name(), account.state.account_id()));
    }
    if (projects.size() > 1) {
      return Status::InvalidArgument(
          fmt::format("milestone {} is in projects {}; name one as milestone:{}/{}", milestone_id_,
                      fmt::join(projects, ", "), projects[0], milestone_id_));
    }
    project_id_ = projects[0];
    return ValueOf(account, reference);
  }

 private:
  std::string Name() const {
    return project_id_.empty() ? milestone_id_ : project_id_ + "/" + milestone_id_;
  }

  v1::FigureValue ValueOf(const AccountSnapshot& account,
                          const google::protobuf::Timestamp& reference) const override {
    v1::FigureValue value;
    for (const auto& milestone : account.milestones) {
      if (milestone.project_id() == project_id_ && milestone.milestone_id() == milestone_id_) {
        *value.mutable_milestone() = milestone;
      }
    }
    const v1::ProjectHealthView health = BuildProjectHealthView(account, reference);
    for (const auto& project : health.projects()) {
      for (const auto& overdue : project.overdue_milestones()) {
        if (overdue.project_id() == project_id_ && overdue.milestone_id() == milestone_id_) {
          *value.mutable_overdue() = overdue;
        }
      }
    }
    return value;
  }

  bool Mine(const std::string& project, const std::string& milestone) const {
    return project == project_id_ && milestone == milestone_id_;
  }

  // What the event did to the milestone, in words; empty when it is not about it.
  std::string Effect(const v1::Event& event) const override {
    using E = v1::Event;
    switch (event.event_case()) {
      case E::kMilestonePlanned: {
        const auto& planned = event.milestone_planned();
        if (!Mine(planned.project_id(), planned.milestone_id())) return "";
        return "planned, due " + FormatDay(DayOf(planned.due_at()));
      }
      case E::kMilestoneRescheduled: {
        const auto& moved = event.milestone_rescheduled();
        if (!Mine(moved.project_id(), moved.milestone_id())) return "";
        return fmt::format("rescheduled, due {}: {}", FormatDay(DayOf(moved.due_at())),
                           moved.reason());
      }
      case E::kMilestoneCompleted: {
        const auto& completed = event.milestone_completed();
        return Mine(completed.project_id(), completed.milestone_id()) ? "completed" : "";
      }
      case E::kProjectStarted:
        return event.project_started().project_id() == project_id_
                   ? "project " + project_id_ + " started"
                   : "";
      case E::kProjectCompleted:
        return event.project_completed().project_id() == project_id_
                   ? "project " + project_id_ + " completed: its milestones are no longer overdue"
                   : "";
      case E::kProjectCancelled:
        return event.project_cancelled().project_id() == project_id_
                   ? "project " + project_id_ + " cancelled: its milestones are no longer overdue"
                   : "";
      default: return "";
    }
  }

  std::string project_id_;  // empty until Reported() found the milestone, unless given
  std::string milestone_id_;
};

}  // namespace

std::unique_ptr<FigureDefinition> MakeMilestoneFigure(std::string id) {
  return std::make_unique<MilestoneFigure>(std::move(id));
}

}  // namespace timeline
