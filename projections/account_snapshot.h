// AccountSnapshot: what the views read of one account, its state and every entity the fold
// keeps for it (engine/entity_keys.h), grouped by kind. The views (views.proto) are pure
// functions of a snapshot and a reference date.
//
// Two sources: the worker's current views (LoadAccountSnapshot: GetState + one ScanEntities)
// and the account as of a date and known at another (projections/bitemporal_loader.h);
// neither writes anything.
// Concurrency: the loaders only read the store; a snapshot is a plain value.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "engine/status.h"
#include "timeline/v1/account_state.pb.h"
#include "timeline/v1/entities.pb.h"

namespace timeline {

class ViewStore;

// Each list is in entity key order: by id (milestones by project, then milestone id).
struct AccountSnapshot {
  v1::AccountState state;
  std::vector<v1::ContractRecord> contracts;
  std::vector<v1::OrderRecord> orders;
  std::vector<v1::InvoiceRecord> invoices;
  std::vector<v1::ProjectRecord> projects;
  std::vector<v1::MilestoneRecord> milestones;
  std::vector<v1::ProposalRecord> proposals;
  std::vector<v1::ServiceCaseRecord> service_cases;
  std::vector<v1::ProgrammeRecord> programmes;
  std::vector<v1::TrainingRecord> trainings;
  std::vector<v1::TeamMemberRecord> team;

  // Adds one stored entity to its list (appends: callers add in key order).
  void Add(const v1::Entity& entity);
};

// The account as the views hold it now; nullopt when the account has no event. IoError or
// Corruption from the store.
Result<std::optional<AccountSnapshot>> LoadAccountSnapshot(const ViewStore& store,
                                                           std::string_view account);

}  // namespace timeline
