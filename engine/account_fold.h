// The fold: how one accepted event changes an account's state.
//
// Pure and deterministic, so the projection worker, as-of queries and tests share it and a
// replay of the same events always gives the same state.
#pragma once

#include "engine/status.h"

namespace timeline::v1 {
class AccountState;
class Event;
class EventEnvelope;
}  // namespace timeline::v1

namespace timeline {

// Applies `envelope` (whose body is a serialized Event) to `state`.
// OK: state now reflects the event and state->version() == envelope.sequence().
// Corruption: the body does not decode, or the sequence is not state->version() + 1;
// `state` is then unchanged.
Status FoldEvent(const v1::EventEnvelope& envelope, v1::AccountState* state);

// As FoldEvent, for a caller that already decoded the body into `event`.
Status FoldDecodedEvent(const v1::EventEnvelope& envelope, const v1::Event& event,
                        v1::AccountState* state);

}  // namespace timeline
