// How the API answers from views that are stale for an account's partition
// (consumers/processes/partition_standing.h): another worker folds it now, or none does while
// records wait. Such an answer is never given as current:
//   - for one account: 503 "stale", naming the partition, the worker holding it, the views'
//     offset and the log's end, with Retry-After: 1 (a rebalance ends within seconds); with
//     ?stale=ok the caller gets the views as they are, marked by a Timeline-Stale header;
//   - for every account (the account list, the portfolio, the digest): the answer, with a
//     Timeline-Stale header naming each stale partition, since another worker folds the rest.
// Thread-safe: functions of their arguments.
#pragma once

#include <httplib.h>

#include <string>

namespace timeline {

class PartitionStanding;

// True when these views may answer for `account`: `standing` is null (no check), the account's
// partition is current here, or the request says ?stale=ok (then Timeline-Stale is set). False
// after replying 503.
bool MayAnswerFor(const PartitionStanding* standing, const std::string& account,
                  const httplib::Request& req, httplib::Response& res);

// Sets Timeline-Stale on an answer covering every account when any partition is stale here.
void MarkStalePartitions(const PartitionStanding* standing, httplib::Response& res);

}  // namespace timeline
