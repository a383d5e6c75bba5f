#include "consumers/http/dashboard_files.h"

#include <filesystem>

namespace timeline {

DashboardFiles DashboardFiles::Defaults() {
  return DashboardFiles{TIMELINE_DASHBOARD_DIR, TIMELINE_CHART_LIBRARY_DIR};
}

std::string DashboardFiles::ChartLibraryFile() const { return chart_library_dir + "/chart.umd.js"; }

Status DashboardFiles::CheckPage() const {
  const std::string index = page_dir + "/index.html";
  std::error_code error;
  if (std::filesystem::is_regular_file(index, error)) return Status::Ok();
  return Status::NotFound("the dashboard's page is missing: no " + index +
                          " (--dashboard DIR names the folder holding index.html and assets/)");
}

Status DashboardFiles::CheckChartLibrary() const {
  const std::string file = ChartLibraryFile();
  std::error_code error;
  if (std::filesystem::is_regular_file(file, error)) return Status::Ok();
  return Status::NotFound("the dashboard's chart library is missing: no " + file +
                          " (run deploy/setup.sh, which installs Chart.js with npm ci in "
                          "deploy/web, or give --chart-library DIR)");
}

}  // namespace timeline
