// The tokens file over time: a server following it (TokenStore::Follow) accepts a token added
// by `token new` and refuses one removed by `token revoke` within about a second, keeps its last
// good tokens when an edit breaks the file, and a revoke leaves every other line as it was.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "consumers/http/access_control.h"
#include "consumers/http/token_issuer.h"
#include "tests/support/test_environment.h"

namespace timeline {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

v1::ApiToken Manager(const std::string& name, const std::string& manager) {
  v1::ApiToken entry;
  entry.set_name(name);
  entry.set_role("manager");
  entry.set_manager(manager);
  return entry;
}

std::string Issue(const std::string& path, const v1::ApiToken& entry) {
  auto token = IssueToken(path, entry);
  INFO(token.status().ToString());
  REQUIRE(token.ok());
  return *token;
}

// Asks until `accepted(grant)` holds or three seconds pass (the store looks once a second).
template <typename Predicate>
bool Eventually(const TokenStore& store, const std::string& token, Predicate accepted) {
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (accepted(store.Authenticate(token))) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

std::string Read(const std::string& path) {
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  return text.str();
}

TEST_CASE("a followed tokens file takes a new token and drops a revoked one without a restart",
          "[unit]") {
  TempDir dir;
  const std::string path = dir.Sub("tokens.jsonl");
  const std::string jane = Issue(path, Manager("jane", "jane.doe"));
  auto store = TokenStore::Follow(path);
  REQUIRE(store.ok());
  const Grant* before = store->Authenticate(jane);
  REQUIRE(before != nullptr);
  CHECK(before->manager == "jane.doe");

  const std::string john = Issue(path, Manager("john", "john.roe"));
  CHECK(Eventually(*store, john, [](const Grant* grant) { return grant != nullptr; }));
  CHECK(store->size() == 2);

  REQUIRE(RevokeToken(path, "jane").ok());
  CHECK(Eventually(*store, jane, [](const Grant* grant) { return grant == nullptr; }));
  CHECK(store->Authenticate(john) != nullptr);
  CHECK(before->name == "jane");  // a grant handed out earlier stays readable

  // An edit that breaks the file leaves the last good tokens in force.
  std::ofstream(path, std::ios::app) << "{\"name\": \"half-written\"\n";
  std::this_thread::sleep_for(1200ms);
  CHECK(store->Authenticate(john) != nullptr);
  CHECK(store->Authenticate(jane) == nullptr);
}

TEST_CASE("a loaded (not followed) tokens file is a snapshot", "[unit]") {
  TempDir dir;
  const std::string path = dir.Sub("tokens.jsonl");
  Issue(path, Manager("jane", "jane.doe"));
  auto store = TokenStore::Load(path);
  REQUIRE(store.ok());
  const std::string john = Issue(path, Manager("john", "john.roe"));
  std::this_thread::sleep_for(1200ms);
  CHECK(store->Authenticate(john) == nullptr);
}

TEST_CASE("revoke removes exactly the named token's line, and an unknown name is NotFound",
          "[unit]") {
  TempDir dir;
  const std::string path = dir.Sub("tokens.jsonl");
  std::ofstream(path) << "# who holds what: see the runbook\n";
  Issue(path, Manager("jane", "jane.doe"));
  Issue(path, Manager("john", "john.roe"));
  v1::ApiToken auditor;
  auditor.set_name("audit");
  auditor.set_role("auditor");
  auditor.add_accounts("*");
  Issue(path, auditor);

  REQUIRE(RevokeToken(path, "john").ok());
  const std::string text = Read(path);
  CHECK(text.rfind("# who holds what: see the runbook\n", 0) == 0);
  CHECK(text.find("\"john\"") == std::string::npos);
  auto listed = ListTokens(path);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 2);
  CHECK((*listed)[0].name() == "jane");
  CHECK((*listed)[1].name() == "audit");
  CHECK((*listed)[1].accounts(0) == "*");

  Status unknown = RevokeToken(path, "nobody");
  CHECK(unknown.code() == StatusCode::kNotFound);
  CHECK(unknown.message() == path + " has no token named nobody");
  CHECK(Read(path) == text);  // nothing changed
}

}  // namespace
}  // namespace timeline
