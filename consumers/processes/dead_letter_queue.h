// The dead letters an operator looks at (`timeline dlq list|show`), from either place they live:
//   - a worker's views (`--data DIR`): every record that worker refused, kept whole, with what
//     replays made of it (DeadLetter.last_replay);
//   - the account-events-dlq topic: every reader's letters (the projection workers' and the
//     sequencer's catch-up), at least once, each value cut to kMaxDeadLetterValueBytes.
// A dead letter is named by the coordinates of the record it holds: "<topic>:<partition>@<offset>"
// (Kafka topic names hold no ':' or '@').
// Concurrency: pure functions; each opens what it reads and closes it again.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "consumers/log/kafka_settings.h"
#include "engine/status.h"
#include "timeline/v1/dead_letter.pb.h"

namespace timeline {

struct DeadLetterId {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;

  bool Names(const v1::DeadLetter& letter) const {
    return letter.topic() == topic && letter.partition() == partition && letter.offset() == offset;
  }
};

// "account-events:2@17" → {account-events, 2, 17}. InvalidArgument naming the expected form.
Result<DeadLetterId> ParseDeadLetterId(std::string_view text);
std::string DeadLetterIdOf(const v1::DeadLetter& letter);

// True once a replay applied the letter's record or found it applied: nothing is left to do.
bool DeadLetterResolved(const v1::DeadLetter& letter);

// Every dead letter in <data_dir>/views, in (topic, partition, offset) order, read through a
// secondary next to a running worker. NotFound when there are no views.
Result<std::vector<v1::DeadLetter>> DeadLettersInViews(const std::string& data_dir);

// Every dead letter on the dead-letter topic up to its current end, in the topic's order; a
// repeat (same coordinates and reader, from an at-least-once retry) is listed once. A record
// there that is not a DeadLetter is listed as a letter of the dead-letter topic itself, with
// its own coordinates and that reason. NotFound when the topic does not exist.
Result<std::vector<v1::DeadLetter>> DeadLettersOnTopic(const KafkaSettings& kafka);

}  // namespace timeline
