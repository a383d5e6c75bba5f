// Issuing API tokens (`timeline token new`): a fresh random token whose SHA-256 is appended to
// the tokens file as one ApiToken JSON line. The token itself is returned to be shown once and
// is written nowhere.
// Concurrency: one issuer at a time per tokens file (the append is not locked).
#pragma once

#include <string>

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

}  // namespace timeline
