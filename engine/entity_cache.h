// EntityCache: the entities a batch of events reads and changes, over a store that holds the
// rest. The fold and the account rules see the store as the batch has changed it so far; the
// owner writes changed() with the batch and then calls Clear().
// Concurrency: not thread-safe; one cache per batch-processing thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/status.h"
#include "timeline/v1/entities.pb.h"

namespace timeline {

class EntityCache {
 public:
  // Reads the serialized entity stored under a key; nullopt when there is none.
  using Loader = std::function<Result<std::optional<std::string>>(const std::string& key)>;

  explicit EntityCache(Loader loader) : loader_(std::move(loader)) {}

  // The entity under `key`, or nullptr when there is none. The pointer stays valid until
  // Clear(); change the entity through Mutable() so that it is written.
  Result<const v1::Entity*> Find(const std::string& key);

  // The entity under `key` for changing, created empty when there is none; marks it changed.
  Result<v1::Entity*> Mutable(const std::string& key);

  // Keys changed since the last Clear(), with their entities, in no particular order.
  std::vector<std::pair<std::string, const v1::Entity*>> Changed() const;

  // Forgets everything (after the batch was written, or abandoned).
  void Clear();

 private:
  Result<std::optional<v1::Entity>*> Load(const std::string& key);

  Loader loader_;
  std::unordered_map<std::string, std::optional<v1::Entity>> entries_;
  std::unordered_set<std::string> changed_;
};

}  // namespace timeline
