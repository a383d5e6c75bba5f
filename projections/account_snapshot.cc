#include "projections/account_snapshot.h"

#include <string>

#include "engine/entity_keys.h"
#include "projections/view_store.h"

namespace timeline {

void AccountSnapshot::Add(const v1::Entity& entity) {
  using R = v1::Entity;
  switch (entity.record_case()) {
    case R::kContract: contracts.push_back(entity.contract()); break;
    case R::kOrder: orders.push_back(entity.order()); break;
    case R::kInvoice: invoices.push_back(entity.invoice()); break;
    case R::kProject: projects.push_back(entity.project()); break;
    case R::kMilestone: milestones.push_back(entity.milestone()); break;
    case R::kProposal: proposals.push_back(entity.proposal()); break;
    case R::kServiceCase: service_cases.push_back(entity.service_case()); break;
    case R::kProgramme: programmes.push_back(entity.programme()); break;
    case R::kTraining: trainings.push_back(entity.training()); break;
    case R::kTeamMember: team.push_back(entity.team_member()); break;
    case R::RECORD_NOT_SET: break;  // a newer writer's kind: not a view's business yet
  }
}

Result<std::optional<AccountSnapshot>> LoadAccountSnapshot(const ViewStore& store,
                                                           std::string_view account) {
  TIMELINE_ASSIGN_OR_RETURN(std::optional<v1::AccountState> state, store.GetState(account));
  if (!state.has_value()) return std::optional<AccountSnapshot>();
  AccountSnapshot snapshot;
  snapshot.state = std::move(*state);
  TIMELINE_RETURN_IF_ERROR(store.ScanEntities(EntityKeyPrefix(account), [&](const v1::Entity& e) {
    snapshot.Add(e);
    return true;
  }));
  return std::optional<AccountSnapshot>(std::move(snapshot));
}

}  // namespace timeline
