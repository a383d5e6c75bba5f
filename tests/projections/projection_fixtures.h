// Fixtures for the projections tests: a temp directory and realistic, chained account histories.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/hash_chain.h"
#include "engine/log_record.h"
#include "tests/support/test_environment.h"
#include "tests/support/test_seal_key.h"
#include "timeline/v1/envelope.pb.h"
#include "timeline/v1/events.pb.h"

namespace timeline::testing {

inline constexpr char kEventsTopic[] = "account-events";

// The i-th (1-based) event of a test history: opened first, then a rotating mix.
inline v1::Event NthEvent(uint64_t i) {
  v1::Event event;
  if (i == 1) {
    auto* opened = event.mutable_account_opened();
    opened->set_name("Acme Industrial");
    opened->set_manager("jane.doe");
    opened->set_currency("EUR");
    opened->add_regions("EU");
    return event;
  }
  switch (i % 4) {
    case 0: {
      auto* order = event.mutable_order_placed();
      order->set_order_id("order-" + std::to_string(i));
      order->set_reorder(i % 8 == 0);
      auto* line = order->add_lines();
      line->set_sku("sku-1");
      line->set_quantity(static_cast<int64_t>(i));
      line->mutable_unit_price()->set_currency("EUR");
      line->mutable_unit_price()->set_minor_units(250);
      break;
    }
    case 1: {
      auto* milestone = event.mutable_milestone_completed();
      milestone->set_project_id("project-1");
      milestone->set_milestone_id("m-" + std::to_string(i));
      break;
    }
    case 2: {
      auto* training = event.mutable_training_delivered();
      training->set_training_id("training-" + std::to_string(i));
      training->set_product_sku("sku-1");
      training->set_attendees(3);
      break;
    }
    default: {
      auto* invoice = event.mutable_invoice_issued();
      invoice->set_invoice_id("invoice-" + std::to_string(i));
      invoice->set_order_id("order-" + std::to_string(i - 3));
      auto* line = invoice->add_lines();
      line->set_sku("sku-1");
      line->set_quantity(2);
      line->mutable_unit_price()->set_currency("EUR");
      line->mutable_unit_price()->set_minor_units(1000);
      break;
    }
  }
  return event;
}

// Events 1..count of `account`, chained and sealed as the sequencer does.
inline std::vector<v1::EventEnvelope> MakeHistory(const std::string& account, uint64_t count) {
  std::vector<v1::EventEnvelope> history;
  std::string prev_hash = GenesisHash();
  for (uint64_t sequence = 1; sequence <= count; ++sequence) {
    v1::EventEnvelope envelope;
    envelope.set_account_id(account);
    envelope.set_sequence(sequence);
    envelope.set_event_id(account + "-event-" + std::to_string(sequence));
    envelope.mutable_occurred_at()->set_seconds(1'800'000'000 + static_cast<int64_t>(sequence));
    envelope.mutable_recorded_at()->set_seconds(1'800'000'100 + static_cast<int64_t>(sequence));
    envelope.set_actor("jane.doe");
    envelope.set_schema_version(1);
    envelope.set_body(NthEvent(sequence).SerializeAsString());
    ChainAndSeal(prev_hash, &envelope);
    prev_hash = envelope.hash();
    history.push_back(std::move(envelope));
  }
  return history;
}

// An account-events record holding `envelope`, keyed by its account.
inline LogRecord RecordOf(const v1::EventEnvelope& envelope, int64_t offset,
                          int32_t partition = 0) {
  LogRecord record;
  record.topic = kEventsTopic;
  record.partition = partition;
  record.offset = offset;
  record.key = envelope.account_id();
  record.value = envelope.SerializeAsString();
  return record;
}

// Records for `history` at offsets first_offset, first_offset + 1, ...
inline std::vector<LogRecord> RecordsOf(const std::vector<v1::EventEnvelope>& history,
                                        int64_t first_offset, int32_t partition = 0) {
  std::vector<LogRecord> records;
  for (const auto& envelope : history) {
    records.push_back(RecordOf(envelope, first_offset++, partition));
  }
  return records;
}

}  // namespace timeline::testing
