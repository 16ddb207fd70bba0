#include "records/validation.h"

#include <functional>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tractus::records {
namespace {

const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2026, 11, 27, 12, 0, 0),
                                        absl::UTCTimeZone());

v1::PatientIdentity GoodIdentity() {
  v1::PatientIdentity id;
  id.set_given_name("Ada");
  id.set_family_name("Quinn");
  id.mutable_birth_date()->set_year(1971);
  id.mutable_birth_date()->set_month(2);
  id.mutable_birth_date()->set_day(28);
  id.set_sex(v1::SEX_FEMALE);
  id.set_zip_code("60614");
  id.set_mrn("MRN-00042");
  id.set_phone("+13125550100");
  id.set_email("ada.quinn@example.org");
  return id;
}

v1::Episode GoodEpisode() {
  v1::Episode e;
  e.add_conditions(v1::CONDITION_HERNIATED_DISC);
  e.add_conditions(v1::CONDITION_SCIATICA);
  e.mutable_start_date()->set_year(2026);
  e.mutable_start_date()->set_month(9);
  e.mutable_start_date()->set_day(1);
  e.mutable_plan()->set_sessions_planned(24);
  e.mutable_plan()->set_sessions_per_week(5);
  e.mutable_plan()->set_target_max_force_newtons(445);
  e.mutable_plan()->set_session_minutes(30);
  return e;
}

std::vector<std::string> Fields(const Violations& v) {
  std::vector<std::string> out;
  for (const auto& fv : v.list()) out.push_back(fv.field);
  return out;
}

struct IdentityCase {
  const char* name;
  std::function<void(v1::PatientIdentity&)> mutate;
  std::vector<std::string> want;  // violated fields, empty = valid
};

TEST(ValidationTest, IdentityTable) {
  const IdentityCase cases[] = {
      {"valid", [](auto&) {}, {}},
      {"optional contact omitted", [](auto& i) { i.clear_phone(); i.clear_email(); }, {}},
      {"zip+4", [](auto& i) { i.set_zip_code("60614-1234"); }, {}},
      {"missing names", [](auto& i) { i.clear_given_name(); i.clear_family_name(); },
       {"p.given_name", "p.family_name"}},
      {"long name", [](auto& i) { i.set_given_name(std::string(101, 'a')); }, {"p.given_name"}},
      {"control char", [](auto& i) { i.set_family_name("Qu\ninn"); }, {"p.family_name"}},
      {"no birth date", [](auto& i) { i.clear_birth_date(); }, {"p.birth_date"}},
      {"Feb 30", [](auto& i) { i.mutable_birth_date()->set_month(2); i.mutable_birth_date()->set_day(30); },
       {"p.birth_date"}},
      {"born tomorrow", [](auto& i) { i.mutable_birth_date()->set_year(2026); i.mutable_birth_date()->set_month(11); i.mutable_birth_date()->set_day(28); },
       {"p.birth_date"}},
      {"sex unset", [](auto& i) { i.set_sex(v1::SEX_UNSPECIFIED); }, {"p.sex"}},
      {"sex unknown enum", [](auto& i) { i.set_sex(static_cast<v1::Sex>(99)); }, {"p.sex"}},
      {"zip letters", [](auto& i) { i.set_zip_code("6O614"); }, {"p.zip_code"}},
      {"zip short", [](auto& i) { i.set_zip_code("6061"); }, {"p.zip_code"}},
      {"mrn missing", [](auto& i) { i.clear_mrn(); }, {"p.mrn"}},
      {"mrn bad chars", [](auto& i) { i.set_mrn("MRN 42"); }, {"p.mrn"}},
      {"phone no plus", [](auto& i) { i.set_phone("3125550100"); }, {"p.phone"}},
      {"email no domain dot", [](auto& i) { i.set_email("a@b"); }, {"p.email"}},
      {"email two ats", [](auto& i) { i.set_email("a@b@c.org"); }, {"p.email"}},
  };
  for (const IdentityCase& c : cases) {
    v1::PatientIdentity id = GoodIdentity();
    c.mutate(id);
    Violations v;
    CheckIdentity("p", id, kNow, v);
    EXPECT_EQ(Fields(v), c.want) << c.name;
  }
}

struct EpisodeCase {
  const char* name;
  std::function<void(v1::Episode&)> mutate;
  std::vector<std::string> want;
};

TEST(ValidationTest, EpisodeTable) {
  const EpisodeCase cases[] = {
      {"valid", [](auto&) {}, {}},
      {"no conditions", [](auto& e) { e.clear_conditions(); }, {"e.conditions"}},
      {"unspecified condition", [](auto& e) { e.set_conditions(1, v1::CONDITION_UNSPECIFIED); },
       {"e.conditions[1]"}},
      {"unknown condition", [](auto& e) { e.add_conditions(static_cast<v1::Condition>(42)); },
       {"e.conditions[2]"}},
      {"repeated condition", [](auto& e) { e.add_conditions(v1::CONDITION_HERNIATED_DISC); },
       {"e.conditions[2]"}},
      {"no start", [](auto& e) { e.clear_start_date(); }, {"e.start_date"}},
      {"bad start", [](auto& e) { e.mutable_start_date()->set_month(13); }, {"e.start_date"}},
      {"start too far ahead", [](auto& e) { e.mutable_start_date()->set_year(2028); },
       {"e.start_date"}},
      {"start too long ago", [](auto& e) { e.mutable_start_date()->set_year(2020); },
       {"e.start_date"}},
      {"no plan", [](auto& e) { e.clear_plan(); }, {"e.plan"}},
      {"plan out of range",
       [](auto& e) {
         e.mutable_plan()->set_sessions_planned(0);
         e.mutable_plan()->set_sessions_per_week(8);
         e.mutable_plan()->set_target_max_force_newtons(-1);
         e.mutable_plan()->set_session_minutes(200);
       },
       {"e.plan.sessions_planned", "e.plan.sessions_per_week",
        "e.plan.target_max_force_newtons", "e.plan.session_minutes"}},
      {"force NaN", [](auto& e) { e.mutable_plan()->set_target_max_force_newtons(NAN); },
       {"e.plan.target_max_force_newtons"}},
  };
  for (const EpisodeCase& c : cases) {
    v1::Episode e = GoodEpisode();
    c.mutate(e);
    Violations v;
    CheckEpisode("e", e, kNow, v);
    EXPECT_EQ(Fields(v), c.want) << c.name;
  }
}

TEST(ValidationTest, Clinic) {
  v1::Clinic c;
  c.set_display_name("Lakeview Spine");
  c.set_time_zone("America/Chicago");
  Violations ok;
  CheckClinic("clinic", c, ok);
  EXPECT_TRUE(ok.empty());
  c.set_time_zone("Mars/Olympus_Mons");
  c.clear_display_name();
  Violations bad;
  CheckClinic("clinic", c, bad);
  EXPECT_EQ(Fields(bad), (std::vector<std::string>{"clinic.display_name", "clinic.time_zone"}));
}

TEST(ValidationTest, Ids) {
  Violations v;
  CheckClientId("request_id", "", v);
  CheckClientId("request_id", "ok-1", v);
  CheckClientId("x", "no spaces", v);
  CheckOpaqueId("patient_id", "pt_0123456789abcdef0123456789abcdef", "pt_", v);
  CheckOpaqueId("patient_id", "ep_0123456789abcdef0123456789abcdef", "pt_", v);
  EXPECT_EQ(Fields(v), (std::vector<std::string>{"request_id", "x", "patient_id"}));
}

TEST(ValidationTest, IdentityMaskPaths) {
  EXPECT_TRUE(IsIdentityMaskPath("phone"));
  EXPECT_TRUE(IsIdentityMaskPath("mrn"));
  EXPECT_FALSE(IsIdentityMaskPath("clinic_id"));
  EXPECT_FALSE(IsIdentityMaskPath(""));
}

}  // namespace
}  // namespace tractus::records
