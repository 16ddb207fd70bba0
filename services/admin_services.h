// gRPC AdminService (operator tasks: users and keys, the audit log, database
// checks) and AuthService (tokens, who am I). Thread-safe.
#ifndef TRACTUS_SERVICES_ADMIN_SERVICES_H_
#define TRACTUS_SERVICES_ADMIN_SERVICES_H_

#include "security/accounts.h"
#include "security/audit_log.h"
#include "services/call_guard.h"
#include "storage/store.h"
#include "tractus/v1/admin.grpc.pb.h"
#include "tractus/v1/auth.grpc.pb.h"

namespace tractus::services {

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  // `backup_dir` empty: no backups (FAILED_PRECONDITION).
  AdminServiceImpl(CallGuard* guard, storage::Store* store, security::Accounts* accounts,
                   security::AuditLog* audit, std::string backup_dir)
      : guard_(guard), store_(store), accounts_(accounts), audit_(audit),
        backup_dir_(std::move(backup_dir)) {}
  grpc::Status VerifyDatabase(grpc::ServerContext* ctx, const v1::VerifyDatabaseRequest* req,
                              v1::VerifyDatabaseResponse* resp) override;
  grpc::Status CreateUser(grpc::ServerContext* ctx, const v1::CreateUserRequest* req,
                          v1::CreateUserResponse* resp) override;
  grpc::Status GetUser(grpc::ServerContext* ctx, const v1::GetUserRequest* req,
                       v1::GetUserResponse* resp) override;
  grpc::Status UpdateUser(grpc::ServerContext* ctx, const v1::UpdateUserRequest* req,
                          v1::UpdateUserResponse* resp) override;
  grpc::Status ListUsers(grpc::ServerContext* ctx, const v1::ListUsersRequest* req,
                         v1::ListUsersResponse* resp) override;
  grpc::Status CreateApiKey(grpc::ServerContext* ctx, const v1::CreateApiKeyRequest* req,
                            v1::CreateApiKeyResponse* resp) override;
  grpc::Status ListApiKeys(grpc::ServerContext* ctx, const v1::ListApiKeysRequest* req,
                           v1::ListApiKeysResponse* resp) override;
  grpc::Status RevokeApiKey(grpc::ServerContext* ctx, const v1::RevokeApiKeyRequest* req,
                            v1::RevokeApiKeyResponse* resp) override;
  grpc::Status QueryAuditLog(grpc::ServerContext* ctx, const v1::QueryAuditLogRequest* req,
                             v1::QueryAuditLogResponse* resp) override;
  grpc::Status VerifyAuditLog(grpc::ServerContext* ctx, const v1::VerifyAuditLogRequest* req,
                              v1::VerifyAuditLogResponse* resp) override;
  grpc::Status CreateBackup(grpc::ServerContext* ctx, const v1::CreateBackupRequest* req,
                            v1::CreateBackupResponse* resp) override;
  grpc::Status ListBackups(grpc::ServerContext* ctx, const v1::ListBackupsRequest* req,
                           v1::ListBackupsResponse* resp) override;
  grpc::Status PruneBackups(grpc::ServerContext* ctx, const v1::PruneBackupsRequest* req,
                            v1::PruneBackupsResponse* resp) override;
  grpc::Status VerifyBackup(grpc::ServerContext* ctx, const v1::VerifyBackupRequest* req,
                            v1::VerifyBackupResponse* resp) override;

 private:
  CallGuard* const guard_;
  storage::Store* const store_;
  security::Accounts* const accounts_;
  security::AuditLog* const audit_;
  const std::string backup_dir_;
};

class AuthServiceImpl final : public v1::AuthService::Service {
 public:
  // `shard_id`: this data directory's (storage/shard_id.h), told by WhoAmI.
  AuthServiceImpl(CallGuard* guard, security::Accounts* accounts, std::string shard_id)
      : guard_(guard), accounts_(accounts), shard_id_(std::move(shard_id)) {}
  grpc::Status IssueToken(grpc::ServerContext* ctx, const v1::IssueTokenRequest* req,
                          v1::IssueTokenResponse* resp) override;
  grpc::Status WhoAmI(grpc::ServerContext* ctx, const v1::WhoAmIRequest* req,
                      v1::WhoAmIResponse* resp) override;

 private:
  CallGuard* const guard_;
  security::Accounts* const accounts_;
  const std::string shard_id_;
};

}  // namespace tractus::services

#endif  // TRACTUS_SERVICES_ADMIN_SERVICES_H_
