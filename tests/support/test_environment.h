// Shared fixtures for tests: scratch directories and the real broker the test command starts.
#pragma once

#include <filesystem>
#include <string>

#include "consumers/log/kafka_settings.h"

namespace timeline::testing {

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // A path inside the directory (not created).
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Settings for the local broker (TIMELINE_BROKERS, else deploy/kafka.sh's address) with topic
// names and group ids no other test run uses.
KafkaSettings IsolatedKafkaSettings();

}  // namespace timeline::testing
