#include "consumers/http/stale_answers.h"

#include "consumers/http/api_replies.h"
#include "consumers/http/peer_directory.h"
#include "consumers/processes/partition_standing.h"

namespace timeline {
namespace {

constexpr char kForwardedHeader[] = "Timeline-Forwarded";
constexpr time_t kForwardConnectSeconds = 1;
constexpr time_t kForwardReadSeconds = 30;  // a view over a large account takes a while

// Answers `req` with the reply of the peer at `url`: the same path and parameters, the caller's
// token and cookie, marked so that the peer never forwards it again. False (and `failure` set)
// when the peer could not be asked.
bool Forward(const std::string& url, const httplib::Request& req, httplib::Response& res,
             std::string* failure) {
  httplib::Client client(url);
  client.set_connection_timeout(kForwardConnectSeconds, 0);
  client.set_read_timeout(kForwardReadSeconds, 0);
  httplib::Headers headers{{kForwardedHeader, "1"}};
  for (const char* name : {"Authorization", "Cookie"}) {
    if (req.has_header(name)) headers.emplace(name, req.get_header_value(name));
  }
  auto reply = client.Get(req.path, req.params, headers);
  if (!reply) {
    *failure = "asking " + url + " failed: " + httplib::to_string(reply.error());
    return false;
  }
  res.status = reply->status;
  for (const char* name : {"Retry-After", "Timeline-Stale", "WWW-Authenticate"}) {
    if (reply->has_header(name)) res.set_header(name, reply->get_header_value(name));
  }
  res.set_header("Timeline-Answered-By", url);
  res.set_content(reply->body, reply->get_header_value("Content-Type"));
  return true;
}

}  // namespace

bool MayAnswerFor(const StaleAnswers& stale_answers, const std::string& account,
                  const httplib::Request& req, httplib::Response& res) {
  const PartitionStanding* standing = stale_answers.standing;
  if (standing == nullptr) return true;
  auto stale = standing->StaleFor(account);
  if (!stale) return true;
  const std::string where = stale->Describe(standing->topic());
  if (req.has_param("stale") && req.get_param_value("stale") == "ok") {
    res.set_header("Timeline-Stale", where);
    return true;
  }
  std::string forward_failure;
  if (stale_answers.peers != nullptr && !stale->holder.empty() &&
      !req.has_header(kForwardedHeader)) {
    if (auto url = stale_answers.peers->UrlOf(stale->holder)) {
      if (Forward(*url, req, res, &forward_failure)) return false;
    }
  }
  res.set_header("Retry-After", "1");
  ReplyError(res, 503, "stale",
             "account " + account + " is in " + where +
                 (forward_failure.empty() ? "" : " (" + forward_failure + ")") +
                 ": ask a server that reads that worker's views, or add ?stale=ok to read "
                 "these as they are");
  return false;
}

void MarkStalePartitions(const StaleAnswers& stale_answers, httplib::Response& res) {
  const PartitionStanding* standing = stale_answers.standing;
  if (standing == nullptr) return;
  std::string stale;
  for (const StalePartition& partition : standing->StalePartitions()) {
    stale += (stale.empty() ? "" : "; ") + partition.Describe(standing->topic());
  }
  if (!stale.empty()) res.set_header("Timeline-Stale", stale);
}

}  // namespace timeline
