// The projection worker's metrics, in the registry it shares with the query server of the same
// process (`timeline run --listen`):
//   timeline_events_applied_total{instance}        events folded into the views
//   timeline_events_dead_lettered_total{instance}  records refused into dead_letters
//   timeline_worker_batch_fold_seconds{instance}   time of Projector::ApplyBatch, a histogram
//   timeline_worker_consumer_lag{instance,partition}  high watermark − position, once a second
//   timeline_worker_caught_up{instance}            1 once every assigned partition reached its end
//   timeline_state_changelog_published_total{instance}  states acknowledged on account-state
//   timeline_state_changelog_in_flight{instance}   states produced, their delivery not yet reported
// Concurrency: the worker's thread updates them; Expose() reads them from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "consumers/metrics/metrics_registry.h"
#include "consumers/views_readiness.h"

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
  Counter& states_published;
  Gauge& states_in_flight;
};

// /readyz of a server beside the worker `instance` that shares `registry`: ready once the worker
// has read and folded every assigned partition to its end.
inline std::function<Readiness()> WorkerReadiness(std::shared_ptr<MetricsRegistry> registry,
                                                  const std::string& instance) {
  Gauge* caught_up = &WorkerMetrics(*registry, instance).caught_up;
  return [registry, caught_up] {
    return caught_up->value() == 1
               ? Readiness{true, ""}
               : Readiness{false, "the worker has not yet read account-events to its end"};
  };
}

}  // namespace timeline
