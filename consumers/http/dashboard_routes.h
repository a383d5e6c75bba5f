// The dashboard, served as static files on an httplib::Server (dashboard_files.h says where
// they are):
//
//   GET /                               index.html
//   GET /assets/app.js, /assets/...     the page's modules and style sheet
//   GET /assets/vendor/chart.umd.js     the charting library (Chart.js, from the npm registry)
//
// httplib serves the files (content type by extension, with charset=utf-8 for text); the page's
// own files are sent with `Cache-Control: no-cache` (revalidated, so an upgrade shows at once),
// the library with a day's max-age. Every file carries a Content-Security-Policy that lets the
// page fetch from this server only: no CDN, no web font, no other origin.
// A missing page or library is logged once at start and answered 404 with an ApiError that
// names the missing file and how to install it; the API is served either way.
// Concurrency: registration before the server starts.
#pragma once

#include <httplib.h>

#include "consumers/http/dashboard_files.h"

namespace timeline {

void RegisterDashboardRoutes(httplib::Server* server, const DashboardFiles& files);

}  // namespace timeline
