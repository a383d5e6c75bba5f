// FromRocks: the one place a rocksdb::Status becomes ours (engine/status.h).
//
// RocksDB tells a damaged store (IsCorruption: a bad checksum, a truncated file) from a failing
// disk or filesystem (IsIOError) and from everything else; an operator acts differently on each,
// so the kinds must survive the mapping. Corruption stays kCorruption; every other failure is
// kIoError, as the store's callers document it.
#pragma once

#include <string_view>

#include "engine/status.h"

namespace rocksdb {
class Status;
}  // namespace rocksdb

namespace timeline {

// OK for an OK `status`; otherwise Corruption or IoError, "<what>: <RocksDB's message>", where
// `what` says what was being done ("reading the state of account acme").
Status FromRocks(const rocksdb::Status& status, std::string_view what);

}  // namespace timeline
