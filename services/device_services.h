// gRPC services of the device gateway: DeviceAdminService (clinic staff),
// DeviceService (the tables; authenticated by a device credential or a
// client certificate, see CallGuard) and SessionService (clinicians' reads).
// Thread-safe.
#ifndef TRACTUS_SERVICES_DEVICE_SERVICES_H_
#define TRACTUS_SERVICES_DEVICE_SERVICES_H_

#include "device_gateway/devices.h"
#include "device_gateway/stream_slots.h"
#include "device_gateway/uploads.h"
#include "services/call_guard.h"
#include "services/server_stream_reactor.h"
#include "services/upload_reactor.h"
#include "tractus/v1/device.grpc.pb.h"
#include "tractus/v1/session.grpc.pb.h"

namespace tractus::services {

class DeviceAdminServiceImpl final : public v1::DeviceAdminService::Service {
 public:
  DeviceAdminServiceImpl(CallGuard* guard, device_gateway::Devices* devices)
      : guard_(guard), devices_(devices) {}
  grpc::Status CreateEnrollmentToken(grpc::ServerContext* ctx,
                                     const v1::CreateEnrollmentTokenRequest* req,
                                     v1::CreateEnrollmentTokenResponse* resp) override;
  grpc::Status ListDevices(grpc::ServerContext* ctx, const v1::ListDevicesRequest* req,
                           v1::ListDevicesResponse* resp) override;
  grpc::Status RevokeDevice(grpc::ServerContext* ctx, const v1::RevokeDeviceRequest* req,
                            v1::RevokeDeviceResponse* resp) override;

 private:
  CallGuard* const guard_;
  device_gateway::Devices* const devices_;
};

// UploadSession runs on gRPC's callback API (upload_reactor.h): an open
// upload holds no thread. The unary calls stay on the synchronous API.
class DeviceServiceImpl final
    : public v1::DeviceService::WithRawCallbackMethod_UploadSession<v1::DeviceService::Service> {
 public:
  DeviceServiceImpl(CallGuard* guard, device_gateway::Devices* devices,
                    const UploadContext& uploads);
  grpc::Status Enroll(grpc::ServerContext* ctx, const v1::EnrollRequest* req,
                      v1::EnrollResponse* resp) override;
  grpc::Status RotateCredential(grpc::ServerContext* ctx, const v1::RotateCredentialRequest* req,
                                v1::RotateCredentialResponse* resp) override;
  grpc::Status GetUploadLimits(grpc::ServerContext* ctx, const v1::GetUploadLimitsRequest* req,
                               v1::GetUploadLimitsResponse* resp) override;
  grpc::Status GetUploadState(grpc::ServerContext* ctx, const v1::GetUploadStateRequest* req,
                              v1::GetUploadStateResponse* resp) override;
  // UploadSession: header first, then chunks (each acknowledged once
  // durable, or refused with a ChunkNack while the stream goes on), then an
  // end. A stream that closes without an end leaves the session open for
  // resumption.
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* UploadSession(
      grpc::CallbackServerContext* ctx) override;

 private:
  CallGuard* const guard_;
  device_gateway::Devices* const devices_;
  const UploadContext uploads_;
};

// ReadTelemetry runs on gRPC's callback API (server_stream_reactor.h): a
// slow reader holds a few parts in memory, not a thread.
class SessionServiceImpl final
    : public v1::SessionService::WithCallbackMethod_ReadTelemetry<v1::SessionService::Service> {
 public:
  SessionServiceImpl(CallGuard* guard, device_gateway::Uploads* uploads,
                     const StreamContext& streams)
      : guard_(guard), uploads_(uploads), streams_(streams) {}
  grpc::Status ListSessions(grpc::ServerContext* ctx, const v1::ListSessionsRequest* req,
                            v1::ListSessionsResponse* resp) override;
  grpc::Status GetSession(grpc::ServerContext* ctx, const v1::GetSessionRequest* req,
                          v1::GetSessionResponse* resp) override;
  grpc::ServerWriteReactor<v1::ReadTelemetryResponse>* ReadTelemetry(
      grpc::CallbackServerContext* ctx, const v1::ReadTelemetryRequest* req) override;

 private:
  CallGuard* const guard_;
  device_gateway::Uploads* const uploads_;
  const StreamContext streams_;
};

}  // namespace tractus::services

#endif  // TRACTUS_SERVICES_DEVICE_SERVICES_H_
