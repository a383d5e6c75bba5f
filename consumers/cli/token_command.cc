// `timeline token new NAME --role auditor|manager|service [--manager M | --account A...]
// --tokens FILE`: issues an API token. The token is printed once on stdout and stored nowhere;
// the tokens file gets only its SHA-256 (consumers/http/token_issuer.h).
// `timeline token revoke NAME --tokens FILE` removes it; `timeline token list --tokens FILE`
// prints who holds which token (JSON lines, no hashes). A running server follows the file.
#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "consumers/cli/commands.h"
#include "consumers/cli/common_options.h"
#include "consumers/http/token_issuer.h"

namespace timeline::cli {
namespace {

struct TokenFlags {
  std::string name;
  std::string role;
  std::string manager;
  std::vector<std::string> accounts;
  std::string tokens_path;
};

}  // namespace

void AddTokenCommand(CLI::App* app, int* exit_code) {
  auto* token = app->add_subcommand("token", "Manage the query API's bearer tokens");
  token->require_subcommand(1);
  auto flags = std::make_shared<TokenFlags>();
  auto* issue = token->add_subcommand(
      "new", "Issue a token: print it once on stdout, append its SHA-256 to the tokens file");
  issue->add_option("name", flags->name, "who holds the token (unique in the file)")->required();
  issue
      ->add_option("--role", flags->role,
                   "manager: the accounts of --manager; auditor: --account accounts, may "
                   "verify; service: --account accounts")
      ->required()
      ->check(CLI::IsMember({"auditor", "manager", "service"}));
  auto* manager = issue->add_option("--manager", flags->manager,
                                    "a manager token sees the accounts this manager manages");
  auto* account = issue->add_option("--account", flags->accounts,
                                    "an account an auditor or service token may see; \"*\" for "
                                    "all; repeatable");
  manager->excludes(account);
  issue->add_option("--tokens", flags->tokens_path, "the tokens file (created when missing)")
      ->required();
  issue->callback([flags, exit_code] {
    v1::ApiToken entry;
    entry.set_name(flags->name);
    entry.set_role(flags->role);
    entry.set_manager(flags->manager);
    for (const auto& account : flags->accounts) entry.add_accounts(account);
    auto issued = IssueToken(flags->tokens_path, entry);
    if (!issued.ok()) {
      *exit_code = Fail(issued.status());
      return;
    }
    std::printf("%s\n", issued->c_str());
    std::fflush(stdout);
    std::fprintf(stderr,
                 "timeline token: %s (%s) added to %s; this is the only time the token is shown\n",
                 flags->name.c_str(), flags->role.c_str(), flags->tokens_path.c_str());
  });

  auto revoke_flags = std::make_shared<TokenFlags>();
  auto* revoke = token->add_subcommand(
      "revoke", "Remove a token from the tokens file; a running server refuses it within a second");
  revoke->add_option("name", revoke_flags->name, "the token's name")->required();
  revoke->add_option("--tokens", revoke_flags->tokens_path, "the tokens file")->required();
  revoke->callback([revoke_flags, exit_code] {
    Status status = RevokeToken(revoke_flags->tokens_path, revoke_flags->name);
    if (!status.ok()) {
      *exit_code = Fail(status);
      return;
    }
    std::fprintf(stderr, "timeline token: %s removed from %s\n", revoke_flags->name.c_str(),
                 revoke_flags->tokens_path.c_str());
  });

  auto list_flags = std::make_shared<TokenFlags>();
  auto* list = token->add_subcommand(
      "list", "Print each token's name, role and what it may see as JSON lines (no hashes)");
  list->add_option("--tokens", list_flags->tokens_path, "the tokens file")->required();
  list->callback([list_flags, exit_code] {
    auto entries = ListTokens(list_flags->tokens_path);
    if (!entries.ok()) {
      *exit_code = Fail(entries.status());
      return;
    }
    for (v1::ApiToken entry : *entries) {
      entry.clear_sha256();
      std::string line;
      if (!google::protobuf::util::MessageToJsonString(entry, &line).ok()) continue;
      std::printf("%s\n", line.c_str());
    }
    std::fflush(stdout);
  });
}

}  // namespace timeline::cli
