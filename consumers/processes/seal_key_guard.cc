#include "consumers/processes/seal_key_guard.h"

#include <fmt/format.h>

#include <filesystem>
#include <thread>

namespace timeline {
namespace {

constexpr std::string_view kWhereTheKeyLives =
    "restore the deployment's seal key file there, or point at it with --seal-key FILE (or "
    "TIMELINE_SEAL_KEY_FILE); keep it outside the data directory (README, \"The seal key\")";

// How many offsets `topic` holds (high minus low watermark, summed over partitions): records,
// and the transaction markers after them. Errors are retried until `timeout` (a topic just
// created has no partition leader for a moment).
Result<int64_t> OffsetsOn(RdKafka::Handle* handle, const std::string& topic,
                          std::chrono::milliseconds timeout) {
  auto partitions = PartitionCount(handle, topic, timeout);
  if (!partitions.ok()) return partitions.status();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int64_t offsets = 0;
  for (int32_t partition = 0; partition < *partitions; ++partition) {
    int64_t low = 0;
    int64_t high = 0;
    RdKafka::ErrorCode error;
    while ((error = handle->query_watermark_offsets(topic, partition, &low, &high, 5000)) !=
               RdKafka::ERR_NO_ERROR &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    TIMELINE_RETURN_IF_ERROR(
        FromKafka(error, fmt::format("reading the offsets of {}[{}]", topic, partition)));
    offsets += high - low;
  }
  return offsets;
}

}  // namespace

Result<SealKey> LoadOrCreateSequencerSealKey(const std::string& path, const KafkaSettings& kafka,
                                             RdKafka::Handle* handle,
                                             std::chrono::milliseconds timeout) {
  if (std::filesystem::exists(path)) return SealKey::Load(path);
  auto offsets = OffsetsOn(handle, kafka.topics.events, timeout);
  if (!offsets.ok()) return offsets.status();
  if (*offsets > 0) {
    return Status::NotFound(fmt::format(
        "the seal key {} does not exist, but {} already holds events ({} offsets) sealed with "
        "the deployment's key: a new key could not verify them and the sequencer would write "
        "every account's sequences a second time, so none is created; {}",
        path, kafka.topics.events, *offsets, kWhereTheKeyLives));
  }
  return SealKey::LoadOrCreate(path);
}

Result<SealKey> LoadRequiredSealKey(const std::string& path, std::string_view role) {
  if (std::filesystem::exists(path)) return SealKey::Load(path);
  return Status::NotFound(fmt::format(
      "the seal key {} does not exist; {} verifies every event with the deployment's key (the "
      "one the sequencer seals with) and never makes one; {}",
      path, role, kWhereTheKeyLives));
}

}  // namespace timeline
