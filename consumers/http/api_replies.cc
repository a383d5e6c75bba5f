#include "consumers/http/api_replies.h"

#include <spdlog/spdlog.h>

#include <exception>

#include "consumers/json/json_views.h"
#include "timeline/v1/api.pb.h"

namespace timeline {

namespace {
constexpr char kJson[] = "application/json";
}  // namespace

void ReplyMessage(httplib::Response& res, const google::protobuf::Message& message) {
  res.status = 200;
  res.body = ToJsonLine(message);  // moved in: set_content would copy it
  res.set_header("Content-Type", kJson);
}

void ReplyError(httplib::Response& res, int http_status, const std::string& code,
                const std::string& message) {
  v1::ApiError error;
  error.set_code(code);
  error.set_message(message);
  res.status = http_status;
  res.set_content(ToJsonLine(error), kJson);
}

void ReplyStatus(httplib::Response& res, const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      ReplyError(res, 400, StatusCodeName(status.code()), status.message());
      return;
    case StatusCode::kNotFound:
      ReplyError(res, 404, StatusCodeName(status.code()), status.message());
      return;
    default:
      spdlog::error("query server: {}", status.ToString());
      ReplyError(res, 500, "internal", "the server could not answer; its log says why");
  }
}

void ReplyUnauthenticated(httplib::Response& res, const std::string& message) {
  res.set_header("WWW-Authenticate", "Bearer realm=\"timeline\"");
  ReplyError(res, 401, "unauthenticated", message);
}

void ReplyForbidden(httplib::Response& res, const std::string& message) {
  ReplyError(res, 403, "forbidden", message);
}

void InstallErrorReplies(httplib::Server* server, const ConnectionLimits& limits) {
  server->set_error_handler(httplib::Server::HandlerWithResponse(
      [limits](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        if (res.status == 404) {
          ReplyError(res, 404, "not_found", "no route " + req.method + " " + req.path);
        } else if (res.status == 413) {
          ReplyError(res, 413, "payload_too_large",
                     "the request's body is longer than " +
                         std::to_string(limits.max_request_body) + " bytes");
        } else if (res.status == 414) {  // httplib's own check (the TLS server)
          ReplyError(res, 414, "uri_too_long",
                     "the request line is longer than " +
                         std::to_string(CPPHTTPLIB_REQUEST_URI_MAX_LENGTH) +
                         " bytes; shorten the path and query");
        } else {
          ReplyError(res, res.status, "error", "HTTP " + std::to_string(res.status));
        }
        return httplib::Server::HandlerResponse::Handled;
      }));
  server->set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, const std::exception_ptr& thrown) {
        std::string what = "unknown exception";
        try {
          if (thrown) std::rethrow_exception(thrown);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        spdlog::error("query server: {} {} threw: {}", req.method, req.path, what);
        ReplyError(res, 500, "internal", "the server could not answer; its log says why");
      });
}

}  // namespace timeline
