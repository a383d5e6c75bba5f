// Where an account's entities are stored: one key per entity, in one place.
//
// Key = account_id + '\0' + kind letter + id. Account ids never hold a zero byte, so the keys of
// one account are exactly those starting with account_id + '\0' (a prefix scan), grouped by kind.
// A milestone's id is project_id + '\0' + milestone_id (milestone ids are per project).
#pragma once

#include <string>
#include <string_view>

namespace timeline {

enum class EntityKind : char {
  kContract = 'C',
  kOrder = 'O',
  kInvoice = 'I',
  kProject = 'P',
  kMilestone = 'M',
  kProposal = 'R',
  kServiceCase = 'S',
  kProgramme = 'G',
  kTraining = 'T',
  kTeamMember = 'E',
};

inline std::string EntityKeyPrefix(std::string_view account) {
  std::string key(account);
  key.push_back('\0');
  return key;
}

inline std::string EntityKeyPrefix(std::string_view account, EntityKind kind) {
  std::string key = EntityKeyPrefix(account);
  key.push_back(static_cast<char>(kind));
  return key;
}

inline std::string EntityKey(std::string_view account, EntityKind kind, std::string_view id) {
  std::string key = EntityKeyPrefix(account, kind);
  key.append(id);
  return key;
}

inline std::string MilestoneKey(std::string_view account, std::string_view project,
                                std::string_view milestone) {
  std::string key = EntityKey(account, EntityKind::kMilestone, project);
  key.push_back('\0');
  key.append(milestone);
  return key;
}

}  // namespace timeline
