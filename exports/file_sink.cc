#include "exports/file_sink.h"

#include <openssl/evp.h>
#include <unistd.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace tractus::exports {

absl::StatusOr<std::unique_ptr<FileSink>> FileSink::Create(const std::string& dir,
                                                           const std::string& name,
                                                           const std::string& content) {
  std::unique_ptr<FileSink> sink(new FileSink());
  sink->path_ = dir + "/" + name;
  sink->out_ = std::fopen(sink->path_.c_str(), "wb");
  if (sink->out_ == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot create export file ", name));
  }
  std::setvbuf(sink->out_, nullptr, _IOFBF, 1 << 20);
  auto* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  sink->sha_ = ctx;
  sink->file_.set_name(name);
  sink->file_.set_content(content);
  return sink;
}

FileSink::~FileSink() {
  if (out_ != nullptr) std::fclose(out_);
  if (sha_ != nullptr) EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(sha_));
}

absl::Status FileSink::Line(const std::string& line, bool header) {
  if (std::fwrite(line.data(), 1, line.size(), out_) != line.size() ||
      std::fputc('\n', out_) == EOF) {
    return absl::ResourceExhaustedError(absl::StrCat("cannot write ", file_.name(),
                                                     " (disk full?)"));
  }
  auto* ctx = static_cast<EVP_MD_CTX*>(sha_);
  EVP_DigestUpdate(ctx, line.data(), line.size());
  EVP_DigestUpdate(ctx, "\n", 1);
  file_.set_bytes(file_.bytes() + static_cast<int64_t>(line.size()) + 1);
  if (!header) file_.set_records(file_.records() + 1);
  return absl::OkStatus();
}

absl::StatusOr<v1::ExportFile> FileSink::Close() {
  const bool flushed = std::fflush(out_) == 0 && fsync(fileno(out_)) == 0;
  const bool closed = std::fclose(out_) == 0;
  out_ = nullptr;
  if (!flushed || !closed) {
    return absl::ResourceExhaustedError(absl::StrCat("cannot write ", file_.name()));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(sha_), digest, &length);
  file_.set_sha256(absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), length)));
  return file_;
}

}  // namespace tractus::exports
