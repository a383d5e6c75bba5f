#include "projections/portfolio_view.h"

#include <algorithm>
#include <map>
#include <string>

#include "projections/account_summary_view.h"
#include "projections/contract_compliance_view.h"
#include "projections/currency_totals.h"
#include "projections/project_health_view.h"
#include "projections/training_coverage_view.h"

namespace timeline {

v1::AccountHeadline BuildAccountHeadline(const AccountSnapshot& account,
                                         const google::protobuf::Timestamp& reference) {
  const v1::AccountState& state = account.state;
  v1::AccountHeadline headline;
  headline.set_account_id(state.account_id());
  headline.set_name(state.name());
  headline.set_closed(state.closed());
  headline.mutable_ordered()->CopyFrom(state.ordered());
  headline.mutable_invoiced()->CopyFrom(state.invoiced());
  headline.set_open_orders(static_cast<uint32_t>(state.open_orders()));
  headline.set_active_projects(static_cast<uint32_t>(state.active_projects()));

  bool overdue_receivables = false;
  bool disputed = false;
  for (const auto& ageing : AgeReceivables(account.invoices, reference)) {
    AddToTotals(headline.mutable_receivable(), ageing.currency(), ageing.total());
    if (ageing.overdue() > 0) {
      AddToTotals(headline.mutable_overdue_receivable(), ageing.currency(), ageing.overdue());
      overdue_receivables = true;
    }
    for (const auto& invoice : ageing.invoices()) disputed = disputed || invoice.disputed();
  }

  uint32_t open_cases = 0;
  bool open_critical = false;
  for (const auto& service_case : account.service_cases) {
    if (service_case.resolved()) continue;
    ++open_cases;
    open_critical = open_critical || service_case.severity() == v1::CRITICAL;
  }
  headline.set_open_service_cases(open_cases);

  headline.set_overdue_milestones(BuildProjectHealthView(account, reference).account().overdue());
  headline.set_compliance_findings(
      static_cast<uint32_t>(BuildComplianceView(account, reference).findings_size()));
  const bool untrained = !BuildTrainingCoverageView(account, reference).untrained_skus().empty();

  if (overdue_receivables) headline.add_flags("overdue_receivables");
  if (headline.overdue_milestones() > 0) headline.add_flags("overdue_milestones");
  if (headline.compliance_findings() > 0) headline.add_flags("compliance_findings");
  if (open_critical) headline.add_flags("open_critical_cases");
  if (untrained) headline.add_flags("untrained_products");
  if (disputed) headline.add_flags("disputed_invoices");
  return headline;
}

PortfolioBuilder::PortfolioBuilder(const google::protobuf::Timestamp& reference)
    : reference_(reference) {}

void PortfolioBuilder::Add(const AccountSnapshot& account) {
  headlines_.emplace_back(account.state.manager(), BuildAccountHeadline(account, reference_));
}

v1::PortfolioView PortfolioBuilder::Build() const {
  v1::PortfolioView view;
  *view.mutable_reference_date() = reference_;
  std::map<std::string, std::map<std::string, const v1::AccountHeadline*>> by_manager;
  for (const auto& [manager, headline] : headlines_) {
    by_manager[manager][headline.account_id()] = &headline;
  }
  for (const auto& [manager, accounts] : by_manager) {
    v1::ManagerPortfolio* portfolio = view.add_managers();
    portfolio->set_manager(manager);
    for (const auto& [id, headline] : accounts) {
      *portfolio->add_accounts() = *headline;
      if (!headline->flags().empty()) {
        portfolio->set_flagged_accounts(portfolio->flagged_accounts() + 1);
      }
    }
  }
  view.set_accounts(static_cast<uint32_t>(headlines_.size()));
  return view;
}

v1::PortfolioView BuildPortfolioView(const std::vector<AccountSnapshot>& accounts,
                                     const google::protobuf::Timestamp& reference) {
  PortfolioBuilder builder(reference);
  for (const auto& account : accounts) builder.Add(account);
  return builder.Build();
}

}  // namespace timeline
