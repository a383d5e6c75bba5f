// Where the dashboard's files are: the page (index.html, assets/app.js, assets/style.css, kept in
// consumers/http/dashboard/) and the charting library (Chart.js's UMD build, installed from the
// npm registry by deploy/setup.sh into deploy/web/node_modules/). The defaults are the source
// tree's, baked in at build time, so a built tree serves its dashboard with no flag; an
// installation elsewhere passes `--dashboard DIR` and `--chart-library DIR`.
// Thread-safe: values and pure functions.
#pragma once

#include <string>

#include "engine/status.h"

namespace timeline {

struct DashboardFiles {
  std::string page_dir;           // holds index.html and assets/
  std::string chart_library_dir;  // holds chart.umd.js

  // The source tree's directories (consumers/http/dashboard, deploy/web/.../chart.js/dist).
  static DashboardFiles Defaults();

  std::string ChartLibraryFile() const;  // chart_library_dir/chart.umd.js

  // NotFound naming the file that is missing and how to get it: index.html (--dashboard), or
  // the chart library (--chart-library, or deploy/setup.sh's npm ci).
  Status CheckPage() const;
  Status CheckChartLibrary() const;
};

}  // namespace timeline
