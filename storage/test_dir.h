// A temporary directory removed when the object dies. For tests only.
#ifndef TRACTUS_STORAGE_TEST_DIR_H_
#define TRACTUS_STORAGE_TEST_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace tractus {

class TestDir {
 public:
  TestDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tractus-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TestDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TestDir(const TestDir&) = delete;
  TestDir& operator=(const TestDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace tractus

#endif  // TRACTUS_STORAGE_TEST_DIR_H_
