// Access control of the HTTP API: bearer tokens, each with a role and the accounts it may see.
//
// Roles (issue 5):
//   manager   sees the accounts whose current AccountState.manager is the token's `manager`
//   auditor   sees the accounts it was granted (a list, or "*" for all) and may verify chains
//   service   sees the accounts it was granted; no verify
// Tokens are kept only as SHA-256 hashes (the tokens file, api.proto ApiToken, one JSON object
// a line) and compared in constant time; a token is never logged or stored.
// A token learns whether an account exists only if it may see it: an unknown account is "not
// found" to a token granted it by name or by "*", and "forbidden" to any other.
// Concurrency: any thread may authenticate; a TokenStore's Grants never change once handed out
// (a followed file's new contents come as new Grants).
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"
#include "timeline/v1/account_state.pb.h"
#include "timeline/v1/api.pb.h"

namespace timeline {

class TokenFileFollower;

enum class Role { kAuditor, kManager, kService, kUnrestricted };

// "auditor", "manager", "service" (and "unrestricted" for --insecure-no-auth).
const char* RoleName(Role role);

// What one token may do.
struct Grant {
  std::string name;
  Role role = Role::kService;
  std::string manager;             // kManager only
  std::set<std::string> accounts;  // kAuditor, kService: granted by name
  bool all_accounts = false;       // "*" (and kUnrestricted)

  // Everything: `timeline serve --insecure-no-auth`.
  static const Grant& Unrestricted();

  bool MaySee(const v1::AccountState& state) const;
  // Whether this token may be told that `account` does not exist (404 rather than 403).
  bool MayLearnAbsence(std::string_view account) const;
  bool MayVerify() const { return role == Role::kAuditor || role == Role::kUnrestricted; }
};

// The token of an `Authorization: Bearer <token>` header value; nullopt for any other scheme
// or an empty token.
std::optional<std::string_view> BearerToken(std::string_view authorization);

// Checks an ApiToken entry: a name, a 64-hex-digit sha256, a known role, and for a manager a
// `manager` and no accounts, for the others at least one account and no `manager`.
// InvalidArgument names the field.
Status ValidateApiToken(const v1::ApiToken& entry);

class TokenStore {
 public:
  // Reads a tokens file: one ApiToken as JSON a line; blank lines and lines starting with '#'
  // are skipped. NotFound when the file does not exist; InvalidArgument naming the line when an
  // entry does not parse or validate, or repeats a name or a hash.
  static Result<TokenStore> Load(const std::string& path);
  // Loads the file as Load does, then follows it: when the file changes (modification time,
  // size or inode, looked at no more than once a second, from Authenticate) it is read again,
  // so a token added by `timeline token new` or removed by `timeline token revoke` counts within
  // a second, without a restart. A changed file that no longer loads is logged and the last
  // good tokens stay. Grants handed out earlier stay valid: every generation read is kept while
  // the store lives (a few hundred bytes a token; a new one only when the file changed).
  static Result<TokenStore> Follow(const std::string& path);
  static Result<TokenStore> FromEntries(const std::vector<v1::ApiToken>& entries);

  // The grant of `token`, or nullptr when no entry's hash matches. Hashes the token and compares
  // it with every entry in constant time (CRYPTO_memcmp, no early exit).
  const Grant* Authenticate(std::string_view token) const;

  size_t size() const;
  bool HasName(std::string_view name) const;

 private:
  struct Entry {
    std::string hash;  // 32 raw bytes
    Grant grant;
  };

  std::vector<Entry> entries_;                   // Load and FromEntries
  std::shared_ptr<TokenFileFollower> follower_;  // Follow: the file's tokens as last read
};

}  // namespace timeline
