#include "exports/terminology.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace tractus::exports {
namespace {

TEST(AnswerItemsTest, OdiSectionsInFormOrderWithoutTheUnanswered) {
  v1::Observation o;
  v1::OdiAnswers* odi = o.mutable_odi();
  odi->set_pain_intensity(4);
  odi->set_walking(0);  // answered 0 is not unanswered
  odi->set_travelling(5);
  const std::vector<AnswerItem> items = AnswerItems(o);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].code, "odi.pain_intensity");
  EXPECT_EQ(items[0].number, 1);
  EXPECT_EQ(items[0].value, 4);
  EXPECT_EQ(items[1].code, "odi.walking");
  EXPECT_EQ(items[1].number, 4);
  EXPECT_EQ(items[1].value, 0);
  EXPECT_EQ(items[2].code, "odi.travelling");
  EXPECT_EQ(items[2].number, 10);
}

TEST(AnswerItemsTest, PsfsGivesScoresNeverTheActivityText) {
  v1::Observation o;
  for (int score : {3, 7, 10}) {
    v1::PsfsActivity* a = o.mutable_psfs()->add_activities();
    a->set_activity("walking the dog to Lake Michigan");
    a->set_score(score);
  }
  const std::vector<AnswerItem> items = AnswerItems(o);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[2].code, "psfs.3");
  EXPECT_EQ(items[2].value, 10);
}

TEST(AnswerItemsTest, RmdqYesIsOneAndScalarsHaveNone) {
  v1::Observation o;
  for (bool yes : {true, false, true}) o.mutable_rmdq()->add_items(yes);
  const std::vector<AnswerItem> items = AnswerItems(o);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].value, 1);
  EXPECT_EQ(items[1].value, 0);
  EXPECT_EQ(items[1].code, "rmdq.2");
  EXPECT_TRUE(AnswerItems(v1::Observation()).empty());
}

TEST(TerminologyTest, EveryItemCodeIsDefinedOnce) {
  std::set<std::string> codes;
  for (const ItemDefinition& d : AllItemDefinitions()) {
    EXPECT_TRUE(codes.insert(d.code).second) << d.code;
  }
  EXPECT_EQ(codes.size(), 10u + 24 + 6 + 5);
}

TEST(TerminologyTest, ConditionCodesAreTheVerifiedOnesOnly) {
  // The codes and displays of the VSAC value set (docs/exports.md).
  EXPECT_EQ(CodingOfCondition("sciatica").snomed, "23056005");
  EXPECT_EQ(CodingOfCondition("spinal_stenosis").snomed, "76107001");
  EXPECT_EQ(CodingOfCondition("degenerative_disc_disease").snomed, "77547008");
  EXPECT_EQ(CodingOfCondition("chronic_low_back_pain").snomed, "278860009");
  EXPECT_EQ(CodingOfCondition("herniated_disc").snomed, "");
  EXPECT_EQ(CodingOfCondition("no such thing").name, "unspecified");
}

TEST(TerminologyTest, FhirBaseMustBeAnAbsoluteHttpUrl) {
  EXPECT_TRUE(ValidateFhirBase("https://fhir.example.org").ok());
  EXPECT_TRUE(ValidateFhirBase("http://terminology.clinic.local/fhir").ok());
  for (const char* bad : {"", "fhir.example.org", "https://", "https://x.org/", "ftp://x.org",
                          "https://x.org/fhir?a=1", "https://x .org"}) {
    EXPECT_EQ(ValidateFhirBase(bad).code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace tractus::exports
