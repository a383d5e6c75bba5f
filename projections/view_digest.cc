#include "projections/view_digest.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <google/protobuf/util/message_differencer.h>

#include "engine/big_endian.h"
#include "engine/sha256.h"
#include "projections/view_keys.h"
#include "projections/view_store.h"
#include "timeline/v1/dead_letter.pb.h"

namespace timeline {
namespace {

// The value as it is hashed: what legitimately differs between two equal stores taken out;
// nullopt for an entry that is left out.
std::optional<std::string> Normalised(std::string_view family, std::string_view value) {
  if (family == kDeadLettersFamily) {
    v1::DeadLetter letter;
    if (letter.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      // A letter a replay resolved is history: its event is in the views now, as in a store
      // that never refused it.
      const auto outcome = letter.last_replay().outcome();
      if (outcome == v1::DeadLetterReplay::APPLIED ||
          outcome == v1::DeadLetterReplay::ALREADY_APPLIED) {
        return std::nullopt;
      }
      letter.clear_recorded_at();
      letter.clear_last_replay();
      return letter.SerializeAsString();
    }
  }
  return std::string(value);
}

Result<v1::ViewDigest> DigestFamily(const ViewStore& store, const std::string& family) {
  Sha256 hash;
  v1::ViewDigest digest;
  digest.set_view(family);
  std::string length;
  TIMELINE_RETURN_IF_ERROR(
      store.ScanFamily(family, [&](std::string_view key, std::string_view raw_value) {
        const std::optional<std::string> normalised = Normalised(family, raw_value);
        if (!normalised) return true;
        const std::string& value = *normalised;
        length.clear();
        AppendBigEndian64(key.size(), &length);
        hash.Update(length);
        hash.Update(key);
        length.clear();
        AppendBigEndian64(value.size(), &length);
        hash.Update(length);
        hash.Update(value);
        digest.set_entries(digest.entries() + 1);
        digest.set_bytes(digest.bytes() + key.size() + value.size());
        return true;
      }));
  digest.set_sha256(ToHex(hash.Final()));
  return digest;
}

Status AddPositions(const ViewStore& store, v1::ViewStoreDigest* digest) {
  Status failure;
  TIMELINE_RETURN_IF_ERROR(
      store.ScanFamily(kCheckpointsFamily, [&](std::string_view key, std::string_view value) {
        auto coordinates = DecodeCheckpointKey(key);
        auto next_offset = DecodeCheckpointValue(value);
        if (!coordinates.ok() || !next_offset.ok()) {
          failure = coordinates.ok() ? next_offset.status() : coordinates.status();
          return false;
        }
        auto* position = digest->add_positions();
        position->set_topic(coordinates->topic);
        position->set_partition(coordinates->partition);
        position->set_next_offset(*next_offset);
        return true;
      }));
  return failure;
}

// The as-of snapshot families: batching decides where snapshots fall (view_digest.h).
bool IsSnapshotCache(std::string_view family) {
  return family == kSnapshotsFamily || family == kSnapshotEntitiesFamily ||
         family == kOpenSegmentsFamily;
}

}  // namespace

Result<v1::ViewStoreDigest> DigestViews(const ViewStore& store, std::string_view only_view) {
  std::vector<std::string> families = store.FamilyNames();
  std::sort(families.begin(), families.end());
  if (only_view == kCheckpointsFamily) {
    return Status::InvalidArgument(
        "checkpoints are not digested: they say where the views stand in the log, not what they "
        "hold; every digest lists them as positions");
  }
  if (IsSnapshotCache(only_view)) {
    return Status::InvalidArgument(fmt::format(
        "{} is not digested: the as-of snapshots are a cache whose placement depends on the "
        "worker's batches; digest the views they are made from (state, entities, events)",
        only_view));
  }
  if (only_view == kStateOutboxFamily) {
    return Status::InvalidArgument(
        "state_outbox is not digested: it holds the states not yet published to account-state, "
        "which the publisher's timing decides; digest state");
  }
  if (!only_view.empty() &&
      std::find(families.begin(), families.end(), only_view) == families.end()) {
    return Status::NotFound(
        fmt::format("no view {}; the store has: {}", only_view, fmt::join(families, ", ")));
  }

  v1::ViewStoreDigest digest;
  for (const auto& family : families) {
    if (family == kCheckpointsFamily || family == kStateOutboxFamily || IsSnapshotCache(family)) {
      continue;
    }
    if (!only_view.empty() && family != only_view) continue;
    TIMELINE_ASSIGN_OR_RETURN(v1::ViewDigest view, DigestFamily(store, family));
    *digest.add_views() = std::move(view);
  }
  TIMELINE_RETURN_IF_ERROR(AddPositions(store, &digest));
  return digest;
}

bool SameViews(const v1::ViewStoreDigest& a, const v1::ViewStoreDigest& b) {
  if (a.views_size() != b.views_size()) return false;
  for (int i = 0; i < a.views_size(); ++i) {
    if (!google::protobuf::util::MessageDifferencer::Equals(a.views(i), b.views(i))) return false;
  }
  return true;
}

}  // namespace timeline
