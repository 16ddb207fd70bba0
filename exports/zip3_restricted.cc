// The restricted three-digit ZIP prefixes of HIPAA Safe Harbor: prefixes
// whose geographic units together hold 20,000 people or fewer are exported
// as "000". Versioned data: a new census means a new list and version, and
// the version is written into every export's manifest.
#include <set>
#include <string>

#include "exports/deid.h"

namespace tractus::exports {
namespace {

// Source: HHS OCR guidance on Safe Harbor de-identification (2012), from
// Census 2000 data; the list the product brief (DESIGN.md) fixes.
constexpr char kVersion[] = "hhs-safe-harbor-census2000-v1";
const std::set<std::string>& Restricted() {
  static const auto* const kList = new std::set<std::string>{
      "036", "059", "063", "102", "203", "556", "692", "790", "821",
      "823", "830", "831", "878", "879", "884", "890", "893"};
  return *kList;
}

}  // namespace

absl::string_view Zip3ListVersion() { return kVersion; }

std::string Zip3(absl::string_view zip) {
  if (zip.size() < 5) return "000";
  for (int i = 0; i < 5; ++i) {
    if (zip[i] < '0' || zip[i] > '9') return "000";
  }
  std::string prefix(zip.substr(0, 3));
  return Restricted().count(prefix) ? "000" : prefix;
}

}  // namespace tractus::exports
