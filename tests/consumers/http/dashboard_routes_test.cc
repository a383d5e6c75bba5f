// The dashboard's files over real HTTP (consumers/http/dashboard_routes.h): the page, its assets
// and the chart library with their content types and cache headers, and a missing library
// answered with what is missing.
#include "consumers/http/dashboard_routes.h"

#include <httplib.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "tests/consumers/http/api_fixture.h"
#include "tests/support/test_environment.h"
#include "timeline/v1/api.pb.h"

namespace timeline {
namespace {

using testing::api::ApiFixture;

void Write(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

// A page folder and a chart library folder, each with a recognisable file.
struct DashboardDirs {
  testing::TempDir dir;
  DashboardFiles files{dir.Sub("page"), dir.Sub("chart")};
  DashboardDirs() {
    Write(files.page_dir + "/index.html", "<!doctype html><title>dash</title>");
    Write(files.page_dir + "/assets/app.js", "export const app = 1;");
    Write(files.page_dir + "/assets/style.css", "body { margin: 0; }");
    Write(files.chart_library_dir + "/chart.umd.js", "/* chart */");
  }
};

QueryServerOptions Serving(const DashboardFiles& files) {
  QueryServerOptions options;
  options.dashboard = files;
  return options;
}

TEST_CASE("the dashboard's page, assets and chart library are served with their types", "[unit]") {
  DashboardDirs dirs;
  ApiFixture api(true, Serving(dirs.files));
  auto page = api.Get("/");
  CHECK(page->status == 200);
  CHECK(page->body == "<!doctype html><title>dash</title>");
  CHECK(page->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(page->get_header_value("Cache-Control") == "no-cache");
  CHECK(page->get_header_value("Content-Security-Policy").find("default-src 'self'") == 0);

  auto app = api.Get("/assets/app.js");
  CHECK(app->status == 200);
  CHECK(app->get_header_value("Content-Type") == "text/javascript; charset=utf-8");
  auto style = api.Get("/assets/style.css");
  CHECK(style->status == 200);
  CHECK(style->get_header_value("Content-Type") == "text/css; charset=utf-8");

  auto chart = api.Get("/assets/vendor/chart.umd.js");
  CHECK(chart->status == 200);
  CHECK(chart->body == "/* chart */");
  CHECK(chart->get_header_value("Cache-Control") == "public, max-age=86400");

  auto api_route = api.Get("/api/accounts", testing::api::kAuditor);
  CHECK(api_route->status == 200);  // the page's folder does not hide the API
  CHECK(api.Get("/assets/../../etc/passwd")->status == 404);
}

TEST_CASE("a missing chart library is answered 404 naming the file and how to install it",
          "[unit]") {
  DashboardDirs dirs;
  std::filesystem::remove_all(dirs.files.chart_library_dir);
  ApiFixture api(true, Serving(dirs.files));
  auto chart = api.Get("/assets/vendor/chart.umd.js");
  CHECK(chart->status == 404);
  const auto error = ApiFixture::Parse<v1::ApiError>(chart->body);
  CHECK(error.message().find(dirs.files.ChartLibraryFile()) != std::string::npos);
  CHECK(error.message().find("deploy/setup.sh") != std::string::npos);
  CHECK(api.Get("/")->status == 200);  // the page itself still loads, and says so
}

TEST_CASE("the built-in dashboard folder holds the page and its modules", "[unit]") {
  const DashboardFiles files = DashboardFiles::Defaults();
  CHECK(files.CheckPage().ok());
  CHECK(std::filesystem::is_regular_file(files.page_dir + "/assets/app.js"));
  CHECK(std::filesystem::is_regular_file(files.page_dir + "/assets/style.css"));
}

}  // namespace
}  // namespace timeline
