#include "consumers/demo/demo_history.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/submission_validation.h"
#include "timeline/v1/events.pb.h"

namespace timeline {
namespace {

const DemoHistory& Standard() {
  static const DemoHistory history = GenerateDemoHistory({20, 24, 1});
  return history;
}

std::string Bytes(const DemoHistory& history) {
  std::string bytes;
  for (const auto& submission : history.submissions) {
    std::string one;
    REQUIRE(submission.SerializeToString(&one));
    bytes += std::to_string(one.size()) + ":" + one;
  }
  return bytes;
}

std::map<std::string, std::vector<const v1::SubmitEvent*>> ByAccount(const DemoHistory& history) {
  std::map<std::string, std::vector<const v1::SubmitEvent*>> accounts;
  for (const auto& submission : history.submissions) {
    accounts[submission.account_id()].push_back(&submission);
  }
  return accounts;
}

int64_t Seconds(const google::protobuf::Timestamp& t) { return t.seconds(); }

template <typename Line>
int64_t Net(const Line& line) {
  const int64_t gross = line.quantity() * line.unit_price().minor_units();
  return gross - gross * line.discount_bps() / 10000;
}

// The cross-event rules of engine/account_rules.cc, checked independently of the engine on one
// account's events. Returns the first broken rule, or "".
std::string FirstBrokenRule(const std::vector<const v1::SubmitEvent*>& events) {
  std::set<std::string> contracts, terminated, proposals_decided, cases_resolved,
      programmes_completed, trainings_closed;
  std::map<std::string, bool> proposals;  // id -> exists
  std::set<std::string> cases, programmes, trainings, team;
  struct OrderState {
    std::map<std::string, int64_t> ordered, shipped;
    bool open = true;
  };
  std::map<std::string, OrderState> orders;
  struct ProjectState {
    bool active = true;
    std::map<std::string, bool> milestones;
  };
  std::map<std::string, ProjectState> projects;
  struct InvoiceState {
    int64_t total = 0;
    int64_t settled = 0;
  };
  std::map<std::string, InvoiceState> invoices;
  bool closed = false;
  for (size_t i = 0; i < events.size(); ++i) {
    const v1::Event& e = events[i]->event();
    const std::string where = events[i]->account_id() + " #" + std::to_string(i) + " ";
    if (closed) return where + "event after accountClosed";
    if ((i == 0) != e.has_account_opened()) return where + "accountOpened not first or repeated";
    using E = v1::Event;
    switch (e.event_case()) {
      case E::kContractSigned:
        if (!contracts.insert(e.contract_signed().contract_id()).second)
          return where + "dup contract";
        break;
      case E::kContractAmended:
      case E::kContractTerminated: {
        const auto& id = e.has_contract_amended() ? e.contract_amended().contract_id()
                                                  : e.contract_terminated().contract_id();
        if (!contracts.count(id) || terminated.count(id)) return where + "contract not in force";
        if (e.has_contract_terminated()) terminated.insert(id);
        break;
      }
      case E::kOrderPlaced: {
        const auto& o = e.order_placed();
        if (orders.count(o.order_id())) return where + "dup order";
        if (!contracts.count(o.contract_id()) || terminated.count(o.contract_id()))
          return where + "order contract";
        for (const auto& l : o.lines()) orders[o.order_id()].ordered[l.sku()] += l.quantity();
        break;
      }
      case E::kOrderAmended: {
        auto it = orders.find(e.order_amended().order_id());
        if (it == orders.end() || !it->second.open) return where + "amend of a closed order";
        it->second.ordered.clear();
        for (const auto& l : e.order_amended().lines()) it->second.ordered[l.sku()] += l.quantity();
        break;
      }
      case E::kOrderCancelled: {
        auto it = orders.find(e.order_cancelled().order_id());
        if (it == orders.end() || !it->second.open) return where + "cancel of a closed order";
        it->second.open = false;
        break;
      }
      case E::kOrderFulfilled: {
        auto it = orders.find(e.order_fulfilled().order_id());
        if (it == orders.end() || !it->second.open) return where + "fulfil of a closed order";
        for (const auto& l : e.order_fulfilled().lines()) {
          it->second.shipped[l.sku()] += l.quantity();
          if (it->second.shipped[l.sku()] > it->second.ordered[l.sku()])
            return where + "overshipped";
        }
        if (it->second.shipped == it->second.ordered) it->second.open = false;
        break;
      }
      case E::kProductProposed:
        if (proposals.count(e.product_proposed().proposal_id())) return where + "dup proposal";
        proposals[e.product_proposed().proposal_id()] = true;
        break;
      case E::kProposalAccepted:
      case E::kProposalDeclined: {
        const auto& id = e.has_proposal_accepted() ? e.proposal_accepted().proposal_id()
                                                   : e.proposal_declined().proposal_id();
        if (!proposals.count(id) || !proposals_decided.insert(id).second) return where + "proposal";
        break;
      }
      case E::kProjectStarted:
        if (projects.count(e.project_started().project_id())) return where + "dup project";
        projects[e.project_started().project_id()];
        break;
      case E::kMilestonePlanned: {
        auto it = projects.find(e.milestone_planned().project_id());
        if (it == projects.end() || !it->second.active)
          return where + "milestone of unknown project";
        if (!it->second.milestones.emplace(e.milestone_planned().milestone_id(), false).second)
          return where + "dup milestone";
        break;
      }
      case E::kMilestoneRescheduled:
      case E::kMilestoneCompleted: {
        const auto& project = e.has_milestone_completed() ? e.milestone_completed().project_id()
                                                          : e.milestone_rescheduled().project_id();
        const auto& id = e.has_milestone_completed() ? e.milestone_completed().milestone_id()
                                                     : e.milestone_rescheduled().milestone_id();
        auto it = projects.find(project);
        if (it == projects.end() || !it->second.active)
          return where + "milestone of inactive project";
        auto m = it->second.milestones.find(id);
        if (m == it->second.milestones.end() || m->second)
          return where + "milestone unknown or done";
        if (e.has_milestone_rescheduled() && e.milestone_rescheduled().reason().empty())
          return where + "no reason";
        if (e.has_milestone_completed()) m->second = true;
        break;
      }
      case E::kProjectCompleted:
      case E::kProjectCancelled: {
        const auto& id = e.has_project_completed() ? e.project_completed().project_id()
                                                   : e.project_cancelled().project_id();
        auto it = projects.find(id);
        if (it == projects.end() || !it->second.active) return where + "project not active";
        if (e.has_project_completed()) {
          for (const auto& [m, done] : it->second.milestones) {
            if (!done) return where + "project completed with open milestones";
          }
        }
        it->second.active = false;
        break;
      }
      case E::kInvoiceIssued: {
        const auto& inv = e.invoice_issued();
        if (invoices.count(inv.invoice_id())) return where + "dup invoice";
        if (!orders.count(inv.order_id())) return where + "invoice of unknown order";
        if (!contracts.count(inv.contract_id()) || terminated.count(inv.contract_id()))
          return where + "invoice contract";
        int64_t total = 0;
        for (const auto& l : inv.lines()) total += Net(l);
        invoices[inv.invoice_id()].total = total;
        break;
      }
      case E::kInvoiceCorrected: {
        auto it = invoices.find(e.invoice_corrected().invoice_id());
        if (it == invoices.end()) return where + "unknown invoice";
        int64_t total = 0;
        for (const auto& l : e.invoice_corrected().lines()) total += Net(l);
        if (total < it->second.settled) return where + "corrected below what was settled";
        it->second.total = total;
        break;
      }
      case E::kInvoiceDisputed:
        if (!invoices.count(e.invoice_disputed().invoice_id())) return where + "unknown invoice";
        break;
      case E::kInvoiceCredited:
      case E::kPaymentReceived: {
        const auto& id = e.has_invoice_credited() ? e.invoice_credited().invoice_id()
                                                  : e.payment_received().invoice_id();
        const auto& amount = e.has_invoice_credited() ? e.invoice_credited().amount()
                                                      : e.payment_received().amount();
        auto it = invoices.find(id);
        if (it == invoices.end()) return where + "unknown invoice";
        const int64_t owed = it->second.total - it->second.settled;
        if (amount.minor_units() <= 0 || amount.minor_units() > owed)
          return where + "above balance";
        if (amount.currency() != "EUR") return where + "currency";
        it->second.settled += amount.minor_units();
        break;
      }
      case E::kServiceCaseOpened:
        if (!cases.insert(e.service_case_opened().case_id()).second) return where + "dup case";
        break;
      case E::kServiceCaseResolved:
        if (!cases.count(e.service_case_resolved().case_id()) ||
            !cases_resolved.insert(e.service_case_resolved().case_id()).second)
          return where + "case";
        break;
      case E::kMarketingProgrammeLaunched:
        if (!programmes.insert(e.marketing_programme_launched().programme_id()).second)
          return where + "dup programme";
        break;
      case E::kMarketingProgrammeCompleted:
        if (!programmes.count(e.marketing_programme_completed().programme_id()) ||
            !programmes_completed.insert(e.marketing_programme_completed().programme_id()).second)
          return where + "programme";
        break;
      case E::kTrainingScheduled:
        if (!trainings.insert(e.training_scheduled().training_id()).second)
          return where + "dup training";
        break;
      case E::kTrainingDelivered:
      case E::kTrainingCancelled: {
        const auto& id = e.has_training_delivered() ? e.training_delivered().training_id()
                                                    : e.training_cancelled().training_id();
        if (!trainings.count(id) || !trainings_closed.insert(id).second) return where + "training";
        break;
      }
      case E::kTeamMemberAssigned:
        if (!team.insert(e.team_member_assigned().member()).second) return where + "member twice";
        break;
      case E::kTeamMemberReleased:
        if (!team.erase(e.team_member_released().member())) return where + "unknown member";
        break;
      case E::kAccountClosed: closed = true; break;
      default: break;
    }
  }
  return "";
}

// The compliance rules, computed from the history alone: what a compliance view must find.
std::vector<std::string> ComplianceFindings(const DemoHistory& history) {
  std::vector<std::string> found;
  for (const auto& per_account : ByAccount(history)) {
    // References, not a structured binding: clang 14 (the sanitizer build) cannot capture a
    // binding in a lambda.
    const std::string& account = per_account.first;
    const auto& events = per_account.second;
    struct Version {
      int64_t from;
      v1::ContractTerms terms;
    };
    struct Contract {
      int64_t valid_from, valid_until;
      std::vector<Version> versions;
    };
    std::map<std::string, Contract> contracts;
    std::map<std::string, std::map<std::string, int64_t>> shipped, billed;  // order -> sku -> qty
    std::map<std::string, v1::InvoiceIssued> issued;                        // as last corrected
    for (const v1::SubmitEvent* submission : events) {
      const v1::Event& e = submission->event();
      const int64_t at = Seconds(submission->occurred_at());
      if (e.has_contract_signed()) {
        const auto& terms = e.contract_signed().terms();
        contracts[e.contract_signed().contract_id()] = {Seconds(terms.valid_from()),
                                                        Seconds(terms.valid_until()),
                                                        {{Seconds(terms.valid_from()), terms}}};
      } else if (e.has_contract_amended()) {
        contracts[e.contract_amended().contract_id()].versions.push_back(
            {Seconds(e.contract_amended().effective_from()), e.contract_amended().terms()});
      } else if (e.has_order_fulfilled()) {
        for (const auto& l : e.order_fulfilled().lines()) {
          shipped[e.order_fulfilled().order_id()][l.sku()] += l.quantity();
        }
      } else if (e.has_invoice_corrected()) {
        // Lines replaced: the billed quantities follow (the demo only ever bills less).
        v1::InvoiceIssued& inv = issued.at(e.invoice_corrected().invoice_id());
        for (const auto& l : inv.lines()) billed[inv.order_id()][l.sku()] -= l.quantity();
        *inv.mutable_lines() = e.invoice_corrected().lines();
        for (const auto& l : inv.lines()) billed[inv.order_id()][l.sku()] += l.quantity();
      } else if (e.has_invoice_issued()) {
        const auto& inv = e.invoice_issued();
        issued[inv.invoice_id()] = inv;
        auto finding = [&](int line, FindingRule rule, int64_t expected, int64_t actual) {
          found.push_back(SeededFindingToJson(
              {account, inv.invoice_id(), inv.contract_id(), line, rule, expected, actual}));
        };
        auto& order_billed = billed[inv.order_id()];
        auto& order_shipped = shipped[inv.order_id()];
        const Contract& contract = contracts.at(inv.contract_id());
        const bool in_force =
            contract.valid_from <= at && at < contract.valid_until;  // end exclusive
        const v1::ContractTerms* terms = &contract.versions.front().terms;
        for (const auto& version : contract.versions) {
          if (version.from <= at) terms = &version.terms;
        }
        if (!in_force) {
          finding(-1, FindingRule::kNoContractInForce,
                  at >= contract.valid_until ? contract.valid_until : contract.valid_from, at);
        }
        for (int i = 0; i < inv.lines_size(); ++i) {
          const auto& line = inv.lines(i);
          if (in_force) {
            int64_t list_price = -1;
            for (const auto& entry : terms->price_list()) {
              if (entry.sku() == line.sku()) list_price = entry.unit_price().minor_units();
            }
            if (list_price != line.unit_price().minor_units()) {
              finding(i, FindingRule::kPriceDiffers, list_price, line.unit_price().minor_units());
            }
            if (line.discount_bps() > terms->discount_cap_bps()) {
              finding(i, FindingRule::kDiscountAboveCap, terms->discount_cap_bps(),
                      line.discount_bps());
            }
          }
          order_billed[line.sku()] += line.quantity();
          if (order_billed[line.sku()] > order_shipped[line.sku()]) {
            finding(i, FindingRule::kBilledAboveFulfilled, order_shipped[line.sku()],
                    order_billed[line.sku()]);
          }
        }
        const int64_t days = (Seconds(inv.due_at()) - at) / 86400;
        if (in_force &&
            (Seconds(inv.due_at()) - at != int64_t{terms->payment_terms_days()} * 86400)) {
          finding(-1, FindingRule::kPaymentTermsDiffer, terms->payment_terms_days(), days);
        }
      }
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

TEST_CASE("the same accounts, months and seed give byte-identical submissions and findings") {
  const DemoHistory again = GenerateDemoHistory({20, 24, 1});
  REQUIRE(Bytes(again) == Bytes(Standard()));
  REQUIRE(again.reference_date == Standard().reference_date);
  REQUIRE(again.seeded_findings.size() == Standard().seeded_findings.size());
  for (size_t i = 0; i < again.seeded_findings.size(); ++i) {
    CHECK(SeededFindingToJson(again.seeded_findings[i]) ==
          SeededFindingToJson(Standard().seeded_findings[i]));
  }
}

TEST_CASE("a different seed gives a different history") {
  REQUIRE(Bytes(GenerateDemoHistory({20, 24, 2})) != Bytes(Standard()));
}

TEST_CASE(
    "twenty accounts over two years make a few thousand events ending at the reference date") {
  const auto& history = Standard();
  CHECK(history.submissions.size() >= 3000);
  CHECK(history.submissions.size() <= 10000);
  CHECK(history.account_ids.size() == 20);
  CHECK(history.reference_date == 1798761600);  // 2027-01-01T00:00:00Z
  std::set<v1::Event::EventCase> kinds;
  for (const auto& submission : history.submissions) {
    kinds.insert(submission.event().event_case());
    CHECK(Seconds(submission.occurred_at()) < history.reference_date);
  }
  CHECK(kinds.size() == 34);  // every event of the catalogue appears
}

TEST_CASE("every account starts with accountOpened, at expected version 0, keys unique") {
  std::set<std::string> keys;
  for (const auto& [account, events] : ByAccount(Standard())) {
    REQUIRE_FALSE(events.empty());
    CHECK(events.front()->event().has_account_opened());
    for (size_t i = 0; i < events.size(); ++i) {
      CHECK(events[i]->expected_version() == i);
      CHECK(keys.insert(events[i]->idempotency_key()).second);
    }
  }
}

TEST_CASE("each account's events are in non-decreasing occurred_at") {
  for (const auto& [account, events] : ByAccount(Standard())) {
    for (size_t i = 1; i < events.size(); ++i) {
      INFO(account << " event " << i);
      CHECK(Seconds(events[i - 1]->occurred_at()) <= Seconds(events[i]->occurred_at()));
    }
  }
}

TEST_CASE("ids are unique per account and kind") {
  for (const auto& per_account : ByAccount(Standard())) {
    // References, not a structured binding: clang 14 (the sanitizer build) cannot capture a
    // binding in a lambda.
    const std::string& account = per_account.first;
    const auto& events = per_account.second;
    std::map<std::string, std::set<std::string>> ids;
    auto fresh = [&](const std::string& kind, const std::string& id) {
      INFO(account << " " << kind << " " << id);
      CHECK(ids[kind].insert(id).second);
    };
    for (const v1::SubmitEvent* submission : events) {
      const v1::Event& e = submission->event();
      if (e.has_contract_signed()) fresh("contract", e.contract_signed().contract_id());
      if (e.has_order_placed()) fresh("order", e.order_placed().order_id());
      if (e.has_order_fulfilled()) fresh("shipment", e.order_fulfilled().shipment_id());
      if (e.has_invoice_issued()) fresh("invoice", e.invoice_issued().invoice_id());
      if (e.has_payment_received()) fresh("payment", e.payment_received().payment_id());
      if (e.has_invoice_credited()) fresh("credit note", e.invoice_credited().credit_note_id());
      if (e.has_project_started()) fresh("project", e.project_started().project_id());
      if (e.has_milestone_planned()) {
        fresh("milestone",
              e.milestone_planned().project_id() + "/" + e.milestone_planned().milestone_id());
      }
      if (e.has_product_proposed()) fresh("proposal", e.product_proposed().proposal_id());
      if (e.has_service_case_opened()) fresh("case", e.service_case_opened().case_id());
      if (e.has_marketing_programme_launched()) {
        fresh("programme", e.marketing_programme_launched().programme_id());
      }
      if (e.has_training_scheduled()) fresh("training", e.training_scheduled().training_id());
      if (e.has_team_member_assigned()) fresh("member", e.team_member_assigned().member());
    }
  }
}

TEST_CASE("every submission passes ValidateSubmission") {
  for (const auto& submission : Standard().submissions) {
    auto refusal = ValidateSubmission(submission);
    INFO(submission.ShortDebugString());
    CHECK_FALSE(refusal.has_value());
    if (refusal) INFO(refusal->message);
  }
}

TEST_CASE("every generated event obeys the cross-event rules") {
  for (const auto& [account, events] : ByAccount(Standard())) {
    CHECK(FirstBrokenRule(events) == "");
  }
  for (uint64_t seed : {2, 3, 7}) {
    const DemoHistory history = GenerateDemoHistory({12, 30, seed});
    for (const auto& [account, events] : ByAccount(history)) {
      CHECK(FirstBrokenRule(events) == "");
    }
  }
}

TEST_CASE("every kind of seeded finding appears for 20 accounts, 24 months, seed 1") {
  std::map<std::string_view, int> by_rule;
  for (const auto& finding : Standard().seeded_findings) ++by_rule[FindingRuleName(finding.rule)];
  for (auto rule : {FindingRule::kPriceDiffers, FindingRule::kDiscountAboveCap,
                    FindingRule::kPaymentTermsDiffer, FindingRule::kBilledAboveFulfilled,
                    FindingRule::kNoContractInForce}) {
    INFO(FindingRuleName(rule));
    CHECK(by_rule[FindingRuleName(rule)] >= 1);
  }
}

TEST_CASE("the compliance rules computed from the history find exactly the seeded findings") {
  for (uint64_t seed : {1, 2, 5}) {
    const DemoHistory history = seed == 1 ? Standard() : GenerateDemoHistory({20, 24, seed});
    std::vector<std::string> seeded;
    for (const auto& finding : history.seeded_findings)
      seeded.push_back(SeededFindingToJson(finding));
    std::sort(seeded.begin(), seeded.end());
    INFO("seed " << seed);
    CHECK(ComplianceFindings(history) == seeded);
  }
}

TEST_CASE("a shorter history is, account by account, the start of a longer one") {
  const DemoHistory short_history = GenerateDemoHistory({20, 12, 1});
  const auto shorter = ByAccount(short_history);
  const auto longer = ByAccount(Standard());
  for (const auto& [account, events] : shorter) {
    const auto& full = longer.at(account);
    REQUIRE(events.size() <= full.size());
    for (size_t i = 0; i < events.size(); ++i) {
      CHECK(events[i]->SerializeAsString() == full[i]->SerializeAsString());
    }
  }
}

// FNV-1a, 64 bits: a fingerprint of bytes for comparing with a recorded reference.
uint64_t Fnv1a(const std::string& bytes, uint64_t hash = 14695981039346656037ULL) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

TEST_CASE("the streamed months give exactly the history generated before streaming") {
  // Fingerprints of GenerateDemoHistory's submissions ("size:bytes" each) and findings (JSON
  // lines) as generated in one piece, before the generator streamed (commit cd950d3).
  struct Reference {
    DemoOptions options;
    size_t submissions;
    uint64_t bytes;
    size_t findings;
    uint64_t findings_json;
  };
  for (const Reference& reference : {
           Reference{{20, 24, 1}, 5585, 0x99b13c6f7d519425ULL, 55, 0x4f3569bc473ca63eULL},
           Reference{{7, 30, 1}, 2277, 0x34ebc14496722ef9ULL, 21, 0x978640549a0b8ae6ULL},
       }) {
    INFO(reference.options.accounts << " accounts, " << reference.options.months << " months");
    DemoGenerator generator(reference.options);
    std::vector<v1::SubmitEvent> month;
    size_t submissions = 0;
    uint64_t bytes = 14695981039346656037ULL;
    while (generator.NextMonth(&month)) {
      for (const auto& submission : month) {
        const std::string one = submission.SerializeAsString();
        bytes = Fnv1a(std::to_string(one.size()) + ":" + one, bytes);
        ++submissions;
      }
    }
    uint64_t findings_json = 14695981039346656037ULL;
    const auto findings = generator.seeded_findings();
    for (const auto& finding : findings) {
      findings_json = Fnv1a(SeededFindingToJson(finding) + "\n", findings_json);
    }
    CHECK(submissions == reference.submissions);
    CHECK(bytes == reference.bytes);
    CHECK(findings.size() == reference.findings);
    CHECK(findings_json == reference.findings_json);
  }
}

TEST_CASE("the streamed months, concatenated, are the collected history for any seed") {
  const DemoHistory history = GenerateDemoHistory({9, 18, 4});
  DemoGenerator generator({9, 18, 4});
  std::vector<v1::SubmitEvent> month;
  std::vector<std::string> streamed;
  int months = 0;
  while (generator.NextMonth(&month)) {
    ++months;
    for (const auto& submission : month) streamed.push_back(submission.SerializeAsString());
  }
  CHECK(months == 18);
  CHECK_FALSE(generator.NextMonth(&month));
  CHECK(month.empty());
  REQUIRE(streamed.size() == history.submissions.size());
  for (size_t i = 0; i < streamed.size(); ++i) {
    CHECK(streamed[i] == history.submissions[i].SerializeAsString());
  }
  CHECK(generator.account_ids() == history.account_ids);
}

TEST_CASE("two seeds never share an account id, and seed 1 keeps the clients' names") {
  std::map<std::string, uint64_t> owner;
  for (uint64_t seed : {1, 2, 7, 11, 12, 71, 0}) {
    const DemoGenerator generator({1000, 1, seed});
    REQUIRE(generator.account_ids().size() == 1000);
    for (const auto& id : generator.account_ids()) {
      INFO("seed " << seed << " id " << id);
      const auto [it, fresh] = owner.emplace(id, seed);
      CHECK(fresh);
      if (seed != 1) CHECK(id.size() > 3);
      if (seed != 1)
        CHECK(id.substr(id.size() - ("-s" + std::to_string(seed)).size()) ==
              "-s" + std::to_string(seed));
    }
  }
  CHECK(DemoAccountId("Nordwind Logistics AG", 1) == "nordwind-logistics-ag");
  CHECK(DemoAccountId("Nordwind Logistics AG", 7) == "nordwind-logistics-ag-s7");
  CHECK(DemoAccountId("Nordwind Logistics AG (Region 2)", 1) == "nordwind-logistics-ag-region-2");
  // Seed 7's ids and idempotency keys differ from seed 1's: a second seed opens new accounts.
  const DemoHistory seven = GenerateDemoHistory({20, 24, 7});
  for (const auto& id : seven.account_ids) CHECK(owner.at(id) == 7);
  CHECK(seven.submissions.front().idempotency_key().rfind("demo:7:", 0) == 0);
}

TEST_CASE("the generator holds a bounded number of submissions while it produces many accounts") {
  // 400 accounts over 36 months: about 170,000 events. Streaming, no month gives more than a
  // month's events and the generator holds only the few an account dated past the month.
  DemoGenerator generator({400, 36, 5});
  std::vector<v1::SubmitEvent> month;
  size_t total = 0;
  size_t largest_month = 0;
  size_t most_held = 0;
  while (generator.NextMonth(&month)) {
    total += month.size();
    largest_month = std::max(largest_month, month.size());
    most_held = std::max(most_held, generator.held());
  }
  INFO("total " << total << ", largest month " << largest_month << ", most held " << most_held);
  CHECK(total >= 100000);
  CHECK(largest_month * 20 <= total);  // a month is a small part of the history
  CHECK(most_held <= 400);             // at most about one event per account waits
  CHECK(generator.held() == 0);
}

TEST_CASE("seeded findings print as one JSON line each") {
  SeededFinding finding{"nordwind-logistics-ag",
                        "INV-2025-0007",
                        "CTR-2025-01",
                        1,
                        FindingRule::kDiscountAboveCap,
                        1000,
                        1500};
  CHECK(SeededFindingToJson(finding) ==
        R"({"accountId":"nordwind-logistics-ag","invoiceId":"INV-2025-0007",)"
        R"("contractId":"CTR-2025-01","lineIndex":1,"rule":"discount_above_cap",)"
        R"("expected":1000,"actual":1500})");
}

}  // namespace
}  // namespace timeline
