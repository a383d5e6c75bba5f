#include <catch2/catch.hpp>

#include "consumers/log/event_subscription.h"
#include "consumers/log/subscription_filter.h"
#include "engine/quoted_text.h"
#include "timeline/v1/events.pb.h"

namespace timeline {
namespace {

TEST_CASE("a filter matches its accounts and types, and an empty one everything",
          "[subscription]") {
  auto filter = SubscriptionFilter::Parse({"acme", "beta"}, {"invoiceIssued", "order_placed"});
  INFO(filter.status().ToString());
  REQUIRE(filter.ok());
  CHECK(filter->Matches("acme", v1::Event::kInvoiceIssued));
  CHECK(filter->Matches("beta", v1::Event::kOrderPlaced));
  CHECK_FALSE(filter->Matches("acme", v1::Event::kPaymentReceived));
  CHECK_FALSE(filter->Matches("gamma", v1::Event::kInvoiceIssued));
  CHECK_FALSE(filter->Matches("acme", 0));  // a type this build does not know

  auto everything = SubscriptionFilter::Parse({}, {});
  REQUIRE(everything.ok());
  CHECK(everything->Matches("gamma", v1::Event::kPaymentReceived));
  CHECK(everything->Matches("gamma", 0));

  auto types_only = SubscriptionFilter::Parse({}, {"paymentReceived"});
  REQUIRE(types_only.ok());
  CHECK(types_only->Matches("anyone", v1::Event::kPaymentReceived));
  CHECK_FALSE(types_only->Matches("anyone", v1::Event::kInvoiceIssued));
}

TEST_CASE("an unknown event type is refused with the valid names", "[subscription]") {
  auto filter = SubscriptionFilter::Parse({}, {"invoiceIsued"});
  REQUIRE_FALSE(filter.ok());
  CHECK(filter.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(filter.status().message(), Catch::Contains("\"invoiceIsued\" is not an event type") &&
                                            Catch::Contains("invoiceIssued") &&
                                            Catch::Contains("accountOpened"));
}

TEST_CASE("an invalid account id in a filter is refused by name", "[subscription]") {
  auto filter = SubscriptionFilter::Parse({"no spaces"}, {});
  REQUIRE_FALSE(filter.ok());
  CHECK_THAT(filter.status().message(), Catch::Contains("\"no spaces\" is not a valid account id"));
}

// Found by tests/fuzz/subscription_filter_fuzz.cc: the refusal quoted the parameter as it came,
// and a message that is not UTF-8 is not sent back intact in the 400 reply's JSON.
TEST_CASE("an account or type holding bytes that are not UTF-8 is refused in UTF-8, escaped",
          "[subscription]") {
  auto type = SubscriptionFilter::Parse({}, {"roor\xfc"
                                             "derPlaced"});
  REQUIRE_FALSE(type.ok());
  CHECK(IsValidUtf8(type.status().message()));
  CHECK_THAT(type.status().message(),
             Catch::Contains("\"roor\\xfcderPlaced\" is not an event type"));

  auto account = SubscriptionFilter::Parse({"acme\xc3"}, {});
  REQUIRE_FALSE(account.ok());
  CHECK(IsValidUtf8(account.status().message()));
  CHECK_THAT(account.status().message(),
             Catch::Contains("account \"acme\\xc3\" is not a valid account id"));
}

TEST_CASE("a subscription starts at BEGINNING, END or a token, and nothing else",
          "[subscription]") {
  auto beginning = SubscriptionStart::Parse("beginning");
  REQUIRE(beginning.ok());
  CHECK(beginning->kind == SubscriptionStart::Kind::kBeginning);
  auto end = SubscriptionStart::Parse("END");
  REQUIRE(end.ok());
  CHECK(end->kind == SubscriptionStart::Kind::kEnd);

  SubscriptionPosition position{"account-events", {{0, 5}, {1, 9}}};
  auto token = SubscriptionStart::Parse(EncodeSubscriptionToken(position));
  REQUIRE(token.ok());
  CHECK(token->kind == SubscriptionStart::Kind::kToken);
  CHECK(token->position == position);

  auto neither = SubscriptionStart::Parse("yesterday!");
  REQUIRE_FALSE(neither.ok());
  CHECK_THAT(neither.status().message(), Catch::Contains("not BEGINNING, END or a resume token"));
}

}  // namespace
}  // namespace timeline
