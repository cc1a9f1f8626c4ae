// SPDX-License-Identifier: GPL-2.0-or-later
// Notifier: notify scripts and notify FIFO lines on VRRP state changes (see
// notify.hpp).
#include "vigil/vrrp/io/notify.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>

#include "vigil/runtime/log.hpp"

namespace vigil::vrrp::io {

namespace {

std::string errno_text(int err) {
  return std::strerror(err);
}  // NOLINT(concurrency-mt-unsafe)

std::optional<Command> resolve_one(const config::OptionalScript& s, std::string_view what,
                                   const std::string& owner, const ResolveScript& resolve) {
  if (!s || s->cmd.empty()) {
    return std::nullopt;
  }
  auto r = resolve(*s);
  if (!r.ok()) {
    log::error("{} of {}: {}; it will not run", what, owner, r.error().text);
    return std::nullopt;
  }
  return std::move(r).value();
}

// The specific script for a state ("MASTER" -> notify_master, ...).
const std::optional<Command>* script_for(const NotifyScripts& s, std::string_view state) {
  if (state == "MASTER") {
    return &s.master;
  }
  if (state == "BACKUP") {
    return &s.backup;
  }
  if (state == "FAULT") {
    return &s.fault;
  }
  if (state == "STOP") {
    return &s.stop;
  }
  if (state == "DELETED") {
    return &s.deleted;
  }
  return nullptr;
}

}  // namespace

NotifyScripts notify_scripts(const config::VrrpInstance& cfg, const ResolveScript& resolve) {
  const std::string owner = "vrrp_instance " + cfg.name;
  NotifyScripts s;
  s.master = resolve_one(cfg.notify_master, "notify_master", owner, resolve);
  s.backup = resolve_one(cfg.notify_backup, "notify_backup", owner, resolve);
  s.fault = resolve_one(cfg.notify_fault, "notify_fault", owner, resolve);
  s.stop = resolve_one(cfg.notify_stop, "notify_stop", owner, resolve);
  s.deleted = resolve_one(cfg.notify_deleted, "notify_deleted", owner, resolve);
  s.notify = resolve_one(cfg.notify, "notify", owner, resolve);
  s.master_rx_lower_pri =
      resolve_one(cfg.notify_master_rx_lower_pri, "notify_master_rx_lower_pri", owner, resolve);
  s.notify_priority_changes = cfg.notify_priority_changes.value_or(false);
  return s;
}

NotifyScripts notify_scripts(const config::VrrpSyncGroup& cfg, const ResolveScript& resolve) {
  const std::string owner = "vrrp_sync_group " + cfg.name;
  NotifyScripts s;
  s.master = resolve_one(cfg.notify_master, "notify_master", owner, resolve);
  s.backup = resolve_one(cfg.notify_backup, "notify_backup", owner, resolve);
  s.fault = resolve_one(cfg.notify_fault, "notify_fault", owner, resolve);
  s.stop = resolve_one(cfg.notify_stop, "notify_stop", owner, resolve);
  s.notify = resolve_one(cfg.notify, "notify", owner, resolve);
  s.notify_priority_changes = cfg.notify_priority_changes.value_or(false);
  return s;
}

namespace {

/// Appends `fifo` (with its reader script) to `out` when it is configured.
void add_fifo(std::vector<NotifyFifo>& out, const std::optional<config::NotifyFifo>& fifo,
              const config::OptionalScript& script, std::string_view what,
              const ResolveScript& resolve, const CommandLookups& lookups) {
  if (!fifo || fifo->name.empty()) {
    return;
  }
  NotifyFifo f;
  f.path = fifo->name;
  if (!fifo->user.empty()) {
    const auto ids = lookups.user ? lookups.user(fifo->user) : std::nullopt;
    if (!ids) {
      log::error("{} {}: unknown user '{}'", what, fifo->name, fifo->user);
    } else {
      f.uid = ids->uid;
      f.gid = ids->gid;
    }
  }
  if (!fifo->group.empty()) {
    const auto gid = lookups.group ? lookups.group(fifo->group) : std::nullopt;
    if (!gid) {
      log::error("{} {}: unknown group '{}'", what, fifo->name, fifo->group);
    } else {
      f.gid = *gid;
    }
  }
  f.script = resolve_one(script, fmt::format("{}_script", what), "global_defs", resolve);
  out.push_back(std::move(f));
}

}  // namespace

std::vector<NotifyFifo> vrrp_notify_fifos(const config::GlobalDefs& globals,
                                          const ResolveScript& resolve,
                                          const CommandLookups& lookups) {
  std::vector<NotifyFifo> out;
  add_fifo(out, globals.notify_fifo, globals.notify_fifo_script, "notify_fifo", resolve, lookups);
  add_fifo(out, globals.vrrp_notify_fifo, globals.vrrp_notify_fifo_script, "vrrp_notify_fifo",
           resolve, lookups);
  return out;
}

std::vector<NotifyFifo> lvs_notify_fifos(const config::GlobalDefs& globals,
                                         const ResolveScript& resolve,
                                         const CommandLookups& lookups) {
  std::vector<NotifyFifo> out;
  add_fifo(out, globals.lvs_notify_fifo, globals.lvs_notify_fifo_script, "lvs_notify_fifo", resolve,
           lookups);
  return out;
}

Notifier::Notifier(boost::asio::io_context& io, ProcessRunner& runner,
                   std::vector<NotifyFifo> fifos)
    : io_(io), runner_(runner) {
  for (auto& f : fifos) {
    fifos_.push_back(Fifo{std::move(f), -1, false, -1});
  }
}

Notifier::~Notifier() {
  stop();
}

void Notifier::set_instance(const std::string& name, NotifyScripts scripts) {
  instances_[name] = std::move(scripts);
}

void Notifier::set_group(const std::string& name, NotifyScripts scripts) {
  groups_[name] = std::move(scripts);
}

void Notifier::start() {
  for (auto& f : fifos_) {
    if (f.fd >= 0) {
      continue;
    }
    const std::string& path = f.spec.path;
    if (::mkfifo(path.c_str(), 0644) == 0) {
      f.created = true;
      if ((f.spec.uid || f.spec.gid) &&
          ::chown(path.c_str(), f.spec.uid ? *f.spec.uid : static_cast<uid_t>(-1),
                  f.spec.gid ? *f.spec.gid : static_cast<gid_t>(-1)) != 0) {
        log::warning("notify fifo {}: chown: {}", path, errno_text(errno));
      }
    } else if (errno != EEXIST) {
      log::error("notify fifo {}: mkfifo: {}", path, errno_text(errno));
      continue;
    }
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode)) {
      log::error("notify fifo {}: {}", path,
                 fd < 0 ? fmt::format("open: {}", errno_text(errno)) : "not a FIFO");
      if (fd >= 0) {
        ::close(fd);
      }
      if (f.created) {
        ::unlink(path.c_str());
        f.created = false;
      }
      continue;
    }
    f.fd = fd;
    if (f.spec.script) {
      Command cmd = *f.spec.script;
      cmd.argv.push_back(path);
      ++counters_.scripts;
      f.script_pid = runner_.run(cmd, std::nullopt, [path](const Outcome& o) {
        log::warning("notify fifo script for {} ended: {}", path, describe(o));
      });
    }
  }
}

void Notifier::stop() {
  for (auto& f : fifos_) {
    if (f.script_pid > 0) {
      runner_.terminate(f.script_pid);
      f.script_pid = -1;
    }
    if (f.fd >= 0) {
      ::close(f.fd);
      f.fd = -1;
    }
    if (f.created) {
      ::unlink(f.spec.path.c_str());
      f.created = false;
    }
  }
}

void Notifier::run_script(const std::optional<Command>& cmd, std::vector<std::string> extra,
                          std::optional<std::chrono::milliseconds> timeout) {
  if (!cmd) {
    return;
  }
  Command c = *cmd;
  for (auto& a : extra) {
    c.argv.push_back(std::move(a));
  }
  ++counters_.scripts;
  runner_.run(c, timeout, [prog = c.argv.front()](const Outcome& o) {
    if (!o.success()) {
      log::warning("notify script {} {}", prog, describe(o));
    }
  });
}

void Notifier::write_line(const std::string& line) {
  for (auto& f : fifos_) {
    if (f.fd < 0) {
      continue;
    }
    // Up to PIPE_BUF bytes are written whole or not at all.
    const ssize_t n = line.size() <= PIPE_BUF ? ::write(f.fd, line.data(), line.size()) : -1;
    if (n == static_cast<ssize_t>(line.size())) {
      ++counters_.fifo_lines;
    } else {
      ++counters_.fifo_dropped;
      log::debug("notify fifo {}: line dropped ({})", f.spec.path,
                 n < 0 ? errno_text(errno) : "short write");
    }
  }
}

void Notifier::notify(const NotifyScripts* scripts, std::string_view type, const std::string& name,
                      std::string_view state, int priority) {
  const auto timeout = state == "STOP" ? std::optional(kStopScriptTimeout) : std::nullopt;
  if (scripts != nullptr) {
    if (const auto* specific = script_for(*scripts, state)) {
      run_script(*specific, {}, timeout);
    }
    run_script(scripts->notify,
               {std::string(type), name, std::string(state), std::to_string(priority)}, timeout);
  }
  write_line(fmt::format("{} \"{}\" {} {}\n", type, name, state, priority));
}

void Notifier::instance_state(const std::string& name, std::string_view state, int priority) {
  const auto it = instances_.find(name);
  notify(it == instances_.end() ? nullptr : &it->second, "INSTANCE", name, state, priority);
}

void Notifier::group_state(const std::string& name, std::string_view state) {
  const auto it = groups_.find(name);
  notify(it == groups_.end() ? nullptr : &it->second, "GROUP", name, state, 0);
}

void Notifier::master_rx_lower_pri(const std::string& name, int priority) {
  const auto it = instances_.find(name);
  if (it != instances_.end()) {
    run_script(it->second.master_rx_lower_pri, {}, std::nullopt);
  }
  write_line(fmt::format("INSTANCE \"{}\" MASTER_RX_LOWER_PRI {}\n", name, priority));
}

void Notifier::instance_priority(const std::string& name, std::string_view state, int priority) {
  const auto it = instances_.find(name);
  if (it == instances_.end() || !it->second.notify_priority_changes) {
    return;
  }
  write_line(fmt::format("INSTANCE \"{}\" {} {}\n", name,
                         state == "MASTER" ? "MASTER_PRIORITY" : "BACKUP_PRIORITY", priority));
}

}  // namespace vigil::vrrp::io
