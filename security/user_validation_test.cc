#include "security/user_validation.h"

#include "gtest/gtest.h"

namespace tractus::security {
namespace {

constexpr char kClinic[] = "cl_0123456789abcdef0123456789abcdef";
constexpr char kPatient[] = "pt_0123456789abcdef0123456789abcdef";

v1::User User(v1::Role role, std::vector<std::string> clinics, std::string patient = "") {
  v1::User u;
  u.set_display_name("Dr. Ortiz");
  u.set_role(role);
  for (auto& c : clinics) u.add_clinic_ids(c);
  u.set_patient_id(patient);
  return u;
}

TEST(UserValidationTest, Table) {
  struct Case {
    v1::User user;
    std::string field;  // first violation, "" if valid
  };
  v1::User unnamed = User(v1::ROLE_ADMINISTRATOR, {});
  unnamed.clear_display_name();
  const Case cases[] = {
      {User(v1::ROLE_ADMINISTRATOR, {}), ""},
      {User(v1::ROLE_CLINICIAN, {kClinic}), ""},
      {User(v1::ROLE_ANALYST, {}), ""},
      {User(v1::ROLE_ANALYST, {kClinic}), ""},
      {User(v1::ROLE_PATIENT, {}, kPatient), ""},
      {unnamed, "user.display_name"},
      {User(v1::ROLE_UNSPECIFIED, {}), "user.role"},
      {User(v1::ROLE_DEVICE, {}), "user.role"},
      {User(v1::ROLE_ADMINISTRATOR, {kClinic}), "user.clinic_ids"},
      {User(v1::ROLE_CLINICIAN, {}), ""},  // not yet assigned: may do nothing
      {User(v1::ROLE_CLINICIAN, {"cl_nothex"}), "user.clinic_ids[0]"},
      {User(v1::ROLE_CLINICIAN, {kClinic, kClinic}), "user.clinic_ids[1]"},
      {User(v1::ROLE_CLINICIAN, {kClinic}, kPatient), "user.patient_id"},
      {User(v1::ROLE_PATIENT, {}), "user.patient_id"},
      {User(v1::ROLE_PATIENT, {kClinic}, kPatient), "user.clinic_ids"},
  };
  for (const Case& c : cases) {
    Violations v;
    CheckUser("user", c.user, v);
    if (c.field.empty()) {
      EXPECT_TRUE(v.empty()) << c.user.ShortDebugString() << ": " << v.list()[0].field;
    } else {
      ASSERT_FALSE(v.empty()) << c.user.ShortDebugString();
      EXPECT_EQ(v.list()[0].field, c.field) << c.user.ShortDebugString();
    }
  }
}

TEST(UserValidationTest, ApiKeyRequest) {
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  v1::CreateApiKeyRequest req;
  req.set_user_id("us_0123456789abcdef0123456789abcdef");
  Violations ok;
  CheckCreateApiKey(req, now, ok);
  EXPECT_TRUE(ok.empty());
  req.mutable_expire_time()->set_seconds(1'700'000'000);
  Violations past;
  CheckCreateApiKey(req, now, past);
  ASSERT_FALSE(past.empty());
  EXPECT_EQ(past.list()[0].field, "expire_time");
  req.set_user_id("nope");
  req.clear_expire_time();
  Violations bad_id;
  CheckCreateApiKey(req, now, bad_id);
  ASSERT_FALSE(bad_id.empty());
  EXPECT_EQ(bad_id.list()[0].field, "user_id");
}

}  // namespace
}  // namespace tractus::security
