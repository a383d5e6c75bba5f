#include "consumers/processes/dead_letter_queue.h"

#include <fmt/format.h>

#include <charconv>
#include <set>
#include <tuple>

#include "consumers/log/topic_reader.h"
#include "consumers/processes/read_only_views.h"
#include "engine/dead_letter.h"

namespace timeline {
namespace {

template <typename Number>
bool ParseNumber(std::string_view text, Number* number) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *number);
  return error == std::errc() && end == text.data() + text.size() && *number >= 0;
}

}  // namespace

Result<DeadLetterId> ParseDeadLetterId(std::string_view text) {
  const size_t colon = text.rfind(':');
  const size_t at = text.rfind('@');
  DeadLetterId id;
  if (colon == std::string_view::npos || at == std::string_view::npos || colon == 0 || at < colon ||
      !ParseNumber(text.substr(colon + 1, at - colon - 1), &id.partition) ||
      !ParseNumber(text.substr(at + 1), &id.offset)) {
    return Status::InvalidArgument(fmt::format(
        "\"{}\" does not name a dead letter: expected <topic>:<partition>@<offset>, e.g. "
        "account-events:2@17 (`timeline dlq list` shows them)",
        text));
  }
  id.topic = std::string(text.substr(0, colon));
  return id;
}

std::string DeadLetterIdOf(const v1::DeadLetter& letter) {
  return fmt::format("{}:{}@{}", letter.topic(), letter.partition(), letter.offset());
}

bool DeadLetterResolved(const v1::DeadLetter& letter) {
  const auto outcome = letter.last_replay().outcome();
  return outcome == v1::DeadLetterReplay::APPLIED ||
         outcome == v1::DeadLetterReplay::ALREADY_APPLIED;
}

Result<std::vector<v1::DeadLetter>> DeadLettersInViews(const std::string& data_dir) {
  TIMELINE_ASSIGN_OR_RETURN(std::unique_ptr<ReadOnlyViews> views, ReadOnlyViews::Open(data_dir));
  std::vector<v1::DeadLetter> letters;
  TIMELINE_RETURN_IF_ERROR(views->store().ScanDeadLetters([&](const v1::DeadLetter& letter) {
    letters.push_back(letter);
    return true;
  }));
  return letters;
}

Result<std::vector<v1::DeadLetter>> DeadLettersOnTopic(const KafkaSettings& kafka) {
  std::vector<v1::DeadLetter> letters;
  std::set<std::tuple<std::string, int32_t, int64_t, std::string>> seen;
  TIMELINE_RETURN_IF_ERROR(
      ReadTopicToEnd(kafka, kafka.topics.dead_letters, [&](const LogRecord& record) {
        v1::DeadLetter letter;
        if (!letter.ParseFromString(record.value)) {
          // Poison on the dead-letter topic itself is shown, not skipped.
          letter =
              DeadLetterOf(record,
                           fmt::format("the value ({} bytes) on {} is not a timeline.v1.DeadLetter",
                                       record.value.size(), record.topic),
                           "");
        }
        if (seen.emplace(letter.topic(), letter.partition(), letter.offset(), letter.reader())
                .second) {
          letters.push_back(std::move(letter));
        }
        return Status::Ok();
      }));
  return letters;
}

}  // namespace timeline
