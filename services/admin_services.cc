#include "services/admin_services.h"

#include "common/status_macros.h"
#include "services/unary_handler.h"
#include "common/errors.h"
#include "storage/backup.h"
#include "storage/verify.h"

namespace tractus::services {
namespace {

absl::StatusOr<v1::VerifyDatabaseResponse> VerifyReportOf(const storage::Store& store) {
  ASSIGN_OR_RETURN(storage::VerifyReport report, storage::VerifyDatabase(store));
  v1::VerifyDatabaseResponse out;
  out.set_healthy(report.ok());
  out.set_checksum_error(report.checksum_error);
  for (const storage::FamilyReport& f : report.families) {
    v1::ColumnFamilyCheck* c = out.add_column_families();
    c->set_name(f.name);
    c->set_records(f.records);
    c->set_damaged(f.damaged);
    c->set_unreadable(f.unreadable);
  }
  return out;
}

v1::Backup ToProto(const storage::BackupSummary& s) {
  v1::Backup b;
  b.set_backup_id(s.id);
  b.mutable_create_time()->set_seconds(absl::ToUnixSeconds(s.time));
  b.set_bytes(s.bytes);
  b.set_files(s.files);
  return b;
}

absl::Status NeedsBackupDir(const std::string& dir) {
  if (dir.empty()) {
    return absl::FailedPreconditionError("backups are off: start tractusd with --backup_dir");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ListBackupsResponse> ListOf(const std::string& dir) {
  RETURN_IF_ERROR(NeedsBackupDir(dir));
  ASSIGN_OR_RETURN(std::vector<storage::BackupSummary> all, storage::ListBackups(dir));
  v1::ListBackupsResponse out;
  for (const auto& s : all) *out.add_backups() = ToProto(s);
  return out;
}

}  // namespace

grpc::Status AdminServiceImpl::CreateBackup(grpc::ServerContext* ctx,
                                            const v1::CreateBackupRequest* req,
                                            v1::CreateBackupResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.AdminService/CreateBackup", *req, resp,
                  [&]() -> absl::StatusOr<v1::CreateBackupResponse> {
                    RETURN_IF_ERROR(NeedsBackupDir(backup_dir_));
                    ASSIGN_OR_RETURN(storage::BackupSummary made,
                                     store_->CreateBackup(backup_dir_));
                    v1::CreateBackupResponse out;
                    *out.mutable_backup() = ToProto(made);
                    return out;
                  });
}

grpc::Status AdminServiceImpl::ListBackups(grpc::ServerContext* ctx,
                                           const v1::ListBackupsRequest* req,
                                           v1::ListBackupsResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.AdminService/ListBackups", *req, resp,
                  [&] { return ListOf(backup_dir_); });
}

grpc::Status AdminServiceImpl::PruneBackups(grpc::ServerContext* ctx,
                                            const v1::PruneBackupsRequest* req,
                                            v1::PruneBackupsResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.AdminService/PruneBackups", *req, resp,
                  [&]() -> absl::StatusOr<v1::PruneBackupsResponse> {
                    RETURN_IF_ERROR(NeedsBackupDir(backup_dir_));
                    if (req->keep() < 1) return InvalidField("keep", "at least 1");
                    RETURN_IF_ERROR(storage::PruneBackups(backup_dir_, req->keep()));
                    ASSIGN_OR_RETURN(v1::ListBackupsResponse left, ListOf(backup_dir_));
                    v1::PruneBackupsResponse out;
                    *out.mutable_backups() = left.backups();
                    return out;
                  });
}

grpc::Status AdminServiceImpl::VerifyBackup(grpc::ServerContext* ctx,
                                            const v1::VerifyBackupRequest* req,
                                            v1::VerifyBackupResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.AdminService/VerifyBackup", *req, resp,
                  [&]() -> absl::StatusOr<v1::VerifyBackupResponse> {
                    RETURN_IF_ERROR(NeedsBackupDir(backup_dir_));
                    absl::Status checked = storage::VerifyBackup(backup_dir_, req->backup_id());
                    if (absl::IsNotFound(checked)) return checked;
                    v1::VerifyBackupResponse out;
                    out.set_intact(checked.ok());
                    out.set_problem(std::string(checked.message()));
                    return out;
                  });
}

grpc::Status AdminServiceImpl::VerifyDatabase(grpc::ServerContext* ctx,
                                              const v1::VerifyDatabaseRequest* req,
                                              v1::VerifyDatabaseResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.AdminService/VerifyDatabase", *req, resp,
                  [&] { return VerifyReportOf(*store_); });
}

grpc::Status AdminServiceImpl::CreateUser(grpc::ServerContext* ctx,
                                          const v1::CreateUserRequest* req,
                                          v1::CreateUserResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.AdminService/CreateUser", *req, resp,
                  [&] { return accounts_->CreateUser(*req); });
}

grpc::Status AdminServiceImpl::GetUser(grpc::ServerContext* ctx, const v1::GetUserRequest* req,
                                       v1::GetUserResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.AdminService/GetUser", *req, resp,
                  [&] { return accounts_->GetUser(*req); });
}

grpc::Status AdminServiceImpl::UpdateUser(grpc::ServerContext* ctx,
                                          const v1::UpdateUserRequest* req,
                                          v1::UpdateUserResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.AdminService/UpdateUser", *req, resp,
                  [&] { return accounts_->UpdateUser(*req); });
}

grpc::Status AdminServiceImpl::ListUsers(grpc::ServerContext* ctx,
                                         const v1::ListUsersRequest* req,
                                         v1::ListUsersResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.AdminService/ListUsers", *req, resp,
                  [&] { return accounts_->ListUsers(*req); });
}

grpc::Status AdminServiceImpl::CreateApiKey(grpc::ServerContext* ctx,
                                            const v1::CreateApiKeyRequest* req,
                                            v1::CreateApiKeyResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.AdminService/CreateApiKey", *req, resp,
                  [&] { return accounts_->CreateApiKey(*req); });
}

grpc::Status AdminServiceImpl::ListApiKeys(grpc::ServerContext* ctx,
                                           const v1::ListApiKeysRequest* req,
                                           v1::ListApiKeysResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.AdminService/ListApiKeys", *req, resp,
                  [&] { return accounts_->ListApiKeys(*req); });
}

grpc::Status AdminServiceImpl::RevokeApiKey(grpc::ServerContext* ctx,
                                            const v1::RevokeApiKeyRequest* req,
                                            v1::RevokeApiKeyResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.AdminService/RevokeApiKey", *req, resp,
                  [&] { return accounts_->RevokeApiKey(*req); });
}

grpc::Status AdminServiceImpl::QueryAuditLog(grpc::ServerContext* ctx,
                                             const v1::QueryAuditLogRequest* req,
                                             v1::QueryAuditLogResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.AdminService/QueryAuditLog", *req, resp,
                  [&] { return audit_->Query(*req); });
}

grpc::Status AdminServiceImpl::VerifyAuditLog(grpc::ServerContext* ctx,
                                              const v1::VerifyAuditLogRequest* req,
                                              v1::VerifyAuditLogResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.AdminService/VerifyAuditLog", *req, resp,
                  [&] { return audit_->Verify(); });
}

grpc::Status AuthServiceImpl::IssueToken(grpc::ServerContext* ctx,
                                         const v1::IssueTokenRequest* req,
                                         v1::IssueTokenResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.AuthService/IssueToken", *req, resp,
                  [&](const CallGuard::Admission& call) {
                    return accounts_->IssueToken(call.principal, *req);
                  });
}

grpc::Status AuthServiceImpl::WhoAmI(grpc::ServerContext* ctx, const v1::WhoAmIRequest* req,
                                     v1::WhoAmIResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.AuthService/WhoAmI", *req, resp,
                  [&](const CallGuard::Admission& call) -> absl::StatusOr<v1::WhoAmIResponse> {
                    const security::Principal& who = call.principal;
                    v1::WhoAmIResponse out;
                    out.set_principal_id(who.id);
                    out.set_role(who.role);
                    for (const std::string& id : who.clinic_ids) out.add_clinic_ids(id);
                    out.set_patient_id(who.patient_id);
                    out.set_authenticated_by(
                        std::string(security::AuthenticatedByName(who.authenticated_by)));
                    out.set_shard_id(shard_id_);
                    return out;
                  });
}

}  // namespace tractus::services
