#include "consumers/http/token_issuer.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <google/protobuf/util/json_util.h>

#include "consumers/http/access_control.h"
#include "consumers/processes/file_lock.h"
#include "engine/sha256.h"

namespace timeline {

namespace {

constexpr std::chrono::seconds kLockPatience{10};

Result<FileLock> LockTokensFile(const std::string& tokens_path) {
  return FileLock::Acquire(tokens_path + ".lock", kLockPatience);
}

// Whether a line of the tokens file is an entry (not blank, not a comment).
bool IsEntryLine(const std::string& line) {
  return line.find_first_not_of(" \t\r") != std::string::npos && line[0] != '#';
}

// Replaces `path` with `text`: a 0600 temporary beside it, fsynced, renamed over it, and the
// directory fsynced, so a crash leaves the old file or the new one.
Status ReplaceFile(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError("cannot create " + temporary + ": " + std::strerror(errno));
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                       ::fsync(fd) == 0;
  const int write_errno = errno;
  ::close(fd);
  if (!written || ::rename(temporary.c_str(), path.c_str()) != 0) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    return Status::IoError("cannot rewrite " + path + ": " + std::strerror(write_errno));
  }
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const int dir = ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> NewRandomToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    return Status::Internal("OpenSSL RAND_bytes could not produce a token");
  }
  return ToHex(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

Result<std::string> IssueToken(const std::string& tokens_path, v1::ApiToken entry) {
  auto lock = LockTokensFile(tokens_path);
  if (!lock.ok()) return lock.status();
  auto token = NewRandomToken();
  if (!token.ok()) return token.status();
  entry.set_sha256(ToHex(Sha256Of(*token)));
  TIMELINE_RETURN_IF_ERROR(ValidateApiToken(entry));
  if (std::filesystem::exists(tokens_path)) {
    auto existing = TokenStore::Load(tokens_path);
    if (!existing.ok()) return existing.status();
    if (existing->HasName(entry.name())) {
      return Status::InvalidArgument("name: " + tokens_path + " already has a token named " +
                                     entry.name());
    }
  }
  std::string line;
  auto printed = google::protobuf::util::MessageToJsonString(entry, &line);
  if (!printed.ok()) return Status::Internal("ApiToken to JSON: " + std::string(printed.message()));
  line += '\n';
  // O_APPEND: one write of one line, so a reader never sees half an entry; 0600: the hashes
  // are not secrets, but who holds which role is nobody else's business.
  const int fd = ::open(tokens_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError("cannot open " + tokens_path + ": " + std::strerror(errno));
  const ssize_t written = ::write(fd, line.data(), line.size());
  const int write_errno = errno;
  const bool closed = ::close(fd) == 0;
  if (written != static_cast<ssize_t>(line.size()) || !closed) {
    return Status::IoError("cannot append to " + tokens_path + ": " + std::strerror(write_errno));
  }
  return token;
}

Status RevokeToken(const std::string& tokens_path, const std::string& name) {
  auto lock = LockTokensFile(tokens_path);
  if (!lock.ok()) return lock.status();
  std::ifstream in(tokens_path);
  if (!in) return Status::NotFound("no tokens file " + tokens_path);
  std::string kept;
  bool found = false;
  std::string line;
  while (std::getline(in, line)) {
    if (IsEntryLine(line)) {
      v1::ApiToken entry;
      if (google::protobuf::util::JsonStringToMessage(line, &entry).ok() && entry.name() == name) {
        found = true;
        continue;
      }
    }
    kept += line;
    kept += '\n';
  }
  if (!found) return Status::NotFound(tokens_path + " has no token named " + name);
  return ReplaceFile(tokens_path, kept);
}

Result<std::vector<v1::ApiToken>> ListTokens(const std::string& tokens_path) {
  std::ifstream in(tokens_path);
  if (!in) return Status::NotFound("no tokens file " + tokens_path);
  std::vector<v1::ApiToken> entries;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!IsEntryLine(line)) continue;
    v1::ApiToken entry;
    auto parsed = google::protobuf::util::JsonStringToMessage(line, &entry);
    if (!parsed.ok()) {
      return Status::InvalidArgument(tokens_path + ":" + std::to_string(number) +
                                     ": not an ApiToken: " + std::string(parsed.message()));
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace timeline
