#include "engine/account_fold.h"

#include <fmt/format.h>

#include "engine/hash_chain.h"

#include "timeline/v1/account_state.pb.h"
#include "timeline/v1/envelope.pb.h"
#include "timeline/v1/events.pb.h"

namespace timeline {
namespace {

void AddToTotal(const v1::Money& amount, google::protobuf::RepeatedPtrField<v1::CurrencyTotal>* totals) {
  for (auto& total : *totals) {
    if (total.currency() == amount.currency()) {
      total.set_minor_units(total.minor_units() + amount.minor_units());
      return;
    }
  }
  auto* total = totals->Add();
  total->set_currency(amount.currency());
  total->set_minor_units(amount.minor_units());
}

template <typename Line>
void AddLines(const google::protobuf::RepeatedPtrField<Line>& lines,
              google::protobuf::RepeatedPtrField<v1::CurrencyTotal>* totals) {
  for (const auto& line : lines) {
    v1::Money amount;
    amount.set_currency(line.unit_price().currency());
    amount.set_minor_units(line.unit_price().minor_units() * line.quantity());
    AddToTotal(amount, totals);
  }
}

}  // namespace

Status FoldDecodedEvent(const v1::EventEnvelope& envelope, const v1::Event& event,
                        v1::AccountState* state) {
  if (state->version() > 0 && envelope.account_id() != state->account_id()) {
    return Status::Corruption(fmt::format("an event of account {} cannot fold into account {}",
                                          envelope.account_id(), state->account_id()));
  }
  if (envelope.sequence() != state->version() + 1) {
    return Status::Corruption(fmt::format("account {}: event sequence {} does not follow version {}",
                                          envelope.account_id(), envelope.sequence(),
                                          state->version()));
  }
  switch (event.event_case()) {
    case v1::Event::kAccountOpened: {
      const auto& opened = event.account_opened();
      state->set_name(opened.name());
      state->set_manager(opened.manager());
      state->set_currency(opened.currency());
      state->mutable_regions()->CopyFrom(opened.regions());
      *state->mutable_opened_at() = envelope.occurred_at();
      break;
    }
    case v1::Event::kOrderPlaced: {
      const auto& order = event.order_placed();
      state->set_orders_placed(state->orders_placed() + 1);
      if (order.reorder()) state->set_reorders(state->reorders() + 1);
      AddLines(order.lines(), state->mutable_ordered());
      break;
    }
    case v1::Event::kMilestoneCompleted:
      state->set_milestones_completed(state->milestones_completed() + 1);
      break;
    case v1::Event::kInvoiceIssued: {
      state->set_invoices_issued(state->invoices_issued() + 1);
      AddLines(event.invoice_issued().lines(), state->mutable_invoiced());
      break;
    }
    case v1::Event::kTrainingDelivered:
      state->set_trainings_delivered(state->trainings_delivered() + 1);
      state->set_attendees_trained(state->attendees_trained() +
                                   static_cast<uint64_t>(event.training_delivered().attendees()));
      break;
    case v1::Event::EVENT_NOT_SET:
      // A newer writer's event type this build does not know: the version still advances so
      // the chain and the sequence stay whole; the event is kept in the timeline as written.
      break;
  }
  state->set_account_id(envelope.account_id());
  state->set_version(envelope.sequence());
  state->set_last_hash(ToHex(envelope.hash()));
  if (envelope.occurred_at().seconds() > state->last_occurred_at().seconds() ||
      (envelope.occurred_at().seconds() == state->last_occurred_at().seconds() &&
       envelope.occurred_at().nanos() > state->last_occurred_at().nanos())) {
    *state->mutable_last_occurred_at() = envelope.occurred_at();
  }
  return Status::Ok();
}

Status FoldEvent(const v1::EventEnvelope& envelope, v1::AccountState* state) {
  v1::Event event;
  if (!event.ParseFromString(envelope.body())) {
    return Status::Corruption(fmt::format("account {} sequence {}: body is not a timeline.v1.Event",
                                          envelope.account_id(), envelope.sequence()));
  }
  return FoldDecodedEvent(envelope, event, state);
}

}  // namespace timeline
