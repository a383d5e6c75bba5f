// The ceilings the fold is measured against (deploy/bench.sh, issue 14), on a real topic:
//   log_ceiling_bench TOPIC [DIR]
// 1. a raw librdkafka consumer (read_committed, no group) reads every partition of TOPIC from
//    its start to its end and discards the records;
// 2. with DIR, the same records are written to a fresh RocksDB in DIR, 5000 to a WriteBatch
//    (the worker's batch), keyed by partition and offset: the write side's ceiling.
// Brokers: $TIMELINE_BROKERS, else the local broker. Prints one line per phase.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "consumers/log/kafka_client.h"
#include "consumers/log/kafka_wait.h"

namespace timeline {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point started) {
  return std::chrono::duration<double>(Clock::now() - started).count();
}

int Run(const std::string& topic, const std::string& dir) {
  KafkaSettings kafka;
  if (const char* brokers = std::getenv("TIMELINE_BROKERS")) kafka.brokers = brokers;
  auto consumer = MakeConsumer(kafka, "", nullptr, {{"enable.partition.eof", "true"}});
  if (!consumer.ok()) return std::fprintf(stderr, "%s\n", consumer.status().ToString().c_str()), 1;
  auto count = PartitionCount(consumer->get(), topic, std::chrono::seconds(30));
  if (!count.ok()) return std::fprintf(stderr, "%s\n", count.status().ToString().c_str()), 1;
  std::vector<RdKafka::TopicPartition*> partitions;
  std::set<int32_t> reading;
  for (int32_t partition = 0; partition < *count; ++partition) {
    auto ends = QueryWatermarks(consumer->get(), topic, partition, std::chrono::seconds(30));
    if (!ends.ok()) return std::fprintf(stderr, "%s\n", ends.status().ToString().c_str()), 1;
    if (ends->high > ends->low) reading.insert(partition);
    partitions.push_back(RdKafka::TopicPartition::create(topic, partition, ends->low));
  }
  (*consumer)->assign(partitions);
  RdKafka::TopicPartition::destroy(partitions);

  // Kept only when the write phase follows; the read phase is timed without the copy.
  const bool keep = !dir.empty();
  std::vector<LogRecord> records;
  uint64_t read = 0;
  uint64_t bytes = 0;
  const auto started = Clock::now();
  while (!reading.empty()) {
    std::unique_ptr<RdKafka::Message> message((*consumer)->consume(1000));
    if (message->err() == RdKafka::ERR_NO_ERROR) {
      ++read;
      bytes += message->len();
      if (keep) records.push_back(ToLogRecord(*message));
    } else if (message->err() == RdKafka::ERR__PARTITION_EOF) {
      reading.erase(message->partition());
    } else if (message->err() != RdKafka::ERR__TIMED_OUT) {
      std::fprintf(stderr, "reading %s: %s\n", topic.c_str(), message->errstr().c_str());
      return 1;
    }
  }
  const double read_seconds = SecondsSince(started);
  (*consumer)->close();
  std::printf("raw read: %llu records (%.1f MB) in %.2f s = %.0f records/s\n",
              static_cast<unsigned long long>(read), bytes / 1e6, read_seconds,
              read / read_seconds);
  if (!keep) return 0;

  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (auto opened = rocksdb::DB::Open(options, dir, &raw); !opened.ok()) {
    return std::fprintf(stderr, "%s\n", opened.ToString().c_str()), 1;
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  const auto writing = Clock::now();
  rocksdb::WriteBatch batch;
  char key[16];
  for (size_t i = 0; i < records.size(); ++i) {
    std::snprintf(key, sizeof key, "%03d%012lld", records[i].partition,
                  static_cast<long long>(records[i].offset));
    batch.Put(key, records[i].value);
    if (batch.Count() == 5000 || i + 1 == records.size()) {
      if (auto written = db->Write(rocksdb::WriteOptions(), &batch); !written.ok()) {
        return std::fprintf(stderr, "%s\n", written.ToString().c_str()), 1;
      }
      batch.Clear();
    }
  }
  const double write_seconds = SecondsSince(writing);
  std::printf("raw RocksDB puts: %zu records in %.2f s = %.0f records/s\n", records.size(),
              write_seconds, records.size() / write_seconds);
  return 0;
}

}  // namespace
}  // namespace timeline

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: log_ceiling_bench TOPIC [DIR]\n");
    return 2;
  }
  return timeline::Run(argv[1], argc > 2 ? argv[2] : "");
}
