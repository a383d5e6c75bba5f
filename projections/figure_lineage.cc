#include "projections/figure_lineage.h"

#include <google/protobuf/util/message_differencer.h>

#include <fmt/format.h>

#include "engine/account_fold.h"
#include "engine/entity_cache.h"
#include "engine/event_type.h"
#include "engine/hash_chain.h"
#include "projections/account_snapshot.h"
#include "projections/bitemporal_loader.h"
#include "projections/figure_registry.h"
#include "projections/view_store.h"

namespace timeline {
namespace {

bool After(const google::protobuf::Timestamp& at, const google::protobuf::Timestamp& limit) {
  return at.seconds() > limit.seconds() ||
         (at.seconds() == limit.seconds() && at.nanos() > limit.nanos());
}

Result<AccountSnapshot> Reported(const ViewStore& store, const FigureRequest& request) {
  TIMELINE_ASSIGN_OR_RETURN(std::optional<AccountSnapshot> snapshot,
                            request.as_of
                                ? LoadAccountSnapshotAt(store, request.account,
                                                        BitemporalCut{request.as_of, std::nullopt})
                                : LoadAccountSnapshot(store, request.account));
  if (!snapshot.has_value()) {
    return Status::NotFound("no account " + request.account +
                            (request.as_of ? " with events by that date" : ""));
  }
  return std::move(*snapshot);
}

}  // namespace

Result<v1::FigureLineage> ExplainFigure(const ViewStore& store, const FigureRequest& request) {
  TIMELINE_ASSIGN_OR_RETURN(std::unique_ptr<FigureDefinition> definition,
                            MakeFigure(request.figure));
  FigureDefinition& figure = *definition;
  TIMELINE_ASSIGN_OR_RETURN(AccountSnapshot account, Reported(store, request));

  v1::FigureLineage lineage;
  lineage.set_account_id(request.account);
  lineage.set_figure(request.figure);
  if (request.as_of) *lineage.mutable_as_of() = *request.as_of;
  *lineage.mutable_reference_date() = request.reference;
  TIMELINE_ASSIGN_OR_RETURN(v1::FigureValue reported, figure.Reported(account, request.reference));
  *lineage.mutable_reported() = std::move(reported);

  // The same cut as LoadAccountSnapshotAt: the events in scope, in sequence order, folded
  // with consecutive sequences (an event left out by as_of leaves a gap the fold refuses).
  EntityCache entities([](const std::string&) -> Result<std::optional<std::string>> {
    return std::optional<std::string>();
  });
  v1::AccountState state;
  Status failure;
  TIMELINE_RETURN_IF_ERROR(
      store.ScanHistory(request.account, 1, [&](const v1::EventEnvelope& stored) {
        if (request.as_of && After(stored.occurred_at(), *request.as_of)) return true;
        v1::Event event;
        if (!event.ParseFromString(stored.body())) {
          failure = Status::Corruption(
              fmt::format("account {} sequence {}: body is not a timeline.v1.Event",
                          stored.account_id(), stored.sequence()));
          return false;
        }
        auto contribution = figure.Contribution(AccountBefore{state, entities}, stored, event);
        if (!contribution.ok()) {
          failure = contribution.status();
          return false;
        }
        if (contribution->has_value()) {
          v1::FigureContribution& listed = *lineage.add_contributions();
          listed = std::move(**contribution);
          listed.set_account_id(stored.account_id());
          listed.set_sequence(stored.sequence());
          listed.set_event_type(EventTypeName(event));
          *listed.mutable_occurred_at() = stored.occurred_at();
          *listed.mutable_recorded_at() = stored.recorded_at();
          listed.set_hash(ToHex(stored.hash()));
        }
        v1::EventEnvelope renumbered = stored;
        renumbered.set_sequence(state.version() + 1);
        failure = FoldDecodedEvent(renumbered, event, &state, &entities);
        return failure.ok();
      }));
  TIMELINE_RETURN_IF_ERROR(failure);

  TIMELINE_ASSIGN_OR_RETURN(v1::FigureValue total, figure.Total(request.reference));
  *lineage.mutable_total() = std::move(total);
  lineage.set_events(static_cast<uint32_t>(lineage.contributions_size()));
  lineage.set_matches(
      google::protobuf::util::MessageDifferencer::Equals(lineage.total(), lineage.reported()));
  return lineage;
}

}  // namespace timeline
