// The rules a submission must meet on its own, before the account's history is consulted.
#pragma once

#include <cstddef>
#include <optional>

#include "engine/refusal.h"
#include "timeline/v1/commands.pb.h"

namespace timeline {

// How large a submission (the record value on account-commands) may be, unless
// `--max-submission-bytes` says otherwise. Far below the producer's message.max.bytes (1,000,000):
// an event or a rejection carries the submission and a little more, and must always fit.
constexpr size_t kDefaultMaxSubmissionBytes = 256 * 1024;
// The largest limit `--max-submission-bytes` accepts, with room for the event's envelope.
constexpr size_t kMaxSubmissionBytesCeiling = 512 * 1024;

// nullopt when a submission of `bytes` is within `limit`; otherwise TOO_LARGE naming both.
std::optional<Refusal> CheckSubmissionSize(size_t bytes, size_t limit);

// Account ids: 1 to 64 characters of [A-Za-z0-9._:-]. The restriction keeps RocksDB keys
// unambiguous (docs/storage.md) and ids safe in URLs and shells.
bool IsValidAccountId(std::string_view account_id);

// nullopt when every field rule holds; otherwise the first broken rule, naming the field by its
// JSON path (e.g. "event.orderPlaced.lines[1].unitPrice.minorUnits") and the value found.
// Codes: INVALID_FIELD, NEGATIVE_AMOUNT, UNKNOWN_EVENT_TYPE. Pure and thread-safe.
//
// The rules look at the submission alone, never at the account's history (engine/account_rules.h
// does that). For every event case:
// - the envelope: a valid accountId, occurredAt present and in the years 1970..2199, an idempotency
//   key of at most 256 bytes;
// - ids that name the thing the event is about (orderId, invoiceId, member, manager, ...) are
//   required, at most 128 bytes and hold no zero byte; optional references (orderPlaced.contractId,
//   productSku, ...) meet the same shape when set;
// - enums hold a known value, and not *_UNSPECIFIED where the event is about them (role,
//   severity, accountScopeChanged.scope); accountOpened.scope may stay unspecified (national);
// - money: minorUnits >= 0 (NEGATIVE_AMOUNT), an active ISO 4217 currency
//   (engine/currency_codes.h); payments and credits > 0;
//   a standalone amount and a line's total at most 10^15 minor units;
// - lines (order, invoice, shipment): at least one, a sku, quantity > 0 (NEGATIVE_AMOUNT below
//   zero); invoice lines' discountBps 0..10000;
// - contract terms: each SKU priced once, paymentTermsDays 0..365, discountCapBps 0..10000,
//   service levels named with targetHours > 0, validFrom required, validUntil after it;
// - the dates an event is about are required (dueAt of projectStarted, milestonePlanned,
//   milestoneRescheduled and invoiceIssued,
//   contractAmended.effectiveFrom, contractTerminated.effectiveOn, trainingScheduled.scheduledAt);
//   invoiceCorrected.dueAt, marketingProgrammeLaunched.endsAt and .budget are optional
//   (marketingProgrammeCompleted ends a programme); every timestamp given is in the years
//   1970..2199 (a business's dates; a typo's year 9999 would make per-month answers thousands of
//   points long);
// - counts: trainingScheduled.seats and trainingDelivered.attendees > 0;
// - texts: accountOpened.name and milestoneRescheduled.reason (why it moved) are required;
//   productProposed names a sku or, for a product that has none yet, a description.
std::optional<Refusal> ValidateSubmission(const v1::SubmitEvent& submission);

}  // namespace timeline
