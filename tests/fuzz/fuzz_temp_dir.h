// A directory for one fuzz process's RocksDB stores, removed when the process exits normally.
// Targets that need a store open it once per process (opening RocksDB per input would leave
// the fuzzer a few hundred inputs a second) and keep each input's work from persisting in it.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/fuzz/fuzz_check.h"

namespace timeline::fuzz {

class FuzzTempDir {
 public:
  explicit FuzzTempDir(const std::string& name) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / ("timeline-fuzz-" + name + "-XXXXXX")).string();
    FUZZ_CHECK(mkdtemp(pattern.data()) != nullptr, "a temporary directory can be made");
    path_ = pattern;
  }
  ~FuzzTempDir() {
    std::error_code ignored;  // best effort: a leftover in /tmp harms nothing
    std::filesystem::remove_all(path_, ignored);
  }
  FuzzTempDir(const FuzzTempDir&) = delete;
  FuzzTempDir& operator=(const FuzzTempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace timeline::fuzz
