// SPDX-License-Identifier: GPL-2.0-or-later
// The probe of each checker kind; make_probe() (probe.hpp) picks one.
#pragma once

#include <memory>

#include "vigil/hc/io/probe.hpp"

namespace vigil::hc::io {

// TCP_CHECK, SMTP_CHECK, DNS_CHECK, UDP_CHECK, PING_CHECK (src/io/{tcp,smtp,dns,udp,ping}.cpp).
std::unique_ptr<Probe> make_tcp_probe(ProbeEnv& env, const CheckDef& def);
std::unique_ptr<Probe> make_smtp_probe(ProbeEnv& env, const CheckDef& def);
std::unique_ptr<Probe> make_dns_probe(ProbeEnv& env, const CheckDef& def);
std::unique_ptr<Probe> make_udp_probe(ProbeEnv& env, const CheckDef& def);
std::unique_ptr<Probe> make_ping_probe(ProbeEnv& env, const CheckDef& def);

// HTTP_GET and SSL_GET (libcurl), MISC_CHECK, FILE_CHECK (src/io/{http,misc,file}.cpp).
std::unique_ptr<Probe> make_http_probe(ProbeEnv& env, const CheckDef& def);
std::unique_ptr<Probe> make_misc_probe(ProbeEnv& env, const CheckDef& def);
std::unique_ptr<Probe> make_file_probe(ProbeEnv& env, const CheckDef& def);

}  // namespace vigil::hc::io
