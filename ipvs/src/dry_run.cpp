// SPDX-License-Identifier: GPL-2.0-or-later
// DryRunBackend: the kernel's IPVS table semantics over an in-memory Table.
#include "vigil/ipvs/dry_run.hpp"

#include <cerrno>
#include <ostream>

#include "vigil/ipvs/desired.hpp"
#include "vigil/ipvs/format.hpp"

namespace vigil::ipvs {

namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

std::optional<Error> check_spec(const ServiceSpec& s) {
  if (!is_known_scheduler(s.sched_name) || (!s.pe_name.empty() && s.pe_name != "sip")) {
    return Error{"", "", ENOENT, "scheduler or persistence engine not found"};
  }
  return std::nullopt;
}

std::optional<Error> check_spec(const DestSpec& d) {
  if (d.l_threshold > d.u_threshold) {
    return Error{"", "", ERANGE, "lthreshold is greater than uthreshold"};
  }
  return std::nullopt;
}

}  // namespace

DryRunBackend::DryRunBackend(std::ostream* out, Table start)
    : out_(out), table_(std::move(start)) {}

Result<Table> DryRunBackend::dump() {
  return table_;
}

std::optional<Error> DryRunBackend::apply(const Op& op) {
  ++requests_;
  auto& svcs = table_.services;
  std::optional<Error> err =
      std::visit(Overloaded{
                     [&](const AddService& o) -> std::optional<Error> {
                       if (svcs.count(o.key) != 0) {
                         return Error{"", "", EEXIST, ""};
                       }
                       if (auto e = check_spec(o.spec)) {
                         return e;
                       }
                       Service s;
                       s.key = o.key;
                       s.spec = o.spec;
                       s.spec.flags &= kSvcUserFlags;
                       svcs.emplace(o.key, std::move(s));
                       return std::nullopt;
                     },
                     [&](const EditService& o) -> std::optional<Error> {
                       auto it = svcs.find(o.key);
                       if (it == svcs.end()) {
                         return Error{"", "", ESRCH, ""};
                       }
                       if (auto e = check_spec(o.spec)) {
                         return e;
                       }
                       it->second.spec = o.spec;
                       it->second.spec.flags &= kSvcUserFlags;
                       return std::nullopt;
                     },
                     [&](const DelService& o) -> std::optional<Error> {
                       if (svcs.erase(o.key) == 0) {
                         return Error{"", "", ESRCH, ""};
                       }
                       return std::nullopt;
                     },
                     [&](const AddDest& o) -> std::optional<Error> {
                       auto it = svcs.find(o.svc);
                       if (it == svcs.end()) {
                         return Error{"", "", ESRCH, ""};
                       }
                       if (it->second.dests.count(o.key) != 0) {
                         return Error{"", "", EEXIST, ""};
                       }
                       if (auto e = check_spec(o.spec)) {
                         return e;
                       }
                       it->second.dests.emplace(o.key, Dest{o.key, o.spec, {}});
                       return std::nullopt;
                     },
                     [&](const EditDest& o) -> std::optional<Error> {
                       auto it = svcs.find(o.svc);
                       if (it == svcs.end()) {
                         return Error{"", "", ESRCH, ""};
                       }
                       auto dit = it->second.dests.find(o.key);
                       if (dit == it->second.dests.end()) {
                         return Error{"", "", ENOENT, ""};
                       }
                       if (auto e = check_spec(o.spec)) {
                         return e;
                       }
                       dit->second.spec = o.spec;
                       return std::nullopt;
                     },
                     [&](const DelDest& o) -> std::optional<Error> {
                       auto it = svcs.find(o.svc);
                       if (it == svcs.end()) {
                         return Error{"", "", ESRCH, ""};
                       }
                       if (it->second.dests.erase(o.key) == 0) {
                         return Error{"", "", ENOENT, ""};
                       }
                       return std::nullopt;
                     },
                     [&](const Flush&) -> std::optional<Error> {
                       svcs.clear();
                       return std::nullopt;
                     },
                     [&](const SetTimeouts& o) -> std::optional<Error> {
                       if (o.timeouts.tcp != 0) {
                         timeouts_.tcp = o.timeouts.tcp;
                       }
                       if (o.timeouts.tcpfin != 0) {
                         timeouts_.tcpfin = o.timeouts.tcpfin;
                       }
                       if (o.timeouts.udp != 0) {
                         timeouts_.udp = o.timeouts.udp;
                       }
                       return std::nullopt;
                     },
                     [&](const StartDaemon& o) -> std::optional<Error> {
                       auto& slot = o.daemon.role == SyncDaemon::Role::Master ? master_ : backup_;
                       if (slot) {
                         return Error{"", "", EEXIST, ""};
                       }
                       slot = o.daemon;
                       return std::nullopt;
                     },
                     [&](const StopDaemon& o) -> std::optional<Error> {
                       auto& slot = o.role == SyncDaemon::Role::Master ? master_ : backup_;
                       if (!slot) {
                         return Error{"", "", ESRCH, ""};
                       }
                       slot.reset();
                       return std::nullopt;
                     },
                 },
                 op);
  if (err) {
    err->op = std::string(op_name(op));
    err->object = describe(op);
    return err;
  }
  if (out_ != nullptr) {
    *out_ << rule(op) << '\n';
  }
  return std::nullopt;
}

Result<Info> DryRunBackend::info() {
  return Info{0x010201, 4096};
}

Result<Timeouts> DryRunBackend::timeouts() {
  return timeouts_;
}

Result<std::vector<SyncDaemon>> DryRunBackend::daemons() {
  std::vector<SyncDaemon> out;
  if (master_) {
    out.push_back(*master_);
  }
  if (backup_) {
    out.push_back(*backup_);
  }
  return out;
}

}  // namespace vigil::ipvs
