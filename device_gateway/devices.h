// Devices: enrollment tokens, enrollment, credentials (rotation with an
// overlap window, revocation) and authentication of device calls.
//
// Secrets: an enrollment token is "tet1.<token_id>.<secret>", a device
// credential "tdc1.<device_id>.<secret>"; secrets carry 256 random bits and
// only their SHA-256 hashes are stored.
//
// Thread-safe.
#ifndef TRACTUS_DEVICE_GATEWAY_DEVICES_H_
#define TRACTUS_DEVICE_GATEWAY_DEVICES_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "records/striped_lock.h"
#include "storage/store.h"
#include "tractus/v1/device.pb.h"
#include "tractus/v1/session.pb.h"

namespace tractus::device_gateway {

inline constexpr absl::Duration kDefaultEnrollmentTtl = absl::Hours(24);
inline constexpr absl::Duration kMaxEnrollmentTtl = absl::Hours(24 * 7);
// How long a rotated-out credential keeps working.
inline constexpr absl::Duration kRotationOverlap = absl::Hours(24);

class Devices {
 public:
  // `store` and `clock` must outlive this object.
  Devices(storage::Store* store, const Clock* clock) : store_(store), clock_(clock) {}

  absl::StatusOr<v1::CreateEnrollmentTokenResponse> CreateEnrollmentToken(
      const v1::CreateEnrollmentTokenRequest& req);
  // Consumes the token (single use): UNAUTHENTICATED if it is unknown,
  // expired or used.
  absl::StatusOr<v1::EnrollResponse> Enroll(const v1::EnrollRequest& req);
  absl::StatusOr<v1::ListDevicesResponse> ListDevices(const v1::ListDevicesRequest& req);
  absl::StatusOr<v1::RevokeDeviceResponse> RevokeDevice(const v1::RevokeDeviceRequest& req);

  // The device `device_id` (revoked or not); NOT_FOUND if unknown.
  absl::StatusOr<v1::Device> Get(const std::string& device_id) const;

  // The device a credential belongs to. UNAUTHENTICATED (with no detail of
  // which check failed) if it is malformed, unknown, expired or revoked.
  absl::StatusOr<v1::Device> Authenticate(absl::string_view credential) const;

  // A new credential for `device`; the current one keeps working for
  // kRotationOverlap.
  absl::StatusOr<v1::RotateCredentialResponse> RotateCredential(const v1::Device& device);

  // How many revocations have happened since start: a long-lived stream
  // compares it with the value when it was admitted and calls
  // CheckNotRevoked only when it moved (an atomic load per message).
  uint64_t Revocations() const { return revocations_.load(std::memory_order_acquire); }
  // UNAUTHENTICATED (as Authenticate words it) once `device_id` is revoked.
  absl::Status CheckNotRevoked(const std::string& device_id) const;
  // Called after each revocation (open streams look again at once). Set
  // before serving; must only schedule work.
  void SetRevocationListener(std::function<void()> listener) { listener_ = std::move(listener); }

 private:
  storage::Store* const store_;
  const Clock* const clock_;
  records::StripedLock locks_;
  std::atomic<uint64_t> revocations_{0};
  std::function<void()> listener_;
};

}  // namespace tractus::device_gateway

#endif  // TRACTUS_DEVICE_GATEWAY_DEVICES_H_
