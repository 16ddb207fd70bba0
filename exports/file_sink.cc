#include "exports/file_sink.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace tractus::exports {

absl::StatusOr<std::unique_ptr<FileSink>> FileSink::Create(const std::string& dir,
                                                           const std::string& name,
                                                           const std::string& content, Sync sync) {
  std::unique_ptr<FileSink> sink(new FileSink());
  sink->path_ = dir + "/" + name;
  sink->sync_ = sync;
  sink->out_ = std::fopen(sink->path_.c_str(), "wb");
  if (sink->out_ == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot create export file ", name));
  }
  sink->buffer_.reserve(kBufferBytes);
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

absl::Status FileSink::Line(absl::string_view line, bool header) {
  RETURN_IF_ERROR(Append(line));
  RETURN_IF_ERROR(Append("\n"));
  file_.set_bytes(file_.bytes() + static_cast<int64_t>(line.size()) + 1);
  if (!header) file_.set_records(file_.records() + 1);
  return absl::OkStatus();
}

absl::Status FileSink::Lines(absl::string_view lines, int64_t records) {
  RETURN_IF_ERROR(Append(lines));
  file_.set_bytes(file_.bytes() + static_cast<int64_t>(lines.size()));
  file_.set_records(file_.records() + records);
  return absl::OkStatus();
}

absl::Status FileSink::Append(absl::string_view bytes) {
  if (buffer_.size() + bytes.size() > kBufferBytes) RETURN_IF_ERROR(Drain());
  if (bytes.size() > kBufferBytes) return WriteOut(bytes);  // too big to gather
  buffer_.append(bytes.data(), bytes.size());
  return absl::OkStatus();
}

absl::Status FileSink::Drain() {
  absl::Status written = WriteOut(buffer_);
  buffer_.clear();
  return written;
}

absl::Status FileSink::WriteOut(absl::string_view bytes) {
  if (bytes.empty()) return absl::OkStatus();
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(sha_), bytes.data(), bytes.size());
  if (std::fwrite(bytes.data(), 1, bytes.size(), out_) != bytes.size()) {
    return absl::ResourceExhaustedError(absl::StrCat("cannot write ", file_.name(),
                                                     " (disk full?)"));
  }
  written_ += static_cast<int64_t>(bytes.size());
  if (sync_ == Sync::kDurable && written_ - written_back_ >= kWritebackBytes &&
      std::fflush(out_) == 0) {
    // Starts writeback of what is written so far; errors surface in the
    // final fsync.
    (void)sync_file_range(fileno(out_), written_back_, written_ - written_back_,
                          SYNC_FILE_RANGE_WRITE);
    written_back_ = written_;
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ExportFile> FileSink::Close() {
  const bool drained = Drain().ok();
  const bool flushed =
      drained && std::fflush(out_) == 0 && (sync_ == Sync::kPageCache || fsync(fileno(out_)) == 0);
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
