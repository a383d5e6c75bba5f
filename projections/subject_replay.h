// SubjectReplay: a fresh fold of only the events a figure lists, so that the figure can be
// recomputed from them alone; SubjectFigure: the FigureDefinition of a figure about one subject
// (an invoice's findings, a milestone) built on it (projections/finding_figure.h,
// milestone_figure.h).
// Concurrency: one replay per explanation, one thread.
#pragma once

#include "engine/entity_cache.h"
#include "engine/status.h"
#include "projections/account_snapshot.h"
#include "projections/figure_definition.h"
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

// A figure about one subject: the events that concern it (a non-empty Effect) contribute, and
// the figure from them alone is the view's value recomputed on their replay.
class SubjectFigure : public FigureDefinition {
 public:
  Result<std::optional<v1::FigureContribution>> Contribution(const AccountBefore& before,
                                                             const v1::EventEnvelope& envelope,
                                                             const v1::Event& event) final;
  Result<v1::FigureValue> Total(const google::protobuf::Timestamp& reference) final;

 protected:
  // What `event` does to the subject, in words; empty when it does not concern it.
  virtual std::string Effect(const v1::Event& event) const = 0;
  // The figure as `account` shows it at `reference`.
  virtual v1::FigureValue ValueOf(const AccountSnapshot& account,
                                  const google::protobuf::Timestamp& reference) const = 0;

 private:
  SubjectReplay replay_;
};

}  // namespace timeline
