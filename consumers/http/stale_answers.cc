#include "consumers/http/stale_answers.h"

#include "consumers/http/api_replies.h"
#include "consumers/processes/partition_standing.h"

namespace timeline {

bool MayAnswerFor(const PartitionStanding* standing, const std::string& account,
                  const httplib::Request& req, httplib::Response& res) {
  if (standing == nullptr) return true;
  auto stale = standing->StaleFor(account);
  if (!stale) return true;
  const std::string where = stale->Describe(standing->topic());
  if (req.has_param("stale") && req.get_param_value("stale") == "ok") {
    res.set_header("Timeline-Stale", where);
    return true;
  }
  res.set_header("Retry-After", "1");
  ReplyError(res, 503, "stale",
             "account " + account + " is in " + where +
                 ": ask a server that reads that worker's views, or add ?stale=ok to read "
                 "these as they are");
  return false;
}

void MarkStalePartitions(const PartitionStanding* standing, httplib::Response& res) {
  if (standing == nullptr) return;
  std::string stale;
  for (const StalePartition& partition : standing->StalePartitions()) {
    stale += (stale.empty() ? "" : "; ") + partition.Describe(standing->topic());
  }
  if (!stale.empty()) res.set_header("Timeline-Stale", stale);
}

}  // namespace timeline
