// What lives where in a data directory (`--data`, default ./data):
//   <data>/sequencer   the sequencer's HeadStore (RocksDB)
//   <data>/views       the projection worker's ViewStore (RocksDB); readers open it as secondary
//   <data>/seal.key    the key that seals events (engine/event_seal.h), unless --seal-key (or
//                      TIMELINE_SEAL_KEY_FILE) says otherwise, as a deployment should: the key
//                      must outlive data/; every process of one deployment uses the same key,
//                      and only the sequencer makes it, while account-events is empty
//                      (consumers/processes/seal_key_guard.h)
//   <data>/views.lock  held (flock) by whoever writes <data>/views: the worker for its life, a
//                      rebuild for the moment it swaps
//   <data>/views.holder  the group member name of the worker writing <data>/views, for servers
//                        that read them (consumers/processes/views_holder.h)
//   <data>/views.rebuild   a rebuild in progress; complete only once it holds READY
//   <data>/views.incoming  a complete rebuild claimed for the swap
//                          (consumers/processes/view_swap.h)
//   <data>/views.old-*     views replaced by a rebuild, kept for the operator to delete
//   <data>/rebuild.lock    held (flock) by the one `timeline rebuild` running on this directory
//   <data>/dlq-replay/     `timeline dlq replay` requests for the running worker, and its
//                          results (consumers/processes/dead_letter_replay.h)
#pragma once

#include <string>

namespace timeline {

inline std::string ViewsDirectory(const std::string& data_dir) { return data_dir + "/views"; }
inline std::string ViewsLockPath(const std::string& data_dir) { return data_dir + "/views.lock"; }
inline std::string ViewsHolderPath(const std::string& data_dir) {
  return data_dir + "/views.holder";
}
inline std::string RebuildDirectory(const std::string& data_dir) {
  return data_dir + "/views.rebuild";
}
inline std::string RebuildReadyPath(const std::string& data_dir) {
  return RebuildDirectory(data_dir) + "/READY";
}
inline std::string IncomingViewsDirectory(const std::string& data_dir) {
  return data_dir + "/views.incoming";
}
inline std::string RebuildLockPath(const std::string& data_dir) {
  return data_dir + "/rebuild.lock";
}

inline std::string ReplayRequestsDirectory(const std::string& data_dir) {
  return data_dir + "/dlq-replay";
}

// `explicit_path` when given, else <data_dir>/seal.key.
inline std::string SealKeyPath(const std::string& data_dir, const std::string& explicit_path = {}) {
  return explicit_path.empty() ? data_dir + "/seal.key" : explicit_path;
}

}  // namespace timeline
