#include "projections/account_summary_view.h"

#include <algorithm>
#include <map>
#include <string>

#include "projections/currency_totals.h"
#include "projections/training_coverage_view.h"
#include "projections/view_dates.h"

namespace timeline {
namespace {

v1::AccountProfile Profile(const v1::AccountState& state) {
  v1::AccountProfile profile;
  profile.set_name(state.name());
  profile.set_scope(state.scope());
  profile.mutable_regions()->CopyFrom(state.regions());
  profile.set_manager(state.manager());
  profile.set_manager_office(state.manager_office());
  profile.set_currency(state.currency());
  *profile.mutable_opened_at() = state.opened_at();
  profile.set_closed(state.closed());
  return profile;
}

void AddRevenue(const v1::AccountState& state, v1::AccountSummaryView* view) {
  std::map<std::string, v1::CurrencyRevenue> by_currency;
  const auto revenue = [&](const std::string& currency) -> v1::CurrencyRevenue& {
    v1::CurrencyRevenue& entry = by_currency[currency];
    entry.set_currency(currency);
    return entry;
  };
  for (const auto& t : state.ordered()) revenue(t.currency()).set_ordered(t.minor_units());
  for (const auto& t : state.invoiced()) revenue(t.currency()).set_invoiced(t.minor_units());
  for (const auto& t : state.paid()) revenue(t.currency()).set_paid(t.minor_units());
  for (const auto& t : state.credited()) revenue(t.currency()).set_credited(t.minor_units());
  for (auto& [currency, entry] : by_currency) *view->add_revenue() = std::move(entry);
}

v1::OpenOrder ToOpenOrder(const v1::OrderRecord& order) {
  v1::OpenOrder open;
  open.set_order_id(order.order_id());
  *open.mutable_placed_at() = order.placed_at();
  open.set_reorder(order.reorder());
  std::map<std::string, int64_t> ordered;  // by SKU
  for (const auto& line : order.lines()) {
    AddToTotals(open.mutable_value(), line.unit_price().currency(),
                line.quantity() * line.unit_price().minor_units());
    ordered[line.sku()] += line.quantity();
  }
  int64_t total = 0;
  int64_t shipped = 0;
  for (const auto& [sku, quantity] : ordered) {
    int64_t sent = 0;
    for (const auto& s : order.shipped()) {
      if (s.sku() == sku) sent += s.quantity();
    }
    total += quantity;
    shipped += std::min(sent, quantity);
  }
  open.set_shipped_percent(total > 0 ? static_cast<uint32_t>(shipped * 100 / total) : 0);
  return open;
}

}  // namespace

std::vector<v1::ReceivablesAgeing> AgeReceivables(const std::vector<v1::InvoiceRecord>& invoices,
                                                  const google::protobuf::Timestamp& reference) {
  std::map<std::string, v1::ReceivablesAgeing> by_currency;
  for (const auto& invoice : invoices) {
    const int64_t outstanding = invoice.total() - invoice.paid() - invoice.credited();
    if (outstanding <= 0) continue;
    const auto& due_at = invoice.has_due_at() ? invoice.due_at() : invoice.issued_at();
    const int64_t days = DaysBetween(due_at, reference);
    v1::ReceivablesAgeing& ageing = by_currency[invoice.currency()];
    ageing.set_currency(invoice.currency());
    ageing.set_total(ageing.total() + outstanding);
    if (days <= 0) {
      ageing.set_not_yet_due(ageing.not_yet_due() + outstanding);
    } else {
      ageing.set_overdue(ageing.overdue() + outstanding);
      if (days <= 30) {
        ageing.set_overdue_1_to_30(ageing.overdue_1_to_30() + outstanding);
      } else if (days <= 60) {
        ageing.set_overdue_31_to_60(ageing.overdue_31_to_60() + outstanding);
      } else if (days <= 90) {
        ageing.set_overdue_61_to_90(ageing.overdue_61_to_90() + outstanding);
      } else {
        ageing.set_overdue_over_90(ageing.overdue_over_90() + outstanding);
      }
    }
    v1::UnsettledInvoice* unsettled = ageing.add_invoices();
    unsettled->set_invoice_id(invoice.invoice_id());
    unsettled->set_currency(invoice.currency());
    unsettled->set_outstanding(outstanding);
    *unsettled->mutable_due_at() = due_at;
    unsettled->set_days_overdue(days);
    unsettled->set_disputed(invoice.disputed());
  }
  std::vector<v1::ReceivablesAgeing> result;
  for (auto& [currency, ageing] : by_currency) {
    std::stable_sort(ageing.mutable_invoices()->begin(), ageing.mutable_invoices()->end(),
                     [](const v1::UnsettledInvoice& a, const v1::UnsettledInvoice& b) {
                       return DayOf(a.due_at()) < DayOf(b.due_at());  // ids already in order
                     });
    result.push_back(std::move(ageing));
  }
  return result;
}

v1::AccountSummaryView BuildAccountSummaryView(const AccountSnapshot& account,
                                               const google::protobuf::Timestamp& reference) {
  v1::AccountSummaryView view;
  const v1::AccountState& state = account.state;
  view.set_account_id(state.account_id());
  *view.mutable_reference_date() = reference;
  view.set_version(state.version());
  *view.mutable_profile() = Profile(state);

  for (const auto& member : account.team) {
    if (member.released()) continue;
    v1::TeamMemberSummary* summary = view.add_team();
    summary->set_member(member.member());
    summary->set_role(member.role());
    summary->set_office(member.office());
    *summary->mutable_assigned_at() = member.assigned_at();
  }

  AddRevenue(state, &view);
  for (auto& ageing : AgeReceivables(account.invoices, reference)) {
    *view.add_receivables() = std::move(ageing);
  }

  for (const auto& order : account.orders) {
    if (order.status() == v1::ORDER_OPEN) *view.add_open_orders() = ToOpenOrder(order);
  }

  for (const auto& project : account.projects) {
    if (project.status() != v1::PROJECT_ACTIVE) continue;
    v1::ActiveProject* active = view.add_active_projects();
    active->set_project_id(project.project_id());
    active->set_name(project.name());
    *active->mutable_started_at() = project.started_at();
    *active->mutable_due_at() = project.due_at();
    active->set_open_milestones(project.open_milestones());
  }

  std::vector<const v1::ServiceCaseRecord*> open_cases;
  for (const auto& service_case : account.service_cases) {
    if (!service_case.resolved()) open_cases.push_back(&service_case);
  }
  std::stable_sort(open_cases.begin(), open_cases.end(), [](const auto* a, const auto* b) {
    return a->severity() > b->severity();  // CRITICAL first; ids stay in order
  });
  for (const auto* service_case : open_cases) {
    if (view.open_cases_by_severity().empty() ||
        view.open_cases_by_severity().rbegin()->severity() != service_case->severity()) {
      view.add_open_cases_by_severity()->set_severity(service_case->severity());
    }
    auto* count =
        view.mutable_open_cases_by_severity()->Mutable(view.open_cases_by_severity_size() - 1);
    count->set_count(count->count() + 1);
    v1::OpenServiceCase* open = view.add_open_service_cases();
    open->set_case_id(service_case->case_id());
    open->set_severity(service_case->severity());
    open->set_subject(service_case->subject());
    *open->mutable_opened_at() = service_case->opened_at();
    open->set_age_days(DaysBetween(service_case->opened_at(), reference));
  }

  for (const auto& programme : account.programmes) {
    if (programme.completed()) continue;
    v1::ActiveProgramme* active = view.add_active_programmes();
    active->set_programme_id(programme.programme_id());
    active->set_name(programme.name());
    *active->mutable_budget() = programme.budget();
    *active->mutable_launched_at() = programme.launched_at();
    *active->mutable_ends_at() = programme.ends_at();
  }

  *view.mutable_training() = TrainingTotalsOf(account.trainings);
  return view;
}

}  // namespace timeline
