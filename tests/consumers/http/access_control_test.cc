#include "consumers/http/access_control.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "consumers/http/token_issuer.h"
#include "engine/sha256.h"
#include "tests/support/test_environment.h"

namespace timeline {
namespace {

v1::ApiToken Entry(const std::string& name, const std::string& token, const std::string& role) {
  v1::ApiToken entry;
  entry.set_name(name);
  entry.set_sha256(ToHex(Sha256Of(token)));
  entry.set_role(role);
  return entry;
}

v1::AccountState StateOf(const std::string& account, const std::string& manager) {
  v1::AccountState state;
  state.set_account_id(account);
  state.set_manager(manager);
  return state;
}

TokenStore ThreeRoles() {
  auto manager = Entry("jane", "jane-secret", "manager");
  manager.set_manager("jane.doe");
  auto auditor = Entry("audit", "audit-secret", "auditor");
  auditor.add_accounts("*");
  auto service = Entry("billing", "billing-secret", "service");
  service.add_accounts("acme");
  auto store = TokenStore::FromEntries({manager, auditor, service});
  REQUIRE(store.ok());
  return std::move(store).value();
}

TEST_CASE("a token is recognised by its SHA-256 and nothing else", "[unit]") {
  const TokenStore tokens = ThreeRoles();
  REQUIRE(tokens.size() == 3);
  const Grant* jane = tokens.Authenticate("jane-secret");
  REQUIRE(jane != nullptr);
  CHECK(jane->name == "jane");
  CHECK(jane->role == Role::kManager);
  CHECK(tokens.Authenticate("jane-secreT") == nullptr);
  CHECK(tokens.Authenticate("jane-secret ") == nullptr);
  CHECK(tokens.Authenticate("") == nullptr);
  // The hash itself is not a token.
  CHECK(tokens.Authenticate(ToHex(Sha256Of("jane-secret"))) == nullptr);
}

TEST_CASE("a manager sees only its manager's accounts, auditors and services their grants",
          "[unit]") {
  const TokenStore tokens = ThreeRoles();
  const Grant& manager = *tokens.Authenticate("jane-secret");
  const Grant& auditor = *tokens.Authenticate("audit-secret");
  const Grant& service = *tokens.Authenticate("billing-secret");

  CHECK(manager.MaySee(StateOf("acme", "jane.doe")));
  CHECK_FALSE(manager.MaySee(StateOf("beta", "john.roe")));
  CHECK_FALSE(manager.MayLearnAbsence("ghost"));
  CHECK_FALSE(manager.MayVerify());

  CHECK(auditor.MaySee(StateOf("beta", "john.roe")));
  CHECK(auditor.MayLearnAbsence("ghost"));
  CHECK(auditor.MayVerify());

  CHECK(service.MaySee(StateOf("acme", "jane.doe")));
  CHECK_FALSE(service.MaySee(StateOf("beta", "jane.doe")));
  CHECK(service.MayLearnAbsence("acme"));
  CHECK_FALSE(service.MayLearnAbsence("ghost"));
  CHECK_FALSE(service.MayVerify());
}

TEST_CASE("only the Bearer scheme carries a token", "[unit]") {
  CHECK(BearerToken("Bearer abc") == std::optional<std::string_view>("abc"));
  CHECK(BearerToken("bearer abc") == std::optional<std::string_view>("abc"));
  CHECK_FALSE(BearerToken("Basic YWxhZGRpbjpvcGVuc2VzYW1l").has_value());
  CHECK_FALSE(BearerToken("Bearer ").has_value());
  CHECK_FALSE(BearerToken("").has_value());
}

TEST_CASE("a token entry that cannot work is refused and names the field", "[unit]") {
  auto manager = Entry("jane", "x", "manager");
  Status status = ValidateApiToken(manager);
  CHECK(status.code() == StatusCode::kInvalidArgument);
  CHECK(status.message().rfind("manager:", 0) == 0);

  auto service = Entry("svc", "y", "service");
  status = ValidateApiToken(service);
  CHECK(status.message().rfind("accounts:", 0) == 0);

  auto wrong_role = Entry("root", "z", "admin");
  wrong_role.add_accounts("*");
  status = ValidateApiToken(wrong_role);
  CHECK(status.message() == "role: \"admin\" is not auditor, manager or service");

  auto short_hash = Entry("short", "w", "auditor");
  short_hash.add_accounts("*");
  short_hash.set_sha256("abcd");
  CHECK(ValidateApiToken(short_hash).message().rfind("sha256:", 0) == 0);
}

TEST_CASE("the tokens file is read line by line and a bad line is named", "[unit]") {
  testing::TempDir dir;
  const std::string path = dir.Sub("tokens.jsonl");
  {
    std::ofstream out(path);
    out << "# who may read what\n\n"
        << R"({"name":"audit","sha256":")" << ToHex(Sha256Of("audit-secret"))
        << R"(","role":"auditor","accounts":["*"]})"
        << "\n";
  }
  auto tokens = TokenStore::Load(path);
  REQUIRE(tokens.ok());
  CHECK(tokens->size() == 1);
  CHECK(tokens->Authenticate("audit-secret") != nullptr);

  {
    std::ofstream(path, std::ios::app) << R"({"name":"svc","role":"service"})"
                                       << "\n";
  }
  auto refused = TokenStore::Load(path);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("tokens.jsonl:4: sha256:") != std::string::npos);

  CHECK(TokenStore::Load(dir.Sub("missing")).status().code() == StatusCode::kNotFound);
}

TEST_CASE("an issued token is shown once, stored only as its hash, and names are unique",
          "[unit]") {
  testing::TempDir dir;
  const std::string path = dir.Sub("tokens.jsonl");
  v1::ApiToken entry;
  entry.set_name("jane");
  entry.set_role("manager");
  entry.set_manager("jane.doe");
  auto token = IssueToken(path, entry);
  REQUIRE(token.ok());
  CHECK(token->size() == 64);

  std::stringstream file;
  file << std::ifstream(path).rdbuf();
  CHECK(file.str().find(*token) == std::string::npos);
  CHECK(file.str().find(ToHex(Sha256Of(*token))) != std::string::npos);

  auto tokens = TokenStore::Load(path);
  REQUIRE(tokens.ok());
  const Grant* grant = tokens->Authenticate(*token);
  REQUIRE(grant != nullptr);
  CHECK(grant->manager == "jane.doe");

  auto again = IssueToken(path, entry);
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().message() == "name: " + path + " already has a token named jane");

  auto other = IssueToken(path, [] {
    v1::ApiToken e;
    e.set_name("audit");
    e.set_role("auditor");
    e.add_accounts("*");
    return e;
  }());
  REQUIRE(other.ok());
  CHECK(*other != *token);
  auto both = TokenStore::Load(path);
  REQUIRE(both.ok());
  CHECK(both->size() == 2);
}

}  // namespace
}  // namespace timeline
