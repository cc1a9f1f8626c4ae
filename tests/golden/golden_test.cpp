// SPDX-License-Identifier: GPL-2.0-or-later
// Parser golden files: tests/golden/parser/<case>.conf is loaded (config id
// "golden", paths relative to the source tree) and its normalized JSON dump and
// diagnostics are compared with <case>.json and <case>.diag.
#include "golden.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

#include "vigil/config/dump.hpp"
#include "vigil/config/load.hpp"

namespace fs = std::filesystem;
using namespace vigil;

namespace {

std::vector<std::string> golden_cases() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(test::source_dir() / "tests/golden/parser")) {
    if (e.path().extension() == ".conf") {
      out.push_back(e.path().stem().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("Every golden parser case matches its dump and diagnostics", "[golden][parser]") {
  const auto cases = golden_cases();
  REQUIRE(cases.size() >= 1);
  fs::current_path(test::source_dir());
  for (const auto& name : cases) {
    DYNAMIC_SECTION(name) {
      const std::string rel = "tests/golden/parser/" + name + ".conf";
      config::LoadOptions lo;
      lo.config_id = "golden";
      lo.random_seed = 1;
      lo.getenv = [](const std::string& n) -> std::optional<std::string> {
        if (n == "VIGIL_GOLDEN_ENV") {
          return std::string("from-env");
        }
        return std::nullopt;
      };
      config::DiskFileSource src;
      const auto r = config::load_file(rel, src, lo);
      std::string diags;
      for (const auto& d : r.diags.all()) {
        diags += config::format(d) + "\n";
      }
      // Absolute paths (${_PWD}) depend on where the tree is checked out.
      std::string json = config::dump_json(r.model);
      const std::string root = fs::canonical(test::source_dir()).string();
      for (auto at = json.find(root); at != std::string::npos; at = json.find(root, at)) {
        json.replace(at, root.size(), "$SRC");
      }
      CHECK(json ==
            test::golden(test::source_dir() / ("tests/golden/parser/" + name + ".json"), json));
      CHECK(diags ==
            test::golden(test::source_dir() / ("tests/golden/parser/" + name + ".diag"), diags));
    }
  }
}
