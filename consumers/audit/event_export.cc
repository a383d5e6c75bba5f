#include "consumers/audit/event_export.h"

#include <openssl/evp.h>

#include <fmt/format.h>

#include "consumers/audit/csv_record.h"
#include "consumers/json/json_views.h"
#include "engine/event_type.h"
#include "engine/hash_chain.h"

namespace timeline {
namespace {

// Standard base64 with padding (RFC 4648 section 4), what Python's base64.b64decode reads.
std::string Base64(const std::string& bytes) {
  std::string encoded(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     static_cast<int>(bytes.size()));
  encoded.resize(static_cast<size_t>(length));
  return encoded;
}

bool After(const google::protobuf::Timestamp& at, const google::protobuf::Timestamp& limit) {
  return at.seconds() > limit.seconds() ||
         (at.seconds() == limit.seconds() && at.nanos() > limit.nanos());
}

}  // namespace

Result<ExportFormat> ParseExportFormat(std::string_view name) {
  if (name == "jsonl") return ExportFormat::kJsonLines;
  if (name == "csv") return ExportFormat::kCsv;
  return Status::InvalidArgument(
      fmt::format("unknown export format '{}'; formats: jsonl, csv", name));
}

Result<v1::ExportedEvent> ToExportedEvent(const v1::EventEnvelope& envelope) {
  v1::ExportedEvent exported;
  if (!exported.mutable_event()->ParseFromString(envelope.body())) {
    return Status::Corruption(fmt::format("account {} sequence {}: body is not a timeline.v1.Event",
                                          envelope.account_id(), envelope.sequence()));
  }
  exported.set_account_id(envelope.account_id());
  exported.set_sequence(envelope.sequence());
  exported.set_event_id(envelope.event_id());
  *exported.mutable_occurred_at() = envelope.occurred_at();
  *exported.mutable_recorded_at() = envelope.recorded_at();
  exported.set_actor(envelope.actor());
  exported.set_idempotency_key(envelope.idempotency_key());
  exported.set_correlation_id(envelope.correlation_id());
  exported.set_causation_id(envelope.causation_id());
  exported.set_schema_version(envelope.schema_version());
  exported.set_submission_id(envelope.submission_id());
  exported.set_event_type(EventTypeName(exported.event()));
  exported.set_body_base64(Base64(envelope.body()));
  exported.set_prev_hash(ToHex(envelope.prev_hash()));
  exported.set_hash(ToHex(envelope.hash()));
  exported.set_seal(ToHex(envelope.seal()));
  return exported;
}

Result<uint64_t> ExportHistory(const ViewStore& store, const ExportRequest& request,
                               std::ostream& out) {
  auto state = store.GetState(request.account);
  if (!state.ok()) return state.status();
  if (!state->has_value()) return Status::NotFound("no account " + request.account);

  if (request.format == ExportFormat::kCsv) out << CsvHeader(*v1::ExportedEvent::descriptor());
  uint64_t written = 0;
  Status failure;
  TIMELINE_RETURN_IF_ERROR(
      store.ScanHistory(request.account, 1, [&](const v1::EventEnvelope& envelope) {
        if (request.as_of && After(envelope.occurred_at(), *request.as_of)) return true;
        auto exported = ToExportedEvent(envelope);
        if (!exported.ok()) {
          failure = exported.status();
          return false;
        }
        if (request.format == ExportFormat::kCsv) {
          out << ToCsvRecord(*exported);
        } else {
          out << ToJsonLine(*exported) << '\n';
        }
        if (!out) {
          failure = Status::IoError(fmt::format("cannot write the export of {} (sequence {})",
                                                request.account, envelope.sequence()));
          return false;
        }
        ++written;
        return true;
      }));
  TIMELINE_RETURN_IF_ERROR(failure);
  out.flush();
  if (!out) return Status::IoError("cannot write the export of " + request.account);
  return written;
}

}  // namespace timeline
