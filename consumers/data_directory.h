// What lives where in a data directory (`--data`, default ./data):
//   <data>/sequencer   the sequencer's HeadStore (RocksDB)
//   <data>/views       the projection worker's ViewStore (RocksDB); readers open it as secondary
//   <data>/seal.key    the key that seals events (engine/event_seal.h), unless --seal-key says
//                      otherwise; every process of one deployment must use the same key
#pragma once

#include <string>

namespace timeline {

inline std::string ViewsDirectory(const std::string& data_dir) { return data_dir + "/views"; }

// `explicit_path` when given, else <data_dir>/seal.key.
inline std::string SealKeyPath(const std::string& data_dir, const std::string& explicit_path = {}) {
  return explicit_path.empty() ? data_dir + "/seal.key" : explicit_path;
}

}  // namespace timeline
