// The demo's fixed world (consumers/demo/demo_history.h): UTC dates, the deterministic random
// numbers, the catalogue, client and people names. Internal to the demo generator.
// Determinism: std::mt19937_64 with our own range reduction (Rng), no wall clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/timestamp.pb.h>

#include "timeline/v1/events.pb.h"

namespace timeline::demo {

inline constexpr int64_t kMinute = 60;
inline constexpr int64_t kHour = 3600;
inline constexpr int64_t kDay = 86400;
inline constexpr const char* kCurrency = "EUR";
inline constexpr const char* kErpActor = "erp.sync";

// ---------------------------------------------------------------- dates (UTC, std::chrono)

// The calendar date (UTC) of the day holding `seconds`.
std::chrono::year_month_day DateOf(int64_t seconds);

// 00:00:00Z of `day`, in seconds since the epoch.
int64_t SecondsAt(std::chrono::sys_days day);

// The year (UTC) holding `seconds`.
int YearOf(int64_t seconds);

// 00:00:00Z on the first day of month `index` counted from January 2025.
int64_t MonthStart(int index);

// 00:00:00Z of the day holding `seconds`.
int64_t StartOfDay(int64_t seconds);

void SetTime(google::protobuf::Timestamp* timestamp, int64_t seconds);

// ---------------------------------------------------------------- randomness

// A seed mixer: derives independent seeds from (seed, account index).
uint64_t SplitMix64(uint64_t x);

// std::mt19937_64's output is fixed by the standard; the distributions are not, so the range
// reduction is ours (rejection sampling: unbiased and the same everywhere).
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  uint64_t Below(uint64_t n) {
    const uint64_t max = std::numeric_limits<uint64_t>::max();
    const uint64_t limit = max - max % n;
    uint64_t x = 0;
    do {
      x = engine_();
    } while (x >= limit);
    return x % n;
  }
  int64_t Range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  bool Percent(int percent) { return static_cast<int>(Below(100)) < percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Below(items.size())];
  }
  template <typename T>
  void Shuffle(std::vector<T>* items) {
    for (size_t i = items->size(); i > 1; --i) std::swap((*items)[i - 1], (*items)[Below(i)]);
  }

 private:
  std::mt19937_64 engine_;
};

// ---------------------------------------------------------------- the world

struct CatalogueItem {
  const char* sku;
  const char* description;
  int64_t list_price;  // EUR minor units, whole euros
  int64_t min_quantity;
  int64_t max_quantity;
  bool trainable;
};

const std::vector<CatalogueItem>& Catalogue();

// nullptr when `sku` is not in the catalogue (a co-designed product).
const CatalogueItem* FindItem(const std::string& sku);

const std::vector<std::string>& ClientNames();

const std::vector<std::string>& Managers();

const std::vector<std::string>& FirstNames();

const std::vector<std::string>& LastNames();

const std::vector<std::string>& Regions();

// "Bohemia Glassworks a.s." -> "bohemia-glassworks-a-s": lower-case letters, digits, dashes.
std::string Slug(const std::string& name);

// The nearest multiple of 100 minor units (whole euros).
int64_t RoundTo100(int64_t value);

// EUR money of `minor_units`.
v1::Money Eur(int64_t minor_units);

}  // namespace timeline::demo
