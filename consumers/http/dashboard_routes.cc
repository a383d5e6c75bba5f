#include "consumers/http/dashboard_routes.h"

#include <spdlog/spdlog.h>

#include "consumers/http/api_replies.h"

namespace timeline {
namespace {

// Scripts, styles, data and event streams from this server only. Chart.js styles its canvas
// through the CSSOM, which style-src does not restrict.
constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'";

httplib::Headers FileHeaders(const char* cache_control) {
  return {{"Cache-Control", cache_control},
          {"Content-Security-Policy", kContentSecurityPolicy},
          {"X-Content-Type-Options", "nosniff"},
          {"Referrer-Policy", "no-referrer"}};
}

// Answers the paths of a missing folder with what is missing, rather than httplib's bare 404.
void ReplyMissing(httplib::Server* server, const std::string& pattern, const Status& missing) {
  spdlog::warn("dashboard: {}", missing.message());
  server->Get(pattern,
              [message = missing.message()](const httplib::Request&, httplib::Response& res) {
                ReplyError(res, 404, "not_found", message);
              });
}

}  // namespace

void RegisterDashboardRoutes(httplib::Server* server, const DashboardFiles& files) {
  server->set_file_extension_and_mimetype_mapping("html", "text/html; charset=utf-8");
  server->set_file_extension_and_mimetype_mapping("js", "text/javascript; charset=utf-8");
  server->set_file_extension_and_mimetype_mapping("css", "text/css; charset=utf-8");
  // Mount points are tried in order: the library's folder before the page's.
  const Status library = files.CheckChartLibrary();
  if (library.ok()) {
    server->set_mount_point("/assets/vendor/", files.chart_library_dir,
                            FileHeaders("public, max-age=86400"));
  } else {
    ReplyMissing(server, "/assets/vendor/.*", library);
  }
  const Status page = files.CheckPage();
  if (page.ok()) {
    server->set_mount_point("/", files.page_dir, FileHeaders("no-cache"));
  } else {
    ReplyMissing(server, "/", page);
  }
}

}  // namespace timeline
