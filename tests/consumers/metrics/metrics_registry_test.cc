// The metrics registry's exposition, checked line by line against the text format 0.0.4.
#include "consumers/metrics/metrics_registry.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

#include "tests/consumers/metrics/exposition_grammar.h"

namespace timeline {
namespace {

TEST_CASE("counters and gauges are written with HELP, TYPE and their labels", "[unit]") {
  MetricsRegistry registry;
  auto& refused =
      registry.AddCounter("timeline_events_refused_total", "Submissions refused", {"reason"});
  refused.With({"stale_version"}).Increment(3);
  refused.With({"invalid"}).Increment();
  registry.AddGauge("timeline_views_bytes", "Size of the views").With().Set(4096);

  CHECK(registry.Expose() ==
        "# HELP timeline_events_refused_total Submissions refused\n"
        "# TYPE timeline_events_refused_total counter\n"
        "timeline_events_refused_total{reason=\"invalid\"} 1\n"
        "timeline_events_refused_total{reason=\"stale_version\"} 3\n"
        "# HELP timeline_views_bytes Size of the views\n"
        "# TYPE timeline_views_bytes gauge\n"
        "timeline_views_bytes 4096\n");
}

TEST_CASE("a histogram's buckets are cumulative and end with +Inf, then _sum and _count",
          "[unit]") {
  MetricsRegistry registry;
  auto& latency =
      registry.AddHistogram("op_seconds", "Op time", {"op"}, {0.125, 0.5, 1}).With({"x"});
  for (double v : {0.0625, 0.125, 0.25, 0.75, 2.0}) latency.Observe(v);
  CHECK(registry.Expose() ==
        "# HELP op_seconds Op time\n"
        "# TYPE op_seconds histogram\n"
        "op_seconds_bucket{op=\"x\",le=\"0.125\"} 2\n"
        "op_seconds_bucket{op=\"x\",le=\"0.5\"} 3\n"
        "op_seconds_bucket{op=\"x\",le=\"1\"} 4\n"
        "op_seconds_bucket{op=\"x\",le=\"+Inf\"} 5\n"
        "op_seconds_sum{op=\"x\"} 3.1875\n"
        "op_seconds_count{op=\"x\"} 5\n");
}

TEST_CASE("label values and help texts are escaped as the format requires", "[unit]") {
  CHECK(EscapeLabelValue("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
  CHECK(EscapeHelp("line\\one\nline \"two\"") == "line\\\\one\\nline \"two\"");
  MetricsRegistry registry;
  registry.AddCounter("odd_total", "Has \\ and\nnewline", {"path"})
      .With({"/a \"quoted\"\\path\n"})
      .Increment();
  const std::string text = registry.Expose();
  CHECK(text.find("# HELP odd_total Has \\\\ and\\nnewline\n") != std::string::npos);
  CHECK(text.find("odd_total{path=\"/a \\\"quoted\\\"\\\\path\\n\"} 1\n") != std::string::npos);
  CHECK(testing::NonConformingLines(text).empty());
}

TEST_CASE("sample values are shortest decimals, +Inf, -Inf or NaN", "[unit]") {
  CHECK(FormatSampleValue(0.005) == "0.005");
  CHECK(FormatSampleValue(42) == "42");
  CHECK(FormatSampleValue(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(FormatSampleValue(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(FormatSampleValue(std::nan("")) == "NaN");
}

TEST_CASE("a family added twice is the same family", "[unit]") {
  MetricsRegistry registry;
  registry.AddCounter("c_total", "C", {"k"}).With({"v"}).Increment();
  registry.AddCounter("c_total", "C", {"k"}).With({"v"}).Increment();
  CHECK(registry.AddCounter("c_total", "C", {"k"}).With({"v"}).value() == 2);
}

TEST_CASE("updates from many threads are all counted", "[unit]") {
  MetricsRegistry registry;
  Counter& counter = registry.AddCounter("n_total", "N").With();
  Histogram& histogram = registry.AddHistogram("h", "H", {}, {1}).With();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        counter.Increment();
        histogram.Observe(0.5);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(counter.value() == 40000);
  CHECK(histogram.count() == 40000);
  CHECK(histogram.sum() == 20000);
  CHECK(histogram.bucket_counts() == std::vector<uint64_t>{40000, 0});
}

TEST_CASE("collectors refresh gauges before each exposition", "[unit]") {
  MetricsRegistry registry;
  Gauge& size = registry.AddGauge("size_bytes", "Size").With();
  int calls = 0;
  registry.AddCollector([&] { size.Set(++calls * 100); });
  CHECK(registry.Expose().find("size_bytes 100\n") != std::string::npos);
  CHECK(registry.Expose().find("size_bytes 200\n") != std::string::npos);
}

}  // namespace
}  // namespace timeline
