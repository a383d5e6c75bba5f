#include "consumers/demo_history.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <random>
#include <set>
#include <utility>

#include "timeline/v1/events.pb.h"

namespace timeline {
namespace {

constexpr int64_t kMinute = 60;
constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;
constexpr const char* kCurrency = "EUR";
constexpr const char* kErpActor = "erp.sync";

// ---------------------------------------------------------------- dates (UTC, proleptic Gregorian)

// Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int YearOf(int64_t seconds) {
  int64_t z = seconds / kDay + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  return static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
}

// 00:00:00Z on the first day of month `index` counted from January 2025.
int64_t MonthStart(int index) {
  return DaysFromCivil(2025 + index / 12, index % 12 + 1, 1) * kDay;
}

int64_t StartOfDay(int64_t seconds) { return seconds / kDay * kDay; }

void SetTime(google::protobuf::Timestamp* timestamp, int64_t seconds) {
  timestamp->set_seconds(seconds);
  timestamp->set_nanos(0);
}

// ---------------------------------------------------------------- randomness

uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

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

const std::vector<CatalogueItem>& Catalogue() {
  static const std::vector<CatalogueItem> items = {
      {"PUMP-100", "centrifugal pump, 100 m3/h", 125000, 2, 12, true},
      {"PUMP-200", "centrifugal pump, 200 m3/h", 248000, 1, 6, true},
      {"VALVE-50", "butterfly valve DN50", 18900, 10, 80, false},
      {"VALVE-80", "butterfly valve DN80", 31200, 6, 40, false},
      {"SENSOR-KIT", "pressure and vibration sensor kit", 54000, 5, 40, true},
      {"FLOW-METER-X", "ultrasonic flow meter", 89000, 2, 15, true},
      {"CONTROL-UNIT-3", "pump station control unit", 345000, 1, 4, true},
      {"SPARE-SEAL-SET", "mechanical seal set", 4500, 40, 300, false},
      {"FILTER-CARTRIDGE", "filter cartridge, 10 micron", 7800, 50, 400, false},
      {"PIPE-FITTING-KIT", "stainless pipe fitting kit", 12000, 10, 60, false},
      {"IOT-GATEWAY", "edge gateway for telemetry", 149000, 1, 10, true},
      {"TELEMETRY-LICENSE", "telemetry dashboard seat, per year", 24000, 5, 60, true},
      {"SERVICE-PLAN-SILVER", "service plan silver, per site and year", 960000, 1, 2, false},
      {"SERVICE-PLAN-GOLD", "service plan gold, per site and year", 1800000, 1, 2, false},
      {"INSTALLATION-DAY", "installation engineer, per day", 115000, 1, 8, false},
      {"DOSING-PUMP-D20", "chemical dosing pump", 67000, 2, 10, true},
      {"HEAT-EXCHANGER-P5", "plate heat exchanger", 412000, 1, 3, true},
      {"ENERGY-AUDIT", "energy audit of a pump station", 380000, 1, 1, false},
  };
  return items;
}

const CatalogueItem* FindItem(const std::string& sku) {
  for (const auto& item : Catalogue()) {
    if (sku == item.sku) return &item;
  }
  return nullptr;
}

const std::vector<std::string>& ClientNames() {
  static const std::vector<std::string> names = {
      "Nordwind Logistics AG",    "Alpenstahl Industrie GmbH", "Rheinland Chemie AG",
      "Baltic Port Services",     "Hanse Wasserwerke GmbH",    "Lumen Pharma SE",
      "Vinter Foods AB",          "Iberia Agua S.A.",          "Castello Packaging S.p.A.",
      "Brabant Energie N.V.",     "Danubia Brewing Group",     "Helvetia Paper AG",
      "Nordic Cold Chain Oy",     "Atlantique Ciments SA",     "Polaris Mining GmbH",
      "Carpathia Dairy S.A.",     "Tessin Textil AG",          "Fjord Aquaculture AS",
      "Bohemia Glassworks a.s.",  "Loire Vineyards Cooperative", "Adriatic Shipyards d.d.",
      "Westfalen Kunststoff GmbH", "Zeeland Greenhouses B.V.", "Saxonia Automotive AG",
      "Provence Cosmetics SAS",   "Vistula Railways S.A.",     "Thames Utilities plc",
      "Krakow Steelworks S.A.",   "Aurora Hospitals Group",    "Meridian Airports GmbH",
  };
  return names;
}

const std::vector<std::string>& Managers() {
  static const std::vector<std::string> managers = {"jane.doe", "marco.rossi", "anna.keller",
                                                    "lars.nilsson"};
  return managers;
}

const std::vector<std::string>& FirstNames() {
  static const std::vector<std::string> names = {
      "paul", "sofia", "jonas", "emma", "lukas", "mia", "noah", "lea", "felix", "clara",
      "david", "hanna", "elias", "nora", "tom", "ida", "leon", "julia", "max", "sara"};
  return names;
}

const std::vector<std::string>& LastNames() {
  static const std::vector<std::string> names = {
      "becker", "jansen", "moreau", "novak", "larsen", "fischer", "weber", "costa", "berg",
      "kowalski", "dubois", "schulz", "meyer", "lindqvist", "horvat", "peeters"};
  return names;
}

const std::vector<std::string>& Regions() {
  static const std::vector<std::string> regions = {"DE-North", "DE-South", "DE-West", "DE-East",
                                                   "NL", "BE", "FR-East", "PL", "CZ", "DK"};
  return regions;
}

std::string Slug(const std::string& name) {
  std::string slug;
  for (char c : name) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      slug.push_back(c);
    } else if (c >= 'A' && c <= 'Z') {
      slug.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if (!slug.empty() && slug.back() != '-') {
      slug.push_back('-');
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

int64_t RoundTo100(int64_t value) { return (value + 50) / 100 * 100; }

v1::Money Eur(int64_t minor_units) {
  v1::Money money;
  money.set_minor_units(minor_units);
  money.set_currency(kCurrency);
  return money;
}

// ---------------------------------------------------------------- one account's simulation

struct TermsVersion {
  int64_t effective_from = 0;
  std::map<std::string, int64_t> prices;  // sku -> unit price
  int payment_terms_days = 30;
  int discount_cap_bps = 1000;
};

struct Contract {
  std::string id;
  int64_t valid_from = 0;
  int64_t valid_until = 0;  // exclusive: 00:00 of the first day after the term
  std::vector<TermsVersion> versions;
  bool terminated = false;
  bool renewal_signed = false;

  bool InForce(int64_t t) const { return !terminated && valid_from <= t && t < valid_until; }
  const TermsVersion& VersionAt(int64_t t) const {
    const TermsVersion* found = &versions.front();
    for (const auto& version : versions) {
      if (version.effective_from <= t) found = &version;
    }
    return *found;
  }
};

struct OrderLineState {
  const char* sku = nullptr;  // a CatalogueItem's: orders live as long as the account, keep them small
  int64_t quantity = 0;
  int64_t unit_price = 0;
  int64_t shipped = 0;
  int64_t billed = 0;
};

struct Order {
  int number = 0;  // the id, "PO-<10000 + number>", is made when needed: orders are many
  std::string Id() const { return fmt::format("PO-{}", 10000 + number); }
  std::vector<OrderLineState> lines;
  bool cancelled = false;
  bool backordered = false;  // the rest will never ship (after a seeded over-billing)
  int shipments = 0;
  int invoices = 0;

  bool FullyShipped() const {
    return std::all_of(lines.begin(), lines.end(),
                       [](const OrderLineState& l) { return l.shipped == l.quantity; });
  }
};

struct Invoice {
  int year = 0;    // the id, "INV-<year>-<number, 4 digits>", is made when needed
  int number = 0;
  std::string Id() const { return fmt::format("INV-{}-{:04}", year, number); }
  int64_t total = 0;
  int64_t paid = 0;
  int64_t credited = 0;
  int64_t due_at = 0;
  int64_t overcharge = 0;  // for a seeded price error: what a credit note gives back
  std::vector<v1::InvoiceLine> lines;
  int scheduled = 0;  // actions scheduled for it and not run yet
  int64_t Balance() const { return total - paid - credited; }
};

struct Milestone {
  std::string id;
  bool completed = false;
};

struct Project {
  std::string id;
  bool active = true;
  std::vector<Milestone> milestones;
  bool AllCompleted() const {
    return std::all_of(milestones.begin(), milestones.end(),
                       [](const Milestone& m) { return m.completed; });
  }
};

struct ProjectTemplate {
  const char* name;
  std::array<const char*, 5> milestones;
};

const std::vector<ProjectTemplate>& ProjectTemplates() {
  static const std::vector<ProjectTemplate> templates = {
      {"Pump station retrofit",
       {"site survey", "design freeze", "equipment delivered", "installation", "handover"}},
      {"Telemetry rollout",
       {"pilot site live", "gateway installation", "dashboard training", "all sites live",
        "acceptance"}},
      {"Filtration upgrade",
       {"requirements signed", "filter skid delivered", "commissioning", "performance test",
        "handover"}},
      {"Predictive maintenance pilot",
       {"sensors installed", "baseline collected", "model review", "go/no-go", "report"}},
      {"Energy efficiency programme",
       {"energy audit", "measures agreed", "variable drives installed", "savings verified",
        "final report"}},
      {"Cooling water modernisation",
       {"concept approved", "heat exchangers delivered", "tie-in shutdown", "commissioning",
        "handover"}},
  };
  return templates;
}

const std::vector<std::string>& SlippingReasons() {
  static const std::vector<std::string> reasons = {
      "slipping: supplier delivery of components late",
      "slipping: client site not ready for installation",
      "slipping: shutdown window moved by the client",
      "slipping: permit from the local authority delayed",
      "slipping: design change requested by the client"};
  return reasons;
}

class AccountSimulation {
 public:
  AccountSimulation(uint64_t seed, int index, std::string id, std::string name)
      : seed_(seed),
        index_(index),
        rng_(SplitMix64(seed ^ SplitMix64(static_cast<uint64_t>(index) + 1))),
        id_(std::move(id)),
        name_(std::move(name)),
        manager_(Managers()[static_cast<size_t>(index) % Managers().size()]) {}

  // Schedules the account's opening; AdvanceTo then runs the simulation up to `end`.
  void Start(int64_t end) {
    end_ = end;
    const int open_month = static_cast<int>(rng_.Range(0, 3));
    Schedule(MonthStart(open_month) + rng_.Range(0, 9) * kDay + 9 * kHour +
                 rng_.Range(0, 50) * kMinute,
             [this, open_month] { Open(open_month); });
  }

  // Runs every action scheduled before `until` (and before the end). Calls with increasing
  // `until` run exactly the actions one call up to the end would, in the same order: the
  // history does not depend on where it is paused.
  void AdvanceTo(int64_t until) {
    const int64_t stop = std::min(until, end_);
    while (!queue_.empty()) {
      auto first = queue_.begin();
      if (first->first.first >= stop || closed_) break;
      now_ = std::max(now_, first->first.first);
      auto action = std::move(first->second);
      queue_.erase(first);
      action();
    }
  }

  // Nothing left to run: closed, out of actions, or at the end.
  bool Finished() const {
    return closed_ || queue_.empty() || queue_.begin()->first.first >= end_;
  }

  // Lets go of what no later action reads: an ended or terminated contract's superseded
  // versions (from now on only its last version is ever looked at).
  void Compact() {
    for (auto& contract : contracts_) {
      if ((contract.terminated || contract.valid_until <= now_) && contract.versions.size() > 1) {
        contract.versions.erase(contract.versions.begin(), contract.versions.end() - 1);
        contract.versions.shrink_to_fit();
      }
    }
  }

  // Events generated and not yet taken, in the account's order (non-decreasing occurred_at).
  std::deque<v1::SubmitEvent>& pending() { return pending_; }
  std::vector<SeededFinding>& findings() { return findings_; }

 private:
  using Action = std::function<void()>;

  void Schedule(int64_t at, Action action) {
    queue_.emplace(std::make_pair(std::max(at, now_), next_action_++), std::move(action));
  }

  // A working-hours moment `lo`..`hi` days from now (never before now).
  int64_t Later(int64_t lo, int64_t hi) {
    const int64_t day = StartOfDay(now_) + rng_.Range(lo, hi) * kDay;
    return std::max(now_, day + rng_.Range(8 * 60, 17 * 60) * kMinute);
  }
  // A working-hours moment in month `month`, day 1..28.
  int64_t InMonth(int month) {
    return MonthStart(month) + rng_.Range(0, 27) * kDay + rng_.Range(8 * 60, 17 * 60) * kMinute;
  }

  void Emit(const std::string& actor, v1::Event event) {
    v1::SubmitEvent submission;
    submission.set_account_id(id_);
    submission.set_expected_version(emitted_);
    submission.set_idempotency_key(DemoIdempotencyKey(seed_, id_, emitted_));
    SetTime(submission.mutable_occurred_at(), now_);
    submission.set_actor(actor);
    *submission.mutable_event() = std::move(event);
    pending_.push_back(std::move(submission));
    ++emitted_;
  }

  std::string Member(v1::TeamRole role) const {
    auto it = team_.find(role);
    return it == team_.end() ? manager_ : it->second;
  }

  std::string NewPerson() {
    for (;;) {
      std::string person = rng_.Pick(FirstNames()) + "." + rng_.Pick(LastNames());
      if (people_.insert(person).second) return person;
    }
  }

  v1::Office RandomOffice() {
    static const std::vector<v1::Office> offices = {v1::CLIENT_SITE, v1::HOME_OFFICE,
                                                    v1::SATELLITE_OFFICE, v1::REMOTE};
    return rng_.Pick(offices);
  }

  // ------------------------------------------------------------ account, team

  void Open(int open_month) {
    v1::Event event;
    auto* opened = event.mutable_account_opened();
    opened->set_name(name_);
    opened->set_manager(manager_);
    opened->set_currency(kCurrency);
    std::vector<std::string> regions = Regions();
    rng_.Shuffle(&regions);
    regions.resize(static_cast<size_t>(rng_.Range(1, 3)));
    std::sort(regions.begin(), regions.end());
    for (const auto& region : regions) opened->add_regions(region);
    regions_ = regions;
    opened->set_scope(v1::NATIONAL);
    opened->set_manager_office(rng_.Percent(60) ? v1::HOME_OFFICE : v1::CLIENT_SITE);
    Emit(manager_, std::move(event));

    size_ = static_cast<int>(rng_.Range(1, 3));
    std::vector<v1::TeamRole> roles = {v1::PROJECT_MANAGER, v1::CUSTOMER_SERVICE, v1::BILLING};
    if (rng_.Percent(60)) roles.push_back(v1::TRAINER);
    if (rng_.Percent(35)) roles.push_back(v1::SALES);
    int64_t at = now_;
    for (auto role : roles) {
      at += rng_.Range(10, 90) * kMinute;
      Schedule(at, [this, role] { Assign(role); });
    }
    Schedule(Later(1, 4), [this] { SignFirstContract(); });

    // Things that happen once in a while over the account's life.
    if (rng_.Percent(30)) {
      const int month = open_month + static_cast<int>(rng_.Range(6, 18));
      Schedule(InMonth(month), [this] { ChangeManager(); });
    }
    if (rng_.Percent(20)) {
      const int month = open_month + static_cast<int>(rng_.Range(3, 15));
      Schedule(InMonth(month), [this] { GoInternational(); });
    }
    // One account in eleven is closed after a merger, at a month fixed by its index alone.
    if (index_ % 11 == 7) {
      Schedule(MonthStart(20) + 9 * kDay + 10 * kHour, [this] { WindDown(); });
    }
    Schedule(MonthStart(open_month + 1) + kHour, [this, open_month] { PlanMonth(open_month + 1); });
  }

  void Assign(v1::TeamRole role) {
    if (closing_) return;
    v1::Event event;
    auto* assigned = event.mutable_team_member_assigned();
    const std::string person = NewPerson();
    assigned->set_member(person);
    assigned->set_role(role);
    assigned->set_office(RandomOffice());
    team_[role] = person;
    Emit(manager_, std::move(event));
  }

  void Rotate() {
    if (closing_ || team_.empty()) return;
    std::vector<v1::TeamRole> roles;
    for (const auto& [role, person] : team_) roles.push_back(role);
    const v1::TeamRole role = rng_.Pick(roles);
    v1::Event event;
    event.mutable_team_member_released()->set_member(team_[role]);
    team_.erase(role);
    Emit(manager_, std::move(event));
    Schedule(Later(0, 5), [this, role] { Assign(role); });
  }

  void ChangeManager() {
    if (closing_) return;
    std::vector<std::string> others;
    for (const auto& manager : Managers()) {
      if (manager != manager_) others.push_back(manager);
    }
    manager_ = rng_.Pick(others);
    v1::Event event;
    event.mutable_manager_assigned()->set_manager(manager_);
    event.mutable_manager_assigned()->set_office(rng_.Percent(50) ? v1::HOME_OFFICE
                                                                  : v1::CLIENT_SITE);
    Emit(manager_, std::move(event));
  }

  void GoInternational() {
    if (closing_) return;
    v1::Event event;
    auto* changed = event.mutable_account_scope_changed();
    changed->set_scope(v1::INTERNATIONAL);
    std::set<std::string> regions(regions_.begin(), regions_.end());
    regions.insert(rng_.Percent(50) ? "AT" : "CH");
    for (const auto& region : regions) changed->add_regions(region);
    Emit(manager_, std::move(event));
  }

  void WindDown() {
    if (closing_) return;
    closing_ = true;
    for (auto& contract : contracts_) {
      if (contract.terminated || contract.valid_until <= now_) continue;
      contract.terminated = true;
      v1::Event event;
      auto* terminated = event.mutable_contract_terminated();
      terminated->set_contract_id(contract.id);
      SetTime(terminated->mutable_effective_on(), StartOfDay(now_) + kDay);
      terminated->set_reason("client merged into a group account; supply moves to group contract");
      Emit(manager_, std::move(event));
    }
    now_ = Later(10, 15);
    v1::Event event;
    event.mutable_account_closed()->set_reason(
        "client merged into a group account managed by the international team");
    Emit(manager_, std::move(event));
    closed_ = true;
  }

  // ------------------------------------------------------------ contracts

  const Contract* InForce(int64_t t) const {
    for (const auto& contract : contracts_) {
      if (contract.InForce(t)) return &contract;
    }
    return nullptr;
  }
  Contract* InForceMutable(int64_t t) { return const_cast<Contract*>(InForce(t)); }

  void FillTerms(const Contract& contract, const TermsVersion& version, v1::ContractTerms* terms) {
    for (const auto& [sku, price] : version.prices) {
      auto* entry = terms->add_price_list();
      entry->set_sku(sku);
      *entry->mutable_unit_price() = Eur(price);
    }
    terms->set_payment_terms_days(version.payment_terms_days);
    terms->set_discount_cap_bps(version.discount_cap_bps);
    auto* critical = terms->add_service_levels();
    critical->set_name("critical case response");
    critical->set_target_hours(service_critical_hours_);
    auto* high = terms->add_service_levels();
    high->set_name("high case response");
    high->set_target_hours(service_critical_hours_ * 6);
    SetTime(terms->mutable_valid_from(), contract.valid_from);
    SetTime(terms->mutable_valid_until(), contract.valid_until);
  }

  void SignFirstContract() {
    // The client buys 5 to 8 items of the catalogue at negotiated prices.
    std::vector<size_t> items(Catalogue().size());
    std::iota(items.begin(), items.end(), 0);
    rng_.Shuffle(&items);
    const size_t count = static_cast<size_t>(rng_.Range(5, 8));
    TermsVersion version;
    version.effective_from = StartOfDay(now_);
    for (size_t i = 0; i < count; ++i) {
      const auto& item = Catalogue()[items[i]];
      version.prices[item.sku] = RoundTo100(item.list_price * rng_.Range(88, 100) / 100);
    }
    static const std::vector<int> terms = {30, 30, 45, 60};
    static const std::vector<int> caps = {500, 800, 1000, 1000, 1200, 1500};
    version.payment_terms_days = rng_.Pick(terms);
    version.discount_cap_bps = rng_.Pick(caps);
    service_critical_hours_ = rng_.Percent(50) ? 4 : 8;

    Contract contract;
    contract.id = fmt::format("CTR-{}-{:02}", YearOf(now_), ++contract_count_);
    contract.valid_from = StartOfDay(now_);
    contract.valid_until = NextMonthStart(now_, 12);
    contract.versions.push_back(std::move(version));
    gap_before_renewal_ = rng_.Percent(25) || index_ % 5 == 2;  // at least one account in five
    Sign(std::move(contract));
  }

  // The first day (00:00) of the month `months` after the one holding `t`.
  static int64_t NextMonthStart(int64_t t, int months) {
    int index = 0;
    while (MonthStart(index + 1) <= t) ++index;
    return MonthStart(index + months);
  }

  void Sign(Contract contract) {
    v1::Event event;
    auto* signed_ = event.mutable_contract_signed();
    signed_->set_contract_id(contract.id);
    FillTerms(contract, contract.versions.back(), signed_->mutable_terms());
    Emit(manager_, std::move(event));
    const int64_t valid_until = contract.valid_until;
    const int64_t valid_from = contract.valid_from;
    const std::string id = contract.id;
    contracts_.push_back(std::move(contract));

    // Renewal: signed about a month before expiry; once in the account's life a month late,
    // leaving a month with no contract in force.
    const bool late = gap_before_renewal_ && contracts_.size() == 1;
    const int64_t renew_at = late ? valid_until + rng_.Range(8, 20) * kDay + 10 * kHour
                                  : valid_until - rng_.Range(20, 40) * kDay + 10 * kHour;
    Schedule(renew_at, [this, id, late] { Renew(id, late); });
    // Before a late renewal the client stocks up, so goods ship (and are billed) in the gap.
    if (late) Schedule(valid_until - rng_.Range(4, 6) * kDay + 10 * kHour, [this] { PlaceOrder(); });
    // Now and then, a price change in the middle of the term.
    if (rng_.Percent(40)) {
      const int64_t at = valid_from + rng_.Range(150, 240) * kDay + 11 * kHour;
      Schedule(at, [this, id] { AmendPrices(id); });
    }
  }

  Contract* FindContract(const std::string& id) {
    for (auto& contract : contracts_) {
      if (contract.id == id) return &contract;
    }
    return nullptr;
  }

  void Renew(const std::string& id, bool late) {
    if (closing_) return;
    Contract* old = FindContract(id);
    if (old == nullptr || old->terminated || old->renewal_signed) return;
    old->renewal_signed = true;
    TermsVersion version = old->versions.back();
    for (auto& [sku, price] : version.prices) price = RoundTo100(price * rng_.Range(101, 104) / 100);
    for (const auto& sku : pending_skus_) {
      if (!version.prices.count(sku)) version.prices[sku] = RoundTo100(FindItem(sku)->list_price * 95 / 100);
    }
    pending_skus_.clear();
    if (rng_.Percent(20)) version.payment_terms_days = version.payment_terms_days == 30 ? 45 : 30;
    Contract contract;
    contract.id = fmt::format("CTR-{}-{:02}", YearOf(now_), ++contract_count_);
    contract.valid_from = late ? NextMonthStart(now_, 1) : old->valid_until;
    contract.valid_until = NextMonthStart(contract.valid_from, 12);
    version.effective_from = contract.valid_from;
    contract.versions.push_back(std::move(version));
    Sign(std::move(contract));
  }

  // Adds a version effective from the next month's first day, when the contract runs on long
  // enough and no renewal is signed; false otherwise.
  bool Amend(Contract* contract, TermsVersion version, const std::string& reason) {
    const int64_t effective = NextMonthStart(now_, 1);
    if (contract->terminated || contract->renewal_signed ||
        effective + 60 * kDay > contract->valid_until ||
        effective <= contract->versions.back().effective_from) {
      return false;
    }
    version.effective_from = effective;
    v1::Event event;
    auto* amended = event.mutable_contract_amended();
    amended->set_contract_id(contract->id);
    FillTerms(*contract, version, amended->mutable_terms());
    SetTime(amended->mutable_effective_from(), effective);
    amended->set_reason(reason);
    contract->versions.push_back(std::move(version));
    Emit(manager_, std::move(event));
    return true;
  }

  void AmendPrices(const std::string& id) {
    if (closing_) return;
    Contract* contract = FindContract(id);
    if (contract == nullptr || !contract->InForce(now_)) return;
    TermsVersion version = contract->versions.back();
    std::vector<std::string> skus;
    for (const auto& [sku, price] : version.prices) skus.push_back(sku);
    rng_.Shuffle(&skus);
    const size_t changed = std::min(skus.size(), static_cast<size_t>(rng_.Range(1, 2)));
    std::string reason = "raw material surcharge on";
    for (size_t i = 0; i < changed; ++i) {
      version.prices[skus[i]] = RoundTo100(version.prices[skus[i]] * rng_.Range(103, 108) / 100);
      reason += (i == 0 ? " " : ", ") + skus[i];
    }
    Amend(contract, std::move(version), reason);
  }

  // ------------------------------------------------------------ the month's activities

  void PlanMonth(int month) {
    if (closing_) return;
    Schedule(MonthStart(month + 1) + kHour, [this, month] { PlanMonth(month + 1); });
    const int orders = static_cast<int>(rng_.Range(0, 1) + (size_ >= 2 ? rng_.Range(0, 1) : 0) + 1);
    for (int i = 0; i < orders; ++i) Schedule(InMonth(month), [this] { PlaceOrder(); });
    const int cases = static_cast<int>(rng_.Range(0, size_ + 1));
    for (int i = 0; i < cases; ++i) Schedule(InMonth(month), [this] { OpenCase(); });
    if (active_projects_ < 2 && rng_.Percent(16)) Schedule(InMonth(month), [this] { StartProject(); });
    if (rng_.Percent(12)) Schedule(InMonth(month), [this] { LaunchProgramme(); });
    if (rng_.Percent(14)) Schedule(InMonth(month), [this] { Propose(); });
    if (rng_.Percent(4)) Schedule(InMonth(month), [this] { Rotate(); });
  }

  // ------------------------------------------------------------ orders and shipments

  void PlaceOrder() {
    if (closing_) return;
    const Contract* contract = InForce(now_);
    if (contract == nullptr) return;  // no contract, no order: the client waits for the renewal
    const TermsVersion& terms = contract->VersionAt(now_);
    Order order;
    order.number = ++order_count_;
    bool reorder = false;
    if (!orders_.empty() && rng_.Percent(35)) {
      // A reorder repeats an earlier order's SKUs and quantities, at today's prices.
      const Order& earlier = orders_[rng_.Below(orders_.size())];
      for (const auto& line : earlier.lines) {
        if (terms.prices.count(line.sku)) {
          order.lines.push_back({line.sku, line.quantity, terms.prices.at(line.sku), 0, 0});
        }
      }
      reorder = !order.lines.empty();
    }
    if (order.lines.empty()) {
      std::vector<std::string> skus;
      for (const auto& [sku, price] : terms.prices) skus.push_back(sku);
      rng_.Shuffle(&skus);
      const size_t count = std::min(skus.size(), static_cast<size_t>(rng_.Range(1, 4)));
      for (size_t i = 0; i < count; ++i) {
        const CatalogueItem* item = FindItem(skus[i]);
        const int64_t quantity = rng_.Range(item->min_quantity, item->max_quantity) *
                                 (item->max_quantity > 2 ? size_ : 1);
        order.lines.push_back({item->sku, quantity, terms.prices.at(skus[i]), 0, 0});
      }
    }
    v1::Event event;
    auto* placed = event.mutable_order_placed();
    placed->set_order_id(order.Id());
    for (const auto& line : order.lines) {
      auto* out = placed->add_lines();
      out->set_sku(line.sku);
      out->set_quantity(line.quantity);
      *out->mutable_unit_price() = Eur(line.unit_price);
    }
    placed->set_reorder(reorder);
    placed->set_contract_id(contract->id);
    Emit(kErpActor, std::move(event));
    const size_t index = orders_.size();
    orders_.push_back(std::move(order));

    for (const auto& line : orders_[index].lines) ConsiderTraining(line.sku);
    if (rng_.Percent(4)) {
      Schedule(Later(1, 2), [this, index] { CancelOrder(index); });
    } else if (rng_.Percent(7)) {
      Schedule(Later(1, 2), [this, index] { AmendOrder(index); });
    }
    Schedule(Later(3, 10), [this, index] { Ship(index); });
  }

  void CancelOrder(size_t index) {
    Order& order = orders_[index];
    if (closing_ || order.shipments > 0 || order.cancelled) return;
    order.cancelled = true;
    static const std::vector<std::string> reasons = {
        "client cancelled: budget moved to next quarter", "duplicate order entered by the client",
        "client switched to a larger model after site survey"};
    v1::Event event;
    event.mutable_order_cancelled()->set_order_id(order.Id());
    event.mutable_order_cancelled()->set_reason(rng_.Pick(reasons));
    Emit(kErpActor, std::move(event));
  }

  void AmendOrder(size_t index) {
    Order& order = orders_[index];
    if (closing_ || order.shipments > 0 || order.cancelled) return;
    OrderLineState& line = order.lines[rng_.Below(order.lines.size())];
    line.quantity += std::max<int64_t>(1, line.quantity * rng_.Range(10, 50) / 100);
    v1::Event event;
    auto* amended = event.mutable_order_amended();
    amended->set_order_id(order.Id());
    for (const auto& l : order.lines) {
      auto* out = amended->add_lines();
      out->set_sku(l.sku);
      out->set_quantity(l.quantity);
      *out->mutable_unit_price() = Eur(l.unit_price);
    }
    amended->set_reason(fmt::format("client raised the quantity of {} after a site survey", line.sku));
    Emit(kErpActor, std::move(event));
  }

  void Ship(size_t index) {
    Order& order = orders_[index];
    if (closing_ || order.cancelled || order.backordered || order.FullyShipped()) return;
    const bool first = order.shipments == 0;
    const bool partial = first && rng_.Percent(35);
    v1::Event event;
    auto* fulfilled = event.mutable_order_fulfilled();
    fulfilled->set_order_id(order.Id());
    fulfilled->set_shipment_id(fmt::format("SHP-{}", 50000 + ++shipment_count_));
    bool left_over = false;
    for (auto& line : order.lines) {
      int64_t quantity = line.quantity - line.shipped;
      if (quantity <= 0) continue;
      if (partial && quantity >= 2) {
        quantity = std::max<int64_t>(1, quantity * rng_.Range(40, 75) / 100);
        left_over = true;
      }
      line.shipped += quantity;
      auto* out = fulfilled->add_lines();
      out->set_sku(line.sku);
      out->set_quantity(quantity);
    }
    if (fulfilled->lines().empty()) return;
    ++order.shipments;
    Emit(kErpActor, std::move(event));
    Schedule(Later(1, 5), [this, index] { IssueInvoice(index); });
    if (left_over) Schedule(Later(7, 25), [this, index] { Ship(index); });
  }

  // ------------------------------------------------------------ invoices

  enum class Error { kNone, kPrice, kDiscount, kTerms, kBilled };

  void IssueInvoice(size_t index) {
    if (closing_) return;
    Order& order = orders_[index];
    bool unbilled = false;
    for (const auto& line : order.lines) unbilled |= line.shipped > line.billed;
    if (!unbilled) return;

    const Contract* contract = InForce(now_);
    bool no_contract = false;
    if (contract == nullptr) {
      // No contract in force: a gap before a late renewal. Billing waits for the new contract,
      // except once, when billing runs anyway under the expired one (a seeded finding).
      const Contract* expired = nullptr;
      for (const auto& c : contracts_) {
        if (!c.terminated && c.valid_until <= now_) expired = &c;
      }
      if (expired != nullptr && !gap_invoice_seeded_) {
        gap_invoice_seeded_ = true;
        contract = expired;
        no_contract = true;
      } else {
        Schedule(Later(7, 10), [this, index] { IssueInvoice(index); });
        return;
      }
    }
    const TermsVersion& terms = contract->VersionAt(now_);

    Error error = Error::kNone;
    if (!no_contract && rng_.Percent(5)) {
      // Over-billing needs a partly shipped order not billed yet; the other errors fit anywhere.
      static const std::vector<Error> errors = {Error::kPrice, Error::kDiscount, Error::kTerms};
      const bool can_overbill = order.invoices == 0 && order.shipments == 1 && !order.FullyShipped();
      error = can_overbill && rng_.Percent(50) ? Error::kBilled : rng_.Pick(errors);
    }

    Invoice invoice;
    invoice.year = YearOf(now_);
    invoice.number = ++invoice_count_;
    v1::Event event;
    auto* issued = event.mutable_invoice_issued();
    issued->set_invoice_id(invoice.Id());
    issued->set_order_id(order.Id());
    issued->set_contract_id(contract->id);

    std::vector<size_t> billed_lines;
    for (size_t i = 0; i < order.lines.size(); ++i) {
      if (order.lines[i].shipped > order.lines[i].billed) billed_lines.push_back(i);
    }
    // The line that carries a seeded error.
    size_t wrong = billed_lines[rng_.Below(billed_lines.size())];
    if (error == Error::kBilled) {
      for (size_t i : billed_lines) {
        if (order.lines[i].shipped < order.lines[i].quantity) wrong = i;
      }
    }

    const int cap = terms.discount_cap_bps;
    const int discount_choice = static_cast<int>(rng_.Below(100));
    const int usual_discount = discount_choice < 60 ? 0 : discount_choice < 85 ? cap / 200 * 100 : cap;
    int line_index = 0;
    for (size_t i : billed_lines) {
      OrderLineState& line = order.lines[i];
      const auto price_it = terms.prices.find(line.sku);
      const int64_t list_price = price_it == terms.prices.end() ? line.unit_price : price_it->second;
      int64_t quantity = line.shipped - line.billed;
      int64_t price = list_price;
      int discount = usual_discount;
      if (i == wrong && error == Error::kPrice) {
        price = RoundTo100(list_price * rng_.Range(104, 112) / 100);
        if (price == list_price) price += 100;
        findings_.push_back({id_, invoice.Id(), contract->id, line_index, FindingRule::kPriceDiffers,
                             list_price, price});
      } else if (i == wrong && error == Error::kDiscount) {
        discount = cap + static_cast<int>(rng_.Range(2, 8)) * 100;
        findings_.push_back({id_, invoice.Id(), contract->id, line_index,
                             FindingRule::kDiscountAboveCap, cap, discount});
      } else if (i == wrong && error == Error::kBilled) {
        quantity = line.quantity - line.billed;
        findings_.push_back({id_, invoice.Id(), contract->id, line_index,
                             FindingRule::kBilledAboveFulfilled, line.shipped,
                             line.billed + quantity});
        order.backordered = true;  // the rest is never shipped: the over-billing stays
      }
      line.billed += quantity;
      auto* out = issued->add_lines();
      out->set_sku(line.sku);
      out->set_quantity(quantity);
      *out->mutable_unit_price() = Eur(price);
      out->set_discount_bps(discount);
      invoice.lines.push_back(*out);
      const int64_t gross = quantity * price;
      const int64_t net = gross - gross * discount / 10000;
      invoice.total += net;
      if (price > list_price) {
        const int64_t right = quantity * list_price - quantity * list_price * discount / 10000;
        invoice.overcharge += net - right;
      }
      ++line_index;
    }
    int days = terms.payment_terms_days;
    if (error == Error::kTerms) {
      days = days >= 45 ? days - 15 : days + (rng_.Percent(50) ? 15 : 30);
      findings_.push_back({id_, invoice.Id(), contract->id, -1, FindingRule::kPaymentTermsDiffer,
                           terms.payment_terms_days, days});
    }
    if (no_contract) {
      findings_.push_back({id_, invoice.Id(), contract->id, -1, FindingRule::kNoContractInForce,
                           contract->valid_until, now_});
    }
    invoice.due_at = now_ + days * kDay;
    SetTime(issued->mutable_due_at(), invoice.due_at);
    ++order.invoices;
    Emit(Member(v1::BILLING), std::move(event));
    const size_t invoice_index = next_invoice_index_++;
    invoices_.emplace(invoice_index, std::move(invoice));
    PlanSettlement(invoice_index, error);
    if (error == Error::kNone && !no_contract && rng_.Percent(3)) {
      ScheduleForInvoice(invoice_index, Later(1, 3),
                         [this, invoice_index] { CorrectInvoice(invoice_index); });
    } else {
      // Only a correction reads the lines again: without one, the memory goes back.
      std::vector<v1::InvoiceLine>().swap(invoices_.at(invoice_index).lines);
    }
    ReleaseInvoice(invoice_index, 0);
  }

  // The client returned a few units before paying: the invoice is corrected to bill fewer.
  // The returned units are not billed again, so the invoice stays within the contract.
  void CorrectInvoice(size_t index) {
    Invoice& invoice = invoices_.at(index);
    if (closing_ || invoice.paid > 0 || invoice.credited > 0) return;
    v1::InvoiceLine* line = nullptr;
    for (auto& l : invoice.lines) {
      if (l.quantity() >= 2) line = &l;
    }
    if (line == nullptr) return;
    const int64_t returned = std::max<int64_t>(1, line->quantity() / 5);
    line->set_quantity(line->quantity() - returned);
    invoice.total = 0;
    for (const auto& l : invoice.lines) {
      const int64_t gross = l.quantity() * l.unit_price().minor_units();
      invoice.total += gross - gross * l.discount_bps() / 10000;
    }
    v1::Event event;
    auto* corrected = event.mutable_invoice_corrected();
    corrected->set_invoice_id(invoice.Id());
    for (const auto& l : invoice.lines) *corrected->add_lines() = l;
    corrected->set_reason(fmt::format("client returned {} damaged unit(s) of {}", returned, line->sku()));
    Emit(Member(v1::BILLING), std::move(event));
  }

  // An invoice is read only by the actions scheduled for it: it is let go once they have run
  // (an account's invoices would otherwise grow with its history).
  void ScheduleForInvoice(size_t index, int64_t at, Action action) {
    ++invoices_.at(index).scheduled;
    Schedule(at, [this, index, action = std::move(action)] {
      action();
      ReleaseInvoice(index, 1);
    });
  }
  void ReleaseInvoice(size_t index, int done) {
    auto it = invoices_.find(index);
    it->second.scheduled -= done;
    if (it->second.scheduled == 0) invoices_.erase(it);
  }

  void PlanSettlement(size_t index, Error error) {
    const Invoice& invoice = invoices_.at(index);
    const int64_t due = invoice.due_at;
    const int64_t issued = now_;
    // A client that spots a wrong price disputes it and is credited the difference.
    if ((error == Error::kPrice || error == Error::kDiscount) && rng_.Percent(60)) {
      ScheduleForInvoice(index, Later(3, 9), [this, index] { Dispute(index); });
      if (error == Error::kPrice) {
        const int64_t credit_at = issued + rng_.Range(12, 20) * kDay + 2 * kHour;
        ScheduleForInvoice(index, credit_at, [this, index] { Credit(index, invoices_.at(index).overcharge,
                                                   "price corrected to the contract's price list"); });
        ScheduleForInvoice(index, credit_at + rng_.Range(5, 20) * kDay, [this, index] { Pay(index, 100); });
      }
      return;
    }
    if (rng_.Percent(3)) {
      ScheduleForInvoice(index, Later(5, 15), [this, index] {
        Credit(index, RoundTo100(invoices_.at(index).Balance() * rng_.Range(5, 10) / 100),
               "goodwill credit for a late delivery");
      });
    }
    const int kind = static_cast<int>(rng_.Below(100));
    if (kind < 68) {  // on time, in full
      ScheduleForInvoice(index, std::max(issued + kDay, due - rng_.Range(0, 12) * kDay), [this, index] { Pay(index, 100); });
    } else if (kind < 84) {  // late, in full
      ScheduleForInvoice(index, due + rng_.Range(3, 45) * kDay, [this, index] { Pay(index, 100); });
    } else if (kind < 95) {  // partial, the rest late or never
      ScheduleForInvoice(index, due - rng_.Range(0, 5) * kDay, [this, index] { Pay(index, rng_.Range(40, 80)); });
      if (rng_.Percent(55)) {
        ScheduleForInvoice(index, due + rng_.Range(20, 60) * kDay, [this, index] { Pay(index, 100); });
      }
    }  // else: not paid at all (yet)
  }

  void Dispute(size_t index) {
    if (closing_) return;
    v1::Event event;
    event.mutable_invoice_disputed()->set_invoice_id(invoices_.at(index).Id());
    event.mutable_invoice_disputed()->set_reason("invoice does not match the contract's terms");
    Emit(manager_, std::move(event));
  }

  void Credit(size_t index, int64_t amount, const std::string& reason) {
    Invoice& invoice = invoices_.at(index);
    amount = std::min(amount, invoice.Balance());
    if (closing_ || amount <= 0) return;
    invoice.credited += amount;
    v1::Event event;
    auto* credited = event.mutable_invoice_credited();
    credited->set_invoice_id(invoice.Id());
    credited->set_credit_note_id(fmt::format("CN-{}", 7000 + ++credit_count_));
    *credited->mutable_amount() = Eur(amount);
    credited->set_reason(reason);
    Emit(Member(v1::BILLING), std::move(event));
  }

  void Pay(size_t index, int64_t percent) {
    Invoice& invoice = invoices_.at(index);
    const int64_t amount = percent >= 100 ? invoice.Balance()
                                          : invoice.Balance() * percent / 100;
    if (closing_ || amount <= 0) return;
    invoice.paid += amount;
    v1::Event event;
    auto* payment = event.mutable_payment_received();
    payment->set_payment_id(fmt::format("PAY-{}", 90000 + ++payment_count_));
    payment->set_invoice_id(invoice.Id());
    *payment->mutable_amount() = Eur(amount);
    Emit(kErpActor, std::move(event));
  }

  // ------------------------------------------------------------ projects

  void StartProject() {
    if (closing_ || active_projects_ >= 2) return;
    const ProjectTemplate& tpl = rng_.Pick(ProjectTemplates());
    const size_t project_index = projects_.size();
    Project project;
    project.id = fmt::format("PRJ-{}", 100 + ++project_count_);
    const int64_t due = StartOfDay(now_) + rng_.Range(120, 240) * kDay + 17 * kHour;
    static const std::vector<std::string> sites = {"Hamburg", "Bremen", "Rotterdam", "Antwerp",
                                                   "Gdansk", "Lyon", "Brno", "Aarhus", "Essen"};
    v1::Event event;
    auto* started = event.mutable_project_started();
    started->set_project_id(project.id);
    started->set_name(fmt::format("{} {}", tpl.name, rng_.Pick(sites)));
    SetTime(started->mutable_due_at(), due);
    Emit(Member(v1::PROJECT_MANAGER), std::move(event));
    ++active_projects_;

    const int count = static_cast<int>(rng_.Range(3, 5));
    const int64_t start = StartOfDay(now_);
    for (int m = 0; m < count; ++m) {
      Milestone milestone;
      milestone.id = fmt::format("M{}", m + 1);
      const int64_t milestone_due = StartOfDay(start + (due - start) * (m + 1) / count) + 17 * kHour;
      v1::Event planned_event;
      auto* planned = planned_event.mutable_milestone_planned();
      planned->set_project_id(project.id);
      planned->set_milestone_id(milestone.id);
      planned->set_name(tpl.milestones[static_cast<size_t>(m)]);
      SetTime(planned->mutable_due_at(), milestone_due);
      now_ += rng_.Range(2, 20) * kMinute;
      Emit(Member(v1::PROJECT_MANAGER), std::move(planned_event));
      project.milestones.push_back(milestone);

      const size_t mi = static_cast<size_t>(m);
      const int fate = static_cast<int>(rng_.Below(100));
      if (fate < 10) {
        // Stalled: never completed, overdue once its date passes.
      } else if (fate < 32) {
        const int64_t at = milestone_due - rng_.Range(3, 10) * kDay - 6 * kHour;
        Schedule(at, [this, project_index, mi, milestone_due] {
          Reschedule(project_index, mi, milestone_due);
        });
      } else {
        const int64_t delta = rng_.Percent(30) ? rng_.Range(2, 25) : -rng_.Range(0, 12);
        Schedule(milestone_due + delta * kDay - 3 * kHour,
                 [this, project_index, mi] { CompleteMilestone(project_index, mi); });
      }
    }
    projects_.push_back(std::move(project));
    if (rng_.Percent(10)) {
      Schedule(Later(30, 90), [this, project_index] { CancelProject(project_index); });
    }
  }

  void Reschedule(size_t project_index, size_t milestone_index, int64_t old_due) {
    Project& project = projects_[project_index];
    if (closing_ || !project.active || project.milestones[milestone_index].completed) return;
    const int64_t new_due = old_due + rng_.Range(14, 45) * kDay;
    v1::Event event;
    auto* moved = event.mutable_milestone_rescheduled();
    moved->set_project_id(project.id);
    moved->set_milestone_id(project.milestones[milestone_index].id);
    SetTime(moved->mutable_due_at(), new_due);
    moved->set_reason(rng_.Pick(SlippingReasons()));
    Emit(Member(v1::PROJECT_MANAGER), std::move(event));
    if (rng_.Percent(92)) {
      const int64_t delta = rng_.Percent(35) ? rng_.Range(2, 20) : -rng_.Range(0, 7);
      Schedule(new_due + delta * kDay - 3 * kHour, [this, project_index, milestone_index] {
        CompleteMilestone(project_index, milestone_index);
      });
    }
  }

  void CompleteMilestone(size_t project_index, size_t milestone_index) {
    Project& project = projects_[project_index];
    Milestone& milestone = project.milestones[milestone_index];
    if (closing_ || !project.active || milestone.completed) return;
    milestone.completed = true;
    v1::Event event;
    event.mutable_milestone_completed()->set_project_id(project.id);
    event.mutable_milestone_completed()->set_milestone_id(milestone.id);
    Emit(Member(v1::PROJECT_MANAGER), std::move(event));
    if (project.AllCompleted()) {
      Schedule(Later(1, 5), [this, project_index] { CompleteProject(project_index); });
    }
  }

  void CompleteProject(size_t project_index) {
    Project& project = projects_[project_index];
    if (closing_ || !project.active || !project.AllCompleted()) return;
    project.active = false;
    --active_projects_;
    v1::Event event;
    event.mutable_project_completed()->set_project_id(project.id);
    Emit(Member(v1::PROJECT_MANAGER), std::move(event));
  }

  void CancelProject(size_t project_index) {
    Project& project = projects_[project_index];
    if (closing_ || !project.active) return;
    project.active = false;
    --active_projects_;
    v1::Event event;
    event.mutable_project_cancelled()->set_project_id(project.id);
    event.mutable_project_cancelled()->set_reason("client postponed the investment to next year");
    Emit(manager_, std::move(event));
  }

  // ------------------------------------------------------------ service cases

  void OpenCase() {
    if (closing_) return;
    static const std::vector<std::string> problems = {
        "leaking seal", "unusual vibration", "no telemetry data since yesterday",
        "controller alarm E42", "flow below specification", "delivery missing items",
        "wrong spare part delivered", "dashboard login fails", "noise at start-up"};
    static const std::vector<std::string> sites = {"Hamburg", "Bremen", "Rotterdam", "Antwerp",
                                                   "Gdansk", "Lyon", "Brno", "Aarhus", "Essen"};
    const int roll = static_cast<int>(rng_.Below(100));
    const v1::Severity severity = roll < 40 ? v1::LOW : roll < 75 ? v1::MEDIUM
                                  : roll < 93 ? v1::HIGH : v1::CRITICAL;
    std::string subject = rng_.Pick(problems);
    if (!orders_.empty()) {
      const Order& order = orders_[rng_.Below(orders_.size())];
      subject = fmt::format("{}: {} at site {}", order.lines.front().sku, subject, rng_.Pick(sites));
    }
    const std::string id = fmt::format("CASE-{}", 3000 + ++case_count_);
    v1::Event event;
    auto* opened = event.mutable_service_case_opened();
    opened->set_case_id(id);
    opened->set_severity(severity);
    opened->set_subject(subject);
    Emit(Member(v1::CUSTOMER_SERVICE), std::move(event));
    if (rng_.Percent(5)) return;  // still open
    int64_t hours = 0;
    switch (severity) {
      case v1::CRITICAL: hours = rng_.Range(2, 30); break;
      case v1::HIGH: hours = rng_.Range(12, 96); break;
      case v1::MEDIUM: hours = rng_.Range(48, 240); break;
      default: hours = rng_.Range(72, 480); break;
    }
    Schedule(now_ + hours * kHour + rng_.Range(0, 59) * kMinute, [this, id] {
      if (closing_) return;
      static const std::vector<std::string> resolutions = {
          "part replaced on site", "firmware updated remotely", "configuration corrected",
          "missing items shipped", "explained operation to the client's staff",
          "replaced under warranty"};
      v1::Event resolved;
      resolved.mutable_service_case_resolved()->set_case_id(id);
      resolved.mutable_service_case_resolved()->set_resolution(rng_.Pick(resolutions));
      Emit(Member(v1::CUSTOMER_SERVICE), std::move(resolved));
    });
  }

  // ------------------------------------------------------------ marketing

  void LaunchProgramme() {
    if (closing_) return;
    static const std::vector<std::string> names = {
        "Joint stand at Hannover Messe", "Energy savings webinar series",
        "Customer reference case study", "Regional installer roadshow",
        "Telemetry early-adopter campaign", "Water efficiency award entry"};
    const std::string id = fmt::format("MKT-{}", 400 + ++programme_count_);
    const int64_t ends = StartOfDay(now_) + rng_.Range(60, 120) * kDay + 17 * kHour;
    v1::Event event;
    auto* launched = event.mutable_marketing_programme_launched();
    launched->set_programme_id(id);
    launched->set_name(rng_.Pick(names));
    *launched->mutable_budget() = Eur(rng_.Range(15, 80) * 1000 * 100);
    SetTime(launched->mutable_ends_at(), ends);
    Emit(Member(v1::MARKETING), std::move(event));
    if (rng_.Percent(85)) {
      Schedule(ends + rng_.Range(0, 10) * kDay, [this, id] {
        if (closing_) return;
        v1::Event completed;
        completed.mutable_marketing_programme_completed()->set_programme_id(id);
        completed.mutable_marketing_programme_completed()->set_outcome(
            fmt::format("{} qualified leads, {} follow-up orders", rng_.Range(5, 60),
                        rng_.Range(0, 6)));
        Emit(manager_, std::move(completed));
      });
    }
  }

  // ------------------------------------------------------------ training

  void ConsiderTraining(const std::string& sku) {
    const CatalogueItem* item = FindItem(sku);
    if (item == nullptr || !item->trainable || !trained_skus_.insert(sku).second) return;
    if (!rng_.Percent(65)) return;  // this product is never trained
    Schedule(Later(2, 7), [this, sku] { ScheduleTraining(sku); });
  }

  void ScheduleTraining(const std::string& sku) {
    if (closing_) return;
    const std::string id = fmt::format("TRN-{}", 600 + ++training_count_);
    const int64_t at = StartOfDay(now_) + rng_.Range(14, 45) * kDay + 9 * kHour;
    const int seats = static_cast<int>(rng_.Range(6, 20));
    v1::Event event;
    auto* scheduled = event.mutable_training_scheduled();
    scheduled->set_training_id(id);
    scheduled->set_product_sku(sku);
    scheduled->set_seats(seats);
    SetTime(scheduled->mutable_scheduled_at(), at);
    Emit(Member(v1::TRAINER), std::move(event));
    const int fate = static_cast<int>(rng_.Below(100));
    if (fate < 80) {
      Schedule(at + 7 * kHour, [this, id, sku, seats] {
        if (closing_) return;
        v1::Event delivered;
        delivered.mutable_training_delivered()->set_training_id(id);
        delivered.mutable_training_delivered()->set_product_sku(sku);
        delivered.mutable_training_delivered()->set_attendees(
            static_cast<int>(rng_.Range(std::max(1, seats - 6), seats)));
        Emit(Member(v1::TRAINER), std::move(delivered));
      });
    } else if (fate < 92) {
      Schedule(at - rng_.Range(1, 7) * kDay, [this, id, sku] {
        if (closing_) return;
        static const std::vector<std::string> reasons = {
            "client site closed for an audit", "trainer ill, no replacement available",
            "too few registrations"};
        v1::Event cancelled;
        cancelled.mutable_training_cancelled()->set_training_id(id);
        cancelled.mutable_training_cancelled()->set_reason(rng_.Pick(reasons));
        Emit(Member(v1::TRAINER), std::move(cancelled));
        if (rng_.Percent(60)) Schedule(Later(7, 21), [this, sku] { ScheduleTraining(sku); });
      });
    }  // else: scheduled, then neither delivered nor cancelled (not yet delivered)
  }

  // ------------------------------------------------------------ proposals

  void Propose() {
    if (closing_) return;
    const Contract* contract = InForce(now_);
    std::vector<std::string> candidates;
    for (const auto& item : Catalogue()) {
      const bool bought = contract != nullptr && contract->versions.back().prices.count(item.sku);
      if (!bought && !proposed_.count(item.sku)) candidates.push_back(item.sku);
    }
    const bool co_design = rng_.Percent(15);
    std::string sku;
    std::string description;
    int64_t value = 0;
    if (co_design || candidates.empty()) {
      sku = fmt::format("CUSTOM-SKID-{}", ++custom_count_);
      description = "pump skid designed with the client's engineering team";
      value = rng_.Range(80, 400) * 1000 * 100;
    } else {
      sku = rng_.Pick(candidates);
      const CatalogueItem* item = FindItem(sku);
      description = item->description;
      value = item->list_price * item->max_quantity * size_;
    }
    proposed_.insert(sku);
    const std::string id = fmt::format("PROP-{}", 200 + ++proposal_count_);
    v1::Event event;
    auto* proposed = event.mutable_product_proposed();
    proposed->set_proposal_id(id);
    proposed->set_sku(sku);
    proposed->set_description(description);
    *proposed->mutable_estimated_value() = Eur(value);
    proposed->set_co_designed(co_design || candidates.empty());
    Emit(Member(v1::SALES), std::move(event));
    const int fate = static_cast<int>(rng_.Below(100));
    if (fate < 40) {
      Schedule(Later(20, 60), [this, id, sku] { AcceptProposal(id, sku); });
    } else if (fate < 70) {
      Schedule(Later(20, 60), [this, id] {
        if (closing_) return;
        static const std::vector<std::string> reasons = {
            "budget frozen until next year", "client standardised on a competitor's product",
            "not needed after the site consolidation"};
        v1::Event declined;
        declined.mutable_proposal_declined()->set_proposal_id(id);
        declined.mutable_proposal_declined()->set_reason(rng_.Pick(reasons));
        Emit(Member(v1::SALES), std::move(declined));
      });
    }  // else: still open
  }

  void AcceptProposal(const std::string& id, const std::string& sku) {
    if (closing_) return;
    v1::Event event;
    event.mutable_proposal_accepted()->set_proposal_id(id);
    Emit(Member(v1::SALES), std::move(event));
    const CatalogueItem* item = FindItem(sku);
    if (item == nullptr) return;  // a co-designed product is priced when it is specified
    // The product enters the price list: by amendment when the contract runs on, else with the
    // renewal.
    Schedule(Later(3, 10), [this, sku, item] {
      if (closing_) return;
      Contract* contract = InForceMutable(now_);
      if (contract != nullptr && !contract->versions.back().prices.count(sku)) {
        TermsVersion version = contract->versions.back();
        version.prices[sku] = RoundTo100(item->list_price * 95 / 100);
        if (Amend(contract, std::move(version),
                  fmt::format("adds {} after the client accepted the proposal", sku))) {
          return;
        }
      }
      pending_skus_.insert(sku);
    });
  }

  // ------------------------------------------------------------ state

  const uint64_t seed_;
  const int index_;
  Rng rng_;
  const std::string id_;
  const std::string name_;
  std::string manager_;
  std::vector<std::string> regions_;
  int size_ = 1;
  int service_critical_hours_ = 4;

  int64_t now_ = 0;
  int64_t end_ = 0;
  uint64_t next_action_ = 0;
  std::map<std::pair<int64_t, uint64_t>, Action> queue_;
  bool closing_ = false;
  bool closed_ = false;

  std::deque<v1::SubmitEvent> pending_;  // emitted, not yet taken by the generator
  uint64_t emitted_ = 0;                 // the next event's index (= its expected_version)
  std::vector<SeededFinding> findings_;

  std::map<v1::TeamRole, std::string> team_;
  std::set<std::string> people_;
  std::vector<Contract> contracts_;
  bool gap_before_renewal_ = false;
  bool gap_invoice_seeded_ = false;
  std::set<std::string> pending_skus_;
  // A deque: it grows by blocks, not by doubling, and an account keeps all its orders (a
  // reorder repeats any earlier one).
  std::deque<Order> orders_;
  std::map<size_t, Invoice> invoices_;  // by index, while actions are scheduled for them
  size_t next_invoice_index_ = 0;
  std::vector<Project> projects_;
  int active_projects_ = 0;
  std::set<std::string> trained_skus_;
  std::set<std::string> proposed_;

  int contract_count_ = 0;
  int order_count_ = 0;
  int shipment_count_ = 0;
  int invoice_count_ = 0;
  int payment_count_ = 0;
  int credit_count_ = 0;
  int project_count_ = 0;
  int case_count_ = 0;
  int programme_count_ = 0;
  int training_count_ = 0;
  int proposal_count_ = 0;
  int custom_count_ = 0;
};

}  // namespace

std::string_view FindingRuleName(FindingRule rule) {
  switch (rule) {
    case FindingRule::kPriceDiffers: return "price_differs";
    case FindingRule::kDiscountAboveCap: return "discount_above_cap";
    case FindingRule::kPaymentTermsDiffer: return "payment_terms_differ";
    case FindingRule::kBilledAboveFulfilled: return "billed_above_fulfilled";
    case FindingRule::kNoContractInForce: return "no_contract_in_force";
  }
  return "unknown";
}

std::string SeededFindingToJson(const SeededFinding& finding) {
  // Ids are generated from [A-Za-z0-9-]: nothing to escape.
  return fmt::format(
      R"({{"accountId":"{}","invoiceId":"{}","contractId":"{}","lineIndex":{},"rule":"{}",)"
      R"("expected":{},"actual":{}}})",
      finding.account_id, finding.invoice_id, finding.contract_id, finding.line_index,
      FindingRuleName(finding.rule), finding.expected, finding.actual);
}

std::string DemoAccountId(std::string_view name, uint64_t seed) {
  const std::string slug = Slug(std::string(name));
  return seed == 1 ? slug : fmt::format("{}-s{}", slug, seed);
}

std::string DemoIdempotencyKey(uint64_t seed, std::string_view account_id, uint64_t index) {
  return fmt::format("demo:{}:{}:{}", seed, account_id, index);
}

struct DemoGenerator::State {
  uint64_t seed = 1;
  int months = 24;
  int next_month = 0;
  int64_t reference_date = 0;
  std::vector<std::string> account_ids;
  // One per account, in generation order; reset once the account has nothing more to give.
  std::vector<std::unique_ptr<AccountSimulation>> simulations;
  std::vector<std::vector<SeededFinding>> findings;  // of the finished accounts, by account
};

DemoGenerator::DemoGenerator(const DemoOptions& options) : state_(std::make_unique<State>()) {
  const int accounts = std::clamp(options.accounts, 1, 1000);
  state_->seed = options.seed;
  state_->months = std::clamp(options.months, 1, 240);
  state_->reference_date = MonthStart(state_->months);

  // Client names, in an order chosen by the seed; past the list, numbered subsidiaries.
  std::vector<std::string> names = ClientNames();
  Rng name_rng(SplitMix64(options.seed));
  name_rng.Shuffle(&names);
  for (int a = 0; a < accounts; ++a) {
    const size_t round = static_cast<size_t>(a) / names.size();
    std::string name = names[static_cast<size_t>(a) % names.size()];
    if (round > 0) name += fmt::format(" (Region {})", round + 1);
    std::string id = DemoAccountId(name, options.seed);
    state_->account_ids.push_back(id);
    auto simulation =
        std::make_unique<AccountSimulation>(options.seed, a, std::move(id), std::move(name));
    simulation->Start(state_->reference_date);
    state_->simulations.push_back(std::move(simulation));
  }
  state_->findings.resize(static_cast<size_t>(accounts));
}

DemoGenerator::~DemoGenerator() = default;

const std::vector<std::string>& DemoGenerator::account_ids() const { return state_->account_ids; }

int64_t DemoGenerator::reference_date() const { return state_->reference_date; }

bool DemoGenerator::NextMonth(std::vector<v1::SubmitEvent>* batch) {
  batch->clear();
  State& state = *state_;
  if (state.next_month >= state.months) return false;
  const int month = state.next_month++;
  const bool last = state.next_month == state.months;
  const int64_t boundary = MonthStart(month + 1);

  // Each account runs to the month's end; its events dated in the month leave its queue (an
  // action late in the month may date an event in the next one: it waits for that month).
  // Sorting the month by (time, account, index) gives the same order as sorting the whole
  // history: months partition time.
  struct Keyed {
    int64_t seconds;
    size_t account;
    uint64_t index;
    size_t slot;
  };
  std::vector<v1::SubmitEvent> taken;
  std::vector<Keyed> order;
  for (size_t a = 0; a < state.simulations.size(); ++a) {
    AccountSimulation* simulation = state.simulations[a].get();
    if (simulation == nullptr) continue;
    simulation->AdvanceTo(boundary);
    simulation->Compact();
    auto& pending = simulation->pending();
    while (!pending.empty() && (last || pending.front().occurred_at().seconds() < boundary)) {
      order.push_back({pending.front().occurred_at().seconds(), a,
                       pending.front().expected_version(), taken.size()});
      taken.push_back(std::move(pending.front()));
      pending.pop_front();
    }
    if (pending.empty() && (last || simulation->Finished())) {
      state.findings[a] = std::move(simulation->findings());
      state.simulations[a].reset();
    }
  }
  std::sort(order.begin(), order.end(), [](const Keyed& x, const Keyed& y) {
    if (x.seconds != y.seconds) return x.seconds < y.seconds;
    if (x.account != y.account) return x.account < y.account;
    return x.index < y.index;
  });
  batch->reserve(order.size());
  for (const Keyed& key : order) batch->push_back(std::move(taken[key.slot]));
  return true;
}

size_t DemoGenerator::held() const {
  size_t held = 0;
  for (const auto& simulation : state_->simulations) {
    if (simulation != nullptr) held += simulation->pending().size();
  }
  return held;
}

std::vector<SeededFinding> DemoGenerator::seeded_findings() const {
  std::vector<SeededFinding> all;
  for (size_t a = 0; a < state_->findings.size(); ++a) {
    const auto& findings = state_->simulations[a] != nullptr ? state_->simulations[a]->findings()
                                                             : state_->findings[a];
    all.insert(all.end(), findings.begin(), findings.end());
  }
  return all;
}

DemoHistory GenerateDemoHistory(const DemoOptions& options) {
  DemoGenerator generator(options);
  DemoHistory history;
  history.reference_date = generator.reference_date();
  history.account_ids = generator.account_ids();
  std::vector<v1::SubmitEvent> month;
  while (generator.NextMonth(&month)) {
    for (auto& submission : month) history.submissions.push_back(std::move(submission));
  }
  history.seeded_findings = generator.seeded_findings();
  return history;
}

}  // namespace timeline
