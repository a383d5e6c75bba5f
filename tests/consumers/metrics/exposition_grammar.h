// A checker of the Prometheus text exposition format 0.0.4, for tests: every line is a HELP or
// TYPE line, a comment, or a sample `name{label="value",...} value`.
#pragma once

#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace timeline::testing {

// The lines of `text` that do not follow the grammar (empty when all do).
inline std::vector<std::string> NonConformingLines(const std::string& text) {
  static const std::regex kHelp(R"(# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*)");
  static const std::regex kType(
      R"(# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped))");
  static const std::regex kSample(
      R"re([a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")*\})? (-?[0-9.eE+-]+|\+Inf|-Inf|NaN))re");
  std::vector<std::string> bad;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("# HELP ", 0) == 0   ? std::regex_match(line, kHelp)
        : line.rfind("# TYPE ", 0) == 0 ? std::regex_match(line, kType)
        : line.rfind("#", 0) == 0       ? true
                                        : std::regex_match(line, kSample)) {
      continue;
    }
    bad.push_back(line);
  }
  return bad;
}

}  // namespace timeline::testing
