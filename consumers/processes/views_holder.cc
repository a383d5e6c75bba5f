#include "consumers/processes/views_holder.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "consumers/processes/data_directory.h"

namespace timeline {

std::string WorkerMemberName(const std::string& projections_group, const std::string& instance_id) {
  return projections_group + "-" + instance_id;
}

Status WriteViewsHolder(const std::string& data_dir, const std::string& member) {
  const std::string path = ViewsHolderPath(data_dir);
  const std::string written = path + ".new";
  {
    std::ofstream out(written, std::ios::trunc);
    out << member << '\n';
    if (!out.flush()) return Status::IoError("cannot write " + written);
  }
  if (std::rename(written.c_str(), path.c_str()) != 0) {
    return Status::IoError("cannot rename " + written + " to " + path);
  }
  return Status::Ok();
}

std::string ReadViewsHolder(const std::string& data_dir) {
  std::ifstream in(ViewsHolderPath(data_dir));
  std::string member;
  std::getline(in, member);
  return member;
}

}  // namespace timeline
