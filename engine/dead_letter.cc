#include "engine/dead_letter.h"

namespace timeline {

v1::DeadLetter DeadLetterOf(const LogRecord& record, std::string reason, std::string_view reader) {
  v1::DeadLetter letter;
  letter.set_topic(record.topic);
  letter.set_partition(record.partition);
  letter.set_offset(record.offset);
  letter.set_key(record.key);
  letter.set_value(record.value);
  letter.set_value_size(record.value.size());
  letter.set_reason(std::move(reason));
  letter.set_reader(std::string(reader));
  return letter;
}

}  // namespace timeline
