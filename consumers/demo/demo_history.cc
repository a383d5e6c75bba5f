#include "consumers/demo/demo_history.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "consumers/demo/demo_simulation.h"
#include "consumers/demo/demo_world.h"

namespace timeline {

using demo::AccountSimulation;
using demo::ClientNames;
using demo::MonthStart;
using demo::Rng;
using demo::Slug;
using demo::SplitMix64;

std::string_view FindingRuleName(FindingRule rule) {
  switch (rule) {
    case FindingRule::kPriceDiffers: return "price_differs";
    case FindingRule::kDiscountAboveCap: return "discount_above_cap";
    case FindingRule::kPaymentTermsDiffer: return "payment_terms_differ";
    case FindingRule::kBilledAboveFulfilled: return "billed_above_fulfilled";
    case FindingRule::kNoContractInForce: return "no_contract_in_force";
  }
  return "unknown";
}

std::string SeededFindingToJson(const SeededFinding& finding) {
  // Ids are generated from [A-Za-z0-9-]: nothing to escape.
  return fmt::format(
      R"({{"accountId":"{}","invoiceId":"{}","contractId":"{}","lineIndex":{},"rule":"{}",)"
      R"("expected":{},"actual":{}}})",
      finding.account_id, finding.invoice_id, finding.contract_id, finding.line_index,
      FindingRuleName(finding.rule), finding.expected, finding.actual);
}

std::string DemoAccountId(std::string_view name, uint64_t seed) {
  const std::string slug = Slug(std::string(name));
  return seed == 1 ? slug : fmt::format("{}-s{}", slug, seed);
}

std::string DemoIdempotencyKey(uint64_t seed, std::string_view account_id, uint64_t index) {
  return fmt::format("demo:{}:{}:{}", seed, account_id, index);
}

struct DemoGenerator::State {
  uint64_t seed = 1;
  int months = 24;
  int next_month = 0;
  int64_t reference_date = 0;
  std::vector<std::string> account_ids;
  // One per account, in generation order; reset once the account has nothing more to give.
  std::vector<std::unique_ptr<AccountSimulation>> simulations;
  std::vector<std::vector<SeededFinding>> findings;  // of the finished accounts, by account
};

DemoGenerator::DemoGenerator(const DemoOptions& options) : state_(std::make_unique<State>()) {
  const int accounts = std::clamp(options.accounts, 1, 1000);
  state_->seed = options.seed;
  state_->months = std::clamp(options.months, 1, 240);
  state_->reference_date = MonthStart(state_->months);

  // Client names, in an order chosen by the seed; past the list, numbered subsidiaries.
  std::vector<std::string> names = ClientNames();
  Rng name_rng(SplitMix64(options.seed));
  name_rng.Shuffle(&names);
  for (int a = 0; a < accounts; ++a) {
    const size_t round = static_cast<size_t>(a) / names.size();
    std::string name = names[static_cast<size_t>(a) % names.size()];
    if (round > 0) name += fmt::format(" (Region {})", round + 1);
    std::string id = DemoAccountId(name, options.seed);
    state_->account_ids.push_back(id);
    auto simulation =
        std::make_unique<AccountSimulation>(options.seed, a, std::move(id), std::move(name));
    simulation->Start(state_->reference_date);
    state_->simulations.push_back(std::move(simulation));
  }
  state_->findings.resize(static_cast<size_t>(accounts));
}

DemoGenerator::~DemoGenerator() = default;

const std::vector<std::string>& DemoGenerator::account_ids() const { return state_->account_ids; }

int64_t DemoGenerator::reference_date() const { return state_->reference_date; }

bool DemoGenerator::NextMonth(std::vector<v1::SubmitEvent>* batch) {
  batch->clear();
  State& state = *state_;
  if (state.next_month >= state.months) return false;
  const int month = state.next_month++;
  const bool last = state.next_month == state.months;
  const int64_t boundary = MonthStart(month + 1);

  // Each account runs to the month's end; its events dated in the month leave its queue (an
  // action late in the month may date an event in the next one: it waits for that month).
  // Sorting the month by (time, account, index) gives the same order as sorting the whole
  // history: months partition time.
  struct Keyed {
    int64_t seconds;
    size_t account;
    uint64_t index;
    size_t slot;
  };
  std::vector<v1::SubmitEvent> taken;
  std::vector<Keyed> order;
  for (size_t a = 0; a < state.simulations.size(); ++a) {
    AccountSimulation* simulation = state.simulations[a].get();
    if (simulation == nullptr) continue;
    simulation->AdvanceTo(boundary);
    simulation->Compact();
    auto& pending = simulation->pending();
    while (!pending.empty() && (last || pending.front().occurred_at().seconds() < boundary)) {
      order.push_back({pending.front().occurred_at().seconds(), a,
                       pending.front().expected_version(), taken.size()});
      taken.push_back(std::move(pending.front()));
      pending.pop_front();
    }
    if (pending.empty() && (last || simulation->Finished())) {
      state.findings[a] = std::move(simulation->findings());
      state.simulations[a].reset();
    }
  }
  std::sort(order.begin(), order.end(), [](const Keyed& x, const Keyed& y) {
    if (x.seconds != y.seconds) return x.seconds < y.seconds;
    if (x.account != y.account) return x.account < y.account;
    return x.index < y.index;
  });
  batch->reserve(order.size());
  for (const Keyed& key : order) batch->push_back(std::move(taken[key.slot]));
  return true;
}

size_t DemoGenerator::held() const {
  size_t held = 0;
  for (const auto& simulation : state_->simulations) {
    if (simulation != nullptr) held += simulation->pending().size();
  }
  return held;
}

std::vector<SeededFinding> DemoGenerator::seeded_findings() const {
  std::vector<SeededFinding> all;
  for (size_t a = 0; a < state_->findings.size(); ++a) {
    const auto& findings = state_->simulations[a] != nullptr ? state_->simulations[a]->findings()
                                                             : state_->findings[a];
    all.insert(all.end(), findings.begin(), findings.end());
  }
  return all;
}

DemoHistory GenerateDemoHistory(const DemoOptions& options) {
  DemoGenerator generator(options);
  DemoHistory history;
  history.reference_date = generator.reference_date();
  history.account_ids = generator.account_ids();
  std::vector<v1::SubmitEvent> month;
  while (generator.NextMonth(&month)) {
    for (auto& submission : month) history.submissions.push_back(std::move(submission));
  }
  history.seeded_findings = generator.seeded_findings();
  return history;
}

}  // namespace timeline
