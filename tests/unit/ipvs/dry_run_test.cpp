// SPDX-License-Identifier: GPL-2.0-or-later
// DryRunBackend: kernel-like errors (as ipvsadm reported them in the guest:
// "Destination already exists" EEXIST, "No such service" ESRCH, "No such
// destination" ENOENT, "Scheduler or persistence engine not found" ENOENT,
// "Numerical result out of range" ERANGE), printed rules, counters.
#include "vigil/ipvs/dry_run.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <sstream>
#include <vector>

#include "ipvs_helpers.hpp"
#include "vigil/ipvs/format.hpp"

using namespace vigil;
using namespace vigil::ipvs;
using test::add_dest;
using test::add_service;
using test::dk;
using test::dspec;
using test::spec;
using test::tcp;

namespace {

int errno_of(DryRunBackend& b, const Op& op) {
  auto e = b.apply(op);
  return e ? e->err : 0;
}

}  // namespace

TEST_CASE("The dry run applies ops and prints each as an ipvsadm -R line", "[ipvs][dry_run]") {
  std::ostringstream out;
  DryRunBackend b(&out);
  const ServiceKey k = tcp("198.18.0.1", 80);
  REQUIRE_FALSE(b.apply(AddService{k, spec("rr")}));
  REQUIRE_FALSE(b.apply(AddDest{k, dk("198.18.1.1", 80), dspec(Fwd::Masq, 2)}));
  REQUIRE_FALSE(b.apply(SetTimeouts{{900, 0, 300}}));
  REQUIRE_FALSE(b.apply(StartDaemon{{SyncDaemon::Role::Master, "eth0", 3, 0, 0, 0, std::nullopt}}));
  CHECK(out.str() ==
        "-A -t 198.18.0.1:80 -s rr\n"
        "-a -t 198.18.0.1:80 -r 198.18.1.1:80 -m -w 2\n"
        "--set 900 0 300\n"
        "--start-daemon master --mcast-interface eth0 --syncid 3\n");
  CHECK(b.requests_sent() == 4);
  auto t = b.dump();
  REQUIRE(t.ok());
  CHECK(save(t.value()) ==
        "-A -t 198.18.0.1:80 -s rr\n-a -t 198.18.0.1:80 -r 198.18.1.1:80 -m -w 2\n");
  CHECK(b.timeouts().value() == Timeouts{900, 120, 300});
  REQUIRE(b.daemons().value().size() == 1);
  CHECK(b.daemons().value()[0].syncid == 3);
  CHECK(b.info().value().version == 0x010201);
  CHECK(b.info().value().conn_tab_size == 4096);
}

TEST_CASE("The dry run fails as the kernel does", "[ipvs][dry_run]") {
  Table start;
  auto& s = add_service(start, tcp("198.18.0.1", 80), spec("rr"));
  add_dest(s, dk("198.18.1.1", 80), dspec(Fwd::Masq));
  std::ostringstream out;
  DryRunBackend b(&out, start);
  const ServiceKey have = tcp("198.18.0.1", 80);
  const ServiceKey missing = tcp("198.18.0.99", 80);
  DestSpec bad_thresholds = dspec(Fwd::Masq);
  bad_thresholds.l_threshold = 10;
  auto with_pe = spec("rr");
  with_pe.pe_name = "nosuch";
  struct Row {
    std::string what;
    Op op;
    int err;
  };
  const std::vector<Row> rows = {
      {"existing service", AddService{have, spec("rr")}, EEXIST},
      {"edit missing service", EditService{missing, spec("rr")}, ESRCH},
      {"delete missing service", DelService{missing}, ESRCH},
      {"dest of missing service", AddDest{missing, dk("198.18.1.1", 80), dspec(Fwd::Masq)}, ESRCH},
      {"edit dest of missing service", EditDest{missing, dk("198.18.1.1", 80), {}}, ESRCH},
      {"delete dest of missing service", DelDest{missing, dk("198.18.1.1", 80)}, ESRCH},
      {"existing dest", AddDest{have, dk("198.18.1.1", 80), dspec(Fwd::Masq)}, EEXIST},
      {"edit missing dest", EditDest{have, dk("198.18.1.2", 80), dspec(Fwd::Masq)}, ENOENT},
      {"delete missing dest", DelDest{have, dk("198.18.1.2", 80)}, ENOENT},
      {"unknown scheduler", AddService{missing, spec("nosuch")}, ENOENT},
      {"unknown scheduler on edit", EditService{have, spec("nosuch")}, ENOENT},
      {"unknown persistence engine", AddService{missing, with_pe}, ENOENT},
      {"lthreshold above uthreshold", AddDest{have, dk("198.18.1.3", 80), bad_thresholds}, ERANGE},
      {"stop a daemon not running", StopDaemon{SyncDaemon::Role::Backup}, ESRCH},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    CHECK(errno_of(b, r.op) == r.err);
  }
  CHECK(out.str().empty());
  CHECK(b.requests_sent() == rows.size());
  CHECK(save(b.table()) == save(start));
  auto e = b.apply(DelDest{have, dk("198.18.1.2", 80)});
  REQUIRE(e);
  CHECK(e->text() ==
        "delete destination TCP 198.18.0.1:80 -> 198.18.1.2:80: No such file or directory "
        "(errno 2)");
}

TEST_CASE("Every known scheduler is accepted", "[ipvs][dry_run]") {
  DryRunBackend b;
  std::uint16_t port = 1;
  for (const char* s : {"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo",
                        "ovf", "mh", "twos"}) {
    INFO(s);
    CHECK_FALSE(b.apply(AddService{tcp("198.18.0.1", port++), spec(s)}));
  }
}

TEST_CASE("Deleting a service takes its destinations and flush takes everything",
          "[ipvs][dry_run]") {
  DryRunBackend b;
  const ServiceKey k = tcp("198.18.0.1", 80);
  REQUIRE_FALSE(b.apply(AddService{k, spec("rr")}));
  REQUIRE_FALSE(b.apply(AddDest{k, dk("198.18.1.1", 80), dspec(Fwd::Masq)}));
  REQUIRE_FALSE(b.apply(DelService{k}));
  CHECK(b.table().services.empty());
  REQUIRE_FALSE(b.apply(AddService{k, spec("rr")}));
  CHECK(b.table().services.at(k).dests.empty());
  REQUIRE_FALSE(b.apply(Flush{}));
  CHECK(b.table().services.empty());
  REQUIRE_FALSE(b.apply(StartDaemon{{SyncDaemon::Role::Backup, "eth0", 1, 0, 0, 0, std::nullopt}}));
  CHECK(errno_of(b, StartDaemon{{SyncDaemon::Role::Backup, "eth0", 1, 0, 0, 0, std::nullopt}}) ==
        EEXIST);
  REQUIRE_FALSE(b.apply(StopDaemon{SyncDaemon::Role::Backup}));
  CHECK(b.daemons().value().empty());
}

TEST_CASE("dests_of returns the asked services' destinations, and none for a missing one",
          "[ipvs][dry_run]") {
  DryRunBackend b;
  const ServiceKey k1 = tcp("198.18.0.1", 80);
  const ServiceKey k2 = tcp("198.18.0.2", 80);
  const ServiceKey gone = tcp("198.18.0.3", 80);
  REQUIRE_FALSE(b.apply(AddService{k1, spec("rr")}));
  REQUIRE_FALSE(b.apply(AddDest{k1, dk("198.18.1.1", 80), dspec(Fwd::Route, 1)}));
  REQUIRE_FALSE(b.apply(AddService{k2, spec("rr")}));
  REQUIRE_FALSE(b.apply(AddDest{k2, dk("198.18.1.2", 80), dspec(Fwd::Route, 1)}));
  const std::vector<ServiceKey> asked{k2, gone};
  const auto r = b.dests_of(asked);
  REQUIRE(r.ok());
  const Table& t = r.value();
  REQUIRE(t.services.size() == 2);
  CHECK(t.services.count(k1) == 0);
  CHECK(t.services.at(k2).dests.size() == 1);
  CHECK(t.services.at(k2).dests.count(dk("198.18.1.2", 80)) == 1);
  CHECK(t.services.at(gone).dests.empty());
}
