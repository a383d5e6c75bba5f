#include "engine/entity_cache.h"

namespace timeline {

Result<std::optional<v1::Entity>*> EntityCache::Load(const std::string& key) {
  auto found = entries_.find(key);
  if (found != entries_.end()) return &found->second;
  TIMELINE_ASSIGN_OR_RETURN(std::optional<std::string> stored, loader_(key));
  std::optional<v1::Entity> entity;
  if (stored.has_value()) {
    entity.emplace();
    if (!entity->ParseFromString(*stored)) {
      return Status::Corruption("a stored entity does not decode (key of " +
                                std::to_string(key.size()) + " bytes)");
    }
  }
  return &entries_.emplace(key, std::move(entity)).first->second;
}

Result<const v1::Entity*> EntityCache::Find(const std::string& key) {
  TIMELINE_ASSIGN_OR_RETURN(std::optional<v1::Entity> * slot, Load(key));
  return slot->has_value() ? &**slot : static_cast<const v1::Entity*>(nullptr);
}

Result<v1::Entity*> EntityCache::Mutable(const std::string& key) {
  TIMELINE_ASSIGN_OR_RETURN(std::optional<v1::Entity> * slot, Load(key));
  if (!slot->has_value()) slot->emplace();
  changed_.insert(key);
  return &**slot;
}

std::vector<std::pair<std::string, const v1::Entity*>> EntityCache::Changed() const {
  std::vector<std::pair<std::string, const v1::Entity*>> changed;
  changed.reserve(changed_.size());
  for (const auto& key : changed_) changed.emplace_back(key, &*entries_.at(key));
  return changed;
}

void EntityCache::Clear() {
  entries_.clear();
  changed_.clear();
}

}  // namespace timeline
