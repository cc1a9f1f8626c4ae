// SPDX-License-Identifier: GPL-2.0-or-later
// NetlinkBackend: its own generic-netlink socket, the "IPVS" family lookup
// (with a one-time `modprobe ip_vs`), pipelined requests with one ACK each,
// and dumps. Every receive loop is bounded (a per-datagram timeout and a cap
// on datagrams read) and matches replies by sequence number, so a late or
// stray message can never be taken for another request's answer.
#include <linux/ip_vs.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/socket.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <functional>
#include <map>

#include "internal.hpp"
#include "vigil/ipvs/netlink_backend.hpp"

namespace vigil::ipvs {

using netlink::Attrs;
using netlink::pol;

namespace {

struct SockFree {
  void operator()(nl_sock* s) const { nl_socket_free(s); }
};
using SockPtr = std::unique_ptr<nl_sock, SockFree>;

/// Receive-buffer bytes one queued ACK may cost (skb truesize, rounded up generously).
constexpr int kAckCost = 2048;
/// Request bytes written per sendmsg() at most.
constexpr std::size_t kMaxBatchBytes = 256 * 1024;
/// The receive buffer: large enough for any dump datagram (the kernel caps them at 32 KiB).
constexpr std::size_t kRxBytes = 64 * 1024;
/// ACK datagrams read per recvmmsg(), and the buffer for each (an ACK with its extended-ack
/// message is well under 1 KiB; a longer one is truncated, keeping its error code).
constexpr std::size_t kAckSlots = 64;
constexpr std::size_t kAckSlotBytes = 1024;
/// Stray datagrams (not ours) tolerated per expected reply before giving up.
constexpr std::size_t kStraySlack = 4096;

/// The payload of the nested top-level attribute `type` (IPVS_CMD_ATTR_SERVICE, _DEST or
/// _DAEMON) of one dump reply, or an Error naming `what` when it is missing or short.
Result<std::span<const std::uint8_t>> nested(std::span<const std::uint8_t> attrs, int type,
                                             std::string_view what) {
  using Top = Attrs<IPVS_CMD_ATTR_MAX>;
  static const Top::Policy policy = [] {
    Top::Policy p{};
    p[IPVS_CMD_ATTR_SERVICE] = pol(NLA_NESTED);
    p[IPVS_CMD_ATTR_DEST] = pol(NLA_NESTED);
    p[IPVS_CMD_ATTR_DAEMON] = pol(NLA_NESTED);
    return p;
  }();
  const auto top = Top::parse(attrs, policy);
  if (!top || !top->has(type)) {
    return netlink::bad_reply(what, "no " + std::string(what) + " attribute");
  }
  return top->bytes(type);
}

/// One netlink message inside a datagram.
struct Msg {
  nlmsghdr hdr{};
  std::span<const std::uint8_t> payload;  ///< after the nlmsghdr, within nlmsg_len
};

/// Calls fn for each well-formed message in a datagram; stops at the first malformed header.
/// For a datagram the kernel truncated to our buffer, the message cut short is still passed,
/// its payload clamped (an ACK's error code is at its start; its extack text may be lost).
template <class Fn>
void for_each_msg(std::span<const std::uint8_t> d, Fn&& fn, bool truncated = false) {
  std::size_t off = 0;
  while (d.size() - off >= sizeof(nlmsghdr)) {
    Msg m;
    std::memcpy(&m.hdr, d.data() + off, sizeof m.hdr);
    const std::size_t len = m.hdr.nlmsg_len;
    if (len < sizeof(nlmsghdr)) {
      return;
    }
    if (len > d.size() - off) {
      if (truncated) {
        m.payload = d.subspan(off + sizeof(nlmsghdr));
        fn(m);
      }
      return;
    }
    m.payload = d.subspan(off + sizeof(nlmsghdr), len - sizeof(nlmsghdr));
    fn(m);
    off += (len + 3U) & ~std::size_t{3};
    if (off > d.size()) {
      return;
    }
  }
}

/// An NLMSG_ERROR payload: the (negative) error and the extended-ack message, if any.
struct Ack {
  int error = 0;
  std::string message;
};

/// is_done: an NLMSG_DONE, whose TLVs follow the error directly (no echoed request).
std::optional<Ack> parse_ack(const Msg& m, bool is_done) {
  if (m.payload.size() < sizeof(int)) {
    return std::nullopt;
  }
  Ack a;
  std::memcpy(&a.error, m.payload.data(), sizeof(int));
  if ((m.hdr.nlmsg_flags & NLM_F_ACK_TLVS) != 0) {
    // After the error: the request's header (NLM_F_CAPPED) or the whole request, then TLVs.
    std::size_t off = sizeof(int) + (is_done ? 0 : sizeof(nlmsghdr));
    if (!is_done && (m.hdr.nlmsg_flags & NLM_F_CAPPED) == 0 && m.payload.size() >= off) {
      nlmsghdr orig{};
      std::memcpy(&orig, m.payload.data() + sizeof(int), sizeof orig);
      off = sizeof(int) + ((std::size_t{orig.nlmsg_len} + 3U) & ~std::size_t{3});
    }
    if (off < m.payload.size()) {
      using AckAttrs = Attrs<NLMSGERR_ATTR_MAX>;
      static const AckAttrs::Policy policy = [] {
        AckAttrs::Policy p{};
        p[NLMSGERR_ATTR_MSG] = pol(NLA_STRING, 1);
        return p;
      }();
      if (auto t = AckAttrs::parse(m.payload.subspan(off), policy);
          t && t->has(NLMSGERR_ATTR_MSG)) {
        a.message = t->str(NLMSGERR_ATTR_MSG);
      }
    }
  }
  return a;
}

/// Runs /sbin/modprobe ip_vs (no shell); its exit status, or -1 if it could not run.
int modprobe_ip_vs() {
  const char* const argv[] = {"modprobe", "ip_vs", nullptr};
  const pid_t pid = fork();
  if (pid < 0) {
    return -1;
  }
  if (pid == 0) {
    execv("/sbin/modprobe", const_cast<char* const*>(argv));
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return -1;
    }
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// Sets a buffer size, forcing past net.core.{r,w}mem_max when we have CAP_NET_ADMIN.
int set_buffer(int fd, int force_opt, int opt, int bytes) {
  if (setsockopt(fd, SOL_SOCKET, force_opt, &bytes, sizeof bytes) < 0) {
    setsockopt(fd, SOL_SOCKET, opt, &bytes, sizeof bytes);
  }
  int actual = 0;
  socklen_t len = sizeof actual;
  getsockopt(fd, SOL_SOCKET, opt, &actual, &len);
  return actual;
}

Error os_error(std::string op, std::string object, int err, std::string detail = {}) {
  return Error{std::move(op), std::move(object), err, std::move(detail)};
}

}  // namespace

struct NetlinkBackend::Impl {
  SockPtr sock;
  int fd = -1;
  std::uint16_t family = 0;
  NetlinkOptions opts;
  std::size_t batch = 1;
  std::size_t batch_bytes = kMaxBatchBytes;
  std::uint64_t sent = 0;
  std::vector<std::uint8_t> rx = std::vector<std::uint8_t>(kRxBytes);

  std::vector<std::uint8_t> ack_rx = std::vector<std::uint8_t>(kAckSlots * kAckSlotBytes);
  std::array<mmsghdr, kAckSlots> ack_mm{};
  std::array<iovec, kAckSlots> ack_iov{};
  std::array<sockaddr_nl, kAckSlots> ack_from{};

  std::uint32_t next_seq() { return nl_socket_use_seq(sock.get()); }

  [[nodiscard]] int timeout_ms() const {
    return static_cast<int>(std::min<std::chrono::milliseconds::rep>(
        opts.reply_timeout.count(), std::chrono::milliseconds::rep{1} << 30));
  }

  /// Reads up to `want` (at most kAckSlots) datagrams in one recvmmsg(): how many, or an errno
  /// as recv_datagram() gives. Datagram i is ack_datagram(i).
  std::variant<std::size_t, int> recv_acks(std::size_t want) {
    const auto n = static_cast<unsigned>(std::clamp<std::size_t>(want, 1, kAckSlots));
    for (;;) {
      for (unsigned i = 0; i < n; ++i) {
        ack_iov[i] = iovec{ack_rx.data() + std::size_t{i} * kAckSlotBytes, kAckSlotBytes};
        ack_mm[i] = mmsghdr{};
        ack_mm[i].msg_hdr.msg_name = &ack_from[i];
        ack_mm[i].msg_hdr.msg_namelen = sizeof(sockaddr_nl);
        ack_mm[i].msg_hdr.msg_iov = &ack_iov[i];
        ack_mm[i].msg_hdr.msg_iovlen = 1;
      }
      const int r = recvmmsg(fd, ack_mm.data(), n, MSG_DONTWAIT, nullptr);
      if (r > 0) {
        return static_cast<std::size_t>(r);
      }
      if (r < 0 && errno == EINTR) {
        continue;
      }
      if (r < 0 && errno != EAGAIN) {
        return errno;
      }
      pollfd p{fd, POLLIN, 0};
      const int pr = poll(&p, 1, timeout_ms());
      if (pr < 0 && errno != EINTR) {
        return errno;
      }
      if (pr == 0) {
        return ETIMEDOUT;
      }
    }
  }

  /// Datagram i of the last recv_acks(); empty when it did not come from the kernel.
  [[nodiscard]] std::span<const std::uint8_t> ack_datagram(std::size_t i) const {
    if (ack_from[i].nl_pid != 0) {
      return {};
    }
    const std::size_t len = std::min<std::size_t>(ack_mm[i].msg_len, kAckSlotBytes);
    return {ack_rx.data() + i * kAckSlotBytes, len};
  }
  [[nodiscard]] bool ack_truncated(std::size_t i) const {
    return (ack_mm[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
  }

  /// Writes one datagram of requests to the kernel; errno on failure.
  int send_bytes(std::span<const std::uint8_t> b) {
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    for (;;) {
      const ssize_t n =
          sendto(fd, b.data(), b.size(), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel);
      if (n >= 0) {
        return static_cast<std::size_t>(n) == b.size() ? 0 : EMSGSIZE;
      }
      if (errno != EINTR) {
        return errno;
      }
    }
  }

  /// Reads one datagram from the kernel into rx: its bytes, or an errno (ETIMEDOUT after
  /// reply_timeout, ENOBUFS when the kernel had to drop replies, EMSGSIZE if truncated).
  std::variant<std::span<const std::uint8_t>, int> recv_datagram() {
    for (;;) {
      // Read first and poll only when nothing is queued: ACKs are usually already there
      // (the kernel runs requests inside our sendmsg()), so this halves the syscalls.
      sockaddr_nl from{};
      iovec iov{rx.data(), rx.size()};
      msghdr mh{};
      mh.msg_name = &from;
      mh.msg_namelen = sizeof from;
      mh.msg_iov = &iov;
      mh.msg_iovlen = 1;
      const ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        if (errno != EAGAIN) {
          return errno;
        }
        pollfd p{fd, POLLIN, 0};
        const int pr = poll(&p, 1, timeout_ms());
        if (pr < 0 && errno != EINTR) {
          return errno;
        }
        if (pr == 0) {
          return ETIMEDOUT;
        }
        continue;
      }
      if ((mh.msg_flags & MSG_TRUNC) != 0) {
        return EMSGSIZE;
      }
      if (from.nl_pid != 0) {
        continue;  // not from the kernel
      }
      return std::span<const std::uint8_t>(rx.data(), static_cast<std::size_t>(n));
    }
  }

  /// Sends one batch of encoded requests and collects each one's ACK. slots[k] is the index in
  /// ops of the request with sequence number base + k (nullopt: not encoded, not sent).
  void run_batch(std::span<const Op> ops, const std::vector<std::uint8_t>& buf,
                 const std::vector<std::optional<std::size_t>>& slots, std::uint32_t base,
                 std::vector<std::optional<Error>>& out) {
    std::vector<bool> pending(slots.size());
    std::size_t remaining = 0;
    for (std::size_t k = 0; k < slots.size(); ++k) {
      pending[k] = slots[k].has_value();
      remaining += pending[k] ? 1U : 0U;
    }
    const auto error_for = [&](std::size_t k, int err, std::string detail) {
      const Op& op = ops[*slots[k]];
      out[*slots[k]] =
          Error{std::string(ipvs::op_name(op)), ipvs::describe(op), err, std::move(detail)};
    };
    const auto fail_rest = [&](int err, const std::string& detail) {
      for (std::size_t k = 0; k < slots.size(); ++k) {
        if (pending[k]) {
          error_for(k, err, detail);
          pending[k] = false;
        }
      }
      remaining = 0;
    };
    if (remaining == 0) {
      return;
    }
    if (const int err = send_bytes(buf); err != 0) {
      fail_rest(err, "sending the request failed");
      return;
    }
    sent += remaining;
    std::size_t budget = remaining + kStraySlack;
    const auto on_msg = [&](const Msg& m) {
      const std::uint32_t k = m.hdr.nlmsg_seq - base;
      if (m.hdr.nlmsg_type != NLMSG_ERROR || k >= slots.size() || !pending[k]) {
        return;
      }
      pending[k] = false;
      --remaining;
      const auto ack = parse_ack(m, false);
      if (!ack) {
        error_for(k, EBADMSG, "malformed acknowledgement");
      } else if (ack->error != 0) {
        error_for(k, ack->error < 0 ? -ack->error : ack->error, ack->message);
      }
    };
    while (remaining > 0) {
      auto got = recv_acks(remaining);
      if (const int* err = std::get_if<int>(&got)) {
        fail_rest(*err, *err == ETIMEDOUT ? "no acknowledgement from the kernel"
                                          : "acknowledgement lost");
        return;
      }
      const std::size_t n = std::get<0>(got);
      if (n > budget) {
        fail_rest(EPROTO, "too many unexpected netlink messages");
        return;
      }
      budget -= n;
      for (std::size_t i = 0; i < n; ++i) {
        for_each_msg(ack_datagram(i), on_msg, ack_truncated(i));
      }
    }
  }

  /// Sends one query and hands each reply's attribute stream (after the genl header) to
  /// on_reply, until NLMSG_DONE (dumps) or the ACK (single replies). A reply that on_reply
  /// rejects does not stop the draining; its first Error is returned.
  /// IPVS_CMD_GET_DEST dump of one service into `dests`.
  std::optional<Error> dump_dests(const ServiceKey& key, std::map<DestKey, Dest>& dests) {
    const Family af = key.af;
    return query(IPVS_CMD_GET_DEST, true, &key, "dump destinations of", ipvs::describe(key),
                 [&dests, af](std::span<const std::uint8_t> attrs) -> std::optional<Error> {
                   auto body = nested(attrs, IPVS_CMD_ATTR_DEST, "destination");
                   if (!body.ok()) {
                     return body.error();
                   }
                   auto d = netlink::parse_dest(body.value(), af);
                   if (!d.ok()) {
                     return d.error();
                   }
                   const DestKey dk = d.value().key;
                   dests.insert_or_assign(dk, std::move(d).value());
                   return std::nullopt;
                 });
  }

  std::optional<Error> query(
      std::uint8_t cmd, bool is_dump, const ServiceKey* svc, const std::string& op,
      const std::string& object,
      const std::function<std::optional<Error>(std::span<const std::uint8_t>)>& on_reply) {
    const std::uint32_t seq = next_seq();
    const auto req = netlink::encode_query(family, cmd, seq, is_dump, svc);
    if (!req) {
      return Error{op, object, ENOMEM, "cannot build the netlink request"};
    }
    if (const int err = send_bytes(*req); err != 0) {
      return Error{op, object, err, "sending the request failed"};
    }
    ++sent;
    std::optional<Error> first;
    bool done = false;
    std::size_t strays = 0;
    while (!done) {
      auto d = recv_datagram();
      if (const int* err = std::get_if<int>(&d)) {
        return Error{op, object, *err, *err == ETIMEDOUT ? "no reply from the kernel" : ""};
      }
      bool ours = false;
      for_each_msg(std::get<0>(d), [&](const Msg& m) {
        if (done || m.hdr.nlmsg_seq != seq) {
          return;
        }
        ours = true;
        if (m.hdr.nlmsg_type == NLMSG_DONE || m.hdr.nlmsg_type == NLMSG_ERROR) {
          done = true;
          // NLMSG_DONE carries the dump's final status; NLMSG_ERROR the error or 0.
          const auto ack = parse_ack(m, m.hdr.nlmsg_type == NLMSG_DONE);
          if (ack && ack->error != 0 && !first) {
            first = Error{op, object, ack->error < 0 ? -ack->error : ack->error, ack->message};
          }
          return;
        }
        if (m.hdr.nlmsg_type != family || first) {
          return;
        }
        if (m.payload.size() < GENL_HDRLEN) {
          first = netlink::bad_reply(object, "reply shorter than its generic netlink header");
        } else if (auto e = on_reply(m.payload.subspan(GENL_HDRLEN))) {
          first = std::move(e);
        }
      });
      if (!ours && ++strays > kStraySlack) {
        return Error{op, object, EPROTO, "too many unexpected netlink messages"};
      }
    }
    if (first && first->op == "parse") {
      first->detail = first->object + ": " + first->detail;
      first->op = op;
      first->object = object;
    }
    return first;
  }
};

NetlinkBackend::NetlinkBackend(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NetlinkBackend::~NetlinkBackend() = default;

Result<std::unique_ptr<NetlinkBackend>> NetlinkBackend::open(const NetlinkOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->opts = options;
  impl->sock.reset(nl_socket_alloc());
  if (!impl->sock) {
    return os_error("open", "generic netlink socket", ENOMEM);
  }
  if (const int rc = genl_connect(impl->sock.get()); rc < 0) {
    return os_error("open", "generic netlink socket", 0, nl_geterror(rc));
  }
  impl->fd = nl_socket_get_fd(impl->sock.get());

  int id = genl_ctrl_resolve(impl->sock.get(), "IPVS");
  std::string tried;
  if (id < 0 && options.load_module) {
    // As ipvsadm and keepalived do: the family appears once ip_vs is loaded.
    const int st = modprobe_ip_vs();
    tried = st < 0 ? "; /sbin/modprobe ip_vs could not run"
                   : "; /sbin/modprobe ip_vs exited with status " + std::to_string(st);
    id = genl_ctrl_resolve(impl->sock.get(), "IPVS");
  }
  if (id < 0 || id > 0xffff) {
    return Error{"cannot resolve generic netlink family IPVS", "", 0,
                 std::string(nl_geterror(id)) + tried + " — is ip_vs available?"};
  }
  impl->family = static_cast<std::uint16_t>(id);

  // Extended ACK messages, and error ACKs that echo only the request's header.
  const int one = 1;
  setsockopt(impl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
  setsockopt(impl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
  const int rcv = set_buffer(impl->fd, SO_RCVBUFFORCE, SO_RCVBUF, options.socket_buffer_bytes);
  const int snd = set_buffer(impl->fd, SO_SNDBUFFORCE, SO_SNDBUF, options.socket_buffer_bytes);
  // Every ACK of a batch is queued before we read any, so the batch must fit rcvbuf.
  const auto fits = static_cast<std::size_t>(std::max(rcv / kAckCost, 1));
  impl->batch = std::clamp<std::size_t>(std::min(fits, options.max_batch), 1, 1U << 16);
  impl->batch_bytes =
      std::clamp<std::size_t>(static_cast<std::size_t>(std::max(snd / 2, 0)), 4096, kMaxBatchBytes);
  return std::unique_ptr<NetlinkBackend>(new NetlinkBackend(std::move(impl)));
}

Result<std::unique_ptr<Backend>> open_netlink_backend(const NetlinkOptions& options) {
  auto r = NetlinkBackend::open(options);
  if (!r.ok()) {
    return r.error();
  }
  return std::unique_ptr<Backend>(std::move(r).value());
}

std::optional<Error> NetlinkBackend::apply(const Op& op) {
  return std::move(apply_all(std::span<const Op>(&op, 1)).front());
}

std::vector<std::optional<Error>> NetlinkBackend::apply_all(std::span<const Op> ops) {
  std::vector<std::optional<Error>> out(ops.size());
  std::vector<std::uint8_t> buf;
  std::vector<std::optional<std::size_t>> slots;
  std::size_t i = 0;
  while (i < ops.size()) {
    buf.clear();
    slots.clear();
    std::uint32_t base = 0;
    for (; i < ops.size() && slots.size() < impl_->batch && buf.size() < impl_->batch_bytes; ++i) {
      // nl_socket_use_seq() counts up by one, so a batch's sequence numbers are consecutive.
      const std::uint32_t seq = impl_->next_seq();
      if (slots.empty()) {
        base = seq;
      }
      auto req = netlink::encode(ops[i], impl_->family, seq);
      if (!req.ok()) {
        out[i] = req.error();
        slots.emplace_back(std::nullopt);
        continue;
      }
      buf.insert(buf.end(), req.value().begin(), req.value().end());
      slots.emplace_back(i);
    }
    impl_->run_batch(ops, buf, slots, base, out);
  }
  return out;
}

Result<Table> NetlinkBackend::dump() {
  Table t;
  auto err = impl_->query(IPVS_CMD_GET_SERVICE, true, nullptr, "dump", "services",
                          [&t](std::span<const std::uint8_t> attrs) -> std::optional<Error> {
                            auto body = nested(attrs, IPVS_CMD_ATTR_SERVICE, "service");
                            if (!body.ok()) {
                              return body.error();
                            }
                            auto s = netlink::parse_service(body.value());
                            if (!s.ok()) {
                              return s.error();
                            }
                            const ServiceKey key = s.value().key;
                            t.services.insert_or_assign(key, std::move(s).value());
                            return std::nullopt;
                          });
  if (err) {
    return *err;
  }
  for (auto& [key, svc] : t.services) {
    if (err = impl_->dump_dests(key, svc.dests); err) {
      return *err;
    }
  }
  return t;
}

Result<Table> NetlinkBackend::dests_of(std::span<const ServiceKey> keys) {
  Table t;
  for (const ServiceKey& key : keys) {
    Service& svc = t.services[key];
    svc.key = key;
    if (auto err = impl_->dump_dests(key, svc.dests); err) {
      return *err;
    }
  }
  return t;
}

Result<Info> NetlinkBackend::info() {
  Info info;
  auto err = impl_->query(
      IPVS_CMD_GET_INFO, false, nullptr, "get", "IPVS info",
      [&info](std::span<const std::uint8_t> attrs) -> std::optional<Error> {
        using A = Attrs<IPVS_INFO_ATTR_MAX>;
        static const A::Policy policy = [] {
          A::Policy p{};
          p[IPVS_INFO_ATTR_VERSION] = pol(NLA_U32);
          p[IPVS_INFO_ATTR_CONN_TAB_SIZE] = pol(NLA_U32);
          return p;
        }();
        const auto a = A::parse(attrs, policy);
        if (!a || !a->has(IPVS_INFO_ATTR_VERSION) || !a->has(IPVS_INFO_ATTR_CONN_TAB_SIZE)) {
          return netlink::bad_reply("info", "missing or short attribute");
        }
        info.version = a->u32(IPVS_INFO_ATTR_VERSION);
        info.conn_tab_size = a->u32(IPVS_INFO_ATTR_CONN_TAB_SIZE);
        return std::nullopt;
      });
  if (err) {
    return *err;
  }
  return info;
}

Result<Timeouts> NetlinkBackend::timeouts() {
  Timeouts t;
  auto err = impl_->query(IPVS_CMD_GET_CONFIG, false, nullptr, "get", "timeouts",
                          [&t](std::span<const std::uint8_t> attrs) -> std::optional<Error> {
                            using A = Attrs<IPVS_CMD_ATTR_MAX>;
                            static const A::Policy policy = [] {
                              A::Policy p{};
                              p[IPVS_CMD_ATTR_TIMEOUT_TCP] = pol(NLA_U32);
                              p[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN] = pol(NLA_U32);
                              p[IPVS_CMD_ATTR_TIMEOUT_UDP] = pol(NLA_U32);
                              return p;
                            }();
                            const auto a = A::parse(attrs, policy);
                            if (!a) {
                              return netlink::bad_reply("timeouts", "short attribute");
                            }
                            // A protocol built out of the kernel has no timeout attribute.
                            const auto get = [&a](int type) -> std::uint32_t {
                              return a->has(type) ? a->u32(type) : 0;
                            };
                            t.tcp = get(IPVS_CMD_ATTR_TIMEOUT_TCP);
                            t.tcpfin = get(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN);
                            t.udp = get(IPVS_CMD_ATTR_TIMEOUT_UDP);
                            return std::nullopt;
                          });
  if (err) {
    return *err;
  }
  return t;
}

Result<std::vector<SyncDaemon>> NetlinkBackend::daemons() {
  std::vector<SyncDaemon> out;
  auto err = impl_->query(IPVS_CMD_GET_DAEMON, true, nullptr, "dump", "sync daemons",
                          [&out](std::span<const std::uint8_t> attrs) -> std::optional<Error> {
                            auto body = nested(attrs, IPVS_CMD_ATTR_DAEMON, "sync daemon");
                            if (!body.ok()) {
                              return body.error();
                            }
                            auto d = netlink::parse_daemon(body.value());
                            if (!d.ok()) {
                              return d.error();
                            }
                            out.push_back(std::move(d).value());
                            return std::nullopt;
                          });
  if (err) {
    return *err;
  }
  return out;
}

std::uint64_t NetlinkBackend::requests_sent() const {
  return impl_->sent;
}
std::uint16_t NetlinkBackend::family_id() const {
  return impl_->family;
}
std::size_t NetlinkBackend::batch_size() const {
  return impl_->batch;
}

}  // namespace vigil::ipvs
