// milestone:MILESTONE_ID (or milestone:PROJECT_ID/MILESTONE_ID when the id is used in several
// projects) — a milestone's due date and whether it is overdue at the reference date (the
// project-health view, projections/project_health_view.h), explained by its planning,
// rescheduling and completion and by its project's start and close (an overdue milestone only
// counts in an active project). Total(): the same view of those events alone must give the
// same milestone and the same days overdue.
#pragma once

#include <memory>
#include <string>

#include "projections/figure_definition.h"

namespace timeline {

std::unique_ptr<FigureDefinition> MakeMilestoneFigure(std::string id);

}  // namespace timeline
