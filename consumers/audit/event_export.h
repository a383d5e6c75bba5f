// EventExport: one account's timeline written out for auditors and other tools
// (`timeline export`), as JSON lines or CSV of timeline.v1.ExportedEvent (export.proto).
//
// Each event carries every hashed envelope field, the body's stored bytes (base64) and the
// hashes and seal in hex, so the chain can be checked without our binary
// (deploy/verify_export.py, README "Verify an export without our binary").
// Operation: streams ViewStore::ScanHistory; one event is in memory at a time.
// Concurrency: reads the store only; safe from any thread while the store is.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include <google/protobuf/timestamp.pb.h>

#include "engine/status.h"
#include "projections/view_store.h"
#include "timeline/v1/envelope.pb.h"
#include "timeline/v1/export.pb.h"

namespace timeline {

enum class ExportFormat { kJsonLines, kCsv };

// "jsonl" or "csv". InvalidArgument names the text and the formats.
Result<ExportFormat> ParseExportFormat(std::string_view name);

struct ExportRequest {
  std::string account;
  ExportFormat format = ExportFormat::kJsonLines;
  // Keep only events with occurred_at <= as_of (in sequence order, so the export may then
  // skip sequences of events that occurred later but were recorded earlier).
  std::optional<google::protobuf::Timestamp> as_of;
};

// The envelope as exported. Corruption (naming the sequence) when the body is not an Event.
Result<v1::ExportedEvent> ToExportedEvent(const v1::EventEnvelope& envelope);

// Writes the account's events in sequence order to `out` (CSV: a header first, even when no
// event qualifies) and returns how many were written. NotFound when the account has no event
// at all; Corruption when a stored event does not decode; IoError when `out` fails.
Result<uint64_t> ExportHistory(const ViewStore& store, const ExportRequest& request,
                               std::ostream& out);

}  // namespace timeline
