#include "consumers/http/session_cookie.h"

namespace timeline {
namespace {

std::string_view Trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

std::string Attributes(bool secure) {
  return std::string("; Path=/; HttpOnly; SameSite=Strict") + (secure ? "; Secure" : "");
}

}  // namespace

std::optional<std::string_view> SessionCookieToken(std::string_view cookie_header) {
  // RFC 6265 §4.2.1: "name=value" pairs separated by "; ".
  while (!cookie_header.empty()) {
    const size_t end = cookie_header.find(';');
    const std::string_view pair = Trimmed(cookie_header.substr(0, end));
    cookie_header =
        end == std::string_view::npos ? std::string_view() : cookie_header.substr(end + 1);
    const size_t equals = pair.find('=');
    if (equals == std::string_view::npos || pair.substr(0, equals) != kSessionCookieName) continue;
    const std::string_view value = pair.substr(equals + 1);
    if (!value.empty()) return value;
  }
  return std::nullopt;
}

std::string SessionCookie(std::string_view token, bool secure) {
  return std::string(kSessionCookieName) + "=" + std::string(token) + Attributes(secure);
}

std::string ExpiredSessionCookie(bool secure) {
  return std::string(kSessionCookieName) + "=" + Attributes(secure) +
         "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
}

}  // namespace timeline
