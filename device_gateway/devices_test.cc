#include "device_gateway/devices.h"

#include "common/status_matchers.h"
#include "device_gateway/gateway_test_util.h"

namespace tractus::device_gateway {
namespace {

using testing::IsOk;
using testing::StatusIs;

class DevicesTest : public GatewayTest {};

TEST_F(DevicesTest, EnrollmentTokenIsSingleUseAndExpires) {
  v1::CreateEnrollmentTokenRequest t;
  t.set_clinic_id(clinic_id_);
  t.mutable_ttl()->set_seconds(3600);
  auto token = *devices_->CreateEnrollmentToken(t);
  v1::EnrollRequest e;
  e.set_enrollment_token(token.enrollment_token());
  e.set_serial_number("SN-1");
  e.set_model("TableModel");
  e.set_firmware_version("1.0");
  auto first = devices_->Enroll(e);
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->device().clinic_id(), clinic_id_);
  EXPECT_THAT(devices_->Enroll(e), StatusIs(absl::StatusCode::kUnauthenticated));

  auto expiring = *devices_->CreateEnrollmentToken(t);
  clock_.Advance(absl::Hours(2));
  e.set_enrollment_token(expiring.enrollment_token());
  EXPECT_THAT(devices_->Enroll(e), StatusIs(absl::StatusCode::kUnauthenticated));

  // A forged secret for a real token id does not work.
  std::string forged = token.enrollment_token();
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  e.set_enrollment_token(forged);
  EXPECT_THAT(devices_->Enroll(e), StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(DevicesTest, TokenRequestsAreValidated) {
  v1::CreateEnrollmentTokenRequest t;
  t.set_clinic_id("cl_00000000000000000000000000000000");
  EXPECT_THAT(devices_->CreateEnrollmentToken(t), StatusIs(absl::StatusCode::kNotFound));
  t.set_clinic_id(clinic_id_);
  t.mutable_ttl()->set_seconds(8 * 24 * 3600);
  EXPECT_THAT(devices_->CreateEnrollmentToken(t), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(DevicesTest, CredentialsAuthenticateRotateAndRevoke) {
  std::string credential;
  v1::Device device = EnrollDevice(clinic_id_, &credential);
  EXPECT_EQ(credential.rfind("tdc1.", 0), 0u);
  ASSERT_THAT(devices_->Authenticate(credential), IsOk());
  EXPECT_EQ(devices_->Authenticate(credential)->device_id(), device.device_id());
  EXPECT_THAT(devices_->Authenticate("garbage"), StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(devices_->Authenticate(""), StatusIs(absl::StatusCode::kUnauthenticated));

  auto rotated = devices_->RotateCredential(device);
  ASSERT_THAT(rotated, IsOk());
  // Both work during the overlap window; only the new one after it.
  EXPECT_THAT(devices_->Authenticate(credential), IsOk());
  EXPECT_THAT(devices_->Authenticate(rotated->credential()), IsOk());
  clock_.Advance(kRotationOverlap + absl::Seconds(1));
  EXPECT_THAT(devices_->Authenticate(credential), StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(devices_->Authenticate(rotated->credential()), IsOk());

  v1::RevokeDeviceRequest revoke;
  revoke.set_device_id(device.device_id());
  ASSERT_THAT(devices_->RevokeDevice(revoke), IsOk());
  EXPECT_THAT(devices_->Authenticate(rotated->credential()),
              StatusIs(absl::StatusCode::kUnauthenticated));

  v1::ListDevicesRequest list;
  list.set_clinic_id(clinic_id_);
  auto devices = devices_->ListDevices(list);
  ASSERT_EQ(devices->devices_size(), 1);
  EXPECT_TRUE(devices->devices(0).has_revoke_time());
}

TEST_F(DevicesTest, StoresOnlyHashesOfSecrets) {
  std::string credential;
  v1::Device device = EnrollDevice(clinic_id_, &credential);
  const std::string secret = credential.substr(credential.rfind('.') + 1);
  bool found = false;
  ASSERT_THAT(store_->Scan(storage::Cf::kDevices, "", "",
                           [&](absl::string_view, absl::string_view value) {
                             found |= value.find(secret) != absl::string_view::npos;
                             return true;
                           }),
              IsOk());
  EXPECT_FALSE(found);
}

}  // namespace
}  // namespace tractus::device_gateway
