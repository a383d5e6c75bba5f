// The tokens file's writers: `timeline token new` appends a fresh random token's SHA-256 as one
// ApiToken JSON line (the token itself is returned to be shown once and written nowhere);
// `timeline token revoke` removes a token's line; `timeline token list` reads who holds what.
// A server following the file (TokenStore::Follow) sees either change within a second.
// Concurrency: writers take `<tokens file>.lock` (flock), so two of them never lose each
// other's change; a revoke replaces the file by an atomic rename, so a reader sees the old file
// or the new one, never half of either.
#pragma once

#include <string>
#include <vector>

#include "engine/status.h"
#include "timeline/v1/api.pb.h"

namespace timeline {

// A new token: 32 random bytes (OpenSSL RAND_bytes) as 64 lower-case hex digits.
Result<std::string> NewRandomToken();

// Generates a token for `entry` (its name, role, manager or accounts; sha256 is filled here),
// checks the entry (access_control.h ValidateApiToken) and that the file has no token of that
// name, and appends the entry to `tokens_path` (created with mode 0600 when missing).
// Returns the token. InvalidArgument for a bad entry or a name in use; IoError when the file
// cannot be written; whatever TokenStore::Load says of an existing file that does not parse.
Result<std::string> IssueToken(const std::string& tokens_path, v1::ApiToken entry);

// Removes the token named `name` from `tokens_path` (comments and other lines stay as they are).
// NotFound when the file has no token of that name; IoError when it cannot be rewritten.
Status RevokeToken(const std::string& tokens_path, const std::string& name);

// The entries of `tokens_path`, in file order (hashes included; they are not secrets).
Result<std::vector<v1::ApiToken>> ListTokens(const std::string& tokens_path);

}  // namespace timeline
