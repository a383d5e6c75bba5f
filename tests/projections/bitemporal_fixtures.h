// Fixtures for the bitemporal tests: account histories whose events carry their own occurred_at
// and recorded_at (late events, corrections), folded by the real Projector in chosen batches.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/hash_chain.h"
#include "projections/account_snapshot.h"
#include "projections/projector.h"
#include "projections/view_store.h"
#include "tests/projections/projection_fixtures.h"
#include "timeline/v1/envelope.pb.h"
#include "timeline/v1/events.pb.h"

namespace timeline::testing {

// One account's chained history; each event says when it occurred and when it was recorded.
class TimedHistory {
 public:
  explicit TimedHistory(std::string account) : account_(std::move(account)) {}

  TimedHistory& Add(const v1::Event& event, int64_t occurred_seconds, int64_t recorded_seconds) {
    v1::EventEnvelope envelope;
    envelope.set_account_id(account_);
    envelope.set_sequence(envelopes_.size() + 1);
    envelope.set_event_id(account_ + "-" + std::to_string(envelope.sequence()));
    envelope.mutable_occurred_at()->set_seconds(occurred_seconds);
    envelope.mutable_recorded_at()->set_seconds(recorded_seconds);
    envelope.set_actor("test");
    envelope.set_schema_version(1);
    envelope.set_body(event.SerializeAsString());
    ChainAndSeal(envelopes_.empty() ? GenesisHash() : envelopes_.back().hash(), &envelope);
    envelopes_.push_back(std::move(envelope));
    return *this;
  }

  const std::vector<v1::EventEnvelope>& envelopes() const { return envelopes_; }

 private:
  std::string account_;
  std::vector<v1::EventEnvelope> envelopes_;
};

// A primary ViewStore in a temp directory and the Projector that writes it.
class ProjectedViews {
 public:
  ProjectedViews() {
    auto store = ViewStore::OpenPrimary(dir_.Sub("views"));
    REQUIRE(store.ok());
    store_ = std::move(store).value();
    projector_ = std::make_unique<Projector>(store_.get(), &TestSealKey());
  }

  // Folds `envelopes` in Kafka batches of `batch_size` records.
  void Apply(const std::vector<v1::EventEnvelope>& envelopes, size_t batch_size = 5000) {
    for (size_t first = 0; first < envelopes.size(); first += batch_size) {
      std::vector<LogRecord> records;
      for (size_t i = first; i < std::min(envelopes.size(), first + batch_size); ++i) {
        records.push_back(RecordOf(envelopes[i], next_offset_++));
      }
      REQUIRE(projector_->ApplyBatch(records).ok());
    }
  }

  const ViewStore& store() const { return *store_; }
  const Projector& projector() const { return *projector_; }

 private:
  TempDir dir_;
  std::unique_ptr<ViewStore> store_;
  std::unique_ptr<Projector> projector_;
  int64_t next_offset_ = 0;
};

// The snapshot's entities, each serialized, in the snapshot's order.
inline std::vector<std::string> SerializedEntities(const AccountSnapshot& snapshot) {
  std::vector<std::string> out;
  const auto add = [&](const auto& records) {
    for (const auto& record : records) out.push_back(record.SerializeAsString());
  };
  add(snapshot.contracts);
  add(snapshot.orders);
  add(snapshot.invoices);
  add(snapshot.projects);
  add(snapshot.milestones);
  add(snapshot.proposals);
  add(snapshot.service_cases);
  add(snapshot.programmes);
  add(snapshot.trainings);
  add(snapshot.team);
  return out;
}

}  // namespace timeline::testing
