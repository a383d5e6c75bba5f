#include "consumers/json_views.h"

#include <map>
#include <memory>
#include <mutex>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/type.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver.h>
#include <google/protobuf/util/type_resolver_util.h>

#include <fmt/format.h>

#include "engine/hash_chain.h"

namespace timeline {
namespace {

namespace pb = google::protobuf;

constexpr char kTypeUrlPrefix[] = "type.googleapis.com";

// The generated pool's types as google.protobuf.Type, each built once. protobuf 3.21's
// MessageToJsonString rebuilds every type a message uses from its descriptor on each call (its
// type cache lives for one call), which was most of the ~250 us a history line cost.
// Thread-safe: lookups copy out of the cache under a mutex.
class CachingTypeResolver final : public pb::util::TypeResolver {
 public:
  CachingTypeResolver()
      : resolver_(pb::util::NewTypeResolverForDescriptorPool(
            kTypeUrlPrefix, pb::DescriptorPool::generated_pool())) {}

  pb::util::Status ResolveMessageType(const std::string& type_url, pb::Type* type) override {
    return Resolve(type_url, &types_, type, [this](const std::string& url, pb::Type* resolved) {
      return resolver_->ResolveMessageType(url, resolved);
    });
  }
  pb::util::Status ResolveEnumType(const std::string& type_url, pb::Enum* type) override {
    return Resolve(type_url, &enums_, type, [this](const std::string& url, pb::Enum* resolved) {
      return resolver_->ResolveEnumType(url, resolved);
    });
  }

 private:
  template <typename T, typename Resolver>
  pb::util::Status Resolve(const std::string& type_url, std::map<std::string, T>* cache, T* type,
                           const Resolver& resolve) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (auto it = cache->find(type_url); it != cache->end()) {
        *type = it->second;
        return pb::util::OkStatus();
      }
    }
    T resolved;
    pb::util::Status status = resolve(type_url, &resolved);
    if (!status.ok()) return status;
    std::lock_guard<std::mutex> lock(mutex_);
    *type = cache->emplace(type_url, std::move(resolved)).first->second;
    return status;
  }

  const std::unique_ptr<pb::util::TypeResolver> resolver_;
  std::mutex mutex_;
  std::map<std::string, pb::Type> types_;
  std::map<std::string, pb::Enum> enums_;
};

std::string ToJson(const pb::Message& message, bool pretty) {
  static CachingTypeResolver* const resolver = new CachingTypeResolver();  // never destroyed
  pb::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.add_whitespace = pretty;
  std::string json;
  // Printing a valid message cannot fail; an error would be a bug in the message type.
  if (message.GetDescriptor()->file()->pool() != pb::DescriptorPool::generated_pool()) {
    (void)pb::util::MessageToJsonString(message, &json, options);  // a dynamic message
  } else {
    (void)pb::util::BinaryToJsonString(
        resolver, std::string(kTypeUrlPrefix) + "/" + message.GetDescriptor()->full_name(),
        message.SerializeAsString(), &json, options);
  }
  if (pretty && !json.empty() && json.back() == '\n') json.pop_back();
  return json;
}

}  // namespace

Result<v1::HistoryEntry> ToHistoryEntry(const v1::EventEnvelope& envelope) {
  v1::HistoryEntry entry;
  if (!entry.mutable_event()->ParseFromString(envelope.body())) {
    return Status::Corruption(fmt::format("account {} sequence {}: body is not a timeline.v1.Event",
                                          envelope.account_id(), envelope.sequence()));
  }
  entry.set_account_id(envelope.account_id());
  entry.set_sequence(envelope.sequence());
  entry.set_event_id(envelope.event_id());
  *entry.mutable_occurred_at() = envelope.occurred_at();
  *entry.mutable_recorded_at() = envelope.recorded_at();
  entry.set_actor(envelope.actor());
  entry.set_idempotency_key(envelope.idempotency_key());
  entry.set_correlation_id(envelope.correlation_id());
  entry.set_causation_id(envelope.causation_id());
  entry.set_schema_version(envelope.schema_version());
  entry.set_prev_hash(ToHex(envelope.prev_hash()));
  entry.set_hash(ToHex(envelope.hash()));
  return entry;
}

std::string ToJsonLine(const google::protobuf::Message& message) { return ToJson(message, false); }

std::string ToPrettyJson(const google::protobuf::Message& message) { return ToJson(message, true); }

}  // namespace timeline
