// SPDX-License-Identifier: GPL-2.0-or-later
// The typed configuration model: one struct per keepalived.conf block, with the
// keyword as the field name. Every struct has a defaulted operator== so a reload
// can diff old and new models. Families live in their own headers.
#pragma once

#include "vigil/config/model_bfd.hpp"
#include "vigil/config/model_common.hpp"
#include "vigil/config/model_global.hpp"
#include "vigil/config/model_lvs.hpp"
#include "vigil/config/model_net.hpp"
#include "vigil/config/model_vrrp.hpp"

namespace vigil::config {

struct Model {
  GlobalConfig global;  ///< global_defs and the other top-level global blocks
  VrrpConfig vrrp;      ///< vrrp_* blocks, track_file, garp_group
  BfdConfig bfd;        ///< bfd_instance
  LvsConfig lvs;        ///< virtual_server(_group), SSL
  bool operator==(const Model&) const = default;
};

}  // namespace vigil::config
