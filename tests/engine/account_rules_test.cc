#include "engine/account_rules.h"

#include <catch2/catch.hpp>

#include <string>

#include "engine/hash_chain.h"
#include "timeline/v1/events.pb.h"

namespace timeline {
namespace {

v1::SubmitEvent Opening() {
  v1::SubmitEvent submission;
  submission.set_account_id("acme");
  submission.mutable_event()->mutable_account_opened()->set_name("Acme Corp");
  return submission;
}

v1::SubmitEvent Milestone() {
  v1::SubmitEvent submission;
  submission.set_account_id("acme");
  submission.mutable_event()->mutable_milestone_completed()->set_project_id("p");
  submission.mutable_event()->mutable_milestone_completed()->set_milestone_id("m");
  return submission;
}

// The head of an account that was opened and then received `more` events.
v1::SequencerHead OpenedHead(int more) {
  v1::SequencerHead head;
  v1::Event opened;
  opened.mutable_account_opened()->set_name("Acme Corp");
  AdvanceHead(opened, 1, ChainHash(GenesisHash(), opened.SerializeAsString()), &head);
  v1::Event milestone;
  milestone.mutable_milestone_completed()->set_project_id("p");
  for (int i = 0; i < more; ++i) {
    AdvanceHead(milestone, head.version() + 1, ChainHash(head.last_hash(), "x"), &head);
  }
  return head;
}

TEST_CASE("a stale expected version is refused and names both versions") {
  const auto head = OpenedHead(6);  // version 7
  REQUIRE(head.version() == 7);
  auto submission = Milestone();
  submission.set_expected_version(5);
  const auto refusal = CheckAgainstHead(submission, head);
  REQUIRE(refusal.has_value());
  CHECK(refusal->code == v1::VERSION_CONFLICT);
  CHECK_THAT(refusal->message, Catch::Contains("expected version 5"));
  CHECK_THAT(refusal->message, Catch::Contains("account acme is at version 7"));
}

TEST_CASE("an expected version ahead of the account is refused as a conflict") {
  const auto head = OpenedHead(0);  // version 1
  auto submission = Milestone();
  submission.set_expected_version(2);
  const auto refusal = CheckAgainstHead(submission, head);
  REQUIRE(refusal.has_value());
  CHECK(refusal->code == v1::VERSION_CONFLICT);
  CHECK_THAT(refusal->message, Catch::Contains("expected version 2"));
  CHECK_THAT(refusal->message, Catch::Contains("at version 1"));
}

TEST_CASE("a matching expected version passes, and no expected version skips the check") {
  const auto head = OpenedHead(2);  // version 3
  auto submission = Milestone();
  CHECK_FALSE(CheckAgainstHead(submission, head).has_value());
  submission.set_expected_version(3);
  CHECK_FALSE(CheckAgainstHead(submission, head).has_value());
}

TEST_CASE("expected version 0 on a new account passes") {
  const v1::SequencerHead fresh;
  auto submission = Opening();
  submission.set_expected_version(0);
  CHECK_FALSE(CheckAgainstHead(submission, fresh).has_value());

  // ... and is a conflict once the account has an event.
  const auto refusal = CheckAgainstHead(submission, OpenedHead(0));
  REQUIRE(refusal.has_value());
  CHECK(refusal->code == v1::VERSION_CONFLICT);
  CHECK_THAT(refusal->message, Catch::Contains("expected version 0"));
}

TEST_CASE("an event before accountOpened is refused as account not opened") {
  const v1::SequencerHead fresh;
  const auto refusal = CheckAgainstHead(Milestone(), fresh);
  REQUIRE(refusal.has_value());
  CHECK(refusal->code == v1::ACCOUNT_NOT_OPENED);
  CHECK_THAT(refusal->message, Catch::Contains("account acme has not been opened"));
}

TEST_CASE("a second accountOpened is refused as account already opened") {
  const auto head = OpenedHead(1);  // version 2
  const auto refusal = CheckAgainstHead(Opening(), head);
  REQUIRE(refusal.has_value());
  CHECK(refusal->code == v1::ACCOUNT_ALREADY_OPENED);
  CHECK_THAT(refusal->message, Catch::Contains("account acme is already open (version 2)"));
}

TEST_CASE("AdvanceHead moves the version and hash and marks the account opened") {
  v1::SequencerHead head;
  CHECK_FALSE(head.opened());
  v1::Event milestone;
  milestone.mutable_milestone_completed()->set_project_id("p");
  AdvanceHead(milestone, 1, std::string(32, 'a'), &head);
  CHECK(head.version() == 1);
  CHECK(head.last_hash() == std::string(32, 'a'));
  CHECK_FALSE(head.opened());

  v1::Event opened;
  opened.mutable_account_opened()->set_name("Acme Corp");
  AdvanceHead(opened, 2, std::string(32, 'b'), &head);
  CHECK(head.version() == 2);
  CHECK(head.last_hash() == std::string(32, 'b'));
  CHECK(head.opened());

  // Later events keep the account open.
  AdvanceHead(milestone, 3, std::string(32, 'c'), &head);
  CHECK(head.opened());
  CHECK(head.version() == 3);
}

}  // namespace
}  // namespace timeline
