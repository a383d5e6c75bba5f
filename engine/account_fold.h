// The fold: how one accepted event changes an account — its summary (AccountState) and the
// entities it talks about (contracts, orders, invoices, projects, ...; engine/entity_keys.h).
//
// Pure and deterministic given the same entities, so the sequencer (for its cross-event rules),
// the projection worker, as-of queries and tests share it, and a replay of the same events
// always gives the same result. It applies what the log says: the rules were enforced when the
// event was accepted, so an event naming an unknown entity still moves the totals it can.
#pragma once

#include "engine/entity_cache.h"
#include "engine/status.h"

namespace timeline::v1 {
class AccountState;
class Event;
class EventEnvelope;
}  // namespace timeline::v1

namespace timeline {

// Applies `envelope` (whose body is a serialized Event) to `state` and `entities`.
// OK: state->version() == envelope.sequence() afterwards.
// Corruption: the body does not decode, the sequence is not state->version() + 1, or the event
// belongs to another account; nothing is changed then. Other errors come from `entities`' store.
Status FoldEvent(const v1::EventEnvelope& envelope, v1::AccountState* state, EntityCache* entities);

// As FoldEvent, for a caller that already decoded the body into `event`.
Status FoldDecodedEvent(const v1::EventEnvelope& envelope, const v1::Event& event,
                        v1::AccountState* state, EntityCache* entities);

// The amount an invoice line bills: quantity x unit price, less its discount (the discount is
// rounded down to the minor unit, so the client never pays less than the terms say).
int64_t InvoiceLineAmount(const v1::InvoiceLine& line);

}  // namespace timeline
