#include "engine/event_seal.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "engine/hash_chain.h"
#include "timeline/v1/envelope.pb.h"

namespace timeline {
namespace {

constexpr size_t kKeySize = 32;

Result<std::string> ReadKeyFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::IoError("cannot read the seal key " + path);
  std::stringstream text;
  text << in.rdbuf();
  std::string hex = text.str();
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r' || hex.back() == ' ')) {
    hex.pop_back();
  }
  std::string key;
  if (hex.size() != 2 * kKeySize || !FromHex(hex, &key)) {
    return Status::InvalidArgument(fmt::format(
        "the seal key {} must hold {} hex characters (32 random bytes)", path, 2 * kKeySize));
  }
  return key;
}

// Writes a fresh key next to `path` and links it into place, so that two processes starting
// together agree on one key: the second link fails and that process reads the first's key.
// The file is 0600 from its creation (never readable by others, not even for a moment) and
// fsynced with its directory before anything is sealed with it: a power cut must not leave an
// empty key behind events it sealed.
Status CreateKeyFile(const std::string& path) {
  std::string key(kKeySize, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), kKeySize) != 1) {
    return Status::IoError("OpenSSL could not produce random bytes for the seal key");
  }
  std::error_code error;
  const std::filesystem::path target(path);
  const std::filesystem::path directory =
      target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  std::filesystem::create_directories(directory, error);
  const std::string temporary = fmt::format("{}.{}.tmp", path, ::getpid());
  const std::string text = ToHex(key) + "\n";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError("cannot create the seal key " + temporary);
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    std::filesystem::remove(temporary, error);
    return Status::IoError("cannot write the seal key " + temporary);
  }
  const bool linked = ::link(temporary.c_str(), path.c_str()) == 0;
  std::filesystem::remove(temporary, error);
  if (!linked && !std::filesystem::exists(path)) {
    return Status::IoError("cannot create the seal key " + path);
  }
  if (const int dir = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Status::Ok();
}

}  // namespace

Result<SealKey> SealKey::LoadOrCreate(const std::string& path) {
  if (!std::filesystem::exists(path)) TIMELINE_RETURN_IF_ERROR(CreateKeyFile(path));
  TIMELINE_ASSIGN_OR_RETURN(std::string key, ReadKeyFile(path));
  return SealKey(std::move(key));
}

Result<SealKey> SealKey::Load(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    return Status::NotFound("the seal key " + path + " does not exist");
  }
  TIMELINE_ASSIGN_OR_RETURN(std::string key, ReadKeyFile(path));
  return SealKey(std::move(key));
}

std::string SealKey::Seal(std::string_view hash) const { return HmacSha256(key_, hash); }

std::string SealKey::Fingerprint() const {
  return ToHex(HmacSha256(key_, "timeline seal key fingerprint").substr(0, 16));
}

void SealEvent(const SealKey& key, v1::EventEnvelope* envelope) {
  envelope->set_seal(key.Seal(envelope->hash()));
}

Status CheckIntegrity(const SealKey& key, const v1::EventEnvelope& envelope) {
  const std::string computed = EventHash(envelope);
  if (envelope.hash() != computed) {
    return Status::Corruption(fmt::format(
        "altered: account {} sequence {}: the stored hash is {} but its contents hash to {}",
        envelope.account_id(), envelope.sequence(), ToHex(envelope.hash()), ToHex(computed)));
  }
  const std::string expected = key.Seal(envelope.hash());
  // Constant-time comparison: a timing leak would help a forger guess a seal byte by byte.
  if (envelope.seal().size() != expected.size() ||
      CRYPTO_memcmp(envelope.seal().data(), expected.data(), expected.size()) != 0) {
    return Status::Corruption(fmt::format(
        "forged: account {} sequence {}: the seal does not match the sequencer's key, so the "
        "sequencer did not write this event",
        envelope.account_id(), envelope.sequence()));
  }
  return Status::Ok();
}

}  // namespace timeline
