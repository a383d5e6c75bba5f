// Fuzz target: records of account-events as the projection worker hands them to the Projector
// (projections/projector.h), which decodes each envelope, checks its key, sequence, hash, seal and
// link, folds it into the views or dead-letters it. The input is a list of length-prefixed records
// (length_prefixed_records.h); each record's first byte says how to build it:
//   bit 0   the rest is an EventEnvelope the target links and seals with the workers' key (as the
//           sequencer would), so the fuzzer reaches the fold and the views; otherwise the rest
//           is the record value as it is, to be refused
//   bit 1   the record key is not the envelope's account id
//   bits 2-3 the partition (0..3)
//
// Invariants, for every input:
// - ApplyBatch succeeds, and every record is counted once: applied, duplicate or dead-lettered;
// - every dead letter names its record, has a UTF-8 reason, and reads back from the store (an
//   unreadable dead letter would make `timeline dlq` and every later scan fail);
// - every account's stored history is 1..version, a verifying chain, ending at the state's hash;
// - each partition's checkpoint is past its last record;
// - replaying the stored dead letters (Projector::ReplayDeadLetters, nothing fixed) keeps every
//   history verifying and every checkpoint, and a second replay changes no letter it resolved:
//   exactly once.
// The store is emptied after each input, so inputs do not depend on each other.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/event_seal.h"
#include "engine/hash_chain.h"
#include "engine/sha256.h"
#include "projections/projector.h"
#include "projections/view_store.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_temp_dir.h"
#include "tests/fuzz/length_prefixed_records.h"

namespace timeline::fuzz {
namespace {

constexpr size_t kMaxRecords = 64;
constexpr char kTopic[] = "account-events";

struct Views {
  FuzzTempDir dir{"worker"};
  std::unique_ptr<ViewStore> store;
  SealKey seal_key = SealKey::FromBytes(std::string(32, 'w'));
  ManualClock clock{1'780'000'000};

  Views() { Open(); }

  // Starts the next input from an empty store. Deleting keys leaves tombstones that every later
  // scan walks over, so every kInputsPerStore inputs the store is made anew instead.
  void Empty() {
    if (++inputs_ % kInputsPerStore != 0) return DeleteAll();
    store.reset();
    std::filesystem::remove_all(dir.path() + "/views");
    Open();
  }

 private:
  static constexpr uint64_t kInputsPerStore = 256;

  void Open() {
    auto opened = ViewStore::OpenPrimary(dir.path() + "/views");
    FUZZ_CHECK(opened.ok(), "the view store opens: " + opened.status().ToString());
    store = std::move(opened).value();
  }

  // Deletes every key the projector may have written.
  void DeleteAll() {
    rocksdb::WriteBatch batch;
    for (auto* family :
         {store->state_family(), store->events_family(), store->checkpoints_family(),
          store->dead_letters_family(), store->entities_family(), store->digests_family(),
          store->snapshots_family(), store->snapshot_entities_family(),
          store->open_segments_family(), store->state_outbox_family()}) {
      Status scanned = store->ScanFamily(family->GetName(), [&](std::string_view key, auto) {
        FUZZ_CHECK(batch.Delete(family, rocksdb::Slice(key.data(), key.size())).ok(),
                   "a delete can be batched");
        return true;
      });
      FUZZ_CHECK(scanned.ok(), "a family can be scanned: " + scanned.ToString());
    }
    FUZZ_CHECK(store->Write(&batch).ok(), "the store can be emptied");
  }

  uint64_t inputs_ = 0;
};

Views& TheViews() {
  static Views views;
  return views;
}

// Builds the batch's records from the input, linking the envelopes it seals per account.
std::vector<LogRecord> BuildRecords(const std::vector<std::string>& parts, const SealKey& key) {
  std::vector<LogRecord> records;
  std::map<std::string, std::string> last_hash;  // account -> hash of the last envelope sealed
  for (const std::string& part : parts) {
    if (part.empty()) continue;
    const uint8_t flags = static_cast<uint8_t>(part[0]);
    LogRecord record;
    record.topic = kTopic;
    record.partition = (flags >> 2) & 3;
    record.offset = static_cast<int64_t>(records.size());
    record.value = part.substr(1);
    v1::EventEnvelope envelope;
    const bool decodes = envelope.ParseFromString(record.value);
    if (decodes && (flags & 1) != 0) {
      auto [previous, fresh] = last_hash.try_emplace(envelope.account_id(), GenesisHash());
      LinkEvent(previous->second, &envelope);
      SealEvent(key, &envelope);
      previous->second = envelope.hash();
      record.value = envelope.SerializeAsString();
    }
    record.key = (flags & 2) != 0 ? part.substr(1, 8) : envelope.account_id();
    records.push_back(std::move(record));
  }
  return records;
}

void CheckDeadLetter(const v1::DeadLetter& letter, const std::vector<LogRecord>& records) {
  CheckMessage(letter.reason(), "a dead letter's reason");
  FUZZ_CHECK(letter.offset() >= 0 && letter.offset() < static_cast<int64_t>(records.size()),
             "a dead letter names a record of the batch");
  const LogRecord& record = records[static_cast<size_t>(letter.offset())];
  FUZZ_CHECK(letter.topic() == record.topic && letter.partition() == record.partition &&
                 letter.key() == record.key && letter.value() == record.value,
             "a dead letter keeps its record's coordinates and bytes");
  v1::DeadLetter read_back;
  FUZZ_CHECK(
      read_back.ParseFromString(letter.SerializeAsString()) && SameMessage(read_back, letter),
      "a dead letter reads back as it was written");
}

// Every account's stored history is 1..version, a verifying chain ending at its state's hash.
void CheckHistories(const ViewStore& store) {
  Status scanned = store.ScanStates([&](const v1::AccountState& state) {
    ChainVerifier chain;
    Status history = store.ScanHistory(state.account_id(), 1, [&](const v1::EventEnvelope& e) {
      Status next = chain.Next(e);
      FUZZ_CHECK(next.ok(), "the stored history verifies: " + next.ToString());
      return true;
    });
    FUZZ_CHECK(history.ok(), "the history can be read: " + history.ToString());
    FUZZ_CHECK(chain.verified() == state.version(),
               "account " + state.account_id() + " holds events 1.." +
                   std::to_string(chain.verified()) + " at version " +
                   std::to_string(state.version()));
    FUZZ_CHECK(ToHex(chain.last_hash()) == state.last_hash(), "the state ends the chain");
    return true;
  });
  FUZZ_CHECK(scanned.ok(), "the states can be read: " + scanned.ToString());
}

void CheckCheckpoints(const ViewStore& store, const std::vector<LogRecord>& records) {
  std::map<int32_t, int64_t> next;
  for (const auto& record : records) next[record.partition] = record.offset + 1;
  for (const auto& [partition, offset] : next) {
    auto stored = store.NextOffset(kTopic, partition);
    FUZZ_CHECK(stored.ok() && stored->has_value() && **stored == offset,
               "partition " + std::to_string(partition) + "'s checkpoint is past its last record");
  }
}

std::vector<v1::DeadLetter> StoredDeadLetters(const ViewStore& store) {
  std::vector<v1::DeadLetter> letters;
  Status scanned = store.ScanDeadLetters([&](const v1::DeadLetter& letter) {
    letters.push_back(letter);
    return true;
  });
  FUZZ_CHECK(scanned.ok(), "the stored dead letters read back: " + scanned.ToString());
  return letters;
}

bool Resolved(const v1::DeadLetter& letter) {
  return letter.last_replay().outcome() == v1::DeadLetterReplay::APPLIED ||
         letter.last_replay().outcome() == v1::DeadLetterReplay::ALREADY_APPLIED;
}

// The stored letters, in key order (the log's), replayed twice with the same key.
void ReplayAndCheck(Projector& projector, const ViewStore& store,
                    const std::vector<LogRecord>& records) {
  auto first = projector.ReplayDeadLetters(StoredDeadLetters(store));
  FUZZ_CHECK(first.ok(),
             "a replay of the stored dead letters succeeds: " + first.status().ToString());
  for (const auto& letter : *first) {
    FUZZ_CHECK(letter.last_replay().outcome() != v1::DeadLetterReplay::OUTCOME_UNSPECIFIED,
               "every replayed letter says what came of it");
    CheckMessage(letter.last_replay().detail(), "a replay's detail");
  }
  CheckHistories(store);
  CheckCheckpoints(store, records);
  auto second = projector.ReplayDeadLetters(*first);
  FUZZ_CHECK(second.ok(), "a second replay succeeds: " + second.status().ToString());
  FUZZ_CHECK(second->size() == first->size(), "a replay returns every letter");
  for (size_t i = 0; i < first->size(); ++i) {
    if (!Resolved((*first)[i])) continue;
    FUZZ_CHECK(SameMessage((*second)[i], (*first)[i]), "a resolved letter is never folded again");
  }
  const std::vector<v1::DeadLetter> stored = StoredDeadLetters(store);
  FUZZ_CHECK(stored.size() == second->size(), "a replay adds and drops no letter");
  CheckHistories(store);
}

void ApplyAndCheck(const std::vector<std::string>& parts) {
  Views& views = TheViews();
  const std::vector<LogRecord> records = BuildRecords(parts, views.seal_key);
  Projector projector(views.store.get(), &views.seal_key, &views.clock);
  std::vector<v1::DeadLetter> sunk;
  projector.set_dead_letter_sink([&](const std::vector<v1::DeadLetter>& letters) {
    sunk.insert(sunk.end(), letters.begin(), letters.end());
    return Status::Ok();
  });
  Status applied = projector.ApplyBatch(records);
  FUZZ_CHECK(applied.ok(), "a batch of any records applies: " + applied.ToString());
  const ProjectorStats& stats = projector.stats();
  FUZZ_CHECK(stats.applied + stats.duplicates + stats.dead_lettered == records.size(),
             "every record is applied, a duplicate or dead-lettered");
  FUZZ_CHECK(sunk.size() == stats.dead_lettered, "every dead letter reaches the sink");
  for (const auto& letter : sunk) CheckDeadLetter(letter, records);
  size_t stored_letters = 0;
  Status letters = views.store->ScanDeadLetters([&](const v1::DeadLetter&) {
    ++stored_letters;
    return true;
  });
  FUZZ_CHECK(letters.ok(), "the stored dead letters read back: " + letters.ToString());
  FUZZ_CHECK(stored_letters == sunk.size(), "every dead letter is stored");
  CheckHistories(*views.store);
  CheckCheckpoints(*views.store, records);
  ReplayAndCheck(projector, *views.store, records);
  views.Empty();
}

}  // namespace
}  // namespace timeline::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  timeline::fuzz::ApplyAndCheck(
      timeline::fuzz::SplitLengthPrefixed(data, size, timeline::fuzz::kMaxRecords));
  return 0;
}
