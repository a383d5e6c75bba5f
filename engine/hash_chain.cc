#include "engine/hash_chain.h"

#include <fmt/format.h>

#include "engine/big_endian.h"
#include "timeline/v1/envelope.pb.h"

namespace timeline {
namespace {

void AppendField(std::string_view bytes, std::string* out) {
  AppendBigEndian32(static_cast<uint32_t>(bytes.size()), out);
  out->append(bytes);
}

void AppendTimestamp(const google::protobuf::Timestamp& at, std::string* out) {
  AppendBigEndian64(static_cast<uint64_t>(at.seconds()), out);
  AppendBigEndian32(static_cast<uint32_t>(at.nanos()), out);
}

}  // namespace

const std::string& GenesisHash() {
  static const std::string kGenesis(kHashSize, '\0');
  return kGenesis;
}

std::string EventHashInput(const v1::EventEnvelope& envelope) {
  std::string input;
  input.reserve(envelope.body().size() + envelope.account_id().size() + 200);
  input.append(envelope.prev_hash());
  AppendBigEndian64(envelope.sequence(), &input);
  AppendField(envelope.account_id(), &input);
  AppendField(envelope.event_id(), &input);
  AppendTimestamp(envelope.occurred_at(), &input);
  AppendTimestamp(envelope.recorded_at(), &input);
  AppendField(envelope.actor(), &input);
  AppendField(envelope.idempotency_key(), &input);
  AppendField(envelope.correlation_id(), &input);
  AppendField(envelope.causation_id(), &input);
  AppendBigEndian32(envelope.schema_version(), &input);
  AppendField(envelope.submission_id(), &input);
  AppendField(envelope.body(), &input);
  return input;
}

std::string EventHash(const v1::EventEnvelope& envelope) {
  return Sha256Of(EventHashInput(envelope));
}

void LinkEvent(std::string_view prev_hash, v1::EventEnvelope* envelope) {
  envelope->set_prev_hash(std::string(prev_hash));
  envelope->set_hash(EventHash(*envelope));
}

Status ChainVerifier::Next(const v1::EventEnvelope& envelope) {
  const uint64_t expected_sequence = last_sequence_ + 1;
  if (envelope.sequence() != expected_sequence) {
    return Status::Corruption(fmt::format("account {}: expected sequence {} but found {}",
                                          envelope.account_id(), expected_sequence,
                                          envelope.sequence()));
  }
  if (envelope.prev_hash() != last_hash_) {
    return Status::Corruption(fmt::format(
        "account {} sequence {}: prev_hash {} does not match the previous event's hash {}",
        envelope.account_id(), envelope.sequence(), ToHex(envelope.prev_hash()),
        ToHex(last_hash_)));
  }
  const std::string computed = EventHash(envelope);
  if (envelope.hash() != computed) {
    return Status::Corruption(fmt::format(
        "account {} sequence {}: stored hash {} but the event's contents hash to {} (altered)",
        envelope.account_id(), envelope.sequence(), ToHex(envelope.hash()), ToHex(computed)));
  }
  last_sequence_ = envelope.sequence();
  last_hash_ = envelope.hash();
  return Status::Ok();
}

}  // namespace timeline
