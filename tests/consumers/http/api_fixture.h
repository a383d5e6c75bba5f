// The query server's test fixture: a QueryServer on 127.0.0.1 (a free port) over views folded
// by the real Projector from two accounts' histories, asked with httplib::Client, and the tokens
// of each role.
#pragma once

#include <httplib.h>

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include <google/protobuf/util/json_util.h>

#include "consumers/http/query_server.h"
#include "engine/sha256.h"
#include "tests/projections/view_test_history.h"
#include "timeline/v1/api.pb.h"

namespace timeline::testing::api {

using testing::views::History;
using testing::views::Line;
using testing::views::ViewsFixture;

inline constexpr char kJane[] = "jane-token";        // manager jane.doe: acme
inline constexpr char kJohn[] = "john-token";        // manager john.roe: beta
inline constexpr char kAuditor[] = "auditor-token";  // auditor, every account
inline constexpr char kService[] = "service-token";  // service, acme only

inline v1::ApiToken Entry(const std::string& name, const std::string& token,
                          const std::string& role) {
  v1::ApiToken entry;
  entry.set_name(name);
  entry.set_sha256(ToHex(Sha256Of(token)));
  entry.set_role(role);
  return entry;
}

inline TokenStore Tokens() {
  auto jane = Entry("jane", kJane, "manager");
  jane.set_manager("jane.doe");
  auto john = Entry("john", kJohn, "manager");
  john.set_manager("john.roe");
  auto auditor = Entry("audit", kAuditor, "auditor");
  auditor.add_accounts("*");
  auto service = Entry("billing", kService, "service");
  service.add_accounts("acme");
  auto tokens = TokenStore::FromEntries({jane, john, auditor, service});
  REQUIRE(tokens.ok());
  return std::move(tokens).value();
}

// acme (jane.doe): 7 events; beta (john.roe): 2.
inline History Acme() {
  History acme("acme");
  acme.On("2026-01-05").Opened("Acme Industrial", "jane.doe");
  acme.On("2026-02-01").Order("O-1", {Line{"PUMP-100", 2, 125000}});
  acme.On("2026-03-01").Invoice("I-1", "O-1", {Line{"PUMP-100", 2, 125000}}, "2026-03-31");
  acme.On("2026-03-15").Paid("P-1", "I-1", 100000);
  acme.On("2026-04-01").Order("O-2", {Line{"PUMP-100", 1, 125000}});
  acme.On("2026-05-01").Invoice("I-2", "O-2", {Line{"PUMP-100", 1, 125000}}, "2026-05-31");
  acme.On("2026-06-01").Proposed("PR-1", "VALVE-7");
  return acme;
}

inline History Beta() {
  History beta("beta");
  beta.On("2026-01-10").Opened("Beta Logistics", "john.roe");
  beta.On("2026-02-10").Order("B-1", {Line{"BELT-9", 10, 4000}});
  return beta;
}

class ApiFixture {
 public:
  explicit ApiFixture(bool with_tokens = true, QueryServerOptions options = {}) {
    views_.Apply(Acme());
    views_.Apply(Beta());
    options.port = 0;
    if (with_tokens) options.tokens = Tokens();
    options.read_pins = false;  // no broker in unit tests: verify checks the chain only
    options.seal_key = testing::TestSealKey();
    auto server = QueryServer::Start(std::move(options), &views_.store(), {});
    REQUIRE(server.ok());
    server_ = std::move(server).value();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }

  httplib::Result Get(const std::string& path, const std::string& token = "") {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    auto result = client_->Get(path.c_str(), headers);
    REQUIRE(result);
    return result;
  }

  template <typename Message>
  Message GetJson(const std::string& path, const std::string& token) {
    auto result = Get(path, token);
    INFO(path << " → " << result->status << " " << result->body);
    REQUIRE(result->status == 200);
    CHECK(result->get_header_value("Content-Type") == "application/json");
    return Parse<Message>(result->body);
  }

  template <typename Message>
  static Message Parse(const std::string& body) {
    Message message;
    REQUIRE(google::protobuf::util::JsonStringToMessage(body, &message).ok());
    return message;
  }

  const QueryServer& server() const { return *server_; }
  QueryServer& server() { return *server_; }
  // The views the server reads (a primary): applying to them is the worker applying a batch.
  ViewsFixture& views() { return views_; }

 private:
  ViewsFixture views_;
  std::unique_ptr<QueryServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace timeline::testing::api
