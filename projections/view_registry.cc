#include "projections/view_registry.h"

#include <functional>

#include "projections/account_snapshot.h"
#include "projections/account_summary_view.h"
#include "projections/bitemporal_loader.h"
#include "projections/contract_compliance_view.h"
#include "projections/growth_view.h"
#include "projections/portfolio_view.h"
#include "projections/project_health_view.h"
#include "projections/training_coverage_view.h"
#include "projections/view_store.h"

namespace timeline {
namespace {

using Message = google::protobuf::Message;
using AccountView = std::function<std::unique_ptr<Message>(const AccountSnapshot&,
                                                           const google::protobuf::Timestamp&)>;

template <typename View, View (*Build)(const AccountSnapshot&, const google::protobuf::Timestamp&)>
std::unique_ptr<Message> Wrap(const AccountSnapshot& account,
                              const google::protobuf::Timestamp& reference) {
  return std::make_unique<View>(Build(account, reference));
}

const AccountView* FindAccountView(std::string_view name) {
  static const std::vector<std::pair<std::string_view, AccountView>> kViews = {
      {"summary", Wrap<v1::AccountSummaryView, BuildAccountSummaryView>},
      {"compliance", Wrap<v1::ComplianceView, BuildComplianceView>},
      {"project-health", Wrap<v1::ProjectHealthView, BuildProjectHealthView>},
      {"growth", Wrap<v1::GrowthView, BuildGrowthView>},
      {"training", Wrap<v1::TrainingCoverageView, BuildTrainingCoverageView>},
  };
  for (const auto& [view_name, view] : kViews) {
    if (view_name == name) return &view;
  }
  return nullptr;
}

bool IsBitemporal(const ViewRequest& request) {
  return request.cut.occurred_through || request.cut.recorded_through;
}

Result<std::optional<AccountSnapshot>> Load(const ViewStore& store, std::string_view account,
                                            const ViewRequest& request) {
  if (IsBitemporal(request)) return LoadAccountSnapshotAt(store, account, request.cut);
  return LoadAccountSnapshot(store, account);
}

std::string Names() {
  std::string names;
  for (const auto& info : ViewCatalogue()) {
    if (!names.empty()) names += ", ";
    names += info.name;
  }
  return names;
}

}  // namespace

const std::vector<ViewInfo>& ViewCatalogue() {
  static const std::vector<ViewInfo> kCatalogue = {
      {"summary",
       "profile, team, revenue, aged receivables, open orders, projects, cases, "
       "programmes, training",
       true},
      {"compliance", "invoice lines checked against the contract in force on the invoice date",
       true},
      {"project-health", "overdue and slipped milestones, on-time rate, per project", true},
      {"growth", "listed products not ordered in 12 months, reorder cadence, open proposals", true},
      {"training", "products ordered without training delivered, seats per product", true},
      {"portfolio", "every account's headline figures and flags, by manager", false},
  };
  return kCatalogue;
}

Result<std::unique_ptr<Message>> RunView(const ViewStore& store, std::string_view name,
                                         const ViewRequest& request) {
  if (name == "portfolio") {
    if (!request.account.empty()) {
      return Status::InvalidArgument("the portfolio view covers every account; give no account");
    }
    // Collect the ids first: a scan callback cannot run further reads' errors out cleanly.
    std::vector<std::string> accounts;
    TIMELINE_RETURN_IF_ERROR(store.ScanStates([&](const v1::AccountState& state) {
      accounts.push_back(state.account_id());
      return true;
    }));
    PortfolioBuilder builder(request.reference);
    for (const auto& account : accounts) {
      TIMELINE_ASSIGN_OR_RETURN(std::optional<AccountSnapshot> snapshot,
                                Load(store, account, request));
      // A purged account is no part of any dashboard (events.proto AccountPurged).
      if (snapshot.has_value() && !snapshot->state.purged()) builder.Add(*snapshot);
    }
    return std::unique_ptr<Message>(std::make_unique<v1::PortfolioView>(builder.Build()));
  }
  const AccountView* view = FindAccountView(name);
  if (view == nullptr) {
    return Status::InvalidArgument("no view '" + std::string(name) + "'; views: " + Names());
  }
  if (request.account.empty()) {
    return Status::InvalidArgument("the " + std::string(name) + " view needs an account");
  }
  TIMELINE_ASSIGN_OR_RETURN(std::optional<AccountSnapshot> snapshot,
                            Load(store, request.account, request));
  if (!snapshot.has_value()) {
    return Status::NotFound("no account " + request.account +
                            (IsBitemporal(request) ? " with events by that date" : ""));
  }
  return (*view)(*snapshot, request.reference);
}

}  // namespace timeline
