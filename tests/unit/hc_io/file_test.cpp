// SPDX-License-Identifier: GPL-2.0-or-later
// FILE_CHECK probes reading a real track_file: the value changes between runs,
// a missing file reads as 0, weight 0 makes the file a flag.
#include <catch2/catch.hpp>
#include <cstdio>
#include <optional>

#include "../vrrp_io/io_test_util.hpp"
#include "probe_env_fixture.hpp"
#include "vigil/hc/io/curl_multi.hpp"
#include "vigil/hc/io/probes.hpp"
#include "vigil/vrrp/io/process.hpp"

using namespace vigil;
using namespace std::chrono_literals;

namespace {

using Env = test::ProbeEnvFixture;

hc::ProbeResult run_once(Env& e, hc::io::Probe& p) {
  std::optional<hc::ProbeResult> got;
  p.start([&](hc::ProbeResult r) { got = std::move(r); });
  REQUIRE_FALSE(got.has_value());
  REQUIRE(test::run_until(
      e.io, [&] { return got.has_value(); }, 5s));
  return *got;
}

}  // namespace

TEST_CASE("FILE_CHECK follows its track_file", "[hc_io][file]") {
  test::TempDir dir;
  Env e;
  const std::string path = dir.file("weight");
  config::TrackFile tf;
  tf.name = "tf";
  tf.file = path;
  tf.weight = 1;
  e.model.vrrp.track_file.push_back(tf);
  config::VirtualServer vs;
  config::RealServer rs;
  rs.weight = 10;
  vs.real_server.push_back(rs);
  e.model.lvs.virtual_server.push_back(vs);

  hc::CheckDef d;
  d.kind = hc::CheckKind::File;
  d.vs_index = 0;
  d.rs_index = 0;
  config::FileCheck fc;
  fc.track_file = "tf";
  fc.weight = 2;

  SECTION("value x weight is added to the real server's weight, read on every run") {
    d.spec = fc;
    auto probe = hc::io::make_file_probe(e.env, d);
    test::write_file(path, "3\n");
    auto r = run_once(e, *probe);
    CHECK(r.ok);
    REQUIRE(r.weight);
    CHECK(*r.weight == 16);
    test::write_file(path, "-2\n");
    r = run_once(e, *probe);
    CHECK(r.ok);
    CHECK(*r.weight == 6);
    test::write_file(path, "-100\n");
    r = run_once(e, *probe);
    CHECK(r.ok);
    CHECK(*r.weight == 0);  // below zero: up at weight 0
    std::remove(path.c_str());
    r = run_once(e, *probe);
    CHECK(r.ok);
    CHECK(*r.weight == 10);  // a missing file reads as 0
    test::write_file(path, "junk\n");
    r = run_once(e, *probe);
    CHECK(*r.weight == 10);  // not a number: 0
  }
  SECTION("reverse negates the weight") {
    fc.weight_reverse = true;
    d.spec = fc;
    auto probe = hc::io::make_file_probe(e.env, d);
    test::write_file(path, "3\n");
    auto r = run_once(e, *probe);
    CHECK(r.ok);
    CHECK(*r.weight == 4);
  }
  SECTION("weight 0 (here the track_file's): non-zero is down, zero is up") {
    e.model.vrrp.track_file[0].weight = 0;
    fc.weight = 0;
    d.spec = fc;
    auto probe = hc::io::make_file_probe(e.env, d);
    test::write_file(path, "0\n");
    auto r = run_once(e, *probe);
    CHECK(r.ok);
    CHECK_FALSE(r.weight);
    test::write_file(path, "1\n");
    r = run_once(e, *probe);
    CHECK_FALSE(r.ok);
  }
  SECTION("an unknown track_file name fails with a reason") {
    fc.track_file = "nope";
    d.spec = fc;
    auto probe = hc::io::make_file_probe(e.env, d);
    auto r = run_once(e, *probe);
    CHECK_FALSE(r.ok);
    CHECK(r.detail.find("nope") != std::string::npos);
  }
}
