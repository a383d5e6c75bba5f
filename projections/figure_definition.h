// FigureDefinition: how one figure the views report is made up from events — which events
// contribute and how much — for `timeline explain` (projections/figure_lineage.h). Each figure
// is one small definition (money_figures.h, finding_figure.h, milestone_figure.h), listed by
// name in projections/figure_registry.h.
//
// Operation: the lineage driver makes one definition per explanation, asks it first for the
// figure as the views report it (Reported), then shows it every event in scope in sequence
// order with the account just before that event (Contribution), and finally asks for the
// figure computed from the contributing events alone (Total); the two must be equal.
// Concurrency: one definition per explanation, one thread.
#pragma once

#include <optional>
#include <string>

#include <google/protobuf/timestamp.pb.h>

#include "engine/entity_cache.h"
#include "engine/status.h"
#include "projections/account_snapshot.h"
#include "timeline/v1/account_state.pb.h"
#include "timeline/v1/envelope.pb.h"
#include "timeline/v1/events.pb.h"
#include "timeline/v1/lineage.pb.h"

namespace timeline {

// The account folded up to (not including) the event being shown: what the fold will see when
// it applies that event, e.g. an invoice's total before its correction.
struct AccountBefore {
  const v1::AccountState& state;
  EntityCache& entities;  // read with Find() only
};

class FigureDefinition {
 public:
  virtual ~FigureDefinition() = default;

  // The figure as the views report it for `account` (current or as of the request) at
  // `reference`. Called once, first: a definition may note here which entities its events are
  // about. NotFound when the figure's subject (an invoice, a milestone) does not exist.
  virtual Result<v1::FigureValue> Reported(const AccountSnapshot& account,
                                           const google::protobuf::Timestamp& reference) = 0;

  // What `event` contributes: amounts (money figures) and an effect in words, or nullopt when it
  // does not make up the figure. The caller fills in the envelope's coordinates.
  virtual Result<std::optional<v1::FigureContribution>> Contribution(
      const AccountBefore& before, const v1::EventEnvelope& envelope, const v1::Event& event) = 0;

  // The figure computed from the contributing events alone.
  virtual Result<v1::FigureValue> Total(const google::protobuf::Timestamp& reference) = 0;
};

}  // namespace timeline
