// MetricsRegistry: counters, gauges and fixed-bucket histograms, exposed in the Prometheus text
// exposition format 0.0.4 (what `/metrics` serves).
//
// Why not prometheus-cpp (which issue 5 names): Debian bookworm does not package it (`apt-cache
// search prometheus` lists no C++ library) and nothing else may be fetched, so this is the small
// part of it we need. The format written here is exact: `# HELP` and `# TYPE` once per family,
// label values escaped (\\, \", \n), a histogram as cumulative `_bucket{le=...}` samples ending
// with le="+Inf", then `_sum` and `_count`.
//
// Operation: a family (one metric name, its help, type and label names) is added once; With()
// finds or makes the child for a set of label values (under the family's mutex). Keep the
// reference it returns: the child's updates are lock-free atomics, fit for hot paths, and it
// lives as long as the registry. Collectors registered with AddCollector() run at the start of
// every Expose(), to refresh gauges that are read rather than counted (RocksDB size, lag).
// Concurrency: every method is thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace timeline {

class Counter {
 public:
  void Increment(uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double by);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted in fixed buckets, each bucket counting those <= its upper bound.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);  // ascending, without +Inf
  void Observe(double value);

  const std::vector<double>& upper_bounds() const { return upper_bounds_; }
  // Per bucket, not cumulative; one more than upper_bounds() (the last is above them all).
  std::vector<uint64_t> bucket_counts() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> upper_bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<double> sum_{0};
  std::atomic<uint64_t> count_{0};
};

enum class MetricType { kCounter, kGauge, kHistogram };

// One metric name and its children, one per set of label values.
template <typename Metric>
class MetricFamily {
 public:
  MetricFamily(std::vector<std::string> label_names, std::function<std::unique_ptr<Metric>()> make)
      : label_names_(std::move(label_names)), make_(std::move(make)) {}

  // The child for `label_values` (as many as the family's label names; a programmer error
  // otherwise), made on first use.
  Metric& With(const std::vector<std::string>& label_values = {});

  const std::vector<std::string>& label_names() const { return label_names_; }
  // Visits the children in label-value order.
  void ForEach(
      const std::function<void(const std::vector<std::string>&, const Metric&)>& visit) const;

 private:
  const std::vector<std::string> label_names_;
  const std::function<std::unique_ptr<Metric>()> make_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> children_;
};

template <typename Metric>
Metric& MetricFamily<Metric>::With(const std::vector<std::string>& label_values) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& child = children_[label_values];
  if (!child) child = make_();
  return *child;
}

template <typename Metric>
void MetricFamily<Metric>::ForEach(
    const std::function<void(const std::vector<std::string>&, const Metric&)>& visit) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [labels, child] : children_) visit(labels, *child);
}

class MetricsRegistry {
 public:
  // Adds a family, or returns the one of that name already added (with the same type and labels:
  // a programmer error otherwise). Names follow Prometheus' [a-zA-Z_:][a-zA-Z0-9_:]*; counters
  // end in _total.
  MetricFamily<Counter>& AddCounter(const std::string& name, const std::string& help,
                                    std::vector<std::string> label_names = {});
  MetricFamily<Gauge>& AddGauge(const std::string& name, const std::string& help,
                                std::vector<std::string> label_names = {});
  MetricFamily<Histogram>& AddHistogram(const std::string& name, const std::string& help,
                                        std::vector<std::string> label_names,
                                        std::vector<double> upper_bounds);

  // `collect` runs at the start of each Expose(), on the exposing thread.
  void AddCollector(std::function<void()> collect);

  // Every family in the order added, in the text format 0.0.4.
  std::string Expose() const;

  // Buckets for durations in seconds, 0.5 ms to 10 s.
  static std::vector<double> LatencyBuckets();

 private:
  struct Entry {
    std::string name;
    std::string help;
    MetricType type;
    std::shared_ptr<void> family;  // MetricFamily<Counter|Gauge|Histogram>
  };
  Entry* Find(const std::string& name, MetricType type);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Entry>> entries_;
  std::vector<std::function<void()>> collectors_;
};

// The text format's escaping: of a label value (\\, \", \n) and of a HELP text (\\, \n).
std::string EscapeLabelValue(const std::string& value);
std::string EscapeHelp(const std::string& help);
// A sample value as the format writes it: shortest round-trip decimal, +Inf, -Inf or NaN.
std::string FormatSampleValue(double value);

}  // namespace timeline
