#include "projections/bitemporal_loader.h"

#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "engine/account_fold.h"
#include "engine/entity_cache.h"
#include "projections/view_store.h"
#include "timeline/v1/envelope.pb.h"
#include "timeline/v1/snapshots.pb.h"

namespace timeline {
namespace {

using EntityBytes = std::map<std::string, std::string>;  // entity key -> serialized v1::Entity

// An account being folded from a starting point: its state, the entities it started with
// (`start`, serialized) and those the fold built or changed since (in `cache`).
class CutFold {
 public:
  CutFold(std::string_view account, const BitemporalCut& cut, EntityBytes start,
          v1::AccountState state)
      : account_(account),
        cut_(cut),
        start_(std::move(start)),
        state_(std::move(state)),
        cache_([this](const std::string& key) -> Result<std::optional<std::string>> {
          auto it = start_.find(key);
          if (it == start_.end()) return std::optional<std::string>();
          return std::optional<std::string>(it->second);
        }) {}
  CutFold(const CutFold&) = delete;  // the cache's loader points at this object
  CutFold& operator=(const CutFold&) = delete;

  // Folds the stored events with sequences in [from, through] (through 0: to the end) that the
  // cut keeps.
  Status FoldRange(const ViewStore& store, uint64_t from, uint64_t through) {
    Status failure;
    TIMELINE_RETURN_IF_ERROR(store.ScanHistory(account_, from, [&](const v1::EventEnvelope& e) {
      if (through != 0 && e.sequence() > through) return false;
      if (!cut_.Includes(e)) return true;
      // The fold takes version + 1 only; an event left out before this one leaves a gap, which
      // is bridged so that every event keeps its log sequence.
      if (state_.account_id().empty()) state_.set_account_id(account_);
      state_.set_version(e.sequence() - 1);
      failure = FoldEvent(e, &state_, &cache_);
      if (!failure.ok()) {
        failure = Status::Corruption(fmt::format("replaying account {} sequence {}: {}",
                                                 account_, e.sequence(), failure.message()));
      }
      return failure.ok();
    }));
    return failure;
  }

  // The folded account; nullopt when nothing qualified.
  Result<std::optional<AccountSnapshot>> Finish() {
    if (state_.version() == 0) return std::optional<AccountSnapshot>();
    std::map<std::string, const v1::Entity*> changed;
    for (const auto& [key, entity] : cache_.Changed()) changed.emplace(key, entity);
    AccountSnapshot snapshot;
    snapshot.state = std::move(state_);
    auto next_changed = changed.begin();
    const auto add_changed_before = [&](const std::string* key) {
      for (; next_changed != changed.end() && (key == nullptr || next_changed->first < *key);
           ++next_changed) {
        snapshot.Add(*next_changed->second);
      }
    };
    v1::Entity entity;
    for (const auto& [key, bytes] : start_) {
      add_changed_before(&key);
      if (next_changed != changed.end() && next_changed->first == key) continue;  // changed
      if (!entity.ParseFromString(bytes)) {
        return Status::Corruption(
            fmt::format("a snapshot entity of account {} is not a timeline.v1.Entity", account_));
      }
      snapshot.Add(entity);
    }
    add_changed_before(nullptr);
    return std::optional<AccountSnapshot>(std::move(snapshot));
  }

 private:
  std::string account_;
  const BitemporalCut& cut_;
  EntityBytes start_;
  v1::AccountState state_;
  EntityCache cache_;
};

Status ReadSnapshotEntities(const ViewStore& store, std::string_view account, uint64_t sequence,
                            EntityBytes* entities) {
  return store.ScanSnapshotEntities(account, sequence,
                                    [&](const std::string& key, std::string_view bytes) {
                                      (*entities)[key] = std::string(bytes);
                                      return true;
                                    });
}

}  // namespace

Result<std::optional<AccountSnapshot>> ReplayAccountSnapshotAt(const ViewStore& store,
                                                               std::string_view account,
                                                               const BitemporalCut& cut) {
  CutFold fold(account, cut, EntityBytes(), v1::AccountState());
  TIMELINE_RETURN_IF_ERROR(fold.FoldRange(store, 1, 0));
  return fold.Finish();
}

Result<std::optional<AccountSnapshot>> LoadAccountSnapshotAt(const ViewStore& store,
                                                             std::string_view account,
                                                             const BitemporalCut& cut) {
  std::vector<v1::SnapshotHeader> headers;
  TIMELINE_RETURN_IF_ERROR(store.ScanSnapshotHeaders(account, [&](const v1::SnapshotHeader& h) {
    headers.push_back(h);
    return true;
  }));
  // The latest snapshot whose every event qualifies (the maxima only grow with the sequence).
  size_t start = headers.size();
  for (size_t i = headers.size(); i-- > 0;) {
    if (cut.IncludesAll(headers[i].all_events())) {
      start = i;
      break;
    }
  }
  EntityBytes entities;
  v1::AccountState state;
  uint64_t folded_through = 0;
  if (start < headers.size()) {
    const v1::SnapshotHeader& snapshot = headers[start];
    // Its full base, then every partial snapshot after the base up to it, in order.
    size_t base = start;
    while (base > 0 && headers[base].state().version() != snapshot.base_sequence()) --base;
    if (headers[base].state().version() != snapshot.base_sequence() || !headers[base].full()) {
      return Status::Corruption(fmt::format(
          "account {}: snapshot {} names the full snapshot {}, which is not stored", account,
          snapshot.state().version(), snapshot.base_sequence()));
    }
    for (size_t i = base; i <= start; ++i) {
      TIMELINE_RETURN_IF_ERROR(
          ReadSnapshotEntities(store, account, headers[i].state().version(), &entities));
    }
    state = snapshot.state();
    folded_through = snapshot.state().version();
  }
  CutFold fold(account, cut, std::move(entities), std::move(state));
  const size_t first_later = start < headers.size() ? start + 1 : 0;
  for (size_t i = first_later; i < headers.size(); ++i) {
    const uint64_t through = headers[i].state().version();
    if (cut.MayInclude(headers[i].segment())) {
      TIMELINE_RETURN_IF_ERROR(fold.FoldRange(store, folded_through + 1, through));
    }
    folded_through = through;
  }
  auto open = store.GetOpenSegment(account);
  if (!open.ok()) return open.status();
  if (!open->has_value() || cut.MayInclude((*open)->segment())) {
    TIMELINE_RETURN_IF_ERROR(fold.FoldRange(store, folded_through + 1, 0));
  }
  return fold.Finish();
}

}  // namespace timeline
