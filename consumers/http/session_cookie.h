// The dashboard's session cookie: a browser's EventSource cannot send an Authorization header,
// so the page trades its bearer token for a cookie holding it (session_routes.h), which
// request_access.h accepts as well as the header. The cookie is `HttpOnly` (no script reads
// it), `SameSite=Strict` (no other site's page sends it), `Path=/`, and `Secure` over TLS; it
// has no Max-Age, so it ends with the browser session.
// Thread-safe: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace timeline {

inline constexpr std::string_view kSessionCookieName = "timeline_session";

// The token in a `Cookie:` header value ("a=1; timeline_session=TOKEN"); nullopt when the
// session cookie is absent or empty.
std::optional<std::string_view> SessionCookieToken(std::string_view cookie_header);

// The `Set-Cookie:` value that stores `token`. A token is 64 hex digits (token_issuer.h), which
// a cookie value holds as it is.
std::string SessionCookie(std::string_view token, bool secure);

// The `Set-Cookie:` value that makes the browser forget the session.
std::string ExpiredSessionCookie(bool secure);

}  // namespace timeline
