// The kill -9 and rebalance fault tests' shared harness: a known workload of commands and the
// outcome the sequencer must give each, `timeline` child processes (started, waited for until at
// work, killed, terminated), producing bursts of commands, reading a topic whole, and running a
// `timeline` command to its end. Catch2 assertions inside: for tests only.
#pragma once

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "consumers/log/kafka_client.h"
#include "consumers/processes/data_directory.h"
#include "engine/log_record.h"
#include "engine/partitioning.h"
#include "projections/view_store.h"
#include "tests/support/test_environment.h"
#include "timeline/v1/commands.pb.h"

#ifndef TIMELINE_BINARY
#error "tests/CMakeLists.txt defines TIMELINE_BINARY, the path of the timeline executable"
#endif

namespace timeline::fault {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::IsolatedKafkaSettings;
using testing::TempDir;

constexpr int32_t kPartitions = 3;
constexpr int kAccounts = 10;
constexpr int kOrdersPerAccount = 150;
constexpr auto kActiveTimeout = 120s;  // generous: a restart normally owns its partitions in ~1 s
constexpr auto kSettleTimeout = 60s;
// Each burst is produced over this long; a kill comes 50 ms to this long after the start. A
// freshly started sequencer commits its first batch about a second after it owns its
// partitions, so a shorter window often killed a process with nothing in hand.
constexpr auto kBurstSpread = 2500ms;

// ------------------------------------------------------------------ the workload

enum class Expect { kAccepted, kNegativeAmount, kDuplicate };

struct Command {
  std::string account;
  std::string submission_id;
  v1::SubmitEvent submission;
  Expect expect = Expect::kAccepted;
  uint64_t sequence = 0;           // kAccepted: the sequence it must get
  uint64_t original_sequence = 0;  // kDuplicate: the sequence its key already produced
};

struct AccountExpectation {
  uint64_t version = 0;
  uint64_t orders_placed = 0;
  int64_t ordered_eur = 0;
  std::vector<const Command*> accepted;  // in sequence order
};

struct Workload {
  std::vector<Command> commands;  // in the order they are produced
  std::map<std::string, AccountExpectation> accounts;
};

inline google::protobuf::Timestamp At(int64_t seconds) {
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(seconds);
  return timestamp;
}

// 10 accounts, each opened then sent 150 orders; every 29th order has a negative price, and
// every 17th order with an idempotency key is sent again a few commands later. The expected
// outcome of each command is computed here, the way the sequencer must decide it.
inline Workload MakeWorkload(const std::string& run_id) {
  Workload workload;
  std::vector<std::vector<Command>> per_account(kAccounts);
  for (int a = 0; a < kAccounts; ++a) {
    const std::string account = "fault-acct-" + std::to_string(a);
    auto& commands = per_account[a];
    std::map<std::string, uint64_t> used_keys;
    uint64_t version = 0;
    int submission = 0;
    auto next_id = [&] { return run_id + "-" + account + "-" + std::to_string(submission++); };

    Command opened;
    opened.account = account;
    opened.submission_id = next_id();
    opened.submission.set_account_id(account);
    *opened.submission.mutable_occurred_at() = At(1767600000);
    opened.submission.set_actor("jane.doe");
    auto* open = opened.submission.mutable_event()->mutable_account_opened();
    open->set_name("Client " + std::to_string(a));
    open->set_manager("jane.doe");
    open->set_currency("EUR");
    opened.sequence = ++version;
    commands.push_back(opened);

    std::vector<Command> repeats;  // sent again three orders later
    for (int o = 0; o < kOrdersPerAccount; ++o) {
      Command order;
      order.account = account;
      order.submission.set_account_id(account);
      *order.submission.mutable_occurred_at() = At(1767600000 + 60 * (o + 1));
      order.submission.set_actor("order.desk");
      auto* placed = order.submission.mutable_event()->mutable_order_placed();
      placed->set_order_id("PO-" + std::to_string(o));
      auto* line = placed->add_lines();
      line->set_sku("SKU-" + std::to_string(o % 7));
      line->set_quantity(1 + (o % 3));
      const int64_t price = 100 + 37 * a + 11 * o;
      line->mutable_unit_price()->set_minor_units(o % 29 == 5 ? -price : price);
      line->mutable_unit_price()->set_currency("EUR");
      const bool keyed = o % 4 == 1;
      if (keyed) order.submission.set_idempotency_key("order-" + std::to_string(o));
      if (keyed && o % 17 == 9 && o % 29 != 5) repeats.push_back(order);
      commands.push_back(order);
      if (o % 3 == 0 && !repeats.empty() && o > 0) {
        commands.push_back(repeats.front());
        repeats.erase(repeats.begin());
      }
    }
    for (auto& repeat : repeats) commands.push_back(repeat);

    // Decide every command as the sequencer must.
    for (size_t i = 1; i < commands.size(); ++i) {
      Command& command = commands[i];
      command.submission_id = next_id();
      const auto& line = command.submission.event().order_placed().lines(0);
      const std::string& key = command.submission.idempotency_key();
      if (line.unit_price().minor_units() < 0) {
        command.expect = Expect::kNegativeAmount;
      } else if (!key.empty() && used_keys.count(key) > 0) {
        command.expect = Expect::kDuplicate;
        command.original_sequence = used_keys[key];
      } else {
        command.expect = Expect::kAccepted;
        command.sequence = ++version;
        if (!key.empty()) used_keys[key] = command.sequence;
      }
    }
    for (auto& command : commands) command.submission.set_submission_id(command.submission_id);
  }

  // Interleave the accounts round robin, keeping each account's own order.
  size_t longest = 0;
  for (const auto& commands : per_account) longest = std::max(longest, commands.size());
  for (size_t i = 0; i < longest; ++i) {
    for (const auto& commands : per_account) {
      if (i < commands.size()) workload.commands.push_back(commands[i]);
    }
  }
  for (const Command& command : workload.commands) {
    if (command.expect != Expect::kAccepted) continue;
    AccountExpectation& expected = workload.accounts[command.account];
    expected.version = command.sequence;
    expected.accepted.push_back(&command);
    if (command.submission.event().has_order_placed()) {
      ++expected.orders_placed;
      for (const auto& line : command.submission.event().order_placed().lines()) {
        expected.ordered_eur += line.quantity() * line.unit_price().minor_units();
      }
    }
  }
  return workload;
}

// ------------------------------------------------------------------ the child process

inline std::string ReadFileFrom(const std::string& path, std::streamoff from) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(from);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string Tail(const std::string& text, size_t lines) {
  size_t position = text.size();
  for (size_t n = 0; n <= lines && position > 0; ++n) {
    position = text.rfind('\n', position - 1);
    if (position == std::string::npos) return text;
  }
  return text.substr(position + 1);
}

// `timeline run` as a child process, its stdout and stderr appended to one log file.
class EngineProcess {
 public:
  EngineProcess(std::vector<std::string> args, std::string log_path)
      : args_(std::move(args)), log_path_(std::move(log_path)) {}
  ~EngineProcess() {
    if (pid_ > 0) Kill9();
  }

  // Starts the child; returns the log offset where its output begins.
  std::streamoff Start(const std::string& banner) {
    {
      std::ofstream log(log_path_, std::ios::app);
      log << "=== " << banner << " ===\n";
    }
    const std::streamoff from = static_cast<std::streamoff>(std::filesystem::file_size(log_path_));
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(TIMELINE_BINARY));
    for (auto& arg : args_) argv.push_back(arg.data());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      const int fd = ::open(log_path_.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0644);
      if (fd >= 0) {
        ::dup2(fd, STDOUT_FILENO);
        ::dup2(fd, STDERR_FILENO);
        ::close(fd);
      }
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    pid_ = pid;
    return from;
  }

  // nullopt while the child runs; its wait status once it has ended (reaped).
  std::optional<int> Poll() {
    if (pid_ <= 0) return exited_status_;
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      pid_ = -1;
      exited_status_ = status;
      return status;
    }
    return std::nullopt;
  }

  void Kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    exited_status_ = status;
  }

  // SIGTERM, then waits up to `timeout`; the wait status, or nullopt when it did not end.
  std::optional<int> Terminate(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return exited_status_;
    ::kill(pid_, SIGTERM);
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (auto status = Poll()) return status;
      std::this_thread::sleep_for(20ms);
    }
    return std::nullopt;
  }

  pid_t pid() const { return pid_; }
  const std::string& command() const { return args_.front(); }
  const std::string& log_path() const { return log_path_; }

 private:
  std::vector<std::string> args_;
  std::string log_path_;
  pid_t pid_ = -1;
  std::optional<int> exited_status_;
};

// The log lines that say a `timeline` process of this command is at work: the roles own their
// partitions (the sequencer logs that after its heads caught up); serve prints its address.
inline std::vector<std::string> ActiveMarkers(const std::string& command) {
  if (command == "run") return {"sequencer: assigned", "worker: assigned"};
  if (command == "sequencer") return {"sequencer: assigned"};
  if (command == "worker") return {"worker: assigned"};
  return {"http://"};
}

// Waits until the child started at log offset `from` is at work (ActiveMarkers). When `kill_at`
// passes first, kills the child there instead and returns nullopt; else returns how long the
// wait took.
inline std::optional<double> WaitUntilActive(
    EngineProcess& engine, std::streamoff from,
    std::optional<Clock::time_point> kill_at = std::nullopt) {
  const auto started = Clock::now();
  const auto deadline = started + kActiveTimeout;
  const std::vector<std::string> markers = ActiveMarkers(engine.command());
  while (true) {
    const std::string log = ReadFileFrom(engine.log_path(), from);
    bool active = true;
    for (const auto& marker : markers) active = active && log.find(marker) != std::string::npos;
    if (active) return std::chrono::duration<double>(Clock::now() - started).count();
    if (auto status = engine.Poll()) {
      INFO("log:\n" << Tail(log, 40));
      FAIL("timeline " << engine.command() << " ended by itself (wait status " << *status
                       << ") before it was active");
    }
    if (kill_at && Clock::now() >= *kill_at) {
      engine.Kill9();
      return std::nullopt;
    }
    if (Clock::now() > deadline) {
      INFO("log:\n" << Tail(log, 40));
      FAIL("timeline " << engine.command() << " was not active within " << kActiveTimeout.count()
                       << " s");
    }
    std::this_thread::sleep_for(kill_at ? 1ms : 20ms);
  }
}

// ------------------------------------------------------------------ producing

class DeliveryErrors : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    if (message.err() != RdKafka::ERR_NO_ERROR) {
      ++failed;
      last = message.errstr();
    }
  }
  int failed = 0;
  std::string last;
};

// Produces `commands` over about `spread`; calls `at_moment` once `moment` has passed.
inline void ProduceBurst(RdKafka::Producer* producer, const KafkaSettings& kafka,
                         const std::vector<const Command*>& commands,
                         std::optional<Clock::time_point> moment,
                         const std::function<void()>& at_moment,
                         std::chrono::milliseconds spread = kBurstSpread) {
  const auto started = Clock::now();
  bool done = !moment.has_value();
  for (size_t i = 0; i < commands.size(); ++i) {
    const Command& command = *commands[i];
    Status status =
        Produce(producer, kafka.topics.commands, PartitionForKey(command.account, kPartitions),
                command.account, command.submission.SerializeAsString(),
                {{std::string(kSubmissionIdHeader), command.submission_id}});
    INFO(status.ToString());
    REQUIRE(status.ok());
    producer->poll(0);
    // Pace the burst so the engine is busy throughout the kill window.
    const auto due = started + spread * (i + 1) / commands.size();
    while (Clock::now() < due) {
      if (!done && Clock::now() >= *moment) {
        at_moment();
        done = true;
      }
      std::this_thread::sleep_for(1ms);
    }
    if (!done && Clock::now() >= *moment) {
      at_moment();
      done = true;
    }
  }
  if (!done) {
    std::this_thread::sleep_until(*moment);
    at_moment();
  }
}

// ------------------------------------------------------------------ reading the log

// Every committed record of `topic` from the beginning to the end of each partition; with
// `uncommitted`, also the records of aborted and open transactions.
inline std::vector<LogRecord> ReadAll(const KafkaSettings& kafka, const std::string& topic,
                                      bool uncommitted = false) {
  ConfigPairs extra = {{"enable.partition.eof", "true"}};
  if (uncommitted) extra.emplace_back("isolation.level", "read_uncommitted");
  auto consumer = MakeConsumer(kafka, "", nullptr, extra);
  INFO(consumer.status().ToString());
  REQUIRE(consumer.ok());
  std::vector<RdKafka::TopicPartition*> partitions;
  for (int32_t p = 0; p < kPartitions; ++p) {
    partitions.push_back(
        RdKafka::TopicPartition::create(topic, p, RdKafka::Topic::OFFSET_BEGINNING));
  }
  const auto assigned = (*consumer)->assign(partitions);
  RdKafka::TopicPartition::destroy(partitions);
  REQUIRE(assigned == RdKafka::ERR_NO_ERROR);
  std::set<int32_t> remaining;
  for (int32_t p = 0; p < kPartitions; ++p) remaining.insert(p);
  std::vector<LogRecord> records;
  const auto deadline = Clock::now() + 60s;
  while (!remaining.empty()) {
    REQUIRE(Clock::now() < deadline);
    std::unique_ptr<RdKafka::Message> message((*consumer)->consume(500));
    if (message->err() == RdKafka::ERR__PARTITION_EOF) {
      remaining.erase(message->partition());
    } else if (message->err() == RdKafka::ERR_NO_ERROR) {
      records.push_back(ToLogRecord(*message));
    } else if (message->err() != RdKafka::ERR__TIMED_OUT) {
      FAIL("reading " << topic << ": " << message->errstr());
    }
  }
  (*consumer)->close();
  return records;
}

// Collects failures as text, so one REQUIRE reports the first few of many checks.
struct Problems {
  std::vector<std::string> list;
  void Add(std::string problem) { list.push_back(std::move(problem)); }
  std::string Summary() const {
    std::string text = std::to_string(list.size()) + " problem(s)";
    for (size_t i = 0; i < list.size() && i < 25; ++i) text += "\n  " + list[i];
    return text;
  }
};

// Waits until the views show every account at its expected version. Empty when they do, else
// what is missing (the log checks then run anyway: they say more precisely what went wrong).
// `ended` names a process that ended by itself, empty while every one runs.
inline std::string WaitForViews(const std::string& data_dir, const Workload& workload,
                                const std::function<std::string()>& ended) {
  TempDir scratch;
  const auto deadline = Clock::now() + kSettleTimeout;
  std::unique_ptr<ViewStore> views;
  std::string last_gap = "no views yet";
  while (true) {
    if (!views) {
      auto opened = ViewStore::OpenSecondary(ViewsDirectory(data_dir), scratch.path());
      if (opened.ok()) views = std::move(opened).value();
    }
    if (views && !views->CatchUp().ok()) views.reset();
    if (views) {
      last_gap.clear();
      for (const auto& [account, expected] : workload.accounts) {
        auto state = views->GetState(account);
        if (!state.ok()) return account + ": " + state.status().ToString();
        const uint64_t version = state->has_value() ? (*state)->version() : 0;
        if (version < expected.version) {
          last_gap = account + " at version " + std::to_string(version) + " of " +
                     std::to_string(expected.version);
          break;
        }
      }
      if (last_gap.empty()) return "";
    }
    if (std::string gone = ended(); !gone.empty()) return gone + " before the views settled";
    if (Clock::now() > deadline) {
      return "the views did not reach the expected versions in " +
             std::to_string(kSettleTimeout.count()) + " s: " + last_gap;
    }
    std::this_thread::sleep_for(100ms);
  }
}

inline int EnvInt(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::atoi(value) : fallback;
}

// `timeline ARGS` run to its end, at most `timeout`: its exit code (-1 when it had to be killed)
// and what it wrote (stdout and stderr in one).
struct Finished {
  int exit_code = -1;
  std::string output;
};

// Several `timeline` commands, each (ARGS, its own log file), run side by side to their ends,
// at most `timeout`; their results in the same order.
inline std::vector<Finished> RunTimelinesTogether(
    std::vector<std::pair<std::vector<std::string>, std::string>> commands,
    std::chrono::seconds timeout) {
  std::vector<std::unique_ptr<EngineProcess>> running;
  std::vector<std::streamoff> from;
  for (auto& [args, log_path] : commands) {
    std::string banner = "timeline";
    for (const auto& arg : args) banner += " " + arg;
    running.push_back(std::make_unique<EngineProcess>(args, log_path));
    from.push_back(running.back()->Start(banner));
  }
  std::vector<Finished> results(commands.size());
  std::vector<bool> done(commands.size(), false);
  const auto deadline = Clock::now() + timeout;
  size_t remaining = commands.size();
  while (remaining > 0 && Clock::now() < deadline) {
    for (size_t i = 0; i < running.size(); ++i) {
      if (done[i]) continue;
      if (auto status = running[i]->Poll()) {
        const int code = WIFEXITED(*status) ? WEXITSTATUS(*status) : 128 + WTERMSIG(*status);
        results[i] = {code, ReadFileFrom(commands[i].second, from[i])};
        done[i] = true;
        --remaining;
      }
    }
    if (remaining > 0) std::this_thread::sleep_for(50ms);
  }
  for (size_t i = 0; i < running.size(); ++i) {
    if (done[i]) continue;
    running[i]->Kill9();
    results[i] = {-1, ReadFileFrom(commands[i].second, from[i]) + "\n(no end within " +
                          std::to_string(timeout.count()) + " s: killed)"};
  }
  return results;
}

inline Finished RunTimeline(std::vector<std::string> args, const std::string& log_path,
                            std::chrono::seconds timeout) {
  return RunTimelinesTogether({{std::move(args), log_path}}, timeout).front();
}

// Copies every *.log of `from` into `to` (made if missing).
inline void CopyLogs(const std::string& from, const std::string& to) {
  std::error_code ignored;
  std::filesystem::create_directories(to, ignored);
  for (const auto& entry : std::filesystem::directory_iterator(from, ignored)) {
    if (entry.path().extension() == ".log") {
      std::filesystem::copy_file(entry.path(), to + "/" + entry.path().filename().string(),
                                 std::filesystem::copy_options::overwrite_existing, ignored);
    }
  }
}

// Keeps the logs of a test's directory past its end (the directory goes with the test): when a
// REQUIRE or FAIL unwinds through it, in /tmp/timeline-fault-<name>/ (said on stdout); passed or
// not, in $TIMELINE_FAULT_KEEP/<name>/ when that is set. Declare it after the TempDir.
class LogKeeper {
 public:
  LogKeeper(std::string dir, std::string name) : dir_(std::move(dir)), name_(std::move(name)) {}
  LogKeeper(const LogKeeper&) = delete;
  LogKeeper& operator=(const LogKeeper&) = delete;
  ~LogKeeper() {
    if (std::uncaught_exceptions() > 0) {
      CopyLogs(dir_, "/tmp/timeline-fault-" + name_);
      std::printf("  the failed run's logs are in /tmp/timeline-fault-%s/\n", name_.c_str());
    }
    const char* keep = std::getenv("TIMELINE_FAULT_KEEP");
    if (keep == nullptr || *keep == '\0') return;
    CopyLogs(dir_, std::string(keep) + "/" + name_);
    std::printf("  logs kept in %s/%s\n", keep, name_.c_str());
  }

 private:
  std::string dir_;
  std::string name_;
};

}  // namespace timeline::fault
