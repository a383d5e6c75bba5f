// Fuzz target: a tokens file (`timeline serve --tokens`), one ApiToken as JSON a line, as
// consumers/http/access_control.h TokenStore::Load reads it.
//
// Invariants, for every input:
// - a file is refused as InvalidArgument with a message naming the file, never taken in part;
// - a loaded store holds one entry per entry line, each of which validates on its own, with no
//   name or hash twice.
#include <google/protobuf/util/json_util.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "consumers/http/access_control.h"
#include "engine/sha256.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_temp_dir.h"

namespace timeline::fuzz {
namespace {

const std::string& TokensPath() {
  static FuzzTempDir dir("tokens");
  static const std::string path = dir.path() + "/tokens.jsonl";
  return path;
}

// The entry lines of `text` as Load reads them (blank lines and '#' comments skipped).
std::vector<std::string> EntryLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos || line[0] == '#') continue;
    lines.push_back(line);
  }
  return lines;
}

void CheckLoaded(const TokenStore& store, const std::vector<std::string>& lines) {
  FUZZ_CHECK(store.size() == lines.size(), "a loaded store holds every entry line");
  std::set<std::string> names, hashes;
  for (const auto& line : lines) {
    v1::ApiToken entry;
    FUZZ_CHECK(google::protobuf::util::JsonStringToMessage(line, &entry).ok(),
               "every line of a loaded file is an ApiToken");
    FUZZ_CHECK(ValidateApiToken(entry).ok(), "every entry of a loaded file validates");
    FUZZ_CHECK(store.HasName(entry.name()), "the store knows every name of the file");
    FUZZ_CHECK(names.insert(entry.name()).second, "no name is loaded twice");
    std::string hash;
    FUZZ_CHECK(FromHex(entry.sha256(), &hash), "every hash of a loaded file is hex");
    FUZZ_CHECK(hashes.insert(hash).second, "no hash is loaded twice (in any case of hex digits)");
  }
}

}  // namespace
}  // namespace timeline::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace timeline;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string& path = fuzz::TokensPath();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    FUZZ_CHECK(out.good(), "the tokens file can be written");
  }
  auto store = TokenStore::Load(path);
  if (!store.ok()) {
    FUZZ_CHECK(store.status().code() == StatusCode::kInvalidArgument,
               "a bad tokens file is invalid_argument: " + store.status().ToString());
    FUZZ_CHECK(store.status().message().rfind(path, 0) == 0, "the refusal names the file");
    return 0;
  }
  fuzz::CheckLoaded(*store, fuzz::EntryLines(text));
  return 0;
}
