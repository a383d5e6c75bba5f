// SubjectReplay: a fresh fold of only the events a figure lists, so that the figure can be
// recomputed from them alone (projections/finding_figure.h, milestone_figure.h).
// Concurrency: one replay per explanation, one thread.
#pragma once

#include "engine/entity_cache.h"
#include "engine/status.h"
#include "projections/account_snapshot.h"
#include "timeline/v1/account_state.pb.h"
#include "timeline/v1/envelope.pb.h"
#include "timeline/v1/events.pb.h"

namespace timeline {

class SubjectReplay {
 public:
  SubjectReplay();

  // Folds `event` (the body of `envelope`) after the events folded so far. Corruption from the
  // fold; the replay renumbers sequences, since the listed events skip most of the log.
  Status Fold(const v1::EventEnvelope& envelope, const v1::Event& event);

  // The account as those events alone leave it.
  AccountSnapshot Snapshot() const;

 private:
  v1::AccountState state_;
  EntityCache entities_;
};

}  // namespace timeline
