// AccountSimulation (consumers/demo/demo_simulation.h): the queue, opening, team, manager, scope,
// wind-down and the month's plan.
#include "consumers/demo/demo_simulation.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace timeline::demo {

void AccountSimulation::Start(int64_t end) {
  end_ = end;
  const int open_month = static_cast<int>(rng_.Range(0, 3));
  // Drawn one statement at a time: the operands of + (and a call's arguments) are evaluated in
  // an unspecified order, which gcc and clang choose differently, and the demo must be the same
  // history whatever compiled it.
  const int64_t day = rng_.Range(0, 9);
  const int64_t minute = rng_.Range(0, 50);
  Schedule(MonthStart(open_month) + day * kDay + 9 * kHour + minute * kMinute,
           [this, open_month] { Open(open_month); });
}

void AccountSimulation::AdvanceTo(int64_t until) {
  const int64_t stop = std::min(until, end_);
  while (!queue_.empty()) {
    auto first = queue_.begin();
    if (first->first.first >= stop || closed_) break;
    now_ = std::max(now_, first->first.first);
    auto action = std::move(first->second);
    queue_.erase(first);
    action();
  }
}

bool AccountSimulation::Finished() const {
  return closed_ || queue_.empty() || queue_.begin()->first.first >= end_;
}

void AccountSimulation::Compact() {
  for (auto& contract : contracts_) {
    if ((contract.terminated || contract.valid_until <= now_) && contract.versions.size() > 1) {
      contract.versions.erase(contract.versions.begin(), contract.versions.end() - 1);
      contract.versions.shrink_to_fit();
    }
  }
}

void AccountSimulation::Schedule(int64_t at, Action action) {
  queue_.emplace(std::make_pair(std::max(at, now_), next_action_++), std::move(action));
}

int64_t AccountSimulation::Later(int64_t lo, int64_t hi) {
  const int64_t day = StartOfDay(now_) + rng_.Range(lo, hi) * kDay;
  return std::max(now_, day + rng_.Range(8 * 60, 17 * 60) * kMinute);
}

int64_t AccountSimulation::InMonth(int month) {
  const int64_t day = rng_.Range(0, 27);  // then the minute: see Start()
  const int64_t minute = rng_.Range(8 * 60, 17 * 60);
  return MonthStart(month) + day * kDay + minute * kMinute;
}

void AccountSimulation::Emit(const std::string& actor, v1::Event event) {
  v1::SubmitEvent submission;
  submission.set_account_id(id_);
  submission.set_expected_version(emitted_);
  submission.set_idempotency_key(DemoIdempotencyKey(seed_, id_, emitted_));
  SetTime(submission.mutable_occurred_at(), now_);
  submission.set_actor(actor);
  *submission.mutable_event() = std::move(event);
  pending_.push_back(std::move(submission));
  ++emitted_;
}

std::string AccountSimulation::Member(v1::TeamRole role) const {
  auto it = team_.find(role);
  return it == team_.end() ? manager_ : it->second;
}

std::string AccountSimulation::NewPerson() {
  for (;;) {
    // The last name first, as gcc evaluated the operator+ calls' arguments: see Start().
    const std::string& last = rng_.Pick(LastNames());
    const std::string& first = rng_.Pick(FirstNames());
    std::string person = first + "." + last;
    if (people_.insert(person).second) return person;
  }
}

v1::Office AccountSimulation::RandomOffice() {
  static const std::vector<v1::Office> offices = {v1::CLIENT_SITE, v1::HOME_OFFICE,
                                                  v1::SATELLITE_OFFICE, v1::REMOTE};
  return rng_.Pick(offices);
}

void AccountSimulation::Open(int open_month) {
  v1::Event event;
  auto* opened = event.mutable_account_opened();
  opened->set_name(name_);
  opened->set_manager(manager_);
  opened->set_currency(kCurrency);
  std::vector<std::string> regions = Regions();
  rng_.Shuffle(&regions);
  regions.resize(static_cast<size_t>(rng_.Range(1, 3)));
  std::sort(regions.begin(), regions.end());
  for (const auto& region : regions) opened->add_regions(region);
  regions_ = regions;
  opened->set_scope(v1::NATIONAL);
  opened->set_manager_office(rng_.Percent(60) ? v1::HOME_OFFICE : v1::CLIENT_SITE);
  Emit(manager_, std::move(event));

  size_ = static_cast<int>(rng_.Range(1, 3));
  std::vector<v1::TeamRole> roles = {v1::PROJECT_MANAGER, v1::CUSTOMER_SERVICE, v1::BILLING};
  if (rng_.Percent(60)) roles.push_back(v1::TRAINER);
  if (rng_.Percent(35)) roles.push_back(v1::SALES);
  int64_t at = now_;
  for (auto role : roles) {
    at += rng_.Range(10, 90) * kMinute;
    Schedule(at, [this, role] { Assign(role); });
  }
  Schedule(Later(1, 4), [this] { SignFirstContract(); });

  // Things that happen once in a while over the account's life.
  if (rng_.Percent(30)) {
    const int month = open_month + static_cast<int>(rng_.Range(6, 18));
    Schedule(InMonth(month), [this] { ChangeManager(); });
  }
  if (rng_.Percent(20)) {
    const int month = open_month + static_cast<int>(rng_.Range(3, 15));
    Schedule(InMonth(month), [this] { GoInternational(); });
  }
  // One account in eleven is closed after a merger, at a month fixed by its index alone.
  if (index_ % 11 == 7) {
    Schedule(MonthStart(20) + 9 * kDay + 10 * kHour, [this] { WindDown(); });
  }
  Schedule(MonthStart(open_month + 1) + kHour, [this, open_month] { PlanMonth(open_month + 1); });
}

void AccountSimulation::Assign(v1::TeamRole role) {
  if (closing_) return;
  v1::Event event;
  auto* assigned = event.mutable_team_member_assigned();
  const std::string person = NewPerson();
  assigned->set_member(person);
  assigned->set_role(role);
  assigned->set_office(RandomOffice());
  team_[role] = person;
  Emit(manager_, std::move(event));
}

void AccountSimulation::Rotate() {
  if (closing_ || team_.empty()) return;
  std::vector<v1::TeamRole> roles;
  for (const auto& [role, person] : team_) roles.push_back(role);
  const v1::TeamRole role = rng_.Pick(roles);
  v1::Event event;
  event.mutable_team_member_released()->set_member(team_[role]);
  team_.erase(role);
  Emit(manager_, std::move(event));
  Schedule(Later(0, 5), [this, role] { Assign(role); });
}

void AccountSimulation::ChangeManager() {
  if (closing_) return;
  std::vector<std::string> others;
  for (const auto& manager : Managers()) {
    if (manager != manager_) others.push_back(manager);
  }
  manager_ = rng_.Pick(others);
  v1::Event event;
  event.mutable_manager_assigned()->set_manager(manager_);
  event.mutable_manager_assigned()->set_office(rng_.Percent(50) ? v1::HOME_OFFICE
                                                                : v1::CLIENT_SITE);
  Emit(manager_, std::move(event));
}

void AccountSimulation::GoInternational() {
  if (closing_) return;
  v1::Event event;
  auto* changed = event.mutable_account_scope_changed();
  changed->set_scope(v1::INTERNATIONAL);
  std::set<std::string> regions(regions_.begin(), regions_.end());
  regions.insert(rng_.Percent(50) ? "AT" : "CH");
  for (const auto& region : regions) changed->add_regions(region);
  Emit(manager_, std::move(event));
}

void AccountSimulation::WindDown() {
  if (closing_) return;
  closing_ = true;
  for (auto& contract : contracts_) {
    if (contract.terminated || contract.valid_until <= now_) continue;
    contract.terminated = true;
    v1::Event event;
    auto* terminated = event.mutable_contract_terminated();
    terminated->set_contract_id(contract.id);
    SetTime(terminated->mutable_effective_on(), StartOfDay(now_) + kDay);
    terminated->set_reason("client merged into a group account; supply moves to group contract");
    Emit(manager_, std::move(event));
  }
  now_ = Later(10, 15);
  v1::Event event;
  event.mutable_account_closed()->set_reason(
      "client merged into a group account managed by the international team");
  Emit(manager_, std::move(event));
  closed_ = true;
}

void AccountSimulation::PlanMonth(int month) {
  if (closing_) return;
  Schedule(MonthStart(month + 1) + kHour, [this, month] { PlanMonth(month + 1); });
  const int orders = static_cast<int>(rng_.Range(0, 1) + (size_ >= 2 ? rng_.Range(0, 1) : 0) + 1);
  for (int i = 0; i < orders; ++i) Schedule(InMonth(month), [this] { PlaceOrder(); });
  const int cases = static_cast<int>(rng_.Range(0, size_ + 1));
  for (int i = 0; i < cases; ++i) Schedule(InMonth(month), [this] { OpenCase(); });
  if (active_projects_ < 2 && rng_.Percent(16)) {
    Schedule(InMonth(month), [this] { StartProject(); });
  }
  if (rng_.Percent(12)) Schedule(InMonth(month), [this] { LaunchProgramme(); });
  if (rng_.Percent(14)) Schedule(InMonth(month), [this] { Propose(); });
  if (rng_.Percent(4)) Schedule(InMonth(month), [this] { Rotate(); });
}

}  // namespace timeline::demo
