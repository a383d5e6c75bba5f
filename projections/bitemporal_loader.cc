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

// An account being folded from a starting point: its state, and the entities the fold built or
// changed since (in `cache`); `start_entities` reads an entity as it was at the starting point.
class CutFold {
 public:
  CutFold(std::string_view account, const BitemporalCut& cut, v1::AccountState state,
          EntityCache::Loader start_entities)
      : account_(account), cut_(cut), state_(std::move(state)), cache_(std::move(start_entities)) {}

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
        failure = Status::Corruption(fmt::format("replaying account {} sequence {}: {}", account_,
                                                 e.sequence(), failure.message()));
      }
      return failure.ok();
    }));
    return failure;
  }

  // The folded state alone; nullopt when nothing qualified.
  std::optional<v1::AccountState> TakeState() {
    if (state_.version() == 0) return std::nullopt;
    return std::move(state_);
  }

  // The folded account, `start` (every entity at the starting point) as the fold changed it;
  // nullopt when nothing qualified.
  Result<std::optional<AccountSnapshot>> Finish(const EntityBytes& start) {
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
    for (const auto& [key, bytes] : start) {
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
  v1::AccountState state_;
  EntityCache cache_;
};

// Where a cut's fold starts: the latest snapshot whose every event qualifies (none: the
// beginning), and the later segments that may hold a qualifying event.
struct StartingPoint {
  v1::AccountState state;  // the snapshot's; empty at the beginning
  // The snapshots whose entities make the starting point's: its full base first, then every
  // partial snapshot after the base up to the start. Empty at the beginning.
  std::vector<uint64_t> entity_snapshots;
  // The sequence ranges [from, through] (through 0: to the end) left to fold, in order.
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
};

Result<StartingPoint> FindStartingPoint(const ViewStore& store, std::string_view account,
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
  StartingPoint point;
  uint64_t folded_through = 0;
  if (start < headers.size()) {
    const v1::SnapshotHeader& snapshot = headers[start];
    size_t base = start;
    while (base > 0 && headers[base].state().version() != snapshot.base_sequence()) --base;
    if (headers[base].state().version() != snapshot.base_sequence() || !headers[base].full()) {
      return Status::Corruption(
          fmt::format("account {}: snapshot {} names the full snapshot {}, which is not stored",
                      account, snapshot.state().version(), snapshot.base_sequence()));
    }
    for (size_t i = base; i <= start; ++i) {
      point.entity_snapshots.push_back(headers[i].state().version());
    }
    point.state = snapshot.state();
    folded_through = snapshot.state().version();
  }
  const size_t first_later = start < headers.size() ? start + 1 : 0;
  for (size_t i = first_later; i < headers.size(); ++i) {
    const uint64_t through = headers[i].state().version();
    if (cut.MayInclude(headers[i].segment()))
      point.ranges.emplace_back(folded_through + 1, through);
    folded_through = through;
  }
  TIMELINE_ASSIGN_OR_RETURN(std::optional<v1::OpenSegment> open, store.GetOpenSegment(account));
  if (!open.has_value() || cut.MayInclude(open->segment())) {
    point.ranges.emplace_back(folded_through + 1, 0);
  }
  return point;
}

Status FoldRanges(const ViewStore& store, const StartingPoint& point, CutFold* fold) {
  for (const auto& [from, through] : point.ranges) {
    TIMELINE_RETURN_IF_ERROR(fold->FoldRange(store, from, through));
  }
  return Status::Ok();
}

}  // namespace

Result<std::optional<AccountSnapshot>> ReplayAccountSnapshotAt(const ViewStore& store,
                                                               std::string_view account,
                                                               const BitemporalCut& cut) {
  const EntityBytes none;
  CutFold fold(account, cut, v1::AccountState(), [](const std::string&) {
    return Result<std::optional<std::string>>(std::optional<std::string>());
  });
  TIMELINE_RETURN_IF_ERROR(fold.FoldRange(store, 1, 0));
  return fold.Finish(none);
}

Result<std::optional<AccountSnapshot>> LoadAccountSnapshotAt(const ViewStore& store,
                                                             std::string_view account,
                                                             const BitemporalCut& cut) {
  TIMELINE_ASSIGN_OR_RETURN(StartingPoint point, FindStartingPoint(store, account, cut));
  // Every entity at the start: the base's, then each partial snapshot's over them, in order.
  EntityBytes start;
  for (const uint64_t sequence : point.entity_snapshots) {
    TIMELINE_RETURN_IF_ERROR(store.ScanSnapshotEntities(
        account, sequence, [&](const std::string& key, std::string_view bytes) {
          start[key] = std::string(bytes);
          return true;
        }));
  }
  CutFold fold(account, cut, std::move(point.state),
               [&start](const std::string& key) -> Result<std::optional<std::string>> {
                 auto it = start.find(key);
                 if (it == start.end()) return std::optional<std::string>();
                 return std::optional<std::string>(it->second);
               });
  TIMELINE_RETURN_IF_ERROR(FoldRanges(store, point, &fold));
  return fold.Finish(start);
}

Result<std::optional<v1::AccountState>> LoadAccountStateAt(const ViewStore& store,
                                                           std::string_view account,
                                                           const BitemporalCut& cut) {
  TIMELINE_ASSIGN_OR_RETURN(StartingPoint point, FindStartingPoint(store, account, cut));
  // An entity at the start is as the newest of the snapshots that holds it stored it: one
  // batched point read (MultiGet) of them all, the bloom filters making the misses cheap.
  const std::vector<uint64_t> newest_first(point.entity_snapshots.rbegin(),
                                           point.entity_snapshots.rend());
  CutFold fold(account, cut, std::move(point.state), [&](const std::string& key) {
    return store.GetNewestSnapshotEntity(account, newest_first, key);
  });
  TIMELINE_RETURN_IF_ERROR(FoldRanges(store, point, &fold));
  return fold.TakeState();
}

}  // namespace timeline
