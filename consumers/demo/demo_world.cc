#include "consumers/demo/demo_world.h"

#include "consumers/demo/demo_simulation.h"

namespace timeline::demo {

namespace chrono = std::chrono;

// The demo's history starts in January 2025 (MonthStart(0)).
constexpr chrono::year_month_day kFirstMonth{chrono::year(2025), chrono::January, chrono::day(1)};

chrono::sys_days DayOf(int64_t seconds) {
  return chrono::floor<chrono::days>(chrono::sys_seconds(chrono::seconds(seconds)));
}

chrono::year_month_day DateOf(int64_t seconds) { return chrono::year_month_day(DayOf(seconds)); }

int64_t SecondsAt(chrono::sys_days day) {
  return chrono::sys_seconds(day).time_since_epoch().count();
}

int YearOf(int64_t seconds) { return static_cast<int>(DateOf(seconds).year()); }

int64_t MonthStart(int index) { return SecondsAt(kFirstMonth + chrono::months(index)); }

int64_t StartOfDay(int64_t seconds) { return SecondsAt(DayOf(seconds)); }

void SetTime(google::protobuf::Timestamp* timestamp, int64_t seconds) {
  timestamp->set_seconds(seconds);
  timestamp->set_nanos(0);
}

uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

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
      "Nordwind Logistics AG",     "Alpenstahl Industrie GmbH",
      "Rheinland Chemie AG",       "Baltic Port Services",
      "Hanse Wasserwerke GmbH",    "Lumen Pharma SE",
      "Vinter Foods AB",           "Iberia Agua S.A.",
      "Castello Packaging S.p.A.", "Brabant Energie N.V.",
      "Danubia Brewing Group",     "Helvetia Paper AG",
      "Nordic Cold Chain Oy",      "Atlantique Ciments SA",
      "Polaris Mining GmbH",       "Carpathia Dairy S.A.",
      "Tessin Textil AG",          "Fjord Aquaculture AS",
      "Bohemia Glassworks a.s.",   "Loire Vineyards Cooperative",
      "Adriatic Shipyards d.d.",   "Westfalen Kunststoff GmbH",
      "Zeeland Greenhouses B.V.",  "Saxonia Automotive AG",
      "Provence Cosmetics SAS",    "Vistula Railways S.A.",
      "Thames Utilities plc",      "Krakow Steelworks S.A.",
      "Aurora Hospitals Group",    "Meridian Airports GmbH",
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
      "paul",  "sofia", "jonas", "emma", "lukas", "mia", "noah", "lea",   "felix", "clara",
      "david", "hanna", "elias", "nora", "tom",   "ida", "leon", "julia", "max",   "sara"};
  return names;
}

const std::vector<std::string>& LastNames() {
  static const std::vector<std::string> names = {
      "becker", "jansen",   "moreau", "novak",  "larsen", "fischer",   "weber",  "costa",
      "berg",   "kowalski", "dubois", "schulz", "meyer",  "lindqvist", "horvat", "peeters"};
  return names;
}

const std::vector<std::string>& Regions() {
  static const std::vector<std::string> regions = {
      "DE-North", "DE-South", "DE-West", "DE-East", "NL", "BE", "FR-East", "PL", "CZ", "DK"};
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

}  // namespace timeline::demo
