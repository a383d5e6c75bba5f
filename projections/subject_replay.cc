#include "projections/subject_replay.h"

#include <map>
#include <string>

#include "engine/account_fold.h"

namespace timeline {

SubjectReplay::SubjectReplay()
    : entities_([](const std::string&) -> Result<std::optional<std::string>> {
        return std::optional<std::string>();  // every entity starts absent
      }) {}

Status SubjectReplay::Fold(const v1::EventEnvelope& envelope, const v1::Event& event) {
  v1::EventEnvelope renumbered = envelope;
  renumbered.set_sequence(state_.version() + 1);
  return FoldDecodedEvent(renumbered, event, &state_, &entities_);
}

AccountSnapshot SubjectReplay::Snapshot() const {
  AccountSnapshot snapshot;
  snapshot.state = state_;
  std::map<std::string, const v1::Entity*> by_key;  // the snapshot's lists are in key order
  for (const auto& [key, entity] : entities_.Changed()) by_key.emplace(key, entity);
  for (const auto& [key, entity] : by_key) snapshot.Add(*entity);
  return snapshot;
}

Result<std::optional<v1::FigureContribution>> SubjectFigure::Contribution(
    const AccountBefore&, const v1::EventEnvelope& envelope, const v1::Event& event) {
  std::string effect = Effect(event);
  if (effect.empty()) return std::optional<v1::FigureContribution>();
  TIMELINE_RETURN_IF_ERROR(replay_.Fold(envelope, event));
  v1::FigureContribution contribution;
  contribution.set_effect(std::move(effect));
  return std::optional<v1::FigureContribution>(std::move(contribution));
}

Result<v1::FigureValue> SubjectFigure::Total(const google::protobuf::Timestamp& reference) {
  return ValueOf(replay_.Snapshot(), reference);
}

}  // namespace timeline
