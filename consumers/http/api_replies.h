// How the HTTP API answers: every body is protobuf's JSON mapping of a proto/ message, every
// error an ApiError {code, message} with the HTTP status that goes with its code. Shared by the
// routes of the API (and of the event stream and metrics to come).
// Thread-safe: pure functions of their arguments.
#pragma once

#include <httplib.h>

#include <string>

#include <google/protobuf/message.h>

#include "consumers/http/connection_limits.h"
#include "engine/status.h"

namespace timeline {

// 200 with `message` as one line of JSON (application/json).
void ReplyMessage(httplib::Response& res, const google::protobuf::Message& message);

// `http_status` with ApiError {code, message}.
void ReplyError(httplib::Response& res, int http_status, const std::string& code,
                const std::string& message);

// A failed Status: InvalidArgument → 400, NotFound → 404 with its message; anything else → 500
// with a generic message (the details go to the log, never to the client).
void ReplyStatus(httplib::Response& res, const Status& status);

// 401 with `WWW-Authenticate: Bearer` and no data.
void ReplyUnauthenticated(httplib::Response& res, const std::string& message);

// 403 and no data.
void ReplyForbidden(httplib::Response& res, const std::string& message);

// Makes every error of `server` JSON: an unrouted path becomes 404 ApiError, an exception in a
// handler 500 ApiError (logged, never shown), a body over `limits.max_request_body` 413 naming
// it, and replies already holding a body are kept.
void InstallErrorReplies(httplib::Server* server, const ConnectionLimits& limits);

}  // namespace timeline
