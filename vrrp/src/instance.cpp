// SPDX-License-Identifier: GPL-2.0-or-later
// The VRRP state machine (RFC 5798 §6.4, RFC 3768 §6.4) with keepalived 2.2.7's
// behaviour where the RFC leaves room. Every state change goes through
// transition(), the one table of entry and exit actions.
#include "vigil/vrrp/instance.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace vigil::vrrp {
namespace {

constexpr Duration kCentisecond{10'000};
constexpr Duration kSecond{1'000'000};

void earliest(std::optional<TimePoint>& acc, const std::optional<TimePoint>& t) {
  if (t && (!acc || *t < *acc)) {
    acc = t;
  }
}

bool due(const std::optional<TimePoint>& t, TimePoint now) {
  return t && *t <= now;
}

}  // namespace

std::string_view state_name(State s) {
  switch (s) {
    case State::Init:
      return "INIT";
    case State::Backup:
      return "BACKUP";
    case State::Master:
      return "MASTER";
    case State::Fault:
      return "FAULT";
  }
  return "UNKNOWN";
}

std::string_view drop_name(DropReason r) {
  switch (r) {
    case DropReason::Ttl:
      return "ttl";
    case DropReason::Version:
      return "version";
    case DropReason::AuthType:
      return "auth-type";
    case DropReason::AuthFailed:
      return "auth-failed";
    case DropReason::AhSequence:
      return "ah-sequence";
    case DropReason::AdvertInterval:
      return "advert-interval";
    case DropReason::AddressList:
      return "address-list";
    case DropReason::UnicastSource:
      return "unicast-source";
    case DropReason::Family:
      return "family";
    case DropReason::OwnerConflict:
      return "owner-conflict";
    case DropReason::Destination:
      return "destination";
  }
  return "unknown";
}

Instance::Instance(Settings s, HmacMd5 hmac)
    : settings_(std::move(s)),
      hmac_(std::move(hmac)),
      master_adver_interval_(settings_.advert_int) {
  if (settings_.unicast_src_ip) {
    local_address_ = settings_.unicast_src_ip;
  } else if (settings_.mcast_src_ip) {
    local_address_ = settings_.mcast_src_ip;
  }
}

void Instance::set_local_address(const config::IpAddress& a) {
  local_address_ = a;
}

std::uint8_t Instance::effective_priority() const {
  if (settings_.owner()) {
    return kPriorityOwner;  // RFC 5798 §5.2.4: the owner always advertises 255
  }
  const int p = std::clamp(static_cast<int>(settings_.priority) + priority_delta_, 1, 254);
  return static_cast<std::uint8_t>(p);
}

Duration Instance::own_master_down_interval() const {
  return master_down_interval(settings_.version, effective_priority(), master_adver_interval_,
                              settings_.down_timer_adverts);
}

Advert Instance::make_advert(std::uint8_t priority) {
  Advert a;
  a.version = static_cast<std::uint8_t>(settings_.version);
  a.vrid = settings_.vrid;
  a.priority = priority;
  a.addresses = settings_.vips;
  a.addr_count = static_cast<std::uint8_t>(std::min<std::size_t>(a.addresses.size(), 255));
  if (settings_.version == 2) {
    a.auth_type = settings_.auth_type;
    if (settings_.auth_type == AuthType::Pass) {
      a.auth_data = settings_.auth_key;  // RFC 2338 §5.3.6.1
    }
    a.adver_int_s = static_cast<std::uint8_t>(std::clamp<std::int64_t>(
        settings_.advert_int / kSecond, 1, 255));  // RFC 3768 §5.3.7: whole seconds
  } else {
    a.max_adver_int_cs = static_cast<std::uint16_t>(std::clamp<std::int64_t>(
        settings_.advert_int / kCentisecond, 1, 4095));  // RFC 5798 §5.2.7: centiseconds
  }
  return a;
}

void Instance::emit_advert(std::vector<Action>& out, std::uint8_t priority) {
  SendAdvert s{make_advert(priority), 0};
  if (settings_.auth_type == AuthType::Ah) {
    s.ah_seq = ++ah_seq_tx_;
  }
  ++counters_.adverts_tx;
  if (priority == 0) {
    ++counters_.priority_zero_tx;
  }
  out.emplace_back(std::move(s));
}

void Instance::drop(std::vector<Action>& out, DropReason r, std::string text) {
  ++counters_.drops[static_cast<std::size_t>(r)];
  out.emplace_back(Dropped{r, std::move(text)});
}

std::vector<Action> Instance::transition(TimePoint now, State to, std::string reason) {
  std::vector<Action> out;
  const State from = state_;
  if (from == to) {
    return out;
  }
  // Exit actions.
  if (from == State::Master) {
    ++counters_.left_master;
    if (to == State::Fault || to == State::Init) {
      // RFC 5798 §6.4.3 (Shutdown): send an advert with priority 0 so a Backup takes over
      // after Skew_Time; keepalived does the same when a Master goes to FAULT.
      emit_advert(out, 0);
    }
    out.emplace_back(ReleaseVips{});
    adver_timer_.reset();
    garp_delay_timer_.reset();
    garp_refresh_timer_.reset();
  }
  master_down_timer_.reset();
  state_ = to;
  // Entry actions.
  switch (to) {
    case State::Master:
      // RFC 5798 §6.4.1 / §6.4.2: send an ADVERTISEMENT, then (keepalived order) add the
      // VIPs and announce them; set Adver_Timer to Advertisement_Interval.
      ++counters_.became_master;
      master_adver_interval_ = settings_.advert_int;
      emit_advert(out, effective_priority());
      out.emplace_back(AcquireVips{});
      out.emplace_back(SendGratuitous{std::max(1, settings_.garp_master_repeat)});
      adver_timer_ = now + settings_.advert_int;
      if (settings_.garp_master_delay.count() > 0) {
        garp_delay_timer_ = now + settings_.garp_master_delay;
        garp_delay_repeat_ = std::max(1, settings_.garp_master_repeat);
      }
      if (settings_.garp_master_refresh.count() > 0) {
        garp_refresh_timer_ = now + settings_.garp_master_refresh;
      }
      ah_seq_rx_.reset();
      preempt_time_.reset();
      break;
    case State::Backup:
      // RFC 5798 §6.4.1: Master_Adver_Interval = Advertisement_Interval and
      // Master_Down_Timer = Master_Down_Interval. keepalived.conf(5) preempt_delay: after a
      // start (or leaving FAULT) the takeover waits preempt_delay longer.
      if (from != State::Master) {
        master_adver_interval_ = settings_.advert_int;
      }
      master_down_timer_ = now + own_master_down_interval();
      if ((from == State::Init || from == State::Fault) && settings_.preempt &&
          settings_.preempt_delay.count() > 0) {
        preempt_time_ = now + settings_.preempt_delay;
        *master_down_timer_ += settings_.preempt_delay;
      }
      break;
    case State::Init:
    case State::Fault:
      preempt_time_.reset();
      last_master_.reset();
      break;
  }
  out.emplace_back(StateChanged{from, to, std::move(reason)});
  return out;
}

std::vector<Action> Instance::start(TimePoint now) {
  if (state_ != State::Init) {
    return {};
  }
  if (faulted_) {
    return transition(now, State::Fault, "fault at startup");
  }
  // RFC 5798 §6.4.1: if Priority = 255 (the owner), become Master at once.
  if (settings_.owner()) {
    return transition(now, State::Master, "address owner (priority 255)");
  }
  // Otherwise Backup with Master_Down_Timer = Master_Down_Interval, `state MASTER` or not:
  // a node that has not heard the current Master must not take over sooner (keepalived
  // 2.2.7 does the same; measured in bench/vrrp_bench.sh).
  return transition(now, State::Backup, "startup");
}

std::optional<Dropped> Instance::validate(const Inbound& in) {
  const Advert& a = in.advert;
  auto fail = [](DropReason r, std::string text) {
    return std::optional<Dropped>(Dropped{r, std::move(text)});
  };
  if (in.src.family != settings_.family) {
    return fail(DropReason::Family, fmt::format("advert from {} is not {}", in.src.str(),
                                                config::family_name(settings_.family)));
  }
  // keepalived: multicast expected without unicast peers and unicast with them.
  if (in.dst.is_multicast() == settings_.unicast()) {
    return fail(DropReason::Destination,
                fmt::format("expected {}cast packet, got one to {}",
                            settings_.unicast() ? "uni" : "multi", in.dst.str()));
  }
  // RFC 5798 §7.1 / RFC 3768 §7.1: MUST verify that the TTL / hop limit is 255 (keepalived
  // skips this for unicast, where peers' min_ttl/max_ttl apply instead).
  if (!settings_.unicast() && in.ttl != 255) {
    return fail(DropReason::Ttl, fmt::format("TTL {} from {}, expected 255", in.ttl, in.src.str()));
  }
  if (a.version != settings_.version) {
    return fail(DropReason::Version, fmt::format("version {} from {}, expected {}", a.version,
                                                 in.src.str(), settings_.version));
  }
  if (settings_.version == 2) {
    // RFC 3768 §7.1 / RFC 2338 §5.3.6: MUST perform the authentication of our Auth Type.
    const bool want_ah = settings_.auth_type == AuthType::Ah;
    if (a.auth_type != settings_.auth_type || want_ah != in.ah.has_value()) {
      return fail(DropReason::AuthType,
                  fmt::format("auth type {} ({}AH header) from {}, expected {}",
                              static_cast<int>(a.auth_type), in.ah ? "" : "no ", in.src.str(),
                              static_cast<int>(settings_.auth_type)));
    }
    if (settings_.auth_type == AuthType::Pass && !verify_pass(a, settings_.auth_key)) {
      return fail(DropReason::AuthFailed, fmt::format("invalid password from {}", in.src.str()));
    }
    if (want_ah) {
      if (!verify_ah(in.ah->ip_packet, settings_.auth_key, hmac_, settings_.unicast())) {
        return fail(DropReason::AuthFailed,
                    fmt::format("invalid AH ICV or SPI from {}", in.src.str()));
      }
      // keepalived: the sequence number must grow (anti-replay).
      if (ah_seq_rx_ && in.ah->seq <= *ah_seq_rx_) {
        return fail(DropReason::AhSequence, fmt::format("AH sequence {} from {} not above {}",
                                                        in.ah->seq, in.src.str(), *ah_seq_rx_));
      }
      ah_seq_rx_ = in.ah->seq;
    }
    // RFC 3768 §7.1: MUST verify that the Adver Interval matches ours (else discard).
    if (Duration(a.adver_int_s * kSecond) != settings_.advert_int) {
      return fail(DropReason::AdvertInterval,
                  fmt::format("advert interval {}s from {}, ours {}s", a.adver_int_s, in.src.str(),
                              settings_.advert_int / kSecond));
    }
  }
  // RFC 5798 §7.1: MAY verify the address list. keepalived drops a mismatch; with
  // skip_check_adv_addr it only checks adverts from a different Master than the last.
  const bool check_addr =
      state_ == State::Master || !settings_.skip_check_adv_addr || last_master_ != in.src;
  if (check_addr) {
    if (a.addresses.size() != settings_.vips.size()) {
      return fail(DropReason::AddressList,
                  fmt::format("{} addresses from {}, expected {}", a.addresses.size(), in.src.str(),
                              settings_.vips.size()));
    }
    for (const config::IpAddress& vip : settings_.vips) {
      if (std::find(a.addresses.begin(), a.addresses.end(), vip) == a.addresses.end()) {
        return fail(DropReason::AddressList,
                    fmt::format("{} missing from the advert of {}", vip.str(), in.src.str()));
      }
    }
  }
  if (settings_.unicast() && settings_.check_unicast_src) {
    const auto peer = std::find_if(settings_.unicast_peers.begin(), settings_.unicast_peers.end(),
                                   [&](const UnicastPeer& p) { return p.address == in.src; });
    if (peer == settings_.unicast_peers.end()) {
      return fail(DropReason::UnicastSource,
                  fmt::format("unicast source {} is not a unicast peer", in.src.str()));
    }
    if (in.ttl < peer->min_ttl || in.ttl > peer->max_ttl) {
      return fail(DropReason::Ttl, fmt::format("TTL {} from {} not in {}..{}", in.ttl, in.src.str(),
                                               peer->min_ttl, peer->max_ttl));
    }
  }
  return std::nullopt;
}

std::vector<Action> Instance::on_advert(TimePoint now, const Inbound& in) {
  std::vector<Action> out;
  if (state_ != State::Backup && state_ != State::Master) {
    return out;  // Init and Fault do not listen
  }
  ++counters_.adverts_rx;
  if (std::optional<Dropped> d = validate(in)) {
    drop(out, d->reason, std::move(d->text));
    return out;
  }
  if (in.advert.priority == 0) {
    ++counters_.priority_zero_rx;
  }
  if (state_ == State::Backup) {
    backup_advert(now, in, out);
  } else {
    master_advert(now, in, out);
  }
  return out;
}

void Instance::backup_advert(TimePoint now, const Inbound& in, std::vector<Action>& out) {
  (void)out;
  const Advert& a = in.advert;
  const std::uint8_t mine = effective_priority();
  if (a.priority == 0) {
    // RFC 5798 §6.4.2: priority 0 -> Master_Down_Timer = Skew_Time.
    master_down_timer_ = now + skew_time(settings_.version, mine, master_adver_interval_);
    return;
  }
  // RFC 5798 §6.4.2: if Preempt_Mode is False, or the advert's priority is >= ours, accept
  // it; keepalived also accepts lower-priority adverts while preempt_delay runs.
  const bool delaying =
      settings_.preempt_delay.count() > 0 && (!preempt_time_ || *preempt_time_ > now);
  if (!settings_.preempt || a.priority >= mine || delaying) {
    if (settings_.version == 3) {
      // RFC 5798 §6.4.2: Master_Adver_Interval = the advert's Max Adver Interval.
      master_adver_interval_ = Duration(a.max_adver_int_cs * kCentisecond);
    }
    master_down_timer_ = now + own_master_down_interval();
    last_master_ = in.src;
    if (settings_.preempt_delay.count() > 0) {
      if (a.priority >= mine) {
        preempt_time_.reset();
      } else if (!preempt_time_) {
        preempt_time_ = now + settings_.preempt_delay;  // start the preempt delay
      }
    }
    return;
  }
  // Lower priority with preemption: discard; Master_Down_Timer keeps running.
  last_master_ = in.src;
}

void Instance::master_advert(TimePoint now, const Inbound& in, std::vector<Action>& out) {
  const Advert& a = in.advert;
  int cmp = 0;  // sign of (their primary address - ours), RFC 5798 §6.4.3
  if (local_address_ && local_address_->family == in.src.family) {
    cmp = in.src < *local_address_ ? -1 : (*local_address_ < in.src ? 1 : 0);
  }
  if (a.priority == 0) {
    // RFC 5798 §6.4.3: priority 0 -> send an ADVERTISEMENT and reset Adver_Timer.
    emit_advert(out, effective_priority());
    adver_timer_ = now + settings_.advert_int;
    return;
  }
  if (a.priority == effective_priority() && effective_priority() == kPriorityOwner && cmp != 0) {
    // keepalived: two owners is a configuration error; lower ours to 254 and carry on.
    settings_.priority = kPriorityOwner - 1;
    drop(
        out, DropReason::OwnerConflict,
        fmt::format("{} also claims address ownership; our priority lowered to 254", in.src.str()));
  }
  const std::uint8_t mine = effective_priority();
  if (a.priority < mine || (a.priority == mine && cmp < 0)) {
    // keepalived: a lower-priority Master exists; unless lower_prio_no_advert, advertise at
    // once to force a new election, and refresh ARP caches (garp_lower_prio_*).
    if (in.ah) {
      ah_seq_tx_ = in.ah->seq;  // keepalived syncs its AH sequence past the other's
    }
    if (!settings_.lower_prio_no_advert) {
      emit_advert(out, mine);
    }
    if (settings_.garp_lower_prio_repeat > 0) {
      out.emplace_back(SendGratuitous{settings_.garp_lower_prio_repeat});
      if (settings_.garp_lower_prio_delay.count() > 0) {
        garp_delay_timer_ = now + settings_.garp_lower_prio_delay;
        garp_delay_repeat_ = settings_.garp_lower_prio_repeat;
      }
    }
    return;
  }
  if (a.priority > mine || cmp > 0) {
    // RFC 5798 §6.4.3: higher priority, or equal with a greater primary address -> Backup.
    if (settings_.higher_prio_send_advert) {
      emit_advert(out, mine);  // keepalived higher_prio_send_advert
    }
    std::vector<Action> t =
        transition(now, State::Backup,
                   fmt::format("higher priority {} advert from {}", a.priority, in.src.str()));
    if (settings_.version == 3) {
      master_adver_interval_ = Duration(a.max_adver_int_cs * kCentisecond);
      master_down_timer_ = now + own_master_down_interval();
    }
    last_master_ = in.src;
    std::move(t.begin(), t.end(), std::back_inserter(out));
  }
  // Equal priority and our own address: ignore (keepalived only warns).
}

std::vector<Action> Instance::on_deadline(TimePoint now) {
  std::vector<Action> out;
  if (state_ == State::Backup) {
    if (due(master_down_timer_, now)) {
      // RFC 5798 §6.4.2: Master_Down_Timer fired -> transition to Master.
      return transition(now, State::Master, "master down timer expired");
    }
    return out;
  }
  if (state_ != State::Master) {
    return out;
  }
  if (due(adver_timer_, now)) {
    // RFC 5798 §6.4.3: Adver_Timer fired -> send an ADVERTISEMENT, reset the timer.
    emit_advert(out, effective_priority());
    adver_timer_ = now + settings_.advert_int;
  }
  if (due(garp_delay_timer_, now)) {
    out.emplace_back(SendGratuitous{garp_delay_repeat_});  // garp_master_delay second burst
    garp_delay_timer_.reset();
  }
  if (due(garp_refresh_timer_, now)) {
    out.emplace_back(SendGratuitous{std::max(1, settings_.garp_master_refresh_repeat)});
    garp_refresh_timer_ = now + settings_.garp_master_refresh;
  }
  return out;
}

std::vector<Action> Instance::set_fault(TimePoint now, bool faulted, std::string reason) {
  faulted_ = faulted;
  if (state_ == State::Init) {
    return {};  // start() looks at faulted_
  }
  if (faulted) {
    return transition(now, State::Fault, std::move(reason));
  }
  if (state_ != State::Fault) {
    return {};
  }
  // Leaving FAULT is a new start (RFC 5798 §6.4.1).
  if (settings_.owner()) {
    return transition(now, State::Master, std::move(reason));
  }
  return transition(now, State::Backup, std::move(reason));
}

std::vector<Action> Instance::set_priority_delta(TimePoint now, int delta) {
  const std::uint8_t before = effective_priority();
  priority_delta_ = delta;
  std::vector<Action> out;
  if (state_ == State::Master && effective_priority() != before) {
    // Tell the Backups at once rather than at the next Adver_Timer.
    emit_advert(out, effective_priority());
    adver_timer_ = now + settings_.advert_int;
  }
  return out;
}

std::vector<Action> Instance::force_state(TimePoint now, State target, std::string reason) {
  if (state_ == State::Init || target == State::Init) {
    return {};
  }
  if (state_ == State::Fault && faulted_) {
    return {};  // our own tracking still faults: stay in Fault
  }
  return transition(now, target, std::move(reason));
}

std::vector<Action> Instance::shutdown(TimePoint now) {
  faulted_ = false;
  return transition(now, State::Init, "shutdown");
}

std::optional<TimePoint> Instance::next_deadline() const {
  std::optional<TimePoint> t;
  if (state_ == State::Backup) {
    earliest(t, master_down_timer_);
  } else if (state_ == State::Master) {
    earliest(t, adver_timer_);
    earliest(t, garp_delay_timer_);
    earliest(t, garp_refresh_timer_);
  }
  return t;
}

}  // namespace vigil::vrrp
