#include "consumers/audit/chain_audit.h"

#include <fmt/format.h>

#include <unordered_map>
#include <utility>

#include "consumers/log/topic_reader.h"
#include "engine/chain_digest.h"
#include "engine/hash_chain.h"
#include "projections/view_store.h"
#include "timeline/v1/envelope.pb.h"

namespace timeline {
namespace {

using Kind = v1::ChainProblem::Kind;

// Where one account's chain stands in the walk.
struct ChainHead {
  uint64_t sequence = 0;
  std::string hash = GenesisHash();
};

v1::ChainProblem Problem(Kind kind, const v1::EventEnvelope& envelope, std::string detail) {
  v1::ChainProblem problem;
  problem.set_kind(kind);
  problem.set_account_id(envelope.account_id());
  problem.set_sequence(envelope.sequence());
  problem.set_offset(-1);
  problem.set_detail(std::move(detail));
  return problem;
}

// Checks `envelope` against its account's head and moves the head on. Returns the problem, if
// any, and whether the event belongs in the chain (and so in the partition's digest).
std::pair<std::optional<v1::ChainProblem>, bool> CheckNext(const SealKey* key,
                                                           const v1::EventEnvelope& envelope,
                                                           ChainHead* head) {
  if (key != nullptr) {
    if (Status integrity = CheckIntegrity(*key, envelope); !integrity.ok()) {
      const bool forged = integrity.message().rfind("forged:", 0) == 0;
      return {Problem(forged ? v1::ChainProblem::FORGED : v1::ChainProblem::ALTERED, envelope,
                      integrity.message()),
              false};
    }
  } else if (EventHash(envelope) != envelope.hash()) {
    return {
        Problem(v1::ChainProblem::ALTERED, envelope,
                fmt::format("altered: account {} sequence {}: the contents do not hash to {}",
                            envelope.account_id(), envelope.sequence(), ToHex(envelope.hash()))),
        false};
  }
  if (envelope.sequence() <= head->sequence) {
    return {Problem(v1::ChainProblem::FORK, envelope,
                    fmt::format("account {}: a second event under sequence {} (the chain is at {})",
                                envelope.account_id(), envelope.sequence(), head->sequence)),
            false};
  }
  std::optional<v1::ChainProblem> problem;
  if (envelope.sequence() != head->sequence + 1) {
    problem = Problem(v1::ChainProblem::SEQUENCE_GAP, envelope,
                      fmt::format("account {}: sequence {} follows {}; {} to {} are missing",
                                  envelope.account_id(), envelope.sequence(), head->sequence,
                                  head->sequence + 1, envelope.sequence() - 1));
  } else if (envelope.prev_hash() != head->hash) {
    problem = Problem(v1::ChainProblem::BROKEN_LINK, envelope,
                      fmt::format("account {} sequence {}: prev_hash {} is not the hash {} of "
                                  "sequence {}",
                                  envelope.account_id(), envelope.sequence(),
                                  ToHex(envelope.prev_hash()), ToHex(head->hash), head->sequence));
  }
  // Re-synchronise on this event so that one break is reported once.
  head->sequence = envelope.sequence();
  head->hash = envelope.hash();
  return {std::move(problem), true};
}

// Compares a partition's running digest with the pins as the digest passes them.
class PartitionProver {
 public:
  PartitionProver(v1::ChainDigest start, const std::map<uint64_t, v1::ChainDigest>* pins,
                  const AuditOptions& options)
      : digest_(std::move(start)), pins_(pins), options_(options) {}

  void Fold(const v1::EventEnvelope& envelope) {
    FoldIntoDigest(envelope, &digest_);
    Compare(digest_);
  }

  // Compares the pin at `digest.events()`, if there is one.
  void Compare(const v1::ChainDigest& digest) {
    if (pins_ == nullptr) return;
    auto pin = pins_->find(digest.events());
    if (pin == pins_->end()) return;
    ++compared_;
    if (pin->second.digest() == digest.digest()) {
      ++matched_;
      proven_through_ = std::max(proven_through_, digest.events());
      return;
    }
    v1::ChainProblem problem;
    problem.set_kind(v1::ChainProblem::DIGEST_MISMATCH);
    problem.set_topic(digest.topic());
    problem.set_partition(digest.partition());
    problem.set_offset(-1);
    problem.set_account_id(pin->second.last_account_id());
    problem.set_sequence(pin->second.last_sequence());
    problem.set_detail(fmt::format(
        "{}[{}]: after {} events the digest is {} but the sequencer pinned {} (ending at account "
        "{} sequence {}): an event was skipped, added or reordered before it",
        digest.topic(), digest.partition(), digest.events(), ToHex(digest.digest()),
        ToHex(pin->second.digest()), pin->second.last_account_id(), pin->second.last_sequence()));
    options_.on_problem(problem);
    ++problems_;
  }

  const v1::ChainDigest& digest() const { return digest_; }
  uint64_t problems() const { return problems_; }

  v1::PartitionProof Proof() const {
    v1::PartitionProof proof;
    proof.set_topic(digest_.topic());
    proof.set_partition(digest_.partition());
    proof.set_events(digest_.events());
    proof.set_digest(ToHex(digest_.digest()));
    proof.set_pins_compared(compared_);
    proof.set_pins_matched(matched_);
    proof.set_proven_through(proven_through_);
    return proof;
  }

 private:
  v1::ChainDigest digest_;
  const std::map<uint64_t, v1::ChainDigest>* pins_;
  const AuditOptions& options_;
  uint64_t compared_ = 0;
  uint64_t matched_ = 0;
  uint64_t proven_through_ = 0;
  uint64_t problems_ = 0;
};

const std::map<uint64_t, v1::ChainDigest>* PinsOf(const PublishedPins& pins, int32_t partition) {
  auto it = pins.find(partition);
  return it == pins.end() ? nullptr : &it->second;
}

}  // namespace

Result<PublishedPins> ReadPublishedPins(const KafkaSettings& settings,
                                        const AuditOptions& options) {
  PublishedPins pins;
  TIMELINE_RETURN_IF_ERROR(
      ReadTopicToEnd(settings, settings.topics.chain_digests, [&](const LogRecord& record) {
        v1::ChainDigest pin;
        const bool decoded = pin.ParseFromString(record.value);
        if (!decoded ||
            (options.seal_key != nullptr && !ChainDigestSealValid(*options.seal_key, pin))) {
          v1::ChainProblem problem;
          problem.set_kind(v1::ChainProblem::FORGED_DIGEST);
          problem.set_topic(record.topic);
          problem.set_partition(record.partition);
          problem.set_offset(record.offset);
          problem.set_detail(decoded ? "forged: the chain digest's seal does not match the "
                                       "sequencer's key"
                                     : "the record is not a timeline.v1.ChainDigest");
          options.on_problem(problem);
          return Status::Ok();
        }
        pins[pin.partition()][pin.events()] = std::move(pin);
        return Status::Ok();
      }));
  return pins;
}

Result<v1::VerifyReport> VerifyLog(const KafkaSettings& settings, const PublishedPins& pins,
                                   const AuditOptions& options) {
  v1::VerifyReport report;
  report.set_source("log");
  report.set_seal_checked(options.seal_key != nullptr);
  std::unordered_map<std::string, ChainHead> heads;
  std::map<int32_t, PartitionProver> provers;
  const std::string& topic = settings.topics.events;
  uint64_t problems = 0;

  TIMELINE_RETURN_IF_ERROR(ReadTopicToEnd(settings, topic, [&](const LogRecord& record) {
    auto prover = provers.find(record.partition);
    if (prover == provers.end()) {
      prover = provers
                   .try_emplace(record.partition, EmptyChainDigest(topic, record.partition),
                                PinsOf(pins, record.partition), options)
                   .first;
    }
    const bool reported = !options.account || record.key == *options.account;
    v1::EventEnvelope envelope;
    if (!envelope.ParseFromString(record.value)) {
      if (reported) {
        v1::ChainProblem problem;
        problem.set_kind(v1::ChainProblem::UNDECODABLE);
        problem.set_account_id(record.key);
        problem.set_detail(fmt::format("the value ({} bytes) is not a timeline.v1.EventEnvelope",
                                       record.value.size()));
        problem.set_topic(record.topic);
        problem.set_partition(record.partition);
        problem.set_offset(record.offset);
        options.on_problem(problem);
        ++problems;
      }
      return Status::Ok();
    }
    auto [problem, in_chain] = CheckNext(options.seal_key, envelope, &heads[envelope.account_id()]);
    if (in_chain) prover->second.Fold(envelope);
    if (!reported) return Status::Ok();
    if (problem) {
      problem->set_topic(record.topic);
      problem->set_partition(record.partition);
      problem->set_offset(record.offset);
      options.on_problem(*problem);
      ++problems;
    } else {
      report.set_events_verified(report.events_verified() + 1);
    }
    return Status::Ok();
  }));

  uint64_t chained = 0;
  for (auto& [partition, prover] : provers) {
    problems += prover.problems();
    chained += prover.digest().events();
    *report.add_partitions() = prover.Proof();
  }
  report.set_log_events(chained);
  // A pin beyond what the log holds: events the sequencer wrote are gone from the log.
  for (const auto& [partition, by_count] : pins) {
    const auto prover = provers.find(partition);
    const uint64_t held = prover == provers.end() ? 0 : prover->second.digest().events();
    if (by_count.empty() || by_count.rbegin()->first <= held) continue;
    const v1::ChainDigest& pin = by_count.rbegin()->second;
    v1::ChainProblem problem;
    problem.set_kind(v1::ChainProblem::MISSING_EVENTS);
    problem.set_topic(topic);
    problem.set_partition(partition);
    problem.set_offset(-1);
    problem.set_account_id(pin.last_account_id());
    problem.set_sequence(pin.last_sequence());
    problem.set_detail(fmt::format("{}[{}]: the sequencer pinned {} events but the log holds {}",
                                   topic, partition, pin.events(), held));
    options.on_problem(problem);
    ++problems;
  }
  report.set_accounts(options.account ? (heads.count(*options.account) ? 1 : 0) : heads.size());
  report.set_problems(problems);
  return report;
}

Result<v1::VerifyReport> VerifyView(const ViewStore& store, const std::string& events_topic,
                                    const PublishedPins& pins, const AuditOptions& options,
                                    const v1::VerifyReport* log) {
  v1::VerifyReport report;
  report.set_source("view");
  report.set_seal_checked(options.seal_key != nullptr);
  uint64_t problems = 0;

  const auto verify_account = [&](const std::string& account) -> Status {
    ChainHead head;
    report.set_accounts(report.accounts() + 1);
    return store.ScanHistory(account, 1, [&](const v1::EventEnvelope& envelope) {
      auto [problem, in_chain] = CheckNext(options.seal_key, envelope, &head);
      if (problem) {
        options.on_problem(*problem);
        ++problems;
      } else {
        report.set_events_verified(report.events_verified() + 1);
      }
      return true;
    });
  };
  if (options.account) {
    TIMELINE_RETURN_IF_ERROR(verify_account(*options.account));
  } else {
    std::vector<std::string> accounts;
    TIMELINE_RETURN_IF_ERROR(store.ScanStates([&](const v1::AccountState& state) {
      accounts.push_back(state.account_id());
      return true;
    }));
    for (const auto& account : accounts) TIMELINE_RETURN_IF_ERROR(verify_account(account));
  }

  const auto missing = [&](int32_t partition, uint64_t held, uint64_t expected,
                           const std::string& account, uint64_t sequence, const std::string& by) {
    v1::ChainProblem problem;
    problem.set_kind(v1::ChainProblem::MISSING_EVENTS);
    problem.set_partition(partition);
    problem.set_offset(-1);
    problem.set_account_id(account);
    problem.set_sequence(sequence);
    problem.set_detail(fmt::format(
        "{}[{}]: the view has applied {} events but {} {}: it is {} events behind{}; wait for the "
        "worker to catch up (or `timeline rebuild`), and look for dead letters",
        events_topic, partition, held, by, expected, expected - held, held == 0 ? " (empty)" : ""));
    options.on_problem(problem);
    ++problems;
  };

  // The view's digests: at each pin it passed, and now; a pin it has not reached is missing.
  for (const auto& [partition, by_count] : pins) {
    auto current = store.CurrentDigest(events_topic, partition);
    if (!current.ok()) return current.status();
    PartitionProver prover(*current, &by_count, options);
    if (!by_count.empty() && by_count.rbegin()->first > current->events()) {
      const v1::ChainDigest& pin = by_count.rbegin()->second;
      missing(partition, current->events(), pin.events(), pin.last_account_id(),
              pin.last_sequence(), "the sequencer pinned");
    }
    for (const auto& [events, pin] : by_count) {
      if (events > current->events()) break;  // reported above
      if (events == current->events()) {
        prover.Compare(*current);
      } else if (events % kDigestPinEvery == 0) {
        auto at_pin = store.DigestAtPin(events_topic, partition, events);
        if (!at_pin.ok()) return at_pin.status();
        if (at_pin->has_value()) prover.Compare(**at_pin);
      }
    }
    problems += prover.problems();
    *report.add_partitions() = prover.Proof();
  }

  // The log's end: the view must hold exactly the events of the log's chains.
  if (log != nullptr) {
    uint64_t log_events = 0;
    for (const v1::PartitionProof& at_end : log->partitions()) {
      log_events += at_end.events();
      auto current = store.CurrentDigest(events_topic, at_end.partition());
      if (!current.ok()) return current.status();
      if (current->events() < at_end.events()) {
        // Already reported against a pin when the pin says as much.
        auto pinned = pins.find(at_end.partition());
        const bool reported = pinned != pins.end() && !pinned->second.empty() &&
                              pinned->second.rbegin()->first > current->events();
        if (!reported) {
          missing(at_end.partition(), current->events(), at_end.events(), "", 0, "the log holds");
        }
      } else if (current->events() == at_end.events() &&
                 ToHex(current->digest()) != at_end.digest()) {
        v1::ChainProblem problem;
        problem.set_kind(v1::ChainProblem::DIGEST_MISMATCH);
        problem.set_partition(at_end.partition());
        problem.set_offset(-1);
        problem.set_detail(fmt::format(
            "{}[{}]: after {} events the view's digest is {} but the log's is {}: the view "
            "applied other events than the log holds",
            events_topic, at_end.partition(), at_end.events(), ToHex(current->digest()),
            at_end.digest()));
        options.on_problem(problem);
        ++problems;
      }
    }
    report.set_log_events(log_events);
  }
  report.set_problems(problems);
  return report;
}

}  // namespace timeline
