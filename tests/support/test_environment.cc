#include "tests/support/test_environment.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>

namespace timeline::testing {
namespace {
std::atomic<int> g_counter{0};

std::string UniqueName(const std::string& stem) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return stem + std::to_string(::getpid()) + "-" +
         std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now).count()) + "-" +
         std::to_string(g_counter.fetch_add(1));
}
}  // namespace

TempDir::TempDir() {
  path_ = (std::filesystem::temp_directory_path() / UniqueName("timeline-test-")).string();
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

KafkaSettings IsolatedKafkaSettings() {
  KafkaSettings settings;
  settings.brokers = DefaultBrokers();
  const std::string prefix = UniqueName("t") + "-";
  settings.topics = TopicNames::WithPrefix(prefix);
  settings.group_prefix = prefix + "timeline";
  settings.client_id = "timeline-test";
  return settings;
}

}  // namespace timeline::testing
