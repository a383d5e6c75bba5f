// A generated account history with a realistic mix (orders, shipments, invoices, payments,
// corrections, credits, trainings) and late events: shared by the snapshot property test and
// the as-of benchmark. Deterministic for a seed.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>

#include "engine/hash_chain.h"
#include "tests/engine/event_builders.h"
#include "tests/support/test_seal_key.h"
#include "timeline/v1/envelope.pb.h"
#include "timeline/v1/events.pb.h"

namespace timeline::testing {

class GeneratedHistory {
 public:
  // `late_percent` of the events occurred up to `max_late_days` before they were recorded.
  GeneratedHistory(std::string account, uint64_t seed, int late_percent = 5, int max_late_days = 60)
      : account_(std::move(account)),
        random_(seed),
        late_percent_(late_percent),
        max_late_days_(max_late_days) {}

  // The next event, chained to the previous one.
  v1::EventEnvelope Next() {
    const uint64_t sequence = ++sequence_;
    clock_ += Uniform(600, 7200);  // an event every 10 min to 2 h
    int64_t occurred = clock_;
    if (sequence > 1 && Uniform(0, 99) < late_percent_) {
      occurred -= Uniform(1, max_late_days_) * kDay;  // a late event: it happened days ago
    }
    recorded_ = std::max(recorded_ + 1, clock_ + Uniform(0, 300));
    v1::EventEnvelope envelope;
    envelope.set_account_id(account_);
    envelope.set_sequence(sequence);
    envelope.set_event_id(account_ + "-" + std::to_string(sequence));
    envelope.mutable_occurred_at()->set_seconds(occurred);
    envelope.mutable_recorded_at()->set_seconds(recorded_);
    envelope.set_actor("generator");
    envelope.set_schema_version(1);
    envelope.set_body(NextEvent(sequence).SerializeAsString());
    ChainAndSeal(prev_hash_, &envelope);
    prev_hash_ = envelope.hash();
    return envelope;
  }

  int64_t first_second() const { return kJan15; }
  int64_t last_second() const { return std::max(clock_, recorded_); }

 private:
  int64_t Uniform(int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high)(random_);
  }
  std::string Id(const char* kind, uint64_t n) { return std::string(kind) + std::to_string(n); }

  v1::Event NextEvent(uint64_t sequence) {
    if (sequence == 1) return AccountOpened("Generated " + account_);
    const int64_t roll = Uniform(0, 99);
    const int64_t price = 100 * Uniform(1, 50);
    if (roll < 28 || orders_ == 0) {
      ++orders_;
      return OrderPlaced(Id("O-", orders_),
                         {Line{"SKU-" + std::to_string(Uniform(1, 40)), Uniform(1, 20), price}});
    }
    if (roll < 40) {
      return OrderFulfilled(Id("O-", Uniform(1, orders_)), Id("S-", sequence),
                            {{"SKU-1", Uniform(1, 5)}});
    }
    if (roll < 62 || invoices_ == 0) {
      ++invoices_;
      return InvoiceIssued(Id("I-", invoices_), Id("O-", Uniform(1, orders_)),
                           {Line{"SKU-1", Uniform(1, 10), price}});
    }
    if (roll < 84) {
      return PaymentReceived(Id("P-", sequence), Id("I-", Uniform(1, invoices_)),
                             Money(100 * Uniform(1, 100)));
    }
    if (roll < 89) {
      return InvoiceCorrected(Id("I-", Uniform(1, invoices_)),
                              {Line{"SKU-1", Uniform(1, 10), price}});
    }
    if (roll < 92) {
      return InvoiceCredited(Id("I-", Uniform(1, invoices_)), Id("CN-", sequence),
                             Money(100 * Uniform(1, 20)));
    }
    if (roll < 95) return OrderCancelled(Id("O-", Uniform(1, orders_)));
    if (roll < 98)
      return TrainingDelivered(Id("T-", sequence), static_cast<int32_t>(Uniform(1, 12)));
    return ServiceCaseOpened(Id("C-", sequence));
  }

  std::string account_;
  std::mt19937_64 random_;
  int late_percent_;
  int64_t max_late_days_;
  uint64_t sequence_ = 0;
  int64_t clock_ = kJan15;
  int64_t recorded_ = 0;
  uint64_t orders_ = 0;
  uint64_t invoices_ = 0;
  std::string prev_hash_ = GenesisHash();
};

}  // namespace timeline::testing
