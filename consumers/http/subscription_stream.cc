#include "consumers/http/subscription_stream.h"

#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "consumers/http/access_control.h"
#include "consumers/http/api_replies.h"
#include "consumers/http/request_access.h"
#include "consumers/http/request_metrics.h"
#include "consumers/http/stream_slots.h"
#include "consumers/json/json_views.h"
#include "consumers/log/event_subscription.h"
#include "consumers/processes/served_views.h"
#include "engine/event_type.h"
#include "projections/view_store.h"

namespace timeline {
namespace {

using httplib::Request;
using httplib::Response;
using Clock = std::chrono::steady_clock;

// How long one round of a stream waits for events, so that it notices a stop.
constexpr auto kRoundWait = std::chrono::milliseconds(250);
// Events sent in one round at most.
constexpr size_t kMaxEventsPerRound = 500;
// How long a manager token's view of an account (its current manager) is trusted.
constexpr auto kVisibilityTtl = std::chrono::seconds(5);

// Which accounts one stream's grant may see, from the views, remembered for kVisibilityTtl.
class Visibility {
 public:
  Visibility(const Grant* grant, const SubscriptionStreamContext& ctx) : grant_(grant), ctx_(ctx) {}

  bool operator()(const std::string& account) {
    if (grant_->role != Role::kManager)
      return grant_->all_accounts || grant_->accounts.count(account);
    const auto now = Clock::now();
    auto it = known_.find(account);
    if (it != known_.end() && now - it->second.checked < kVisibilityTtl) return it->second.visible;
    if (ctx_.refresh) ctx_.refresh();
    auto state = ctx_.views->Current()->GetState(account);
    const bool visible = state.ok() && state->has_value() && grant_->MaySee(**state);
    known_[account] = {visible, now};
    return visible;
  }

 private:
  struct Known {
    bool visible = false;
    Clock::time_point checked;
  };
  const Grant* grant_;
  SubscriptionStreamContext ctx_;
  std::map<std::string, Known> known_;
};

// One SSE message for `item`, appended to `out`.
void AppendMessage(const SubscriptionItem& item, std::string* out) {
  if (!item.event) {
    *out += "id: " + item.token + "\n\n";  // moves the client's last event id, dispatches nothing
    return;
  }
  auto entry = ToHistoryEntry(*item.event);
  if (!entry.ok()) {  // the envelope decoded, its body did not: keep the position only
    spdlog::warn("subscription stream: account {} sequence {}: {}", item.event->account_id(),
                 item.event->sequence(), entry.status().message());
    *out += "id: " + item.token + "\n\n";
    return;
  }
  std::string type = EventTypeName(entry->event());
  if (type.empty()) type = "unknown";  // a newer writer's event type
  *out += "id: " + item.token + "\nevent: " + type + "\ndata: " + ToJsonLine(*entry) + "\n\n";
}

class SubscriptionStreams {
 public:
  explicit SubscriptionStreams(const SubscriptionStreamContext& context)
      : ctx_(context), slots_(context.max_streams) {}

  void Subscribe(const Request& req, Response& res) {
    const Grant* grant = AuthenticateRequest(req, res, ctx_.tokens);
    if (grant == nullptr) return;
    std::vector<std::string> accounts;
    for (size_t i = 0; i < req.get_param_value_count("account"); ++i) {
      accounts.push_back(req.get_param_value("account", i));
    }
    std::vector<std::string> types;
    for (size_t i = 0; i < req.get_param_value_count("type"); ++i) {
      types.push_back(req.get_param_value("type", i));
    }
    SubscriptionOptions options;
    options.kafka = ctx_.kafka;
    options.heartbeat_every = ctx_.token_every;
    auto filter = SubscriptionFilter::Parse(accounts, types);
    if (!filter.ok()) {
      // The filter speaks the CLI's flags ("--type: ..."); here they are parameters.
      std::string message = filter.status().message();
      if (message.rfind("--", 0) == 0) message.erase(0, 2);
      return ReplyError(res, 400, "invalid_argument", message);
    }
    options.filter = std::move(filter).value();
    if (ctx_.refresh) ctx_.refresh();
    for (const auto& account : options.filter.accounts) {
      if (!MayFollow(*grant, account, res)) return;
    }
    const bool resume = req.has_header("Last-Event-ID");
    const std::string from = resume ? req.get_header_value("Last-Event-ID")
                                    : (req.has_param("from") ? req.get_param_value("from") : "END");
    auto start = SubscriptionStart::Parse(from);
    if (!start.ok()) {
      return ReplyError(
          res, 400, "invalid_argument",
          std::string(resume ? "Last-Event-ID " : "from ") + start.status().message());
    }
    options.start = std::move(start).value();
    auto visibility = std::make_shared<Visibility>(grant, ctx_);
    options.visible = [visibility](const std::string& account) { return (*visibility)(account); };

    auto slot = slots_.TryAcquire();
    if (!slot) {
      return ReplyError(res, 503, "unavailable",
                        "too many subscriptions are open (at most " +
                            std::to_string(ctx_.max_streams) + "); retry later");
    }
    auto opened = EventSubscription::Open(options);
    if (!opened.ok()) {
      if (opened.status().code() == StatusCode::kInvalidArgument) {
        return ReplyError(res, 400, "invalid_argument", opened.status().message());
      }
      return ReplyStatus(res, opened.status());
    }
    std::shared_ptr<EventSubscription> subscription = std::move(opened).value();
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Accel-Buffering", "no");  // a proxy must not hold the stream back
    auto last_write = std::make_shared<std::optional<Clock::time_point>>();
    res.set_chunked_content_provider(
        "text/event-stream",
        [ctx = ctx_, subscription, slot, last_write](size_t, httplib::DataSink& sink) {
          if (ctx.stopping != nullptr && ctx.stopping->load()) {
            sink.done();
            return true;
          }
          std::string out;
          if (!last_write->has_value()) out = ": open\nretry: 1000\n\n";  // flushes the headers
          size_t sent = 0;
          auto wait = kRoundWait;
          while (sent < kMaxEventsPerRound) {
            auto item = subscription->Next(wait);
            if (!item.ok()) {
              spdlog::error("subscription stream: {}", item.status().ToString());
              sink.done();
              return true;
            }
            if (!item->has_value()) break;
            AppendMessage(**item, &out);
            ++sent;
            wait = std::chrono::milliseconds(0);  // send what is there, then write
          }
          const auto now = Clock::now();
          if (out.empty() && now - **last_write >= ctx.heartbeat_every) out = ": keep-alive\n\n";
          if (out.empty()) return true;
          *last_write = now;
          return sink.write(out.data(), out.size());  // false: the client went away
        });
  }

 private:
  // Whether the grant may follow `account`; replies 403 (or 500) and returns false otherwise.
  bool MayFollow(const Grant& grant, const std::string& account, Response& res) const {
    auto state = ctx_.views->Current()->GetState(account);
    if (!state.ok()) {
      ReplyStatus(res, state.status());
      return false;
    }
    const bool allowed =
        state->has_value() ? grant.MaySee(**state) : grant.MayLearnAbsence(account);
    if (!allowed) {
      ReplyError(res, 403, "forbidden",
                 "this token may not see account " + account + "; leave it out of `account`");
    }
    return allowed;
  }

  SubscriptionStreamContext ctx_;
  StreamSlots slots_;
};

}  // namespace

void RegisterSubscriptionStreamRoute(httplib::Server* server,
                                     const SubscriptionStreamContext& context) {
  auto streams = std::make_shared<SubscriptionStreams>(context);
  InstrumentedRoutes routes(server, context.metrics);
  routes.Get("/api/subscribe", "/api/subscribe",
             [streams](const Request& req, Response& res) { streams->Subscribe(req, res); });
}

}  // namespace timeline
