// The query API over real HTTP: a QueryServer on 127.0.0.1 (a free port) over views folded by
// the real Projector, asked with httplib::Client.
#include "consumers/http/query_server.h"

#include <httplib.h>

#include <algorithm>

#include <catch2/catch.hpp>

#include "projections/view_digest.h"
#include "tests/consumers/http/api_fixture.h"
#include "timeline/v1/api.pb.h"
#include "timeline/v1/view_digest.pb.h"
#include "timeline/v1/views.pb.h"

namespace timeline {
namespace {

using testing::api::ApiFixture;
using testing::api::kAuditor;
using testing::api::kJane;
using testing::api::kJohn;
using testing::api::kService;
using testing::views::History;
using testing::views::Line;

v1::ApiError ErrorOf(const httplib::Result& result) {
  return ApiFixture::Parse<v1::ApiError>(result->body);
}

int64_t Eur(const google::protobuf::RepeatedPtrField<v1::CurrencyTotal>& totals) {
  for (const auto& total : totals) {
    if (total.currency() == "EUR") return total.minor_units();
  }
  return -1;
}

TEST_CASE("healthz answers ok without a token", "[unit]") {
  ApiFixture api;
  auto result = api.Get("/healthz");
  CHECK(result->status == 200);
  CHECK(result->body == "ok");
  CHECK(api.server().url() == "http://127.0.0.1:" + std::to_string(api.server().port()));
  CHECK(api.server().port() > 0);
}

TEST_CASE("the account list holds exactly the accounts the token may see", "[unit]") {
  ApiFixture api;
  auto all = api.GetJson<v1::AccountList>("/api/accounts", kAuditor);
  REQUIRE(all.accounts_size() == 2);
  CHECK(all.accounts(0).account_id() == "acme");
  CHECK(all.accounts(0).name() == "Acme Industrial");
  CHECK(all.accounts(0).manager() == "jane.doe");
  CHECK(all.accounts(0).version() == 7);
  CHECK(all.accounts(1).account_id() == "beta");
  CHECK(all.accounts(1).version() == 2);

  auto jane = api.GetJson<v1::AccountList>("/api/accounts", kJane);
  REQUIRE(jane.accounts_size() == 1);
  CHECK(jane.accounts(0).account_id() == "acme");
  auto john = api.GetJson<v1::AccountList>("/api/accounts", kJohn);
  REQUIRE(john.accounts_size() == 1);
  CHECK(john.accounts(0).account_id() == "beta");
}

TEST_CASE("an account's state is served now, as of a date and as known at a date", "[unit]") {
  ApiFixture api;
  auto now = api.GetJson<v1::AccountState>("/api/accounts/acme", kJane);
  CHECK(now.version() == 7);
  CHECK(now.manager() == "jane.doe");
  CHECK(Eur(now.invoiced()) == 375000);
  CHECK(Eur(now.paid()) == 100000);
  CHECK(Eur(now.receivable()) == 275000);

  auto march = api.GetJson<v1::AccountState>("/api/accounts/acme?as_of=2026-03-31", kJane);
  CHECK(march.version() == 4);
  CHECK(Eur(march.invoiced()) == 250000);
  CHECK(Eur(march.receivable()) == 150000);

  // Events are recorded when they occur here, so known at 1 March keeps events 1..3.
  auto known = api.GetJson<v1::AccountState>(
      "/api/accounts/acme?as_of=2026-12-31&known_at=2026-03-01", kAuditor);
  CHECK(known.version() == 3);
  CHECK(Eur(known.paid()) == -1);

  auto before = api.Get("/api/accounts/acme?as_of=2025-12-31", kJane);
  CHECK(before->status == 404);
  CHECK(ErrorOf(before).code() == "not_found");
}

TEST_CASE("a bad parameter is a 400 that names it", "[unit]") {
  ApiFixture api;
  auto result = api.Get("/api/accounts/acme?as_of=2024-13-01", kJane);
  CHECK(result->status == 400);
  auto error = ErrorOf(result);
  CHECK(error.code() == "invalid_argument");
  CHECK(error.message() == "as_of: \"2024-13-01\" is not an RFC 3339 time or a YYYY-MM-DD date");

  CHECK(ErrorOf(api.Get("/api/accounts/acme/history?limit=5000", kJane)).message() ==
        "limit: 5000 is not between 1 and 1000");
  CHECK(ErrorOf(api.Get("/api/accounts/acme/history?from_seq=abc", kJane)).message() ==
        "from_seq: \"abc\" is not a whole number");
  auto type = api.Get("/api/accounts/acme/history?type=invoiceMailed", kJane);
  CHECK(type->status == 400);
  CHECK(ErrorOf(type).message().rfind("type: ", 0) == 0);
  auto on = api.Get("/api/views/summary?account=acme&on=yesterday", kJane);
  CHECK(on->status == 400);
  CHECK(ErrorOf(on).message().rfind("on: \"yesterday\"", 0) == 0);
  auto missing = api.Get("/api/views/summary", kJane);
  CHECK(missing->status == 400);
  CHECK(ErrorOf(missing).message().rfind("account: ", 0) == 0);
}

TEST_CASE("unknown accounts, views and routes are 404 with an ApiError", "[unit]") {
  ApiFixture api;
  auto account = api.Get("/api/accounts/ghost", kAuditor);
  CHECK(account->status == 404);
  CHECK(ErrorOf(account).message() == "no account ghost");
  auto view = api.Get("/api/views/weather?account=acme", kAuditor);
  CHECK(view->status == 404);
  CHECK(ErrorOf(view).message().rfind("no view weather; views: summary", 0) == 0);
  auto route = api.Get("/api/nothing", kAuditor);
  CHECK(route->status == 404);
  CHECK(ErrorOf(route).code() == "not_found");
  CHECK(api.Get("/nothing.html", kAuditor)->status == 404);  // beside the dashboard's files
}

TEST_CASE("no token or an invalid one is 401 with WWW-Authenticate and no data", "[unit]") {
  ApiFixture api;
  for (const char* token : {"", "not-a-token"}) {
    for (const char* path : {"/api/accounts", "/api/accounts/acme", "/api/views/portfolio",
                             "/api/accounts/acme/history"}) {
      auto result = api.Get(path, token);
      INFO(path << " with \"" << token << "\"");
      CHECK(result->status == 401);
      CHECK(result->get_header_value("WWW-Authenticate").rfind("Bearer", 0) == 0);
      CHECK(ErrorOf(result).code() == "unauthenticated");
      CHECK(result->body.find("Acme") == std::string::npos);
    }
  }
}

TEST_CASE("a manager cannot read another manager's account", "[unit]") {
  ApiFixture api;
  for (const char* path :
       {"/api/accounts/beta", "/api/accounts/beta/history", "/api/views/summary?account=beta",
        "/api/accounts/beta?as_of=2026-03-01", "/api/accounts/ghost"}) {
    auto result = api.Get(path, kJane);
    INFO(path);
    CHECK(result->status == 403);
    CHECK(ErrorOf(result).code() == "forbidden");
    CHECK(result->body.find("Beta") == std::string::npos);
  }
  CHECK(api.Get("/api/accounts/beta", kJohn)->status == 200);
  CHECK(api.Get("/api/accounts/beta", kService)->status == 403);
}

TEST_CASE("the portfolio shows a manager only their own accounts", "[unit]") {
  ApiFixture api;
  auto all = api.GetJson<v1::PortfolioView>("/api/views/portfolio?on=2026-07-01", kAuditor);
  CHECK(all.accounts() == 2);
  CHECK(all.managers_size() == 2);
  auto jane = api.GetJson<v1::PortfolioView>("/api/views/portfolio?on=2026-07-01", kJane);
  CHECK(jane.accounts() == 1);
  REQUIRE(jane.managers_size() == 1);
  CHECK(jane.managers(0).manager() == "jane.doe");
  REQUIRE(jane.managers(0).accounts_size() == 1);
  CHECK(jane.managers(0).accounts(0).account_id() == "acme");
  CHECK(Eur(jane.managers(0).accounts(0).invoiced()) == 375000);
}

TEST_CASE("every per-account view is served with its figures", "[unit]") {
  ApiFixture api;
  auto summary =
      api.GetJson<v1::AccountSummaryView>("/api/views/summary?account=acme&on=2026-07-01", kJane);
  CHECK(summary.account_id() == "acme");
  CHECK(summary.profile().name() == "Acme Industrial");
  REQUIRE(summary.revenue_size() == 1);
  CHECK(summary.revenue(0).invoiced() == 375000);
  CHECK(summary.revenue(0).paid() == 100000);

  auto as_of = api.GetJson<v1::AccountSummaryView>(
      "/api/views/summary?account=acme&as_of=2026-03-31", kJane);
  REQUIRE(as_of.revenue_size() == 1);
  CHECK(as_of.revenue(0).invoiced() == 250000);

  for (const char* name : {"compliance", "project-health", "growth", "training"}) {
    auto result = api.Get(std::string("/api/views/") + name + "?account=acme&on=2026-07-01", kJane);
    INFO(name << ": " << result->body);
    CHECK(result->status == 200);
    CHECK(result->body.find("\"accountId\":\"acme\"") != std::string::npos);
  }
  auto growth = api.GetJson<v1::GrowthView>("/api/views/growth?account=acme&on=2026-07-01", kJane);
  REQUIRE(growth.open_proposals_size() == 1);
  CHECK(growth.open_proposals(0).sku() == "VALVE-7");
}

TEST_CASE("history pages continue exactly where the last one stopped", "[unit]") {
  ApiFixture api;
  std::vector<uint64_t> sequences;
  std::string path = "/api/accounts/acme/history?limit=3";
  std::vector<uint64_t> next;
  while (true) {
    auto page = api.GetJson<v1::HistoryPage>(path, kJane);
    CHECK(page.entries_size() <= 3);
    for (const auto& entry : page.entries()) sequences.push_back(entry.sequence());
    next.push_back(page.next_from_seq());
    if (page.next_from_seq() == 0) break;
    path = "/api/accounts/acme/history?limit=3&from_seq=" + std::to_string(page.next_from_seq());
  }
  CHECK(next == std::vector<uint64_t>{4, 7, 0});
  CHECK(sequences == std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7});

  auto first = api.GetJson<v1::HistoryPage>("/api/accounts/acme/history", kJane);
  REQUIRE(first.entries_size() == 7);  // default limit 100
  CHECK(first.entries(0).event().account_opened().name() == "Acme Industrial");
  CHECK(first.entries(1).prev_hash() == first.entries(0).hash());

  auto invoices =
      api.GetJson<v1::HistoryPage>("/api/accounts/acme/history?type=invoiceIssued&limit=1", kJane);
  REQUIRE(invoices.entries_size() == 1);
  CHECK(invoices.entries(0).sequence() == 3);
  CHECK(invoices.next_from_seq() == 6);  // the next invoice, not merely the next event
  auto spring = api.GetJson<v1::HistoryPage>(
      "/api/accounts/acme/history?from=2026-03-01&to=2026-04-30", kJane);
  REQUIRE(spring.entries_size() == 3);
  CHECK(spring.entries(0).sequence() == 3);
  CHECK(spring.entries(2).sequence() == 5);
}

TEST_CASE("an auditor may verify an account's chain, a service or a manager may not", "[unit]") {
  ApiFixture api;
  auto verified = api.GetJson<v1::AccountVerification>("/api/accounts/acme/verify", kAuditor);
  CHECK(verified.account_id() == "acme");
  CHECK(verified.problems_size() == 0);
  CHECK(verified.report().problems() == 0);
  CHECK(verified.report().events_verified() == 7);
  CHECK(verified.report().seal_checked());
  CHECK_FALSE(verified.pins_read());
  CHECK(verified.note().rfind("chain checks only", 0) == 0);

  for (const char* token : {kService, kJane}) {
    auto refused = api.Get("/api/accounts/acme/verify", token);
    CHECK(refused->status == 403);
    CHECK(ErrorOf(refused).message().rfind("verify is for auditor tokens", 0) == 0);
  }
}

TEST_CASE("the views' digest is served to an auditor of every account, per view or whole",
          "[unit]") {
  ApiFixture api;
  auto expected = DigestViews(api.views().store());
  REQUIRE(expected.ok());
  auto served = api.GetJson<v1::ViewStoreDigest>("/api/digest", kAuditor);
  CHECK(SameViews(served, *expected));
  CHECK(served.views_size() > 1);

  auto state = api.GetJson<v1::ViewStoreDigest>("/api/digest?view=state", kAuditor);
  REQUIRE(state.views_size() == 1);
  CHECK(state.views(0).view() == "state");
  CHECK(state.views(0).entries() == 2);  // acme and beta

  auto unknown = api.Get("/api/digest?view=nonsense", kAuditor);
  CHECK(unknown->status == 400);
  CHECK(ErrorOf(unknown).message().rfind("view: ", 0) == 0);

  for (const char* token : {kService, kJane}) {
    auto refused = api.Get("/api/digest", token);
    CHECK(refused->status == 403);
    CHECK(refused->body.find("sha256") == std::string::npos);
  }
}

TEST_CASE("without a token store the server serves everything (--insecure-no-auth)", "[unit]") {
  ApiFixture api(/*with_tokens=*/false);
  auto all = api.GetJson<v1::AccountList>("/api/accounts", "");
  CHECK(all.accounts_size() == 2);
  CHECK(api.Get("/api/accounts/acme/verify")->status == 200);
}

TEST_CASE("a listen address is HOST:PORT and a bad one names --listen", "[unit]") {
  QueryServerOptions options;
  REQUIRE(ParseListenAddress("0.0.0.0:9090", &options).ok());
  CHECK(options.host == "0.0.0.0");
  CHECK(options.port == 9090);
  CHECK(ParseListenAddress("localhost", &options).message() ==
        "--listen: \"localhost\" is not HOST:PORT");
  CHECK(ParseListenAddress("127.0.0.1:99999", &options).code() == StatusCode::kInvalidArgument);
}

TEST_CASE("an account's money series has a point a month with revenue and receivables", "[unit]") {
  ApiFixture api;
  auto series = api.GetJson<v1::MoneySeries>("/api/accounts/acme/series?interval=month", kJane);
  CHECK(series.account_id() == "acme");
  REQUIRE(series.points_size() == 6);  // January to June 2026
  CHECK(series.points(0).period() == "2026-01");
  CHECK(series.points(2).period() == "2026-03");
  CHECK(Eur(series.points(2).revenue()) == 250000);
  CHECK(Eur(series.points(2).receivables()) == 150000);
  CHECK(Eur(series.points(4).revenue()) == 125000);
  CHECK(Eur(series.points(5).receivables()) == 275000);

  CHECK(api.Get("/api/accounts/beta/series", kJane)->status == 403);
  auto weekly = api.Get("/api/accounts/acme/series?interval=week", kJane);
  CHECK(weekly->status == 400);
  CHECK(ErrorOf(weekly).message().find("interval") == 0);
}

TEST_CASE("a series beyond its bound is a 400 naming from and to, and from and to select a part",
          "[unit]") {
  ApiFixture api;
  History far("far");  // dated before submissions' dates were bounded to 1970..2199
  far.On("1970-01-05").Opened("Far Out", "jane.doe");
  far.On("9999-12-01").Order("O-1", {Line{"PUMP-100", 1, 1000}});
  api.views().Apply(far);
  auto whole = api.Get("/api/accounts/far/series", kJane);
  CHECK(whole->status == 400);
  CHECK(whole->body.size() < 1000);
  CHECK_THAT(ErrorOf(whole).message(),
             Catch::StartsWith("from, to: the series from 1970-01 to 9999-12 has 96360 months"));
  auto part =
      api.GetJson<v1::MoneySeries>("/api/accounts/far/series?from=9999-01&to=9999-12", kJane);
  CHECK(part.points_size() == 12);
  auto bad = api.Get("/api/accounts/acme/series?from=2026", kJane);
  CHECK(bad->status == 400);
  CHECK_THAT(ErrorOf(bad).message(), Catch::StartsWith("from: \"2026\" is not a month"));
}

TEST_CASE("heavy requests beyond their limit are 503 at once while the others are answered",
          "[unit]") {
  QueryServerOptions options;
  options.max_heavy_requests = 0;  // every heavy request finds its limit reached
  ApiFixture api(true, options);
  for (const std::string path : {"/api/accounts/acme/series", "/api/accounts/acme/verify",
                                 "/api/digest", "/api/views/summary?account=acme"}) {
    INFO(path);
    auto refused = api.Get(path, kAuditor);
    CHECK(refused->status == 503);
    CHECK(refused->get_header_value("Retry-After") == "1");
    CHECK(ErrorOf(refused).code() == "unavailable");
  }
  CHECK(api.Get("/api/accounts/acme", kAuditor)->status == 200);
  CHECK(api.Get("/healthz")->status == 200);
}

TEST_CASE("the event types list every name an event stream's messages carry", "[unit]") {
  ApiFixture api;
  auto types = api.GetJson<v1::EventTypeList>("/api/event-types", kService);
  const auto& names = types.names();
  CHECK(std::find(names.begin(), names.end(), "invoice_issued") != names.end());
  CHECK(std::find(names.begin(), names.end(), "account_opened") != names.end());
  CHECK(names[names.size() - 1] == "unknown");
  CHECK(names.size() == v1::Event::descriptor()->field_count() + 1);
  CHECK(api.Get("/api/event-types")->status == 401);
}

}  // namespace
}  // namespace timeline
