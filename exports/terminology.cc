#include "exports/terminology.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace tractus::exports {
namespace {

struct OdiSection {
  const char* name;
  const char* display;
  bool (v1::OdiAnswers::*has)() const;
  int32_t (v1::OdiAnswers::*get)() const;
};

// Oswestry Disability Index v2.1a, in form order.
const OdiSection kOdiSections[] = {
    {"pain_intensity", "Pain intensity", &v1::OdiAnswers::has_pain_intensity,
     &v1::OdiAnswers::pain_intensity},
    {"personal_care", "Personal care", &v1::OdiAnswers::has_personal_care,
     &v1::OdiAnswers::personal_care},
    {"lifting", "Lifting", &v1::OdiAnswers::has_lifting, &v1::OdiAnswers::lifting},
    {"walking", "Walking", &v1::OdiAnswers::has_walking, &v1::OdiAnswers::walking},
    {"sitting", "Sitting", &v1::OdiAnswers::has_sitting, &v1::OdiAnswers::sitting},
    {"standing", "Standing", &v1::OdiAnswers::has_standing, &v1::OdiAnswers::standing},
    {"sleeping", "Sleeping", &v1::OdiAnswers::has_sleeping, &v1::OdiAnswers::sleeping},
    {"sex_life", "Sex life", &v1::OdiAnswers::has_sex_life, &v1::OdiAnswers::sex_life},
    {"social_life", "Social life", &v1::OdiAnswers::has_social_life, &v1::OdiAnswers::social_life},
    {"travelling", "Travelling", &v1::OdiAnswers::has_travelling, &v1::OdiAnswers::travelling},
};

constexpr int kRmdqItems = 24;
constexpr int kPromisItems = 6;
constexpr int kPsfsMaxActivities = 5;

}  // namespace

absl::Status ValidateFhirBase(absl::string_view base) {
  const bool scheme = absl::StartsWith(base, "https://") || absl::StartsWith(base, "http://");
  const size_t host = base.find("://") + 3;
  if (!scheme || base.size() <= host) {
    return absl::InvalidArgumentError(
        absl::StrCat("fhir_base_url: \"", base,
                     "\" is not an absolute http(s) URL, e.g. https://fhir.example.org"));
  }
  if (base.back() == '/' || base.find_first_of("?# \t\n") != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "fhir_base_url: \"", base, "\" must not end in '/' or hold a query, fragment or space"));
  }
  return absl::OkStatus();
}

const std::vector<ConditionCoding>& AllConditionCodings() {
  // Herniated disc and facet joint syndrome have no SNOMED CT code here:
  // none could be checked against a published value set (docs/exports.md).
  static const std::vector<ConditionCoding>* const kAll = new std::vector<ConditionCoding>{
      {"unspecified", "Condition not recorded", "", ""},
      {"herniated_disc", "Herniated intervertebral disc", "", ""},
      {"degenerative_disc_disease", "Degenerative disc disease", "77547008",
       "Degeneration of intervertebral disc (disorder)"},
      {"sciatica", "Sciatica", "23056005", "Sciatica (disorder)"},
      {"spinal_stenosis", "Spinal stenosis", "76107001", "Spinal stenosis (disorder)"},
      {"facet_joint_syndrome", "Facet joint syndrome", "", ""},
      {"chronic_low_back_pain", "Chronic low back pain", "278860009",
       "Chronic low back pain (finding)"},
  };
  return *kAll;
}

const ConditionCoding& CodingOfCondition(absl::string_view name) {
  for (const ConditionCoding& c : AllConditionCodings()) {
    if (c.name == name) return c;
  }
  return AllConditionCodings().front();
}

void ForEachAnswerItem(const v1::Observation& o, absl::FunctionRef<void(const AnswerItem&)> fn) {
  // The item codes, in AllItemDefinitions' order: ODI, RMDQ, PROMIS, PSFS.
  const std::vector<ItemDefinition>& codes = AllItemDefinitions();
  constexpr int kOdiFirst = 0;
  constexpr int kRmdqFirst = kOdiFirst + static_cast<int>(std::size(kOdiSections));
  constexpr int kPromisFirst = kRmdqFirst + kRmdqItems;
  constexpr int kPsfsFirst = kPromisFirst + kPromisItems;
  switch (o.answers_case()) {
    case v1::Observation::kOdi:
      for (int i = 0; i < static_cast<int>(std::size(kOdiSections)); ++i) {
        const OdiSection& s = kOdiSections[i];
        if ((o.odi().*s.has)()) fn({codes[kOdiFirst + i].code, i + 1, (o.odi().*s.get)()});
      }
      break;
    case v1::Observation::kRmdq:
      for (int i = 0; i < std::min(o.rmdq().items_size(), kRmdqItems); ++i) {
        fn({codes[kRmdqFirst + i].code, i + 1, o.rmdq().items(i) ? 1 : 0});
      }
      break;
    case v1::Observation::kPromisPi6A:
      for (int i = 0; i < std::min(o.promis_pi_6a().items_size(), kPromisItems); ++i) {
        fn({codes[kPromisFirst + i].code, i + 1, o.promis_pi_6a().items(i)});
      }
      break;
    case v1::Observation::kPsfs:
      for (int i = 0; i < std::min(o.psfs().activities_size(), kPsfsMaxActivities); ++i) {
        fn({codes[kPsfsFirst + i].code, i + 1, o.psfs().activities(i).score()});
      }
      break;
    default:
      break;
  }
}

std::vector<AnswerItem> AnswerItems(const v1::Observation& o) {
  std::vector<AnswerItem> items;
  ForEachAnswerItem(o, [&](const AnswerItem& item) { items.push_back(item); });
  return items;
}

const std::vector<ItemDefinition>& AllItemDefinitions() {
  static const std::vector<ItemDefinition>* const kAll = [] {
    auto* all = new std::vector<ItemDefinition>;
    for (const OdiSection& s : kOdiSections) {
      all->push_back({absl::StrCat("odi.", s.name),
                      absl::StrCat("Oswestry Disability Index v2.1a section '", s.display,
                                   "': 0 (no limitation) .. 5 (worst)")});
    }
    for (int i = 1; i <= kRmdqItems; ++i) {
      all->push_back({absl::StrCat("rmdq.", i),
                      absl::StrCat("Roland-Morris Disability Questionnaire item ", i,
                                   " (published order): 1 = yes (applies today), 0 = no")});
    }
    for (int i = 1; i <= kPromisItems; ++i) {
      all->push_back({absl::StrCat("promis_pi_6a.", i),
                      absl::StrCat("PROMIS Pain Interference short form 6a item ", i,
                                   ": 1 (not at all) .. 5 (very much)")});
    }
    for (int i = 1; i <= kPsfsMaxActivities; ++i) {
      all->push_back({absl::StrCat("psfs.", i),
                      absl::StrCat("Patient-Specific Functional Scale activity ", i,
                                   " (the activity's name is free text, never exported): 0 "
                                   "(unable) .. 10 (able as before the problem)")});
    }
    return all;
  }();
  return *kAll;
}

}  // namespace tractus::exports
