// Which worker writes a data directory's views: its member name in the projections group
// (group.instance.id), kept in <data>/views.holder for the servers reading those views. A server
// answers as current only for the partitions that member holds, or that the views have folded to
// the log's end (consumers/processes/partition_standing.h).
#pragma once

#include <string>

#include "engine/status.h"

namespace timeline {

// The member name of the worker `instance_id` in `projections_group` (KafkaSettings::GroupId).
std::string WorkerMemberName(const std::string& projections_group, const std::string& instance_id);

// Writes <data_dir>/views.holder (a new file renamed over the old: a reader sees one or the
// other). IoError naming the file.
Status WriteViewsHolder(const std::string& data_dir, const std::string& member);

// The member name in <data_dir>/views.holder; empty when there is none (no worker has run here,
// or one from before the file existed).
std::string ReadViewsHolder(const std::string& data_dir);

}  // namespace timeline
