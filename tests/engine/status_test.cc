#include "engine/status.h"

#include <catch2/catch.hpp>

#include <memory>
#include <optional>
#include <string>

namespace timeline {
namespace {

Result<int> Parsed(const std::string& text) {
  if (text.empty()) return Status::InvalidArgument("no digits");
  return std::stoi(text);
}

// Doubles Parsed(text), passing its failure on unchanged.
Result<int> Doubled(const std::string& text) {
  TIMELINE_ASSIGN_OR_RETURN(const int value, Parsed(text));
  return 2 * value;
}

// Moves the string out of a Result into an existing variable.
Status Fill(const Result<std::string>& source, std::string* out) {
  TIMELINE_ASSIGN_OR_RETURN(*out, Result<std::string>(source));
  return Status::Ok();
}

TEST_CASE("a Result made from an OK status is no success: it holds an Internal status",
          "[engine][status]") {
  const Result<int> result(Status::Ok());
  CHECK_FALSE(result.ok());
  CHECK(result.status().code() == StatusCode::kInternal);
  CHECK_THAT(result.status().message(), Catch::Contains("OK status"));
}

TEST_CASE("a Result made from a failure keeps it as given", "[engine][status]") {
  const Result<int> result(Status::NotFound("no account acme"));
  CHECK_FALSE(result.ok());
  CHECK(result.status().code() == StatusCode::kNotFound);
  CHECK(result.status().message() == "no account acme");
}

TEST_CASE("TIMELINE_ASSIGN_OR_RETURN passes a failure on and assigns a value", "[engine][status]") {
  const Result<int> doubled = Doubled("21");
  REQUIRE(doubled.ok());
  CHECK(*doubled == 42);

  const Result<int> failed = Doubled("");
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().code() == StatusCode::kInvalidArgument);
  CHECK(failed.status().message() == "no digits");

  std::string out = "before";
  REQUIRE(Fill(std::string("after"), &out).ok());
  CHECK(out == "after");
  const Status refused = Fill(Status::Corruption("bad bytes"), &out);
  CHECK(refused.code() == StatusCode::kCorruption);
  CHECK(out == "after");  // untouched by the failure
}

TEST_CASE("TIMELINE_ASSIGN_OR_RETURN moves a move-only value out", "[engine][status]") {
  const auto make = []() -> Result<std::unique_ptr<int>> { return std::make_unique<int>(7); };
  const auto take = [&]() -> Result<int> {
    TIMELINE_ASSIGN_OR_RETURN(std::unique_ptr<int> owned, make());
    return *owned;
  };
  const Result<int> taken = take();
  REQUIRE(taken.ok());
  CHECK(*taken == 7);
}

}  // namespace
}  // namespace timeline
