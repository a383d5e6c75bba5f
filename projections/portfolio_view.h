// The portfolio view (views.proto PortfolioView): every account's headline figures and health
// flags at a reference date, grouped by its national account manager. Pure and deterministic;
// thread-safe.
#pragma once

#include <vector>

#include <google/protobuf/timestamp.pb.h>

#include "projections/account_snapshot.h"
#include "timeline/v1/views.pb.h"

namespace timeline {

// One account's headline and flags (computed with the summary, compliance, project-health
// and training views).
v1::AccountHeadline BuildAccountHeadline(const AccountSnapshot& account,
                                         const google::protobuf::Timestamp& reference);

// Accumulates headlines one account at a time, so that a caller need not hold every snapshot.
class PortfolioBuilder {
 public:
  explicit PortfolioBuilder(const google::protobuf::Timestamp& reference);
  void Add(const AccountSnapshot& account);
  // The view: managers by name, their accounts by id.
  v1::PortfolioView Build() const;

 private:
  google::protobuf::Timestamp reference_;
  std::vector<std::pair<std::string, v1::AccountHeadline>> headlines_;  // (manager, headline)
};

v1::PortfolioView BuildPortfolioView(const std::vector<AccountSnapshot>& accounts,
                                     const google::protobuf::Timestamp& reference);

}  // namespace timeline
