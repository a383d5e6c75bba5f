// The views by name (`timeline view NAME`, the HTTP API): each reads what it needs from a
// ViewStore and returns its views.proto message, computed at query time.
//
//   summary, compliance, project-health, growth, training   one account (ViewRequest.account)
//   portfolio                                                every account; no account
//
// With a bound in ViewRequest.cut the accounts are loaded as that cut sees them (as of T, known
// at R: projections/bitemporal_loader.h) instead of read as they are now.
// Errors: InvalidArgument for an unknown name, a missing or superfluous account; NotFound for
// an account without events; IoError / Corruption from the store.
// Concurrency: stateless; safe from any thread while the store is.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>

#include "engine/status.h"
#include "projections/bitemporal_cut.h"

namespace timeline {

class ViewStore;

struct ViewRequest {
  std::string account;                    // empty for portfolio
  google::protobuf::Timestamp reference;  // "now" of the date-dependent figures
  BitemporalCut cut;                      // no bound: the current views
};

struct ViewInfo {
  const char* name;
  const char* description;
  bool per_account;
};

// Every view, in the order `timeline view --help` lists them.
const std::vector<ViewInfo>& ViewCatalogue();

Result<std::unique_ptr<google::protobuf::Message>> RunView(const ViewStore& store,
                                                           std::string_view name,
                                                           const ViewRequest& request);

}  // namespace timeline
