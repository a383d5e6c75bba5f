// The input format of the fuzz targets that take several records: each record's bytes preceded
// by their length as a protobuf varint (the "delimited" stream that writeDelimitedTo writes).
// libFuzzer mutates the lengths and the bytes alike; a length past the end ends the list.
#pragma once

#include <google/protobuf/io/coded_stream.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace timeline::fuzz {

inline std::vector<std::string> SplitLengthPrefixed(const uint8_t* data, size_t size,
                                                    size_t max_records) {
  google::protobuf::io::CodedInputStream stream(data, static_cast<int>(size));
  std::vector<std::string> records;
  uint32_t length = 0;
  while (records.size() < max_records && stream.ReadVarint32(&length)) {
    std::string bytes;
    if (!stream.ReadString(&bytes, static_cast<int>(length))) break;
    records.push_back(std::move(bytes));
  }
  return records;
}

}  // namespace timeline::fuzz
