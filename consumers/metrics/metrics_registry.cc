#include "consumers/metrics/metrics_registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cmath>

namespace timeline {
namespace {

void AddTo(std::atomic<double>* total, double by) {
  double seen = total->load(std::memory_order_relaxed);
  while (!total->compare_exchange_weak(seen, seen + by, std::memory_order_relaxed)) {
  }
}

// `{a="x",b="y"}` (empty without labels), with `extra` (e.g. le) as the last pair.
std::string LabelSet(const std::vector<std::string>& names, const std::vector<std::string>& values,
                     const std::string& extra_name = "", const std::string& extra_value = "") {
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) {
    text += (text.empty() ? "" : ",") + names[i] + "=\"" + EscapeLabelValue(values[i]) + "\"";
  }
  if (!extra_name.empty()) {
    text += (text.empty() ? "" : ",") + extra_name + "=\"" + EscapeLabelValue(extra_value) + "\"";
  }
  return text.empty() ? text : "{" + text + "}";
}

const char* TypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
  }
  return "untyped";
}

}  // namespace

void Gauge::Add(double by) { AddTo(&value_, by); }

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      buckets_(new std::atomic<uint64_t>[upper_bounds_.size() + 1]) {
  assert(std::is_sorted(upper_bounds_.begin(), upper_bounds_.end()));
  for (size_t i = 0; i <= upper_bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double value) {
  const size_t bucket = static_cast<size_t>(
      std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value) - upper_bounds_.begin());
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  AddTo(&sum_, value);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::bucket_counts() const {
  std::vector<uint64_t> counts(upper_bounds_.size() + 1);
  for (size_t i = 0; i < counts.size(); ++i)
    counts[i] = buckets_[i].load(std::memory_order_relaxed);
  return counts;
}

MetricsRegistry::Entry* MetricsRegistry::Find(const std::string& name, MetricType type) {
  for (auto& entry : entries_) {
    if (entry->name == name) {
      assert(entry->type == type && "a metric name added twice with two types");
      (void)type;
      return entry.get();
    }
  }
  return nullptr;
}

MetricFamily<Counter>& MetricsRegistry::AddCounter(const std::string& name, const std::string& help,
                                                   std::vector<std::string> label_names) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (Entry* entry = Find(name, MetricType::kCounter)) {
    return *static_cast<MetricFamily<Counter>*>(entry->family.get());
  }
  auto family = std::make_shared<MetricFamily<Counter>>(std::move(label_names),
                                                        [] { return std::make_unique<Counter>(); });
  entries_.push_back(std::make_unique<Entry>(Entry{name, help, MetricType::kCounter, family}));
  return *family;
}

MetricFamily<Gauge>& MetricsRegistry::AddGauge(const std::string& name, const std::string& help,
                                               std::vector<std::string> label_names) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (Entry* entry = Find(name, MetricType::kGauge)) {
    return *static_cast<MetricFamily<Gauge>*>(entry->family.get());
  }
  auto family = std::make_shared<MetricFamily<Gauge>>(std::move(label_names),
                                                      [] { return std::make_unique<Gauge>(); });
  entries_.push_back(std::make_unique<Entry>(Entry{name, help, MetricType::kGauge, family}));
  return *family;
}

MetricFamily<Histogram>& MetricsRegistry::AddHistogram(const std::string& name,
                                                       const std::string& help,
                                                       std::vector<std::string> label_names,
                                                       std::vector<double> upper_bounds) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (Entry* entry = Find(name, MetricType::kHistogram)) {
    return *static_cast<MetricFamily<Histogram>*>(entry->family.get());
  }
  auto family = std::make_shared<MetricFamily<Histogram>>(
      std::move(label_names), [upper_bounds = std::move(upper_bounds)] {
        return std::make_unique<Histogram>(upper_bounds);
      });
  entries_.push_back(std::make_unique<Entry>(Entry{name, help, MetricType::kHistogram, family}));
  return *family;
}

void MetricsRegistry::AddCollector(std::function<void()> collect) {
  std::lock_guard<std::mutex> lock(mutex_);
  collectors_.push_back(std::move(collect));
}

std::string MetricsRegistry::Expose() const {
  std::vector<std::function<void()>> collectors;
  std::vector<const Entry*> entries;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    collectors = collectors_;
    for (const auto& entry : entries_) entries.push_back(entry.get());
  }
  for (const auto& collect : collectors) collect();
  std::string text;
  for (const Entry* entry : entries) {
    text += "# HELP " + entry->name + " " + EscapeHelp(entry->help) + "\n";
    text += "# TYPE " + entry->name + " " + TypeName(entry->type) + "\n";
    const std::string& name = entry->name;
    switch (entry->type) {
      case MetricType::kCounter: {
        const auto& family = *static_cast<const MetricFamily<Counter>*>(entry->family.get());
        family.ForEach([&](const std::vector<std::string>& labels, const Counter& counter) {
          text += name + LabelSet(family.label_names(), labels) + " " +
                  std::to_string(counter.value()) + "\n";
        });
        break;
      }
      case MetricType::kGauge: {
        const auto& family = *static_cast<const MetricFamily<Gauge>*>(entry->family.get());
        family.ForEach([&](const std::vector<std::string>& labels, const Gauge& gauge) {
          text += name + LabelSet(family.label_names(), labels) + " " +
                  FormatSampleValue(gauge.value()) + "\n";
        });
        break;
      }
      case MetricType::kHistogram: {
        const auto& family = *static_cast<const MetricFamily<Histogram>*>(entry->family.get());
        family.ForEach([&](const std::vector<std::string>& labels, const Histogram& histogram) {
          // Read the buckets first: _count is then at least their sum, never less.
          const auto counts = histogram.bucket_counts();
          uint64_t cumulative = 0;
          for (size_t i = 0; i < counts.size(); ++i) {
            cumulative += counts[i];
            const std::string le = i < histogram.upper_bounds().size()
                                       ? FormatSampleValue(histogram.upper_bounds()[i])
                                       : "+Inf";
            text += name + "_bucket" + LabelSet(family.label_names(), labels, "le", le) + " " +
                    std::to_string(cumulative) + "\n";
          }
          const std::string label_set = LabelSet(family.label_names(), labels);
          text += name + "_sum" + label_set + " " + FormatSampleValue(histogram.sum()) + "\n";
          text += name + "_count" + label_set + " " + std::to_string(cumulative) + "\n";
        });
        break;
      }
    }
  }
  return text;
}

std::vector<double> MetricsRegistry::LatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::string EscapeLabelValue(const std::string& value) {
  std::string escaped;
  for (char c : value) {
    if (c == '\\')
      escaped += "\\\\";
    else if (c == '"')
      escaped += "\\\"";
    else if (c == '\n')
      escaped += "\\n";
    else
      escaped += c;
  }
  return escaped;
}

std::string EscapeHelp(const std::string& help) {
  std::string escaped;
  for (char c : help) {
    if (c == '\\')
      escaped += "\\\\";
    else if (c == '\n')
      escaped += "\\n";
    else
      escaped += c;
  }
  return escaped;
}

std::string FormatSampleValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

}  // namespace timeline
