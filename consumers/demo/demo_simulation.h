// AccountSimulation: one demo account's life, month by month (consumers/demo/demo_history.h). Its
// actions sit in a time-ordered queue; running one emits events and schedules later ones.
// Internal to the demo generator. The members are defined by domain:
//   demo_account.cc     the queue, opening, team, manager, scope, wind-down, the month's plan
//   demo_contracts.cc   contracts: signing, renewals, amendments
//   demo_orders.cc      orders and shipments
//   demo_invoices.cc    invoices, corrections, disputes, credit notes, payments
//   demo_projects.cc    projects and milestones
//   demo_service.cc     service cases and trainings
//   demo_sales.cc       marketing programmes and product proposals
// Concurrency: one thread at a time per simulation.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "consumers/demo/demo_history.h"
#include "consumers/demo/demo_world.h"
#include "timeline/v1/events.pb.h"

namespace timeline::demo {

struct TermsVersion {
  int64_t effective_from = 0;
  std::map<std::string, int64_t> prices;  // sku -> unit price
  int payment_terms_days = 30;
  int discount_cap_bps = 1000;
};

struct Contract {
  std::string id;
  int64_t valid_from = 0;
  int64_t valid_until = 0;  // exclusive: 00:00 of the first day after the term
  std::vector<TermsVersion> versions;
  bool terminated = false;
  bool renewal_signed = false;

  bool InForce(int64_t t) const { return !terminated && valid_from <= t && t < valid_until; }
  const TermsVersion& VersionAt(int64_t t) const {
    const TermsVersion* found = &versions.front();
    for (const auto& version : versions) {
      if (version.effective_from <= t) found = &version;
    }
    return *found;
  }
};

struct OrderLineState {
  // A CatalogueItem's SKU: an account keeps all its orders, so they stay small.
  const char* sku = nullptr;
  int64_t quantity = 0;
  int64_t unit_price = 0;
  int64_t shipped = 0;
  int64_t billed = 0;
};

struct Order {
  int number = 0;  // the id, "PO-<10000 + number>", is made when needed: orders are many
  std::string Id() const { return fmt::format("PO-{}", 10000 + number); }
  std::vector<OrderLineState> lines;
  bool cancelled = false;
  bool backordered = false;  // the rest will never ship (after a seeded over-billing)
  int shipments = 0;
  int invoices = 0;

  bool FullyShipped() const {
    return std::all_of(lines.begin(), lines.end(),
                       [](const OrderLineState& l) { return l.shipped == l.quantity; });
  }
};

struct Invoice {
  int year = 0;  // the id, "INV-<year>-<number, 4 digits>", is made when needed
  int number = 0;
  std::string Id() const { return fmt::format("INV-{}-{:04}", year, number); }
  int64_t total = 0;
  int64_t paid = 0;
  int64_t credited = 0;
  int64_t due_at = 0;
  int64_t overcharge = 0;  // for a seeded price error: what a credit note gives back
  std::vector<v1::InvoiceLine> lines;
  int scheduled = 0;  // actions scheduled for it and not run yet
  int64_t Balance() const { return total - paid - credited; }
};

struct Milestone {
  std::string id;
  bool completed = false;
};

struct Project {
  std::string id;
  bool active = true;
  std::vector<Milestone> milestones;
  bool AllCompleted() const {
    return std::all_of(milestones.begin(), milestones.end(),
                       [](const Milestone& m) { return m.completed; });
  }
};

struct ProjectTemplate {
  const char* name;
  std::array<const char*, 5> milestones;
};

const std::vector<ProjectTemplate>& ProjectTemplates();

const std::vector<std::string>& SlippingReasons();

class AccountSimulation {
 public:
  AccountSimulation(uint64_t seed, int index, std::string id, std::string name)
      : seed_(seed),
        index_(index),
        rng_(SplitMix64(seed ^ SplitMix64(static_cast<uint64_t>(index) + 1))),
        id_(std::move(id)),
        name_(std::move(name)),
        manager_(Managers()[static_cast<size_t>(index) % Managers().size()]) {}

  // Schedules the account's opening; AdvanceTo then runs the simulation up to `end`.
  void Start(int64_t end);

  // Runs every action scheduled before `until` (and before the end). Calls with increasing
  // `until` run exactly the actions one call up to the end would, in the same order: the
  // history does not depend on where it is paused.
  void AdvanceTo(int64_t until);

  // Nothing left to run: closed, out of actions, or at the end.
  bool Finished() const;

  // Lets go of what no later action reads: an ended or terminated contract's superseded
  // versions (from now on only its last version is ever looked at).
  void Compact();

  // Events generated and not yet taken, in the account's order (non-decreasing occurred_at).
  std::deque<v1::SubmitEvent>& pending() { return pending_; }
  std::vector<SeededFinding>& findings() { return findings_; }

 private:
  using Action = std::function<void()>;

  void Schedule(int64_t at, Action action);

  // A working-hours moment `lo`..`hi` days from now (never before now).
  int64_t Later(int64_t lo, int64_t hi);
  // A working-hours moment in month `month`, day 1..28.
  int64_t InMonth(int month);

  void Emit(const std::string& actor, v1::Event event);

  std::string Member(v1::TeamRole role) const;

  std::string NewPerson();

  v1::Office RandomOffice();

  // ------------------------------------------------------------ account, team

  void Open(int open_month);

  void Assign(v1::TeamRole role);

  void Rotate();

  void ChangeManager();

  void GoInternational();

  void WindDown();

  // ------------------------------------------------------------ contracts

  const Contract* InForce(int64_t t) const;
  Contract* InForceMutable(int64_t t) { return const_cast<Contract*>(InForce(t)); }

  void FillTerms(const Contract& contract, const TermsVersion& version, v1::ContractTerms* terms);

  void SignFirstContract();

  // The first day (00:00) of the month `months` after the one holding `t`.
  static int64_t NextMonthStart(int64_t t, int months);

  void Sign(Contract contract);

  Contract* FindContract(const std::string& id);

  void Renew(const std::string& id, bool late);

  // Adds a version effective from the next month's first day, when the contract runs on long
  // enough and no renewal is signed; false otherwise.
  bool Amend(Contract* contract, TermsVersion version, const std::string& reason);

  void AmendPrices(const std::string& id);

  // ------------------------------------------------------------ the month's activities

  void PlanMonth(int month);

  // ------------------------------------------------------------ orders and shipments

  void PlaceOrder();

  void CancelOrder(size_t index);

  void AmendOrder(size_t index);

  void Ship(size_t index);

  // ------------------------------------------------------------ invoices

  enum class Error { kNone, kPrice, kDiscount, kTerms, kBilled };

  void IssueInvoice(size_t index);

  // The client returned a few units before paying: the invoice is corrected to bill fewer.
  // The returned units are not billed again, so the invoice stays within the contract.
  void CorrectInvoice(size_t index);

  // An invoice is read only by the actions scheduled for it: it is let go once they have run
  // (an account's invoices would otherwise grow with its history).
  void ScheduleForInvoice(size_t index, int64_t at, Action action);
  void ReleaseInvoice(size_t index, int done);

  void PlanSettlement(size_t index, Error error);

  void Dispute(size_t index);

  void Credit(size_t index, int64_t amount, const std::string& reason);

  void Pay(size_t index, int64_t percent);

  // ------------------------------------------------------------ projects

  void StartProject();

  void Reschedule(size_t project_index, size_t milestone_index, int64_t old_due);

  void CompleteMilestone(size_t project_index, size_t milestone_index);

  void CompleteProject(size_t project_index);

  void CancelProject(size_t project_index);

  // ------------------------------------------------------------ service cases

  void OpenCase();

  // ------------------------------------------------------------ marketing

  void LaunchProgramme();

  // ------------------------------------------------------------ training

  void ConsiderTraining(const std::string& sku);

  void ScheduleTraining(const std::string& sku);

  // ------------------------------------------------------------ proposals

  void Propose();

  void AcceptProposal(const std::string& id, const std::string& sku);

  // ------------------------------------------------------------ state

  const uint64_t seed_;
  const int index_;
  Rng rng_;
  const std::string id_;
  const std::string name_;
  std::string manager_;
  std::vector<std::string> regions_;
  int size_ = 1;
  int service_critical_hours_ = 4;

  int64_t now_ = 0;
  int64_t end_ = 0;
  uint64_t next_action_ = 0;
  std::map<std::pair<int64_t, uint64_t>, Action> queue_;
  bool closing_ = false;
  bool closed_ = false;

  std::deque<v1::SubmitEvent> pending_;  // emitted, not yet taken by the generator
  uint64_t emitted_ = 0;                 // the next event's index (= its expected_version)
  std::vector<SeededFinding> findings_;

  std::map<v1::TeamRole, std::string> team_;
  std::set<std::string> people_;
  std::vector<Contract> contracts_;
  bool gap_before_renewal_ = false;
  bool gap_invoice_seeded_ = false;
  std::set<std::string> pending_skus_;
  // A deque: it grows by blocks, not by doubling, and an account keeps all its orders (a
  // reorder repeats any earlier one).
  std::deque<Order> orders_;
  std::map<size_t, Invoice> invoices_;  // by index, while actions are scheduled for them
  size_t next_invoice_index_ = 0;
  std::vector<Project> projects_;
  int active_projects_ = 0;
  std::set<std::string> trained_skus_;
  std::set<std::string> proposed_;

  int contract_count_ = 0;
  int order_count_ = 0;
  int shipment_count_ = 0;
  int invoice_count_ = 0;
  int payment_count_ = 0;
  int credit_count_ = 0;
  int project_count_ = 0;
  int case_count_ = 0;
  int programme_count_ = 0;
  int training_count_ = 0;
  int proposal_count_ = 0;
  int custom_count_ = 0;
};

}  // namespace timeline::demo
