// When a server's views are current for a partition and when they are stale
// (consumers/processes/partition_standing.h), decided from one reading of the broker and views.
#include "consumers/processes/partition_standing.h"

#include <catch2/catch.hpp>

namespace timeline {
namespace {

TEST_CASE("views folded to the log's end are current whoever holds the partition",
          "[partition_standing]") {
  // The last offset (99) is a transaction's commit marker, which no worker stores.
  std::map<int32_t, PartitionReading> readings{{0, {99, 0, 100}}, {1, {-1, 0, 0}}};
  CHECK(FindStalePartitions(readings, {{0, "worker-b"}}, "worker-a").empty());
  CHECK(FindStalePartitions(readings, {}, "").empty());
}

TEST_CASE("records behind counts from the views' checkpoint, or the log's start, to the marker",
          "[partition_standing]") {
  CHECK(RecordsBehind({99, 0, 100}) == 0);  // the last offset is the commit marker
  CHECK(RecordsBehind({40, 0, 100}) == 59);
  CHECK(RecordsBehind({-1, 10, 60}) == 49);  // never folded: from the log's start
  CHECK(RecordsBehind({-1, 5, 5}) == 0);     // an empty partition
}

TEST_CASE("views behind the log are current only while their own worker holds the partition",
          "[partition_standing]") {
  std::map<int32_t, PartitionReading> readings{{0, {40, 0, 100}}, {1, {-1, 10, 60}}};
  SECTION("held here: the worker folds what arrives") {
    CHECK(FindStalePartitions(readings, {{0, "worker-a"}, {1, "worker-a"}}, "worker-a").empty());
  }
  SECTION("held by another worker: stale, naming it, the views' offset and the log's end") {
    auto stale = FindStalePartitions(readings, {{0, "worker-b"}, {1, "worker-a"}}, "worker-a");
    REQUIRE(stale.size() == 1);
    CHECK(stale[0].partition == 0);
    CHECK(stale[0].views_offset == 40);
    CHECK(stale[0].log_end == 100);
    CHECK(stale[0].holder == "worker-b");
    CHECK(stale[0].Describe("account-events") ==
          "partition 0 of account-events, which worker worker-b folds now; these views stop at "
          "offset 40 and the log's end is 100");
  }
  SECTION("held by no one (a rebalance, or every worker stopped): stale") {
    auto stale = FindStalePartitions(readings, {}, "worker-a");
    REQUIRE(stale.size() == 2);
    CHECK(stale[1].partition == 1);
    CHECK(stale[1].views_offset == 10);  // never folded: from the log's start
    CHECK(stale[1].holder.empty());
    CHECK(stale[1].Describe("e").find("which no worker holds now") != std::string::npos);
  }
  SECTION("an unknown writer (no views.holder) is never taken for the holder") {
    CHECK(FindStalePartitions(readings, {{0, ""}, {1, ""}}, "").size() == 2);
  }
}

}  // namespace
}  // namespace timeline
