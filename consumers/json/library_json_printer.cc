#include "consumers/json/library_json_printer.h"

#include <map>
#include <memory>
#include <mutex>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/type.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver.h>
#include <google/protobuf/util/type_resolver_util.h>

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

}  // namespace

std::string PrintLibraryJson(const google::protobuf::Message& message, JsonLayout layout) {
  static CachingTypeResolver* const resolver = new CachingTypeResolver();  // never destroyed
  const bool pretty = layout == JsonLayout::kPretty;
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

}  // namespace timeline
