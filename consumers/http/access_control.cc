#include "consumers/http/access_control.h"

#include <openssl/crypto.h>

#include <cctype>
#include <fstream>

#include <google/protobuf/util/json_util.h>

#include "consumers/http/token_file_follower.h"
#include "engine/sha256.h"

namespace timeline {
namespace {

Result<Role> ParseRole(std::string_view name) {
  if (name == "auditor") return Role::kAuditor;
  if (name == "manager") return Role::kManager;
  if (name == "service") return Role::kService;
  return Status::InvalidArgument("role: \"" + std::string(name) +
                                 "\" is not auditor, manager or service");
}

Grant GrantOf(const v1::ApiToken& entry, Role role) {
  Grant grant;
  grant.name = entry.name();
  grant.role = role;
  grant.manager = entry.manager();
  for (const auto& account : entry.accounts()) {
    if (account == "*") {
      grant.all_accounts = true;
    } else {
      grant.accounts.insert(account);
    }
  }
  return grant;
}

}  // namespace

const char* RoleName(Role role) {
  switch (role) {
    case Role::kAuditor: return "auditor";
    case Role::kManager: return "manager";
    case Role::kService: return "service";
    case Role::kUnrestricted: return "unrestricted";
  }
  return "unknown";
}

const Grant& Grant::Unrestricted() {
  static const Grant grant = [] {
    Grant g;
    g.name = "insecure-no-auth";
    g.role = Role::kUnrestricted;
    g.all_accounts = true;
    return g;
  }();
  return grant;
}

bool Grant::MaySee(const v1::AccountState& state) const {
  if (role == Role::kManager) return !manager.empty() && state.manager() == manager;
  return all_accounts || accounts.count(state.account_id()) > 0;
}

bool Grant::MayLearnAbsence(std::string_view account) const {
  if (role == Role::kManager) return false;  // an unknown account is not provably theirs
  return all_accounts || accounts.count(std::string(account)) > 0;
}

std::optional<std::string_view> BearerToken(std::string_view authorization) {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size()) return std::nullopt;
  // The scheme is case-insensitive (RFC 7235).
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i]))) {
      return std::nullopt;
    }
  }
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

Status ValidateApiToken(const v1::ApiToken& entry) {
  if (entry.name().empty()) return Status::InvalidArgument("name: a token needs a name");
  std::string raw;
  if (entry.sha256().size() != 2 * kHashSize || !FromHex(entry.sha256(), &raw)) {
    return Status::InvalidArgument("sha256: token " + entry.name() +
                                   " needs the 64 hex digits of its SHA-256");
  }
  auto role = ParseRole(entry.role());
  if (!role.ok()) return role.status();
  if (*role == Role::kManager) {
    if (entry.manager().empty()) {
      return Status::InvalidArgument("manager: manager token " + entry.name() +
                                     " needs the manager whose accounts it sees");
    }
    if (!entry.accounts().empty()) {
      return Status::InvalidArgument("accounts: manager token " + entry.name() +
                                     " sees its manager's accounts; grant accounts to an "
                                     "auditor or service token instead");
    }
  } else {
    if (entry.accounts().empty()) {
      return Status::InvalidArgument("accounts: " + entry.role() + " token " + entry.name() +
                                     " needs the accounts it may see (or \"*\" for all)");
    }
    if (!entry.manager().empty()) {
      return Status::InvalidArgument("manager: only a manager token has a manager");
    }
  }
  return Status::Ok();
}

Result<TokenStore> TokenStore::FromEntries(const std::vector<v1::ApiToken>& entries) {
  TokenStore store;
  for (const auto& entry : entries) {
    TIMELINE_RETURN_IF_ERROR(ValidateApiToken(entry));
    Entry stored;
    if (!FromHex(entry.sha256(), &stored.hash)) {
      return Status::Internal("sha256 of " + entry.name() + " validated but does not decode");
    }
    if (store.HasName(entry.name())) {
      return Status::InvalidArgument("name: token " + entry.name() + " appears twice");
    }
    for (const auto& other : store.entries_) {
      if (other.hash == stored.hash) {
        return Status::InvalidArgument("sha256: tokens " + other.grant.name + " and " +
                                       entry.name() + " have the same hash");
      }
    }
    stored.grant = GrantOf(entry, *ParseRole(entry.role()));
    store.entries_.push_back(std::move(stored));
  }
  return store;
}

Result<TokenStore> TokenStore::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("no tokens file " + path);
  std::vector<v1::ApiToken> entries;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos || line[0] == '#') continue;
    v1::ApiToken entry;
    auto parsed = google::protobuf::util::JsonStringToMessage(line, &entry);
    if (!parsed.ok()) {
      return Status::InvalidArgument(path + ":" + std::to_string(number) +
                                     ": not an ApiToken: " + std::string(parsed.message()));
    }
    Status valid = ValidateApiToken(entry);
    if (!valid.ok()) {
      return Status::InvalidArgument(path + ":" + std::to_string(number) + ": " + valid.message());
    }
    entries.push_back(std::move(entry));
  }
  auto store = FromEntries(entries);
  if (!store.ok()) return Status::InvalidArgument(path + ": " + store.status().message());
  return store;
}

Result<TokenStore> TokenStore::Follow(const std::string& path) {
  auto follower = TokenFileFollower::Open(path);
  if (!follower.ok()) return follower.status();
  TokenStore store;
  store.follower_ = std::move(follower).value();
  return store;
}

size_t TokenStore::size() const {
  return follower_ ? follower_->Current().size() : entries_.size();
}

const Grant* TokenStore::Authenticate(std::string_view token) const {
  if (follower_) return follower_->Current().Authenticate(token);
  const std::string hash = Sha256Of(token);
  const Grant* found = nullptr;
  for (const auto& entry : entries_) {
    // Every entry is compared, so the time taken does not say which one matched.
    if (CRYPTO_memcmp(entry.hash.data(), hash.data(), kHashSize) == 0) found = &entry.grant;
  }
  return found;
}

bool TokenStore::HasName(std::string_view name) const {
  if (follower_) return follower_->Current().HasName(name);
  for (const auto& entry : entries_) {
    if (entry.grant.name == name) return true;
  }
  return false;
}

}  // namespace timeline
