// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target for the whole configuration front end: the input is the main
// file of an in-memory tree that also holds a file including it back (so include
// cycles are reachable), and is parsed, validated and dumped both ways.
#include <cstddef>
#include <cstdint>
#include <string>

#include "vigil/config/dump.hpp"
#include "vigil/config/load.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil::config;
  MemoryFileSource fs;
  fs.add("/f/keepalived.conf", std::string(reinterpret_cast<const char*>(data), size));
  fs.add("/f/inc/a.conf", "include ../keepalived.conf\n$X=1\n");
  fs.add("/f/inc/b.conf", "vrrp_instance B { interface eth0\n virtual_router_id 9 }\n");
  LoadOptions lo;
  lo.config_id = "fz";
  lo.max_generated_lines = 50'000;
  lo.interface_exists = [](const std::string& n) { return n == "eth0" || n == "eth1"; };
  const LoadResult r = load_file("/f/keepalived.conf", fs, lo);
  (void)dump_json(r.model);
  (void)dump_text(r.model);
  for (const auto& d : r.diags.all()) {
    (void)format(d);
  }
  return 0;
}
