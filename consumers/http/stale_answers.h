// How the API answers from views that are stale for an account's partition
// (consumers/processes/partition_standing.h): another worker folds it now, or none does while
// records wait. Such an answer is never given as current:
//   - for one account: forwarded to the peer server that reads the holding worker's views
//     (`--peer`, peer_directory.h), its reply marked Timeline-Answered-By; without such a peer
//     (or when it cannot be asked, or the request was itself forwarded), 503 "stale" naming the
//     partition, the worker holding it, the views' offset and the log's end, with Retry-After: 1
//     (a rebalance ends within seconds); with ?stale=ok the caller gets these views as they are,
//     marked by a Timeline-Stale header;
//   - for every account (the account list, the portfolio, the digest): the answer, with a
//     Timeline-Stale header naming each stale partition, since another worker folds the rest.
// Thread-safe: functions of their arguments.
#pragma once

#include <httplib.h>

#include <string>

namespace timeline {

class PartitionStanding;
class PeerDirectory;

// What the answers need; both may be null (no check, no forwarding) and must outlive the server.
struct StaleAnswers {
  const PartitionStanding* standing = nullptr;
  const PeerDirectory* peers = nullptr;
};

// True when these views may answer for `account`: no standing, the account's partition is current
// here, or the request says ?stale=ok (then Timeline-Stale is set). False after answering: with
// a peer's reply, or 503.
bool MayAnswerFor(const StaleAnswers& stale_answers, const std::string& account,
                  const httplib::Request& req, httplib::Response& res);

// Sets Timeline-Stale on an answer covering every account when any partition is stale here.
void MarkStalePartitions(const StaleAnswers& stale_answers, httplib::Response& res);

}  // namespace timeline
