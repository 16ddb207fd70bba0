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
#include "services/upload_pipeline.h"

namespace tractus::services {
namespace {

constexpr char kUploadMethod[] = "tractus.v1.DeviceService/UploadSession";
constexpr char kReadTelemetryMethod[] = "tractus.v1.SessionService/ReadTelemetry";

}  // namespace

DeviceServiceImpl::DeviceServiceImpl(CallGuard* guard, device_gateway::Devices* devices,
                                     device_gateway::Uploads* uploads,
                                     device_gateway::StreamSlots* slots)
    : guard_(guard), devices_(devices), uploads_(uploads), slots_(slots) {
  // gRPC numbers a service's methods in the order the proto declares them.
  const google::protobuf::MethodDescriptor* upload =
      v1::UploadSessionRequest::descriptor()->file()->pool()->FindMethodByName(
          "tractus.v1.DeviceService.UploadSession");
  if (upload == nullptr) {
    std::fprintf(stderr, "tractus.v1.DeviceService.UploadSession is not in the descriptor pool\n");
    std::abort();
  }
  MarkMethodStreamed(
      upload->index(),
      new grpc::internal::BidiStreamingHandler<DeviceServiceImpl, ReceivedUploadRequest,
                                               v1::UploadSessionResponse>(
          [](DeviceServiceImpl* service, grpc::ServerContext* ctx, UploadStream* stream) {
            return service->ServeUpload(ctx, stream);
          },
          this));
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
                    *out.mutable_limits() = uploads_->Limits();
                    return out;
                  });
}

grpc::Status DeviceServiceImpl::GetUploadState(grpc::ServerContext* ctx,
                                               const v1::GetUploadStateRequest* req,
                                               v1::GetUploadStateResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.DeviceService/GetUploadState", *req, resp,
                  [&](const CallGuard::Admission& call) {
                    return uploads_->UploadState(call.device, *req);
                  });
}

namespace {

// The answer to an end with chunks missing (ranges of seqs, in order).
v1::EndNack EndNackFor(const std::vector<std::pair<uint32_t, uint32_t>>& missing) {
  v1::EndNack nack;
  nack.set_code(static_cast<int32_t>(absl::StatusCode::kFailedPrecondition));
  uint64_t count = 0;
  for (const auto& [first, last] : missing) {
    google::rpc::PreconditionFailure::Violation* v = nack.mutable_missing()->add_violations();
    v->set_type("MISSING_CHUNKS");
    v->set_subject(first == last ? absl::StrCat("seq:", first)
                                 : absl::StrCat("seq:", first, "-", last));
    v->set_description(absl::StrCat(last - first + 1, " chunk", first == last ? "" : "s",
                                    " not stored"));
    count += last - first + 1;
  }
  nack.set_reason(absl::StrCat(count, " chunks below the end's chunk_count are not stored (",
                               missing.size(), " ranges); send them on this stream, then the end "
                               "again"));
  return nack;
}

}  // namespace

grpc::Status DeviceServiceImpl::ServeUpload(grpc::ServerContext* ctx, UploadStream* stream) {
  return RunStreaming(*guard_, ctx, kUploadMethod, v1::UploadSessionRequest::default_instance(),
                      [&](CallGuard::Admission& call) { return RunUpload(ctx, call, stream); });
}

absl::Status DeviceServiceImpl::RunUpload(grpc::ServerContext* ctx, CallGuard::Admission& call,
                                          UploadStream* stream) {
  const v1::Device& device = call.device;
  ASSIGN_OR_RETURN(auto slot, slots_->Acquire(device.device_id()));
  const auto client_gone = [] {
    return absl::CancelledError("the table closed the stream");
  };

  ReceivedUploadRequest received;
  const v1::UploadSessionRequest& req = received.message;
  const auto undecodable = [] {
    return absl::InvalidArgumentError(
        "message: the bytes do not parse as a tractus.v1.UploadSessionRequest");
  };
  if (!stream->Read(&received)) {
    return absl::InvalidArgumentError("the stream ended before a session header");
  }
  if (received.undecodable) return undecodable();
  if (!req.has_header()) {
    return absl::InvalidArgumentError("the first message must be a session header");
  }
  ASSIGN_OR_RETURN(device_gateway::Uploads::Opened opened,
                   uploads_->OpenSession(device, req.header()));
  // The audit entry at the end names the episode written to.
  call.owner.patient_id = opened.session.patient_id();
  call.owner.episode_id = opened.session.episode_id();
  v1::UploadSessionResponse resp;
  *resp.mutable_header_ack() = opened.ack;
  if (!stream->Write(resp)) return client_gone();

  // Chunks are checked here and written, in batches, by the pipeline's
  // thread, which acknowledges them once durable.
  UploadPipeline pipeline(uploads_, &opened, ctx, stream,
                          uploads_->Limits().max_chunks_in_flight());
  // (No IsCancelled() per chunk: on the synchronous API it polls the
  // completion queue, ~8 % of an upload's CPU; Read fails once the table
  // has gone.)
  while (stream->Read(&received)) {
    // A device revoked while its stream is open stores nothing more.
    RETURN_IF_ERROR(guard_->StillAdmitted(call));
    if (received.undecodable) {
      RETURN_IF_ERROR(pipeline.Drain());  // what was acknowledged stays
      return undecodable();
    }
    switch (req.message_case()) {
      case v1::UploadSessionRequest::kChunk: {
        ASSIGN_OR_RETURN(device_gateway::Uploads::ChunkDecision decision,
                         uploads_->AcceptChunk(opened, req.chunk(), received.chunk_wire));
        RETURN_IF_ERROR(pipeline.Submit(std::move(decision)));
        break;
      }
      case v1::UploadSessionRequest::kEnd: {
        RETURN_IF_ERROR(pipeline.Drain());
        // Missing chunks: an EndNack naming every one, and the stream goes
        // on (the pipeline is idle until the next chunk).
        ASSIGN_OR_RETURN(auto missing, uploads_->MissingChunks(opened, req.end()));
        if (!missing.empty()) {
          resp.Clear();
          *resp.mutable_end_nack() = EndNackFor(missing);
          if (!stream->Write(resp)) return client_gone();
          break;
        }
        ASSIGN_OR_RETURN(v1::Session session,
                         uploads_->FinishSession(opened, req.end()));
        resp.Clear();
        *resp.mutable_end_ack()->mutable_session() = std::move(session);
        if (!stream->Write(resp)) return client_gone();
        return absl::OkStatus();
      }
      case v1::UploadSessionRequest::kHeader:
        return absl::InvalidArgumentError(
            "header: a stream carries one session; open a new stream for the next");
      case v1::UploadSessionRequest::MESSAGE_NOT_SET:
        return absl::InvalidArgumentError("message: an empty upload message");
    }
  }
  // Closed without an end: what was acknowledged is stored and the session
  // stays open to be resumed — answered ABORTED, so a table can tell it
  // from an accepted end (EndAck) and from a refused stream.
  RETURN_IF_ERROR(pipeline.Drain());
  return absl::AbortedError(
      "the stream was closed without an end: the session stays open; resume it with the same "
      "header");
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

grpc::Status SessionServiceImpl::ReadTelemetry(
    grpc::ServerContext* ctx, const v1::ReadTelemetryRequest* req,
    grpc::ServerWriter<v1::ReadTelemetryResponse>* writer) {
  return RunStreaming(*guard_, ctx, kReadTelemetryMethod, *req, [&](CallGuard::Admission& call) {
    return WriteParts(*guard_, call, *req, ctx, writer, [&](const auto& emit) {
      return uploads_->ReadTelemetry(*req, emit);
    });
  });
}

}  // namespace tractus::services
