// gRPC ExportService over exports::ExportJobs. Thread-safe.
#ifndef TRACTUS_SERVICES_EXPORT_SERVICES_H_
#define TRACTUS_SERVICES_EXPORT_SERVICES_H_

#include "exports/export_jobs.h"
#include "services/call_guard.h"
#include "tractus/v1/export.grpc.pb.h"

namespace tractus::services {

class ExportServiceImpl final : public v1::ExportService::Service {
 public:
  ExportServiceImpl(CallGuard* guard, exports::ExportJobs* jobs) : guard_(guard), jobs_(jobs) {}
  grpc::Status StartExport(grpc::ServerContext* ctx, const v1::StartExportRequest* req,
                           v1::StartExportResponse* resp) override;
  grpc::Status GetExport(grpc::ServerContext* ctx, const v1::GetExportRequest* req,
                         v1::GetExportResponse* resp) override;
  grpc::Status ListExports(grpc::ServerContext* ctx, const v1::ListExportsRequest* req,
                           v1::ListExportsResponse* resp) override;
  grpc::Status CancelExport(grpc::ServerContext* ctx, const v1::CancelExportRequest* req,
                            v1::CancelExportResponse* resp) override;
  grpc::Status ReadExportFile(grpc::ServerContext* ctx, const v1::ReadExportFileRequest* req,
                              grpc::ServerWriter<v1::ReadExportFileResponse>* writer) override;

 private:
  CallGuard* const guard_;
  exports::ExportJobs* const jobs_;
};

}  // namespace tractus::services

#endif  // TRACTUS_SERVICES_EXPORT_SERVICES_H_
