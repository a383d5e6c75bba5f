// ServedViews on real RocksDB directories: it catches up with the worker's writes, follows a
// rebuild's swap to the new views, and a reader holding the old views keeps reading them.
#include "consumers/processes/served_views.h"

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "consumers/processes/data_directory.h"
#include "consumers/processes/view_swap.h"
#include "projections/projector.h"
#include "projections/view_store.h"
#include "tests/projections/projection_fixtures.h"
#include "tests/projections/view_test_history.h"
#include "tests/support/test_environment.h"
#include "tests/support/test_seal_key.h"

namespace timeline {
namespace {

using testing::RecordsOf;
using testing::TempDir;
using testing::TestSealKey;
using testing::views::History;
using testing::views::Line;

// The worker's side: a primary store in `dir`, written through the real Projector.
class Worker {
 public:
  explicit Worker(const std::string& dir) {
    auto store = ViewStore::OpenPrimary(dir);
    REQUIRE(store.ok());
    store_ = std::move(store).value();
    projector_ = std::make_unique<Projector>(store_.get(), &TestSealKey());
  }
  void Apply(const History& history, int64_t first_offset) {
    REQUIRE(projector_->ApplyBatch(RecordsOf(history.envelopes(), first_offset)).ok());
  }

 private:
  std::unique_ptr<ViewStore> store_;
  std::unique_ptr<Projector> projector_;
};

uint64_t VersionOf(const ViewStore& store, const std::string& account) {
  auto state = store.GetState(account);
  REQUIRE(state.ok());
  return state->has_value() ? (*state)->version() : 0;
}

History Acme() {
  History acme("acme");
  acme.On("2026-01-05").Opened("Acme Industrial");
  acme.On("2026-02-01").Order("O-1", {Line{"PUMP-100", 2, 125000}});
  return acme;
}

History Beta() {
  History beta("beta");
  beta.On("2026-01-10").Opened("Beta Logistics", "john.roe");
  return beta;
}

TEST_CASE("served views catch up, follow a rebuild's swap, and old readers keep the old views",
          "[unit]") {
  TempDir data;
  auto worker = std::make_unique<Worker>(ViewsDirectory(data.path()));
  worker->Apply(Acme(), 0);

  auto served = ServedViews::Follow(data.path());
  REQUIRE(served.ok());
  ServedViews& views = **served;
  CHECK(VersionOf(*views.Current(), "acme") == 2);

  // The worker writes; a refresh catches up.
  History beta = Beta();
  worker->Apply(beta, 2);
  CHECK(VersionOf(*views.Current(), "beta") == 0);
  REQUIRE(views.Refresh().ok());
  CHECK(VersionOf(*views.Current(), "beta") == 1);
  CHECK(views.reopened() == 0);

  // A rebuild of acme alone is swapped in while the worker is closed (as the worker does it).
  {
    Worker rebuild(RebuildDirectory(data.path()));
    rebuild.Apply(Acme(), 0);
  }
  REQUIRE(MarkRebuildReady(data.path()).ok());
  worker.reset();
  auto swap = SwapInRebuiltViews(data.path());
  REQUIRE(swap.ok());
  REQUIRE(swap->swapped);

  std::shared_ptr<const ViewStore> before_swap = views.Current();
  REQUIRE(views.Refresh().ok());
  CHECK(views.reopened() == 1);
  CHECK(VersionOf(*views.Current(), "acme") == 2);
  CHECK(VersionOf(*views.Current(), "beta") == 0);  // the rebuilt views know no beta
  CHECK(VersionOf(*before_swap, "beta") == 1);      // a request in flight keeps its views
  before_swap.reset();

  // It follows the new directory: the worker's next writes show after a refresh.
  worker = std::make_unique<Worker>(ViewsDirectory(data.path()));
  worker->Apply(beta, 2);
  REQUIRE(views.Refresh().ok());
  CHECK(VersionOf(*views.Current(), "beta") == 1);
  CHECK(views.reopened() == 1);
}

TEST_CASE("following a data directory without views names the command to run", "[unit]") {
  TempDir data;
  auto served = ServedViews::Follow(data.path());
  REQUIRE_FALSE(served.ok());
  CHECK(served.status().code() == StatusCode::kNotFound);
  CHECK(served.status().message().find("timeline run --data " + data.path()) != std::string::npos);
}

}  // namespace
}  // namespace timeline
