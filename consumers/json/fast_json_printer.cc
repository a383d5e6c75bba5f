#include "consumers/json/fast_json_printer.h"

#include <algorithm>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <google/protobuf/descriptor.h>

namespace timeline {
namespace {

namespace pb = google::protobuf;
using pb::FieldDescriptor;

// The library's limits (protobuf 3.21, util/internal/constants.h and protostream_objectsource.cc):
// outside them it fails instead of printing, so we decline and let it.
constexpr int64_t kTimestampMinSeconds = -62135596800LL;  // 0001-01-01T00:00:00Z
constexpr int64_t kTimestampMaxSeconds = 253402300799LL;  // 9999-12-31T23:59:59Z
constexpr int kMaxDepth = 32;  // the library's recursion limit is 64 nested messages

// ---- Strings, as util/internal/json_escaping.cc escapes them ----

// Code points below 0xa0 the library escapes; an empty entry is copied as is.
constexpr const char* kCommonEscapes[0xa0] = {
    "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
    "\\b",     "\\t",     "\\n",     "\\u000b", "\\f",     "\\r",     "\\u000e", "\\u000f",
    "\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
    "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f",
    "",        "",        "\\\"",    "",        "",        "",        "",        "",
    "",        "",        "",        "",        "",        "",        "",        "",  // 0x20
    "",        "",        "",        "",        "",        "",        "",        "",
    "",        "",        "",        "",        "\\u003c", "",        "\\u003e", "",  // 0x30
    "",        "",        "",        "",        "",        "",        "",        "",
    "",        "",        "",        "",        "",        "",        "",        "",  // 0x40
    "",        "",        "",        "",        "",        "",        "",        "",
    "",        "",        "",        "",        "\\\\",    "",        "",        "",  // 0x50
    "",        "",        "",        "",        "",        "",        "",        "",
    "",        "",        "",        "",        "",        "",        "",        "",  // 0x60
    "",        "",        "",        "",        "",        "",        "",        "",
    "",        "",        "",        "",        "",        "",        "",        "\\u007f",  // 0x70
    "\\u0080", "\\u0081", "\\u0082", "\\u0083", "\\u0084", "\\u0085", "\\u0086", "\\u0087",
    "\\u0088", "\\u0089", "\\u008a", "\\u008b", "\\u008c", "\\u008d", "\\u008e", "\\u008f",
    "\\u0090", "\\u0091", "\\u0092", "\\u0093", "\\u0094", "\\u0095", "\\u0096", "\\u0097",
    "\\u0098", "\\u0099", "\\u009a", "\\u009b", "\\u009c", "\\u009d", "\\u009e", "\\u009f"};

constexpr char kHex[] = "0123456789abcdef";

void AppendU16Escape(uint32_t unit, std::string* out) {
  const char escaped[6] = {'\\',
                           'u',
                           kHex[(unit >> 12) & 0xf],
                           kHex[(unit >> 8) & 0xf],
                           kHex[(unit >> 4) & 0xf],
                           kHex[unit & 0xf]};
  out->append(escaped, sizeof(escaped));
}

// Escapes a code point of 0xa0 or above the way EscapeCodePoint does (invisible and
// formatting characters, for JavaScript's sake); false when it is copied as is.
bool AppendWideEscape(uint32_t cp, std::string* out) {
  switch (cp) {
    case 0xfeff:
    case 0xfff9:
    case 0xfffa:
    case 0xfffb:
    case 0x00ad:
    case 0x06dd:
    case 0x070f:
    case 0x17b4:
    case 0x17b5: AppendU16Escape(cp, out); return true;
    default: break;
  }
  if ((cp >= 0x0600 && cp <= 0x0603) || (cp >= 0x200b && cp <= 0x200f) ||
      (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
      (cp >= 0x206a && cp <= 0x206f)) {
    AppendU16Escape(cp, out);
    return true;
  }
  if (cp == 0xe0001 || (cp >= 0x1d173 && cp <= 0x1d17a) || (cp >= 0xe0020 && cp <= 0xe007f)) {
    AppendU16Escape((cp >> 10) + (0xd800 - (0x10000 >> 10)), out);  // high surrogate
    AppendU16Escape((cp & 0x3ff) + 0xdc00, out);                    // low surrogate
    return true;
  }
  return false;
}

// The library's JsonEscaping::Escape over one buffer, including what it does with bytes that are
// not UTF-8: a stray byte is dropped; a sequence broken by a non-continuation byte is dropped
// with that byte; a sequence cut off by the end, a surrogate or a code point above U+10FFFF is
// dropped. Overlong forms are decoded and kept (or escaped, as their code point is).
void AppendEscaped(std::string_view text, std::string* out) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const size_t size = text.size();
  size_t i = 0;
  while (i < size) {
    // Copy the longest run that needs nothing.
    size_t run = i;
    while (run < size && bytes[run] >= 0x20 && bytes[run] < 0x7f && bytes[run] != '"' &&
           bytes[run] != '\\' && bytes[run] != '<' && bytes[run] != '>') {
      ++run;
    }
    if (run > i) {
      out->append(text.data() + i, run - i);
      i = run;
      if (i == size) break;
    }
    const uint32_t lead = bytes[i];
    if (lead < 0x80) {
      out->append(kCommonEscapes[lead]);  // every byte that stopped the run is escaped
      ++i;
      continue;
    }
    int length;
    uint32_t cp;
    if (lead <= 0xbf || lead >= 0xf8) {  // a continuation byte, or no UTF-8 lead at all
      ++i;
      continue;
    } else if (lead <= 0xdf) {
      length = 2, cp = lead & 0x1f;
    } else if (lead <= 0xef) {
      length = 3, cp = lead & 0x0f;
    } else {
      length = 4, cp = lead & 0x07;
    }
    int read = 1;
    bool broken = false;
    while (read < length && i + read < size) {
      const uint32_t next = bytes[i + read];
      ++read;
      cp = (cp << 6) | (next & 0x3f);
      if (next < 0x80 || next > 0xbf) {
        broken = true;
        break;
      }
    }
    if (broken || read < length || (cp & 0xfffff800) == 0xd800 || cp > 0x10ffff) {
      i += read;  // dropped, with the byte that broke it
      continue;
    }
    if (cp < 0xa0) {
      const char* escaped = kCommonEscapes[cp];
      if (*escaped != '\0') {
        out->append(escaped);
      } else {
        out->append(text.data() + i, read);
      }
    } else if (!AppendWideEscape(cp, out)) {
      out->append(text.data() + i, read);
    }
    i += read;
  }
}

// ---- Scalars, as util/internal/json_objectwriter.cc renders them ----

template <typename Integer>
void AppendInteger(Integer value, std::string* out) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out->append(buffer, result.ptr);
}

template <typename Integer>
void AppendQuotedInteger(Integer value, std::string* out) {
  out->push_back('"');
  AppendInteger(value, out);
  out->push_back('"');
}

// SimpleDtoa (stubs/strutil.cc): %.15g, or %.17g when that does not read back as the same
// double; NaN and the infinities quoted by name.
void AppendDouble(double value, std::string* out) {
  if (std::isnan(value)) {
    out->append("\"NaN\"");
    return;
  }
  if (std::isinf(value)) {
    out->append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    return;
  }
  char buffer[32];
  // std::to_chars with a precision prints exactly what printf's %.*g prints (C locale).
  auto result = std::to_chars(buffer, buffer + sizeof(buffer) - 1, value,
                              std::chars_format::general, DBL_DIG);
  *result.ptr = '\0';
  if (std::strtod(buffer, nullptr) != value) {
    result = std::to_chars(buffer, buffer + sizeof(buffer) - 1, value, std::chars_format::general,
                           DBL_DIG + 2);
  }
  out->append(buffer, result.ptr);
}

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void AppendBase64(std::string_view data, std::string* out) {
  out->push_back('"');
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const uint32_t triple = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    const char quad[4] = {kBase64[triple >> 18], kBase64[(triple >> 12) & 0x3f],
                          kBase64[(triple >> 6) & 0x3f], kBase64[triple & 0x3f]};
    out->append(quad, 4);
  }
  if (const size_t rest = data.size() - i; rest > 0) {
    const uint32_t triple = (bytes[i] << 16) | (rest == 2 ? bytes[i + 1] << 8 : 0);
    const char quad[4] = {kBase64[triple >> 18], kBase64[(triple >> 12) & 0x3f],
                          rest == 2 ? kBase64[(triple >> 6) & 0x3f] : '=', '='};
    out->append(quad, 4);
  }
  out->push_back('"');
}

// FormatTime (stubs/time.cc): YYYY-MM-DDThh:mm:ss, then 3, 6 or 9 fractional digits (as few as
// the nanos need, none for 0), then Z. The caller has checked the range.
void AppendTimestamp(int64_t seconds, int32_t nanos, std::string* out) {
  int64_t days = seconds / 86400;
  int64_t second_of_day = seconds % 86400;
  if (second_of_day < 0) {
    second_of_day += 86400;
    --days;
  }
  // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted).
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t day_of_era = days - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t shifted_month = (5 * day_of_year + 2) / 153;
  const int64_t day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
  const int64_t month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
  const int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);

  char buffer[40];
  char* p = buffer;
  *p++ = '"';
  const auto two = [&p](int64_t value) {
    *p++ = static_cast<char>('0' + value / 10);
    *p++ = static_cast<char>('0' + value % 10);
  };
  two(year / 100);
  two(year % 100);
  *p++ = '-';
  two(month);
  *p++ = '-';
  two(day);
  *p++ = 'T';
  two(second_of_day / 3600);
  *p++ = ':';
  two(second_of_day / 60 % 60);
  *p++ = ':';
  two(second_of_day % 60);
  if (nanos != 0) {
    int digits = 9;
    int32_t fraction = nanos;
    if (nanos % 1000000 == 0) {
      digits = 3, fraction = nanos / 1000000;
    } else if (nanos % 1000 == 0) {
      digits = 6, fraction = nanos / 1000;
    }
    *p++ = '.';
    for (int d = digits - 1; d >= 0; --d) {
      p[d] = static_cast<char>('0' + fraction % 10);
      fraction /= 10;
    }
    p += digits;
  }
  *p++ = 'Z';
  *p++ = '"';
  out->append(buffer, p);
}

// ---- Per-type plans ----

enum class ValueKind {
  kInt32,
  kInt64,
  kUint32,
  kUint64,
  kDouble,
  kBool,
  kEnum,
  kString,
  kBytes,
  kTimestamp,
  kMessage
};

struct TypePlan;

struct FieldPlan {
  const FieldDescriptor* field = nullptr;
  ValueKind kind = ValueKind::kInt32;
  std::string compact_key;            // "jsonName":
  std::string pretty_key;             // "jsonName": (a space after the colon)
  const TypePlan* message = nullptr;  // kMessage only
};

// A message type as the library lays it out (util/internal/default_value_objectwriter.cc): it
// first makes a placeholder per field in declaration order, except for scalars in a oneof
// (proto3 `optional` included), which get none; then it fills them as it reads the wire in field
// number order. A value with no placeholder of its kind (a oneof scalar, or a Timestamp, which
// arrives as a string where the placeholder is an object) is appended after the placeholders.
// Placeholders for unset messages print nothing, for unset repeated fields [], for scalars
// their defaults.
struct TypePlan {
  bool covered = true;
  std::vector<FieldPlan> placed;    // declaration order
  std::vector<FieldPlan> appended;  // field number order, printed only when set
};

bool IsTimestamp(const pb::Descriptor* descriptor) {
  return descriptor->full_name() == "google.protobuf.Timestamp";
}

class PlanCache {
 public:
  // The plan of a type, built with those of every type it reaches. Plans are never freed.
  const TypePlan* Get(const pb::Descriptor* descriptor) {
    std::lock_guard<std::mutex> lock(mutex_);
    return GetLocked(descriptor);
  }

 private:
  const TypePlan* GetLocked(const pb::Descriptor* descriptor) {
    if (auto it = plans_.find(descriptor); it != plans_.end()) return it->second.get();
    auto owned = std::make_unique<TypePlan>();
    TypePlan* plan = owned.get();
    plans_.emplace(descriptor, std::move(owned));  // first, so a recursive type finds itself
    Build(descriptor, plan);
    return plan;
  }

  void Build(const pb::Descriptor* descriptor, TypePlan* plan) {
    if (descriptor->file()->pool() != pb::DescriptorPool::generated_pool() ||
        descriptor->file()->syntax() != pb::FileDescriptor::SYNTAX_PROTO3 ||
        descriptor->extension_range_count() > 0) {
      plan->covered = false;
      return;
    }
    for (int i = 0; i < descriptor->field_count(); ++i) {
      const FieldDescriptor* field = descriptor->field(i);
      FieldPlan field_plan;
      field_plan.field = field;
      std::string name;
      AppendEscaped(field->json_name(), &name);
      field_plan.compact_key = "\"" + name + "\":";
      field_plan.pretty_key = "\"" + name + "\": ";
      bool in_oneof = field->containing_oneof() != nullptr;  // proto3 optional included
      switch (field->cpp_type()) {
        case FieldDescriptor::CPPTYPE_INT32: field_plan.kind = ValueKind::kInt32; break;
        case FieldDescriptor::CPPTYPE_INT64: field_plan.kind = ValueKind::kInt64; break;
        case FieldDescriptor::CPPTYPE_UINT32: field_plan.kind = ValueKind::kUint32; break;
        case FieldDescriptor::CPPTYPE_UINT64: field_plan.kind = ValueKind::kUint64; break;
        case FieldDescriptor::CPPTYPE_DOUBLE: field_plan.kind = ValueKind::kDouble; break;
        case FieldDescriptor::CPPTYPE_BOOL: field_plan.kind = ValueKind::kBool; break;
        case FieldDescriptor::CPPTYPE_ENUM:
          field_plan.kind = ValueKind::kEnum;
          // NullValue prints as null in the library.
          if (field->enum_type()->full_name() == "google.protobuf.NullValue") plan->covered = false;
          break;
        case FieldDescriptor::CPPTYPE_STRING:
          field_plan.kind =
              field->type() == FieldDescriptor::TYPE_BYTES ? ValueKind::kBytes : ValueKind::kString;
          break;
        case FieldDescriptor::CPPTYPE_FLOAT:  // SimpleFtoa: not needed by our types
          plan->covered = false;
          break;
        case FieldDescriptor::CPPTYPE_MESSAGE: {
          if (field->is_map() || field->type() == FieldDescriptor::TYPE_GROUP) {
            plan->covered = false;
            break;
          }
          const pb::Descriptor* type = field->message_type();
          if (IsTimestamp(type)) {
            field_plan.kind = ValueKind::kTimestamp;
          } else {
            field_plan.kind = ValueKind::kMessage;
            // A type still being built (a recursive one) is found half-made; FastJsonCoversType
            // and the writer read `covered` only once every plan is built.
            field_plan.message = GetLocked(type);
          }
          in_oneof = false;  // messages have placeholders, in a oneof or not
          break;
        }
      }
      if (!plan->covered) return;
      // A set Timestamp arrives as a string where its placeholder is an object: appended.
      if (field->is_repeated() || (!in_oneof && field_plan.kind != ValueKind::kTimestamp)) {
        plan->placed.push_back(std::move(field_plan));
      } else {
        plan->appended.push_back(std::move(field_plan));
      }
    }
    std::stable_sort(plan->appended.begin(), plan->appended.end(),
                     [](const FieldPlan& a, const FieldPlan& b) {
                       return a.field->number() < b.field->number();
                     });
  }

  std::mutex mutex_;
  std::unordered_map<const pb::Descriptor*, std::unique_ptr<TypePlan>> plans_;
};

PlanCache& Plans() {
  static PlanCache* const cache = new PlanCache();  // never destroyed
  return *cache;
}

// Whether a plan and every plan it reaches are covered.
bool CoversPlan(const TypePlan* plan, std::vector<const TypePlan*>* seen) {
  if (std::find(seen->begin(), seen->end(), plan) != seen->end()) return true;
  seen->push_back(plan);
  if (!plan->covered) return false;
  for (const auto& field : plan->placed) {
    if (field.message != nullptr && !CoversPlan(field.message, seen)) return false;
  }
  return true;
}

// ---- Writing ----

class Writer {
 public:
  Writer(JsonLayout layout, std::string* out) : pretty_(layout == JsonLayout::kPretty), out_(out) {}

  // False when something met on the way is declined (an out-of-range Timestamp, too deep).
  bool WriteMessage(const pb::Message& message, const TypePlan& plan, int depth) {
    if (!plan.covered || depth > kMaxDepth) return false;
    const pb::Reflection* reflection = message.GetReflection();
    out_->push_back('{');
    bool first = true;
    for (const FieldPlan& field : plan.placed) {
      if (field.field->is_repeated()) {
        Key(field, depth + 1, &first);
        if (!WriteList(message, *reflection, field, depth + 1)) return false;
      } else if (field.kind == ValueKind::kMessage) {
        if (!reflection->HasField(message, field.field)) continue;
        Key(field, depth + 1, &first);
        if (!WriteMessage(reflection->GetMessage(message, field.field), *field.message,
                          depth + 1)) {
          return false;
        }
      } else {
        Key(field, depth + 1, &first);
        if (!WriteSingular(message, *reflection, field)) return false;
      }
    }
    for (const FieldPlan& field : plan.appended) {
      if (!reflection->HasField(message, field.field)) continue;
      Key(field, depth + 1, &first);
      if (!WriteSingular(message, *reflection, field)) return false;
    }
    Close(first, depth, '}');
    return true;
  }

 private:
  // The separator, the line break and indent (pretty), and the quoted name.
  void Key(const FieldPlan& field, int level, bool* first) {
    Separate(level, first);
    out_->append(pretty_ ? field.pretty_key : field.compact_key);
  }

  void Separate(int level, bool* first) {
    if (!*first) out_->push_back(',');
    *first = false;
    NewLine(level);
  }

  void NewLine(int level) {
    if (!pretty_) return;
    out_->push_back('\n');
    out_->append(static_cast<size_t>(level), ' ');
  }

  // A container ends on its own line, unless it was empty.
  void Close(bool empty, int level, char bracket) {
    if (!empty) NewLine(level);
    out_->push_back(bracket);
  }

  bool WriteSingular(const pb::Message& message, const pb::Reflection& reflection,
                     const FieldPlan& field) {
    const FieldDescriptor* f = field.field;
    switch (field.kind) {
      case ValueKind::kInt32: AppendInteger(reflection.GetInt32(message, f), out_); return true;
      case ValueKind::kInt64:
        AppendQuotedInteger(reflection.GetInt64(message, f), out_);
        return true;
      case ValueKind::kUint32: AppendInteger(reflection.GetUInt32(message, f), out_); return true;
      case ValueKind::kUint64:
        AppendQuotedInteger(reflection.GetUInt64(message, f), out_);
        return true;
      case ValueKind::kDouble: AppendDouble(reflection.GetDouble(message, f), out_); return true;
      case ValueKind::kBool:
        out_->append(reflection.GetBool(message, f) ? "true" : "false");
        return true;
      case ValueKind::kEnum: WriteEnum(f, reflection.GetEnumValue(message, f)); return true;
      case ValueKind::kString:
      case ValueKind::kBytes: {
        std::string scratch;
        const std::string& value = reflection.GetStringReference(message, f, &scratch);
        WriteString(field.kind, value);
        return true;
      }
      case ValueKind::kTimestamp: return WriteTimestamp(reflection.GetMessage(message, f));
      case ValueKind::kMessage: break;
    }
    return false;
  }

  bool WriteList(const pb::Message& message, const pb::Reflection& reflection,
                 const FieldPlan& field, int level) {
    const FieldDescriptor* f = field.field;
    const int size = reflection.FieldSize(message, f);
    out_->push_back('[');
    bool first = true;
    for (int i = 0; i < size; ++i) {
      Separate(level + 1, &first);
      switch (field.kind) {
        case ValueKind::kInt32:
          AppendInteger(reflection.GetRepeatedInt32(message, f, i), out_);
          break;
        case ValueKind::kInt64:
          AppendQuotedInteger(reflection.GetRepeatedInt64(message, f, i), out_);
          break;
        case ValueKind::kUint32:
          AppendInteger(reflection.GetRepeatedUInt32(message, f, i), out_);
          break;
        case ValueKind::kUint64:
          AppendQuotedInteger(reflection.GetRepeatedUInt64(message, f, i), out_);
          break;
        case ValueKind::kDouble:
          AppendDouble(reflection.GetRepeatedDouble(message, f, i), out_);
          break;
        case ValueKind::kBool:
          out_->append(reflection.GetRepeatedBool(message, f, i) ? "true" : "false");
          break;
        case ValueKind::kEnum: WriteEnum(f, reflection.GetRepeatedEnumValue(message, f, i)); break;
        case ValueKind::kString:
        case ValueKind::kBytes: {
          std::string scratch;
          WriteString(field.kind, reflection.GetRepeatedStringReference(message, f, i, &scratch));
          break;
        }
        case ValueKind::kTimestamp:
          if (!WriteTimestamp(reflection.GetRepeatedMessage(message, f, i))) return false;
          break;
        case ValueKind::kMessage:
          if (!WriteMessage(reflection.GetRepeatedMessage(message, f, i), *field.message,
                            level + 1)) {
            return false;
          }
          break;
      }
    }
    Close(first, level, ']');
    return true;
  }

  void WriteEnum(const FieldDescriptor* field, int number) {
    const pb::EnumValueDescriptor* value = field->enum_type()->FindValueByNumber(number);
    if (value == nullptr) {
      AppendInteger(number, out_);  // an unknown number, unquoted
      return;
    }
    out_->push_back('"');
    AppendEscaped(value->name(), out_);
    out_->push_back('"');
  }

  void WriteString(ValueKind kind, const std::string& value) {
    if (kind == ValueKind::kBytes) {
      AppendBase64(value, out_);
      return;
    }
    out_->push_back('"');
    AppendEscaped(value, out_);
    out_->push_back('"');
  }

  // Read by reflection rather than through the generated class, so that it works whatever
  // Timestamp is linked in.
  bool WriteTimestamp(const pb::Message& timestamp) {
    const pb::Descriptor* descriptor = timestamp.GetDescriptor();
    const pb::Reflection* reflection = timestamp.GetReflection();
    const int64_t seconds = reflection->GetInt64(timestamp, descriptor->field(0));
    const int32_t nanos = reflection->GetInt32(timestamp, descriptor->field(1));
    if (seconds < kTimestampMinSeconds || seconds > kTimestampMaxSeconds || nanos < 0 ||
        nanos > 999999999) {
      return false;  // the library fails on it: let it
    }
    AppendTimestamp(seconds, nanos, out_);
    return true;
  }

  const bool pretty_;
  std::string* const out_;
};

}  // namespace

std::optional<std::string> PrintFastJson(const google::protobuf::Message& message,
                                         JsonLayout layout) {
  const pb::Descriptor* descriptor = message.GetDescriptor();
  // A well-known type at the top is printed as its special form by the library.
  if (descriptor->file()->package() == "google.protobuf") return std::nullopt;
  const TypePlan* plan = Plans().Get(descriptor);
  std::string json;
  json.reserve(512);
  if (!Writer(layout, &json).WriteMessage(message, *plan, 0)) return std::nullopt;
  return json;
}

bool FastJsonCoversType(const google::protobuf::Descriptor* descriptor) {
  if (descriptor->file()->package() == "google.protobuf") return false;
  std::vector<const TypePlan*> seen;
  return CoversPlan(Plans().Get(descriptor), &seen);
}

}  // namespace timeline
