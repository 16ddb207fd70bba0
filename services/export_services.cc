#include "services/export_services.h"

#include "common/status_macros.h"
#include "services/unary_handler.h"

namespace tractus::services {

grpc::Status ExportServiceImpl::StartExport(grpc::ServerContext* ctx,
                                            const v1::StartExportRequest* req,
                                            v1::StartExportResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.ExportService/StartExport", *req, resp,
                  [&](const CallGuard::Admission& call) {
                    // A bound analyst's "every clinic" means the bound ones.
                    return jobs_->Start(call.principal.id, call.principal.clinic_ids, *req);
                  });
}

grpc::Status ExportServiceImpl::GetExport(grpc::ServerContext* ctx,
                                          const v1::GetExportRequest* req,
                                          v1::GetExportResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.ExportService/GetExport", *req, resp,
                  [&] { return jobs_->Get(*req); });
}

grpc::Status ExportServiceImpl::ListExports(grpc::ServerContext* ctx,
                                            const v1::ListExportsRequest* req,
                                            v1::ListExportsResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.ExportService/ListExports", *req, resp,
                  [&](const CallGuard::Admission& call) {
                    // Analysts list their own jobs; administrators every job.
                    const bool all = call.principal.role == v1::ROLE_ADMINISTRATOR;
                    return jobs_->List(all ? std::string() : call.principal.id, *req);
                  });
}

grpc::Status ExportServiceImpl::CancelExport(grpc::ServerContext* ctx,
                                             const v1::CancelExportRequest* req,
                                             v1::CancelExportResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.ExportService/CancelExport", *req, resp,
                  [&] { return jobs_->Cancel(*req); });
}

grpc::Status ExportServiceImpl::ReadExportFile(
    grpc::ServerContext* ctx, const v1::ReadExportFileRequest* req,
    grpc::ServerWriter<v1::ReadExportFileResponse>* writer) {
  return RunStreaming(*guard_, ctx, "tractus.v1.ExportService/ReadExportFile", *req,
                      [&](CallGuard::Admission& call) {
                        return WriteParts(*guard_, call, *req, ctx, writer,
                                          [&](const auto& emit) { return jobs_->ReadFile(*req, emit); });
                      });
}

}  // namespace tractus::services
