#include "consumers/http/token_issuer.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <google/protobuf/util/json_util.h>

#include "consumers/http/access_control.h"
#include "engine/sha256.h"

namespace timeline {

Result<std::string> NewRandomToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    return Status::Internal("OpenSSL RAND_bytes could not produce a token");
  }
  return ToHex(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

Result<std::string> IssueToken(const std::string& tokens_path, v1::ApiToken entry) {
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

}  // namespace timeline
