// DemoHistory: a believable, deterministic history of national accounts for `timeline demo`.
//
// Operation: simulates each account month by month from a fixed epoch (2025-01-01T00:00:00Z):
// contracts (price list per SKU in EUR, payment terms, discount cap, validity, renewals and
// amendments), orders and reorders priced from the price list, partial shipments, invoices and
// payments, credit notes, projects and milestones (some rescheduled, late or overdue), service
// cases, marketing programmes, trainings, team changes and product proposals. Every event obeys
// the cross-event rules (engine/account_rules.cc), so the sequencer accepts all of them; a few
// invoices deliberately break their contract's terms and are listed in `seeded_findings`, which
// is what the compliance view must find.
// Streaming: DemoGenerator gives the history a month at a time, so memory holds the accounts'
// simulation state and one month's events, never the whole history; GenerateDemoHistory
// collects the same stream, for tests and small cases.
// Determinism: the same DemoOptions give byte-identical submissions on every platform (a
// std::mt19937_64 with our own range reduction; no wall clock; no unordered iteration).
// Seeds never share an account: seed 1's ids are the clients' names as slugs
// ("nordwind-logistics-ag"), any other seed's add "-s<seed>" ("nordwind-logistics-ag-s7").
// Concurrency: GenerateDemoHistory is a pure function, thread-safe; a DemoGenerator is used by
// one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "timeline/v1/commands.pb.h"

namespace timeline {

struct DemoOptions {
  int accounts = 20;  // 1..1000
  int months = 24;    // 1..240
  uint64_t seed = 1;
};

// The ways an invoice can break its contract, each seeded on purpose by the generator.
enum class FindingRule {
  kPriceDiffers,          // a line's unit price is not the price list's on the invoice date
  kDiscountAboveCap,      // a line's discount is above the contract's cap
  kPaymentTermsDiffer,    // due date - invoice date is not the contract's payment terms
  kBilledAboveFulfilled,  // a line bills more of its SKU than the order has shipped
  kNoContractInForce,     // the invoice date is outside the named contract's validity
};

// "price_differs", "discount_above_cap", "payment_terms_differ", "billed_above_fulfilled",
// "no_contract_in_force": stable names, for JSON and for views to compare with.
std::string_view FindingRuleName(FindingRule rule);

// One invoice that breaks its contract on purpose. Values by rule:
//   price_differs            line's unit price, minor units: expected (price list) vs actual
//   discount_above_cap       line's discount, bps: expected = the cap, actual = the discount
//   payment_terms_differ     days from invoice date to due date (line_index = -1)
//   billed_above_fulfilled   line's quantity: expected = shipped so far (all invoices of the
//                            order included), actual = billed on this invoice plus earlier ones
//   no_contract_in_force     epoch seconds: expected = the named contract's valid_until (an
//                            exclusive end, 00:00Z of the first day after its term; valid_from
//                            when the invoice is dated before it), actual = the invoice date
//                            (line_index = -1). No other contract is in force on that date.
// Dates: invoices are dated in working hours, never on a contract's first or end day boundary
// instant, and contract validity and amendments start at 00:00Z, so day-granular and
// second-granular checks agree. due_at = invoice date + payment terms x 86,400 s exactly.
// Each seeded invoice breaks exactly one rule.
struct SeededFinding {
  std::string account_id;
  std::string invoice_id;
  std::string contract_id;
  int line_index = -1;  // -1: the rule concerns the whole invoice
  FindingRule rule = FindingRule::kPriceDiffers;
  int64_t expected = 0;
  int64_t actual = 0;
};

// {"accountId":...,"invoiceId":...,"contractId":...,"lineIndex":0,"rule":"price_differs",
//  "expected":125000,"actual":133800}: one JSON line, no trailing newline.
std::string SeededFindingToJson(const SeededFinding& finding);

struct DemoHistory {
  // In submission order: all accounts interleaved by occurred_at; each account's own events in
  // non-decreasing occurred_at, the first its accountOpened. Every submission carries an
  // idempotency key derived from (seed, account, index) and expected_version = index.
  std::vector<v1::SubmitEvent> submissions;
  std::vector<SeededFinding> seeded_findings;  // by account, then invoice date
  std::vector<std::string> account_ids;        // in generation order
  int64_t reference_date = 0;  // epoch seconds: the end of the history (epoch + months)
};

// The epoch the demo history starts at: 2025-01-01T00:00:00Z.
inline constexpr int64_t kDemoEpoch = 1735689600;

// The demo's account id for the client `name` under `seed`: the name as a slug for seed 1,
// the slug and "-s<seed>" for any other seed (client names never end that way, so two seeds
// never give the same id).
std::string DemoAccountId(std::string_view name, uint64_t seed);

// "demo:<seed>:<account>:<index>": the idempotency key of the account's index-th demo event
// (index = its expected_version). An account whose recorded events carry these keys was made by
// an earlier run of the same seed.
std::string DemoIdempotencyKey(uint64_t seed, std::string_view account_id, uint64_t index);

// The history as a stream of months. The months' submissions, concatenated, are exactly
// GenerateDemoHistory(options).submissions (same order, same bytes). Options out of range are
// clamped.
class DemoGenerator {
 public:
  explicit DemoGenerator(const DemoOptions& options);
  ~DemoGenerator();
  DemoGenerator(const DemoGenerator&) = delete;
  DemoGenerator& operator=(const DemoGenerator&) = delete;

  const std::vector<std::string>& account_ids() const;  // in generation order
  int64_t reference_date() const;                       // epoch seconds: the end of the history

  // Replaces *batch with the next month's submissions (all accounts interleaved by occurred_at;
  // each account's own events in order), possibly none. False, with *batch empty, once every
  // month was given.
  bool NextMonth(std::vector<v1::SubmitEvent>* batch);

  // Submissions generated and not given yet: the few events an account dated after the month
  // it was run to. Bounded by the accounts, not by the history's length.
  size_t held() const;

  // The seeded findings, by account, then invoice date: complete once NextMonth returned false.
  std::vector<SeededFinding> seeded_findings() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Generates the whole history in memory (the DemoGenerator's stream, collected). Pure and
// deterministic (see above). Options out of range are clamped.
DemoHistory GenerateDemoHistory(const DemoOptions& options);

}  // namespace timeline
