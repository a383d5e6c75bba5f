// The projection worker's metrics, in the registry it shares with the query server of the same
// process (`timeline run --listen`):
//   timeline_events_applied_total{instance}        events folded into the views
//   timeline_events_dead_lettered_total{instance}  records refused into dead_letters
//   timeline_worker_batch_fold_seconds{instance}   time of Projector::ApplyBatch, a histogram
//   timeline_worker_consumer_lag{instance,partition}  high watermark − position, once a second
//   timeline_worker_caught_up{instance}            1 once every assigned partition reached its end
//   timeline_worker_assigned_partitions{instance}  partitions of account-events the worker owns
//   timeline_state_changelog_published_total{instance}  states acknowledged on account-state
//   timeline_state_changelog_in_flight{instance}   states produced, their delivery not yet reported
// Concurrency: the worker's thread updates them; Expose() reads them from any thread.
#pragma once

#include <fmt/format.h>
#include <cstdint>

#include <functional>
#include <memory>
#include <string>

#include "consumers/metrics/metrics_registry.h"
#include "consumers/processes/views_readiness.h"

namespace timeline {

struct WorkerMetrics {
  WorkerMetrics(MetricsRegistry& registry, const std::string& instance)
      : instance(instance),
        applied(registry
                    .AddCounter("timeline_events_applied_total",
                                "Events the projection worker folded into the views", {"instance"})
                    .With({instance})),
        dead_lettered(registry
                          .AddCounter("timeline_events_dead_lettered_total",
                                      "Records the projection worker refused into dead letters",
                                      {"instance"})
                          .With({instance})),
        fold_seconds(registry
                         .AddHistogram("timeline_worker_batch_fold_seconds",
                                       "Time to fold and write one batch into the views",
                                       {"instance"}, MetricsRegistry::LatencyBuckets())
                         .With({instance})),
        lag(registry.AddGauge("timeline_worker_consumer_lag",
                              "Records of account-events not yet read, per assigned partition",
                              {"instance", "partition"})),
        caught_up(registry
                      .AddGauge("timeline_worker_caught_up",
                                "1 once the worker has read to the end of every assigned "
                                "partition since it started",
                                {"instance"})
                      .With({instance})),
        assigned_partitions(registry
                                .AddGauge("timeline_worker_assigned_partitions",
                                          "Partitions of account-events this worker owns now",
                                          {"instance"})
                                .With({instance})),
        states_published(registry
                             .AddCounter("timeline_state_changelog_published_total",
                                         "Account states (and tombstones) acknowledged on the "
                                         "account-state topic",
                                         {"instance"})
                             .With({instance})),
        states_in_flight(registry
                             .AddGauge("timeline_state_changelog_in_flight",
                                       "Account states produced to account-state whose delivery "
                                       "is not yet reported",
                                       {"instance"})
                             .With({instance})) {}

  std::string instance;
  Counter& applied;
  Counter& dead_lettered;
  Histogram& fold_seconds;
  MetricFamily<Gauge>& lag;
  Gauge& caught_up;
  Gauge& assigned_partitions;
  Counter& states_published;
  Gauge& states_in_flight;
};

// How far behind the log's end (records not yet read, summed over its partitions) a worker that
// has caught up once may fall and still be ready.
constexpr double kReadyLagRecords = 1000;

// /readyz of a server beside the worker `instance` that shares `registry`: ready while the broker
// answers (`broker`, when given), the worker owns at least one partition, has read and folded
// every assigned partition to its end once, and is now at most kReadyLagRecords behind.
inline std::function<Readiness()> WorkerReadiness(
    const std::shared_ptr<MetricsRegistry>& registry, const std::string& instance,
    const std::shared_ptr<BrokerProbe>& broker = nullptr) {
  WorkerMetrics metrics(*registry, instance);
  Gauge* caught_up = &metrics.caught_up;
  Gauge* assigned = &metrics.assigned_partitions;
  MetricFamily<Gauge>* lag = &metrics.lag;
  return [registry, instance, caught_up, assigned, lag, broker]() -> Readiness {
    if (broker) {
      Readiness answered = broker->Check();
      if (!answered.ready) return answered;
    }
    if (assigned->value() < 1) {
      return {false,
              "the worker owns no partition of account-events (yet): the group is "
              "rebalancing, or other workers hold them all"};
    }
    if (caught_up->value() != 1) {
      return {false, "the worker has not yet read account-events to its end"};
    }
    double behind = 0;
    lag->ForEach([&](const std::vector<std::string>& labels, const Gauge& gauge) {
      if (!labels.empty() && labels[0] == instance) behind += gauge.value();
    });
    if (behind > kReadyLagRecords) {
      return {false, fmt::format("the worker is {} records behind account-events (ready at {} or "
                                 "fewer)",
                                 behind, kReadyLagRecords)};
    }
    return {true, ""};
  };
}

}  // namespace timeline
