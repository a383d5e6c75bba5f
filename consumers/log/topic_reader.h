// ReadTopicToEnd: every record of a topic, from the beginning of each partition up to its end
// as it was when the read started (read_committed), without a consumer group. For audits
// (`timeline verify`) and other whole-log reads.
#pragma once

#include <functional>
#include <string>

#include "consumers/log/kafka_client.h"
#include "engine/log_record.h"
#include "engine/status.h"

namespace timeline {

// Calls `visit` with each record in offset order within a partition (partitions interleave).
// A non-OK Status from `visit` stops the read and is returned. NotFound when the topic does not
// exist; KafkaError or TimedOut when the broker fails. `extra`: more consumer configuration,
// e.g. a smaller prefetch ("queued.max.messages.kbytes") for a reader that must stay small.
Status ReadTopicToEnd(const KafkaSettings& settings, const std::string& topic,
                      const std::function<Status(const LogRecord&)>& visit,
                      const ConfigPairs& extra = {});

}  // namespace timeline
