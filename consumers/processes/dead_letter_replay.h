// Dead-letter replay (`timeline dlq replay`): a worker's dead letters folded again after a fix
// (the worker restarted with the deployment's seal key, a build whose fold knows the event).
//
// Where it runs: in the views' one writer. <data>/views has one writer at a time, the holder of
// <data>/views.lock (the worker for its life, a rebuild for the moment of a swap), so:
//   - no worker runs (the lock is free): the command takes views.lock, finishes a swap a crash
//     interrupted (as a starting worker does), opens the views and replays with a Projector and
//     the deployment's seal key, then lets the lock go;
//   - a worker runs: the command leaves a request in <data>/dlq-replay/<name>.request (the ids,
//     one a line) and waits; the worker looks there between two batches, at most once a second,
//     folds what it has read, replays with its own Projector and key, writes <name>.result
//     ("ok", or "error <message>") and removes the request.
// Either way Projector::ReplayDeadLetters folds the letters in (topic, partition, offset) order
// and marks each with what came of it in ONE WriteBatch with what it applied: exactly once. A
// request a crash interrupted is replayed again at the worker's next look, and a resolved letter
// is never folded twice. Letters of the dead-letter topic alone (the sequencer's) are not
// replayed: a record the sequencer could not use is not an event to apply.
// Concurrency: the command side and the worker side run in different processes; the files are
// written whole (written aside, then renamed).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "consumers/processes/dead_letter_queue.h"
#include "engine/status.h"
#include "projections/projector.h"
#include "projections/view_store.h"
#include "timeline/v1/dead_letter.pb.h"

namespace timeline {

struct DeadLetterReplayRequest {
  bool all = false;               // every open letter (not yet resolved)
  std::vector<DeadLetterId> ids;  // else these
};

// The request's open letters of `store` in key order, replayed with `projector` (which writes
// `store`), as they now stand; a named letter a replay already resolved is left as it is.
// NotFound naming the ids `store` holds no letter for (nothing is replayed then).
Result<std::vector<v1::DeadLetter>> ReplayDeadLettersInViews(
    Projector& projector, const ViewStore& store, const DeadLetterReplayRequest& request);

// The worker's side: requests waiting in <data>/dlq-replay, oldest first (their paths).
std::vector<std::string> PendingReplayRequests(const std::string& data_dir);
// The ids a request file holds. InvalidArgument naming the line that is not one.
Result<DeadLetterReplayRequest> ReadReplayRequest(const std::string& path);
// Writes the request's result beside it and removes it. IoError when a file cannot be written.
Status FinishReplayRequest(const std::string& path, const Status& outcome);

struct DeadLetterReplayOptions {
  std::string data_dir;
  std::string seal_key_path;  // empty: SealKeyPath(data_dir)
  DeadLetterReplayRequest request;
  // How long to wait for a running worker to take the request.
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
};

struct DeadLetterReplayReport {
  std::vector<v1::DeadLetter> replayed;  // folded again now, each as it now stands (last_replay)
  std::vector<v1::DeadLetter> resolved;  // named, but a replay had resolved them: left alone
  bool by_worker = false;                // false: replayed by the command (no worker ran)
};

// The command's side, as described above. NotFound (no views, or an id without a letter),
// InvalidArgument (a letter that cannot be replayed), TimedOut (no worker answered: the request
// stays for the worker's next look), or what the views or the key returned.
Result<DeadLetterReplayReport> ReplayDeadLetters(const DeadLetterReplayOptions& options);

}  // namespace timeline
