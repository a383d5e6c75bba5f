#include "consumers/http/api_routes.h"

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "consumers/audit/chain_audit.h"
#include "consumers/http/access_control.h"
#include "consumers/http/api_replies.h"
#include "consumers/http/query_params.h"
#include "consumers/http/request_access.h"
#include "consumers/http/request_metrics.h"
#include "consumers/http/stale_answers.h"
#include "consumers/http/stream_slots.h"
#include "consumers/json/json_views.h"
#include "consumers/processes/served_views.h"
#include "projections/bitemporal_loader.h"
#include "projections/history_filter.h"
#include "projections/money_series.h"
#include "projections/view_dates.h"
#include "projections/view_digest.h"
#include "projections/view_registry.h"
#include "projections/view_store.h"
#include "timeline/v1/api.pb.h"
#include "timeline/v1/events.pb.h"
#include "timeline/v1/view_digest.pb.h"
#include "timeline/v1/views.pb.h"

namespace timeline {
namespace {

using httplib::Request;
using httplib::Response;

const ViewInfo* FindView(const std::string& name) {
  for (const auto& info : ViewCatalogue()) {
    if (name == info.name) return &info;
  }
  return nullptr;
}

std::string ViewNames() {
  std::string names;
  for (const auto& info : ViewCatalogue())
    names += (names.empty() ? "" : ", ") + std::string(info.name);
  return names;
}

// The portfolio restricted to `visible` accounts, with its counts recomputed.
v1::PortfolioView KeepVisible(const v1::PortfolioView& all, const std::set<std::string>& visible) {
  v1::PortfolioView kept;
  *kept.mutable_reference_date() = all.reference_date();
  uint32_t accounts = 0;
  for (const auto& manager : all.managers()) {
    v1::ManagerPortfolio portfolio;
    portfolio.set_manager(manager.manager());
    for (const auto& headline : manager.accounts()) {
      if (visible.count(headline.account_id()) == 0) continue;
      *portfolio.add_accounts() = headline;
      if (!headline.flags().empty())
        portfolio.set_flagged_accounts(portfolio.flagged_accounts() + 1);
      ++accounts;
    }
    if (portfolio.accounts_size() > 0) *kept.add_managers() = std::move(portfolio);
  }
  kept.set_accounts(accounts);
  return kept;
}

class ApiHandlers {
 public:
  explicit ApiHandlers(const ApiContext& context) : ctx_(context) {}

  void Accounts(const ViewStore& store, const Request& req, Response& res) const {
    const Grant* grant = Authenticate(req, res);
    if (grant == nullptr) return;
    v1::AccountList list;
    Status status = store.ScanStates([&](const v1::AccountState& state) {
      if (grant->MaySee(state)) {
        auto* entry = list.add_accounts();
        entry->set_account_id(state.account_id());
        entry->set_name(state.name());
        entry->set_manager(state.manager());
        entry->set_version(state.version());
      }
      return true;
    });
    if (!status.ok()) return ReplyStatus(res, status);
    MarkStalePartitions(ctx_.stale_answers, res);
    ReplyMessage(res, list);
  }

  void AccountState(const ViewStore& store, const Request& req, Response& res) const {
    const Grant* grant = Authenticate(req, res);
    if (grant == nullptr) return;
    auto cut = CutParams(req);
    if (!cut.ok()) return ReplyStatus(res, cut.status());
    const std::string account = req.matches[1];
    auto state = VisibleAccount(store, *grant, account, req, res);
    if (!state) return;
    if (!cut->occurred_through && !cut->recorded_through) return ReplyMessage(res, *state);
    auto snapshot = LoadAccountSnapshotAt(store, account, *cut);
    if (!snapshot.ok()) return ReplyStatus(res, snapshot.status());
    if (!snapshot->has_value()) {
      return ReplyStatus(res, Status::NotFound("account " + account +
                                               " has no events as of and known at that time"));
    }
    ReplyMessage(res, (*snapshot)->state);
  }

  void History(const ViewStore& store, const Request& req, Response& res) const {
    const Grant* grant = Authenticate(req, res);
    if (grant == nullptr) return;
    auto query = HistoryParams(req);
    if (!query.ok()) return ReplyStatus(res, query.status());
    const uint64_t limit = query->limit;
    const std::string account = req.matches[1];
    if (!VisibleAccount(store, *grant, account, req, res)) return;
    v1::HistoryPage page;
    Status failure;
    Status status =
        ScanFilteredHistory(store, account, query->filter, [&](const v1::EventEnvelope& envelope) {
          if (static_cast<uint64_t>(page.entries_size()) == limit) {
            page.set_next_from_seq(envelope.sequence());  // the first event not on this page
            return false;
          }
          auto entry = ToHistoryEntry(envelope);
          if (!entry.ok()) {
            failure = entry.status();
            return false;
          }
          *page.add_entries() = std::move(*entry);
          return true;
        });
    if (status.ok()) status = failure;
    if (!status.ok()) return ReplyStatus(res, status);
    ReplyMessage(res, page);
  }

  void Series(const ViewStore& store, const Request& req, Response& res) const {
    const Grant* grant = Authenticate(req, res);
    if (grant == nullptr) return;
    auto months = SeriesParams(req);
    if (!months.ok()) return ReplyStatus(res, months.status());
    const std::string account = req.matches[1];
    if (!VisibleAccount(store, *grant, account, req, res)) return;
    auto series = MonthlyMoneySeries(store, account, *months);
    if (!series.ok()) return ReplyStatus(res, series.status());
    ReplyMessage(res, *series);
  }

  void EventTypes(const Request& req, Response& res) const {
    if (Authenticate(req, res) == nullptr) return;
    v1::EventTypeList list;
    const auto* event = v1::Event::descriptor();
    for (int i = 0; i < event->field_count(); ++i) list.add_names(event->field(i)->name());
    list.add_names("unknown");  // event_stream.h: a newer writer's event type
    ReplyMessage(res, list);
  }

  void View(const ViewStore& store, const Request& req, Response& res) const {
    const Grant* grant = Authenticate(req, res);
    if (grant == nullptr) return;
    const std::string name = req.matches[1];
    const ViewInfo* info = FindView(name);
    if (info == nullptr) {
      return ReplyError(res, 404, "not_found", "no view " + name + "; views: " + ViewNames());
    }
    auto request = ViewParams(req);
    if (!request.ok()) return ReplyStatus(res, request.status());
    if (info->per_account && request->account.empty()) {
      return ReplyStatus(res, Status::InvalidArgument(std::string("account: the ") + info->name +
                                                      " view needs ?account=ID"));
    }
    if (!info->per_account && !request->account.empty()) {
      return ReplyStatus(res, Status::InvalidArgument(std::string("account: the ") + info->name +
                                                      " view covers every account; leave it out"));
    }
    if (info->per_account && !VisibleAccount(store, *grant, request->account, req, res)) return;
    auto view = RunView(store, name, *request);
    if (!view.ok()) return ReplyStatus(res, view.status());
    if (!info->per_account) MarkStalePartitions(ctx_.stale_answers, res);
    const auto* portfolio = dynamic_cast<const v1::PortfolioView*>(view->get());
    if (portfolio != nullptr && !grant->all_accounts) {
      std::set<std::string> visible;
      Status status = store.ScanStates([&](const v1::AccountState& state) {
        if (grant->MaySee(state)) visible.insert(state.account_id());
        return true;
      });
      if (!status.ok()) return ReplyStatus(res, status);
      return ReplyMessage(res, KeepVisible(*portfolio, visible));
    }
    ReplyMessage(res, **view);
  }

  void Verify(const ViewStore& store, const Request& req, Response& res) const {
    const Grant* grant = Authenticate(req, res);
    if (grant == nullptr) return;
    if (!grant->MayVerify()) {
      return ReplyForbidden(res, std::string("verify is for auditor tokens; this one is a ") +
                                     RoleName(grant->role) + " token");
    }
    const std::string account = req.matches[1];
    if (!VisibleAccount(store, *grant, account, req, res)) return;
    v1::AccountVerification verification;
    verification.set_account_id(account);
    AuditOptions options;
    options.account = account;
    options.seal_key = ctx_.seal_key;
    options.on_problem = [&](const v1::ChainProblem& problem) {
      *verification.add_problems() = problem;
    };
    PublishedPins pins;
    if (ctx_.read_pins) {
      auto published = ReadPublishedPins(ctx_.kafka, options);
      if (published.ok()) {
        pins = std::move(*published);
        verification.set_pins_read(true);
      } else {
        verification.set_note("chain checks only: the pins on chain-digests could not be read (" +
                              published.status().message() + ")");
      }
    } else {
      verification.set_note("chain checks only: this server does not read chain-digests");
    }
    auto report = VerifyView(store, ctx_.kafka.topics.events, pins, options);
    if (!report.ok()) return ReplyStatus(res, report.status());
    *verification.mutable_report() = std::move(*report);
    ReplyMessage(res, verification);
  }

  // The views' fingerprint (projections/view_digest.h). It covers every account, so only an
  // auditor granted every account may take it.
  void Digest(const ViewStore& store, const Request& req, Response& res) const {
    const Grant* grant = Authenticate(req, res);
    if (grant == nullptr) return;
    if (!grant->MayVerify() || !grant->all_accounts) {
      return ReplyForbidden(res,
                            "the digest covers every account: it is for auditor tokens "
                            "granted every account ('*')");
    }
    const std::string only_view = req.has_param("view") ? req.get_param_value("view") : "";
    auto digest = DigestViews(store, only_view);
    if (!digest.ok()) {
      Status status = digest.status();
      // An unknown or refused view is the caller's parameter, not a missing resource.
      if (status.code() == StatusCode::kNotFound || status.code() == StatusCode::kInvalidArgument) {
        status = Status::InvalidArgument("view: " + status.message());
      }
      return ReplyStatus(res, status);
    }
    MarkStalePartitions(ctx_.stale_answers, res);
    ReplyMessage(res, *digest);
  }

 private:
  const Grant* Authenticate(const Request& req, Response& res) const {
    return AuthenticateRequest(req, res, ctx_.tokens);
  }

  // The account's state when these views answer for it now (stale_answers.h) and the token
  // may see it; else replies (503, 403 or 404) and returns nullopt.
  std::optional<v1::AccountState> VisibleAccount(const ViewStore& store, const Grant& grant,
                                                 const std::string& account, const Request& req,
                                                 Response& res) const {
    if (!MayAnswerFor(ctx_.stale_answers, account, req, res)) return std::nullopt;
    return VisibleAccountOrReply(store, grant, account, res);
  }

  ApiContext ctx_;
};

}  // namespace

void RegisterApiRoutes(httplib::Server* server, const ApiContext& context) {
  auto api = std::make_shared<const ApiHandlers>(context);
  using Handler = void (ApiHandlers::*)(const ViewStore&, const Request&, Response&) const;
  // Each answer reads one store from start to end, even if a rebuild swaps the views meanwhile.
  auto serve = [api, views = context.views](Handler handler) {
    return [api, views, handler](const Request& req, Response& res) {
      const std::shared_ptr<const ViewStore> store = views->Current();
      (api.get()->*handler)(*store, req, res);
    };
  };
  // The answers whose work and size grow with an account's history or the whole store: at most
  // max_heavy_requests at once, 503 at once beyond, so that a burst keeps the server's memory
  // within a bound (issue: 16 series at once once took it from 27 MB to 2.1 GB).
  auto heavy_slots = std::make_shared<StreamSlots>(context.max_heavy_requests);
  auto heavy = [serve, heavy_slots, limit = context.max_heavy_requests](Handler handler) {
    return [inner = serve(handler), heavy_slots, limit](const Request& req, Response& res) {
      auto slot = heavy_slots->TryAcquire();
      if (!slot) {
        res.set_header("Retry-After", "1");
        return ReplyError(res, 503, "unavailable",
                          std::to_string(limit) +
                              " series, views, verifications or digests are being answered, "
                              "the most at once; retry in a second");
      }
      inner(req, res);
    };
  };
  InstrumentedRoutes routes(server, context.metrics);
  routes.Get("/healthz", "/healthz",
             [](const Request&, Response& res) { res.set_content("ok", "text/plain"); });
  routes.Get("/api/accounts", "/api/accounts", serve(&ApiHandlers::Accounts));
  routes.Get(R"(/api/accounts/([^/]+))", "/api/accounts/{id}", serve(&ApiHandlers::AccountState));
  routes.Get(R"(/api/accounts/([^/]+)/history)", "/api/accounts/{id}/history",
             serve(&ApiHandlers::History));
  routes.Get(R"(/api/accounts/([^/]+)/series)", "/api/accounts/{id}/series",
             heavy(&ApiHandlers::Series));
  routes.Get(R"(/api/accounts/([^/]+)/verify)", "/api/accounts/{id}/verify",
             heavy(&ApiHandlers::Verify));
  routes.Get("/api/digest", "/api/digest", heavy(&ApiHandlers::Digest));
  routes.Get("/api/event-types", "/api/event-types",
             [api](const Request& req, Response& res) { api->EventTypes(req, res); });
  routes.Get(R"(/api/views/([^/]+))", "/api/views/{name}", heavy(&ApiHandlers::View));
}

}  // namespace timeline
