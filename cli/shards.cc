#include "cli/shards.h"

#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/ids.h"
#include "common/status_macros.h"

namespace tractus::cli {
namespace {

// Appends files to one output, header line once, hashing what it writes.
class Concatenation {
 public:
  explicit Concatenation(const std::string& path) : out_(path, std::ios::binary | std::ios::trunc) {
    sha_ = EVP_MD_CTX_new();
    EVP_DigestInit_ex(sha_, EVP_sha256(), nullptr);
  }
  ~Concatenation() { EVP_MD_CTX_free(sha_); }
  Concatenation(const Concatenation&) = delete;
  Concatenation& operator=(const Concatenation&) = delete;

  // `has_header`: the first line of every part is the same header.
  absl::Status Append(const std::string& path, bool has_header) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::FailedPreconditionError(absl::StrCat("cannot read ", path));
    std::string line;
    bool first = true;
    while (std::getline(in, line)) {
      const bool skip = has_header && first && parts_ > 0;
      if (has_header && first && parts_ == 0) records_ -= 1;  // the header is no record
      first = false;
      if (skip) continue;
      line.push_back('\n');
      Write(line);
      ++records_;
    }
    ++parts_;
    return absl::OkStatus();
  }

  // Closes the file; fills `file` (name and content set by the caller).
  absl::Status Finish(v1::ExportFile& file) {
    out_.close();
    if (!out_) return absl::FailedPreconditionError(absl::StrCat("cannot write ", file.name()));
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(sha_, digest, &length);
    file.set_sha256(absl::BytesToHexString(
        absl::string_view(reinterpret_cast<const char*>(digest), length)));
    file.set_bytes(bytes_);
    file.set_records(std::max<int64_t>(records_, 0));
    return absl::OkStatus();
  }

 private:
  void Write(const std::string& data) {
    out_.write(data.data(), static_cast<std::streamsize>(data.size()));
    EVP_DigestUpdate(sha_, data.data(), data.size());
    bytes_ += static_cast<int64_t>(data.size());
  }

  std::ofstream out_;
  EVP_MD_CTX* sha_;
  int parts_ = 0;
  int64_t records_ = 0;
  int64_t bytes_ = 0;
};

std::string JsonString(absl::string_view s) {
  return absl::StrCat("\"", absl::CHexEscape(s), "\"");
}

std::string FileJson(const v1::ExportFile& f) {
  return absl::StrFormat(R"({"name": %s, "records": %d, "bytes": %d, "sha256": %s})",
                         JsonString(f.name()), f.records(), f.bytes(), JsonString(f.sha256()));
}

}  // namespace

absl::StatusOr<std::vector<Shard>> ConnectShards(const std::vector<ConnectOptions>& connects,
                                                 absl::Duration deadline) {
  std::vector<Shard> shards;
  std::set<std::string> ids;
  for (const ConnectOptions& connect : connects) {
    ASSIGN_OR_RETURN(auto channel, Connect(connect));
    Shard shard{connect.target, "", std::make_unique<Client>(channel, deadline)};
    auto who = shard.client->Call(&v1::AuthService::Stub::WhoAmI, shard.client->auth(),
                                  v1::WhoAmIRequest());
    if (!who.ok()) {
      return absl::Status(who.status().code(),
                          absl::StrCat("shard ", connect.target, ": ", who.status().message()));
    }
    shard.shard_id = who->shard_id();
    if (!ids.insert(shard.shard_id).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(connect.target, " is shard ", shard.shard_id, " again"));
    }
    shards.push_back(std::move(shard));
  }
  if (shards.empty()) return absl::InvalidArgumentError("no shards given");
  return shards;
}

absl::StatusOr<v1::MergeCohortPartialsResponse> ShardedCohort(
    const std::vector<Shard>& shards, const v1::GetCohortOutcomesRequest& cohort) {
  v1::GetCohortPartialRequest ask;
  *ask.mutable_cohort() = cohort;
  ask.set_merge_id(NewOpaqueId("merge-"));
  v1::MergeCohortPartialsRequest merge;
  *merge.mutable_cohort() = cohort;
  merge.set_merge_id(ask.merge_id());
  for (const Shard& shard : shards) {
    auto share = shard.client->Call(&v1::OutcomeService::Stub::GetCohortPartial,
                                    shard.client->outcomes(), ask);
    if (!share.ok()) {
      return absl::Status(share.status().code(), absl::StrCat("shard ", shard.address, " (",
                                                              shard.shard_id, "): ",
                                                              share.status().message()));
    }
    merge.add_partials(share->sealed());
  }
  const Client& merger = *shards.front().client;
  return merger.Call(&v1::OutcomeService::Stub::MergeCohortPartials, merger.outcomes(), merge);
}

absl::Status ShardedExport(const std::vector<Shard>& shards, const ExportOptions& options,
                           std::ostream& out, std::ostream& err) {
  struct Part {
    const Shard* shard;
    v1::ExportJob job;
    std::string dir;
  };
  std::vector<Part> parts;
  for (const Shard& shard : shards) {
    ExportOptions one = options;
    one.out_dir = options.out_dir + "/" + shard.shard_id;
    one.request.set_request_id(options.request.request_id().empty()
                                   ? NewOpaqueId("cli-export-")
                                   : absl::StrCat(options.request.request_id(), ".",
                                                  shard.shard_id));
    out << "shard " << shard.shard_id << " (" << shard.address << "):\n";
    ASSIGN_OR_RETURN(v1::ExportJob job, RunExport(*shard.client, one, out, err));
    parts.push_back({&shard, std::move(job), one.out_dir});
  }

  // File name → content, in the order of the first shard's manifest.
  std::vector<std::pair<std::string, std::string>> names;
  for (const v1::ExportFile& f : parts.front().job.manifest().files()) {
    if (f.content() != "manifest") names.emplace_back(f.name(), f.content());
  }
  std::vector<v1::ExportFile> merged;
  for (const auto& [name, content] : names) {
    v1::ExportFile file;
    file.set_name(name);
    file.set_content(content);
    Concatenation cat(options.out_dir + "/" + name);
    const bool dictionary = content == "data_dictionary";
    const bool csv = name.size() > 4 && name.substr(name.size() - 4) == ".csv";
    for (const Part& part : parts) {
      RETURN_IF_ERROR(cat.Append(part.dir + "/" + name, csv));
      if (dictionary) break;  // the same in every part
    }
    RETURN_IF_ERROR(cat.Finish(file));
    merged.push_back(std::move(file));
  }

  int64_t episodes = 0, observations = 0;
  int smallest = 0;
  std::vector<std::string> shard_json, file_json;
  for (const Part& part : parts) {
    const v1::ExportManifest& m = part.job.manifest();
    episodes += m.episodes_exported();
    observations += m.observations_exported();
    if (m.smallest_class() > 0 && (smallest == 0 || m.smallest_class() < smallest)) {
      smallest = m.smallest_class();
    }
    std::vector<std::string> files;
    for (const v1::ExportFile& f : m.files()) files.push_back(FileJson(f));
    int64_t suppressed = 0;
    for (const v1::Suppression& s : m.suppressed()) suppressed += s.episodes();
    std::vector<std::string> unique;
    for (const v1::UniquenessRisk& u : m.uniqueness()) {
      unique.push_back(absl::StrFormat(R"({"known": %s, "exact": %.4f, "released": %.4f})",
                                       JsonString(u.known()), u.exact(), u.released()));
    }
    shard_json.push_back(absl::StrFormat(
        R"(    {"shard_id": %s, "address": %s, "export_id": %s, "episodes_exported": %d, )"
        R"("observations_exported": %d, "episodes_suppressed": %d, "classes": %d, )"
        R"("smallest_class": %d, "uniqueness": [%s], "files": [%s]})",
        JsonString(part.shard->shard_id), JsonString(part.shard->address),
        JsonString(part.job.export_id()), m.episodes_exported(), m.observations_exported(),
        suppressed, m.classes(), m.smallest_class(), absl::StrJoin(unique, ", "),
        absl::StrJoin(files, ", ")));
  }
  for (const v1::ExportFile& f : merged) file_json.push_back("    " + FileJson(f));
  const v1::ExportManifest& first = parts.front().job.manifest();
  std::ofstream manifest(options.out_dir + "/manifest.json", std::ios::trunc);
  manifest << "{\n"
           << "  \"merged_from_shards\": " << parts.size() << ",\n"
           << "  \"k\": " << first.k() << ",\n"
           << "  \"k_anonymity\": \"holds in every shard's part, hence in the union\",\n"
           << "  \"smallest_class_in_any_part\": " << smallest << ",\n"
           << "  \"uniqueness\": \"per shard part; a subject unique in the union is unique "
              "in its part, so each part's share bounds the union's from above\",\n"
           << "  \"zip3_list_version\": " << JsonString(first.zip3_list_version()) << ",\n"
           << "  \"episodes_exported\": " << episodes << ",\n"
           << "  \"observations_exported\": " << observations << ",\n"
           << "  \"files\": [\n" << absl::StrJoin(file_json, ",\n") << "\n  ],\n"
           << "  \"shards\": [\n" << absl::StrJoin(shard_json, ",\n") << "\n  ]\n"
           << "}\n";
  manifest.close();
  if (!manifest) return absl::FailedPreconditionError("cannot write the merged manifest.json");
  out << "merged " << parts.size() << " shards into " << options.out_dir << ": episodes "
      << episodes << ", observations " << observations << "\n";
  for (const Part& part : parts) {
    out << "  shard " << part.shard->shard_id << " at " << part.shard->address << ": export "
        << part.job.export_id() << "\n";
  }
  return absl::OkStatus();
}

}  // namespace tractus::cli
