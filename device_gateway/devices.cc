#include "device_gateway/devices.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/secrets.h"
#include "common/status_macros.h"
#include "records/pagination.h"
#include "records/time_proto.h"
#include "records/validation.h"
#include "storage/key_codec.h"
#include "storage/proto_io.h"
#include "tractus/internal/v1/device_records.pb.h"
#include "tractus/v1/clinic.pb.h"

namespace tractus::device_gateway {
namespace {

using internal::v1::DeviceRecord;
using internal::v1::EnrollmentTokenRecord;
using records::FromProto;
using records::ToProto;
using storage::Cf;

constexpr absl::string_view kTokenIdPrefix = "et_";
constexpr absl::string_view kTokenTag = "tet1";
constexpr absl::string_view kCredentialTag = "tdc1";

absl::Status Unauthenticated() {
  return absl::UnauthenticatedError("device credential is missing, unknown, expired or revoked");
}

// Splits "<tag>.<id>.<secret>"; false if it is not of that form.
bool IsSerial(absl::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' ||
          c == '-'))
      return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<v1::CreateEnrollmentTokenResponse> Devices::CreateEnrollmentToken(
    const v1::CreateEnrollmentTokenRequest& req) {
  Violations v;
  records::CheckOpaqueId("clinic_id", req.clinic_id(), kClinicIdPrefix, v);
  absl::Duration ttl = kDefaultEnrollmentTtl;
  if (req.has_ttl()) {
    ttl = absl::Seconds(req.ttl().seconds()) + absl::Nanoseconds(req.ttl().nanos());
    if (ttl <= absl::ZeroDuration() || ttl > kMaxEnrollmentTtl) {
      v.Add("ttl", "must be positive and at most 7 days");
    }
  }
  RETURN_IF_ERROR(v.ToStatus());
  auto clinic = storage::GetRecord<v1::Clinic>(*store_, Cf::kClinics,
                                               storage::ClinicKey(req.clinic_id()), "clinic");
  if (absl::IsNotFound(clinic.status())) {
    return absl::NotFoundError(absl::StrCat("clinic ", req.clinic_id(), " not found"));
  }
  RETURN_IF_ERROR(clinic.status());

  const std::string secret = NewSecret();
  EnrollmentTokenRecord record;
  record.set_token_id(NewOpaqueId(kTokenIdPrefix));
  record.set_clinic_id(req.clinic_id());
  record.set_secret_hash(Sha256(secret));
  *record.mutable_expire_time() = ToProto(clock_->Now() + ttl);
  storage::WriteBatch batch;
  storage::PutRecord(batch, Cf::kDevices, storage::EnrollmentTokenKey(record.token_id()), record);
  RETURN_IF_ERROR(store_->Write(batch));

  v1::CreateEnrollmentTokenResponse resp;
  resp.set_enrollment_token(absl::StrCat(kTokenTag, ".", record.token_id(), ".", secret));
  *resp.mutable_expire_time() = record.expire_time();
  return resp;
}

absl::StatusOr<v1::EnrollResponse> Devices::Enroll(const v1::EnrollRequest& req) {
  Violations v;
  if (!IsSerial(req.serial_number())) {
    v.Add("serial_number", "must be 1..64 characters of [A-Za-z0-9._-]");
  }
  if (req.model().empty() || req.model().size() > 100) v.Add("model", "must be 1..100 characters");
  if (req.firmware_version().empty() || req.firmware_version().size() > 64) {
    v.Add("firmware_version", "must be 1..64 characters");
  }
  RETURN_IF_ERROR(v.ToStatus());
  std::string token_id, secret;
  if (!SplitTaggedSecret(req.enrollment_token(), kTokenTag, kTokenIdPrefix, &token_id, &secret)) {
    return absl::UnauthenticatedError("enrollment token is malformed");
  }

  records::StripedLock::Hold hold(locks_, {token_id});
  auto token = storage::GetRecord<EnrollmentTokenRecord>(
      *store_, Cf::kDevices, storage::EnrollmentTokenKey(token_id), "enrollment token");
  if (absl::IsNotFound(token.status())) {
    return absl::UnauthenticatedError("enrollment token is unknown");
  }
  RETURN_IF_ERROR(token.status());
  const absl::Time now = clock_->Now();
  if (!ConstantTimeEquals(token->secret_hash(), Sha256(secret))) {
    return absl::UnauthenticatedError("enrollment token is unknown");
  }
  if (!token->used_by_device_id().empty()) {
    return absl::UnauthenticatedError("enrollment token was already used");
  }
  if (FromProto(token->expire_time()) <= now) {
    return absl::UnauthenticatedError("enrollment token has expired");
  }

  const std::string credential_secret = NewSecret();
  DeviceRecord record;
  v1::Device* device = record.mutable_device();
  device->set_device_id(NewOpaqueId(kDeviceIdPrefix));
  device->set_clinic_id(token->clinic_id());
  device->set_serial_number(req.serial_number());
  device->set_model(req.model());
  device->set_firmware_version(req.firmware_version());
  *device->mutable_enroll_time() = ToProto(now);
  *device->mutable_credential_time() = device->enroll_time();
  record.set_credential_hash(Sha256(credential_secret));
  token->set_used_by_device_id(device->device_id());

  storage::WriteBatch batch;
  storage::PutRecord(batch, Cf::kDevices, storage::DeviceKey(device->device_id()), record);
  storage::PutRecord(batch, Cf::kDevices, storage::EnrollmentTokenKey(token_id), *token);
  batch.Put(Cf::kIndex, storage::DevicesByClinicKey(device->clinic_id(), device->device_id()), "");
  RETURN_IF_ERROR(store_->Write(batch));

  v1::EnrollResponse resp;
  *resp.mutable_device() = *device;
  resp.set_credential(absl::StrCat(kCredentialTag, ".", device->device_id(), ".", credential_secret));
  return resp;
}

absl::StatusOr<v1::Device> Devices::Get(const std::string& device_id) const {
  auto record = storage::GetRecord<DeviceRecord>(*store_, Cf::kDevices,
                                                 storage::DeviceKey(device_id), "device");
  if (absl::IsNotFound(record.status())) {
    return absl::NotFoundError(absl::StrCat("device ", device_id, " not found"));
  }
  RETURN_IF_ERROR(record.status());
  return record->device();
}

absl::StatusOr<v1::Device> Devices::Authenticate(absl::string_view credential) const {
  std::string device_id, secret;
  if (!SplitTaggedSecret(credential, kCredentialTag, kDeviceIdPrefix, &device_id, &secret)) {
    return Unauthenticated();
  }
  auto record = storage::GetRecord<DeviceRecord>(*store_, Cf::kDevices,
                                                 storage::DeviceKey(device_id), "device");
  if (absl::IsNotFound(record.status())) return Unauthenticated();
  RETURN_IF_ERROR(record.status());
  if (record->device().has_revoke_time()) return Unauthenticated();
  const std::string hash = Sha256(secret);
  if (ConstantTimeEquals(record->credential_hash(), hash)) return record->device();
  if (!record->previous_credential_hash().empty() &&
      ConstantTimeEquals(record->previous_credential_hash(), hash) &&
      FromProto(record->previous_expire_time()) > clock_->Now()) {
    return record->device();
  }
  return Unauthenticated();
}

absl::StatusOr<v1::RotateCredentialResponse> Devices::RotateCredential(
    const v1::Device& device) {
  records::StripedLock::Hold hold(locks_, {device.device_id()});
  ASSIGN_OR_RETURN(DeviceRecord record,
                   storage::GetRecord<DeviceRecord>(*store_, Cf::kDevices,
                                                    storage::DeviceKey(device.device_id()),
                                                    "device"));
  const absl::Time now = clock_->Now();
  const std::string secret = NewSecret();
  record.set_previous_credential_hash(record.credential_hash());
  *record.mutable_previous_expire_time() = ToProto(now + kRotationOverlap);
  record.set_credential_hash(Sha256(secret));
  *record.mutable_device()->mutable_credential_time() = ToProto(now);
  storage::WriteBatch batch;
  storage::PutRecord(batch, Cf::kDevices, storage::DeviceKey(device.device_id()), record);
  RETURN_IF_ERROR(store_->Write(batch));
  v1::RotateCredentialResponse resp;
  resp.set_credential(absl::StrCat(kCredentialTag, ".", device.device_id(), ".", secret));
  *resp.mutable_previous_expire_time() = record.previous_expire_time();
  return resp;
}

absl::StatusOr<v1::RevokeDeviceResponse> Devices::RevokeDevice(
    const v1::RevokeDeviceRequest& req) {
  Violations v;
  records::CheckOpaqueId("device_id", req.device_id(), kDeviceIdPrefix, v);
  RETURN_IF_ERROR(v.ToStatus());
  records::StripedLock::Hold hold(locks_, {req.device_id()});
  auto record = storage::GetRecord<DeviceRecord>(*store_, Cf::kDevices,
                                                 storage::DeviceKey(req.device_id()), "device");
  if (absl::IsNotFound(record.status())) {
    return absl::NotFoundError(absl::StrCat("device ", req.device_id(), " not found"));
  }
  RETURN_IF_ERROR(record.status());
  if (!record->device().has_revoke_time()) {
    *record->mutable_device()->mutable_revoke_time() = ToProto(clock_->Now());
    storage::WriteBatch batch;
    storage::PutRecord(batch, Cf::kDevices, storage::DeviceKey(req.device_id()), *record);
    RETURN_IF_ERROR(store_->Write(batch));
    revocations_.fetch_add(1, std::memory_order_acq_rel);  // open streams look again
    if (listener_) listener_();
  }
  v1::RevokeDeviceResponse resp;
  *resp.mutable_device() = record->device();
  return resp;
}

absl::Status Devices::CheckNotRevoked(const std::string& device_id) const {
  ASSIGN_OR_RETURN(v1::Device device, Get(device_id));
  if (device.has_revoke_time()) {
    return absl::UnauthenticatedError("device credential is missing, unknown, expired or revoked");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ListDevicesResponse> Devices::ListDevices(const v1::ListDevicesRequest& req) {
  Violations v;
  records::CheckOpaqueId("clinic_id", req.clinic_id(), kClinicIdPrefix, v);
  RETURN_IF_ERROR(v.ToStatus());
  ASSIGN_OR_RETURN(int page_size, records::EffectivePageSize(req.page_size(), 50));
  const std::string prefix = storage::DevicesByClinicPrefix(req.clinic_id());
  records::PageQuery query{Cf::kIndex, prefix, storage::PrefixSuccessor(prefix),
                           absl::StrCat("devices/", req.clinic_id()), page_size,
                           req.page_token()};
  v1::ListDevicesResponse resp;
  ASSIGN_OR_RETURN(
      *resp.mutable_next_page_token(),
      records::ScanPage(*store_, query, [&](absl::string_view key, absl::string_view)
                                            -> absl::StatusOr<bool> {
        ASSIGN_OR_RETURN(std::string device_id, storage::DecodeDevicesByClinicKey(key));
        ASSIGN_OR_RETURN(DeviceRecord record,
                         storage::GetRecord<DeviceRecord>(
                             *store_, Cf::kDevices, storage::DeviceKey(device_id), "device"));
        *resp.add_devices() = record.device();
        return true;
      }));
  return resp;
}

}  // namespace tractus::device_gateway
