#include "services/device_services.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"
#include "services/call_log.h"
#include "services/status_mapping.h"
#include "services/unary_handler.h"

namespace tractus::services {
namespace {

constexpr char kReadTelemetryMethod[] = "tractus.v1.SessionService/ReadTelemetry";

}  // namespace

DeviceServiceImpl::DeviceServiceImpl(CallGuard* guard, device_gateway::Devices* devices,
                                     const UploadContext& uploads)
    : guard_(guard), devices_(devices), uploads_(uploads) {}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* DeviceServiceImpl::UploadSession(
    grpc::CallbackServerContext* ctx) {
  return new UploadReactor(ctx, uploads_);
}

grpc::Status DeviceAdminServiceImpl::CreateEnrollmentToken(
    grpc::ServerContext* ctx, const v1::CreateEnrollmentTokenRequest* req,
    v1::CreateEnrollmentTokenResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.DeviceAdminService/CreateEnrollmentToken", *req, resp,
                  [&] { return devices_->CreateEnrollmentToken(*req); });
}

grpc::Status DeviceAdminServiceImpl::ListDevices(grpc::ServerContext* ctx,
                                                 const v1::ListDevicesRequest* req,
                                                 v1::ListDevicesResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.DeviceAdminService/ListDevices", *req, resp,
                  [&] { return devices_->ListDevices(*req); });
}

grpc::Status DeviceAdminServiceImpl::RevokeDevice(grpc::ServerContext* ctx,
                                                  const v1::RevokeDeviceRequest* req,
                                                  v1::RevokeDeviceResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.DeviceAdminService/RevokeDevice", *req, resp,
                  [&] { return devices_->RevokeDevice(*req); });
}

grpc::Status DeviceServiceImpl::Enroll(grpc::ServerContext* ctx, const v1::EnrollRequest* req,
                                       v1::EnrollResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.DeviceService/Enroll", *req, resp,
                  [&] { return devices_->Enroll(*req); });
}

grpc::Status DeviceServiceImpl::RotateCredential(grpc::ServerContext* ctx,
                                                 const v1::RotateCredentialRequest* req,
                                                 v1::RotateCredentialResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.DeviceService/RotateCredential", *req, resp,
                  [&](const CallGuard::Admission& call) {
                    return devices_->RotateCredential(call.device);
                  });
}

grpc::Status DeviceServiceImpl::GetUploadLimits(grpc::ServerContext* ctx,
                                                const v1::GetUploadLimitsRequest* req,
                                                v1::GetUploadLimitsResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.DeviceService/GetUploadLimits", *req, resp,
                  [&]() -> absl::StatusOr<v1::GetUploadLimitsResponse> {
                    v1::GetUploadLimitsResponse out;
                    *out.mutable_limits() = uploads_.uploads->Limits();
                    return out;
                  });
}

grpc::Status DeviceServiceImpl::GetUploadState(grpc::ServerContext* ctx,
                                               const v1::GetUploadStateRequest* req,
                                               v1::GetUploadStateResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.DeviceService/GetUploadState", *req, resp,
                  [&](const CallGuard::Admission& call) {
                    return uploads_.uploads->UploadState(call.device, *req);
                  });
}

grpc::Status SessionServiceImpl::ListSessions(grpc::ServerContext* ctx,
                                              const v1::ListSessionsRequest* req,
                                              v1::ListSessionsResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.SessionService/ListSessions", *req, resp,
                  [&] { return uploads_->ListSessions(*req); });
}

grpc::Status SessionServiceImpl::GetSession(grpc::ServerContext* ctx,
                                            const v1::GetSessionRequest* req,
                                            v1::GetSessionResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.SessionService/GetSession", *req, resp,
                  [&] { return uploads_->GetSession(*req); });
}

namespace {

class TelemetryReactor final
    : public ServerStreamReactor<v1::ReadTelemetryRequest, v1::ReadTelemetryResponse> {
 public:
  TelemetryReactor(grpc::CallbackServerContext* ctx, const v1::ReadTelemetryRequest* req,
                   const StreamContext& shared, device_gateway::Uploads* uploads)
      : ServerStreamReactor(ctx, req, kReadTelemetryMethod, shared), uploads_(uploads) {}

 private:
  absl::Status Begin() override { return absl::OkStatus(); }

  absl::Status Produce(size_t room, std::vector<v1::ReadTelemetryResponse>* out,
                       bool* complete) override {
    RETURN_IF_ERROR(uploads_->ReadTelemetry(
        request(),
        [&](const v1::ReadTelemetryResponse& part) {
          out->push_back(part);
          return out->size() < room;
        },
        &position_));
    *complete = position_.done;
    return absl::OkStatus();
  }

  device_gateway::Uploads* const uploads_;
  device_gateway::Uploads::TelemetryPosition position_;  // the strand's
};

}  // namespace

grpc::ServerWriteReactor<v1::ReadTelemetryResponse>* SessionServiceImpl::ReadTelemetry(
    grpc::CallbackServerContext* ctx, const v1::ReadTelemetryRequest* req) {
  return (new TelemetryReactor(ctx, req, streams_, uploads_))->Start();
}

}  // namespace tractus::services
