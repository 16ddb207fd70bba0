#include "common/build_id.h"

#include <elf.h>
#include <link.h>

#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"

namespace tractus {
namespace {

// dl_iterate_phdr visits the main program first; its PT_NOTE segments hold
// the build ID note.
int FindBuildId(struct dl_phdr_info* info, size_t, void* data) {
  auto* out = static_cast<std::string*>(data);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    const char* at = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
    const char* end = at + ph.p_memsz;
    while (at + sizeof(ElfW(Nhdr)) <= end) {
      const auto* note = reinterpret_cast<const ElfW(Nhdr)*>(at);
      const char* name = at + sizeof(ElfW(Nhdr));
      const char* desc = name + ((note->n_namesz + 3) & ~3u);
      const char* next = desc + ((note->n_descsz + 3) & ~3u);
      if (next > end) break;
      if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 &&
          absl::string_view(name, 4) == absl::string_view("GNU\0", 4)) {
        *out = absl::BytesToHexString(absl::string_view(desc, note->n_descsz));
        return 1;
      }
      at = next;
    }
  }
  return 1;  // only the main program
}

}  // namespace

const std::string& ProgramBuildId() {
  static const std::string* const id = [] {
    auto* s = new std::string;
    dl_iterate_phdr(FindBuildId, s);
    return s;
  }();
  return *id;
}

}  // namespace tractus
