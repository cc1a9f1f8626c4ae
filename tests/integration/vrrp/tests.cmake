# SPDX-License-Identifier: GPL-2.0-or-later
# VRRP between two daemons in network namespaces on the host (tests/integration/vrrp/*.sh; see
# README.md there). Test integration.vrrp.<scenario>.<a>-<b>.<mode>: node a runs <a> and is the
# higher priority, node b runs <b>. A daemon that is missing or fails to start is a failed
# test; only a non-root run skips (77).
#
# VIGIL_VRRP_ITEST_REFERENCE adds the keepalived-keepalived pairing, which checks the scripts
# themselves against the reference implementation.
option(VIGIL_VRRP_ITEST_REFERENCE "Also run the VRRP integration tests keepalived-keepalived" OFF)

set(vrrp_itest_dir ${CMAKE_CURRENT_LIST_DIR})
set(vrrp_itest_pairings vigild-keepalived keepalived-vigild vigild-vigild)
if(VIGIL_VRRP_ITEST_REFERENCE)
  list(APPEND vrrp_itest_pairings keepalived-keepalived)
endif()
set(vrrp_itest_modes v2-mcast v3-mcast v2-ucast v3-ucast v3-mcast6)

# vigil_vrrp_itest(SCENARIO MODE...): one test per pairing and mode.
function(vigil_vrrp_itest scenario)
  foreach(pairing IN LISTS vrrp_itest_pairings)
    string(REPLACE "-" ";" impls ${pairing})
    list(GET impls 0 impl_a)
    list(GET impls 1 impl_b)
    foreach(mode IN LISTS ARGN)
      set(name integration.vrrp.${scenario}.${pairing}.${mode})
      add_test(NAME ${name} COMMAND ${vrrp_itest_dir}/${scenario}.sh ${mode})
      # The scenarios share the CPU with nothing else: a starved daemon misses adverts and
      # flaps, which a test would report as a failure of the daemon. TIMEOUT is a backstop far
      # above the scripts' own bounded waits: ctest's kill would skip their cleanup trap.
      set_tests_properties(${name} PROPERTIES
        LABELS integration RUN_SERIAL ON TIMEOUT 900 SKIP_RETURN_CODE 77
        ENVIRONMENT "IMPL_A=${impl_a};IMPL_B=${impl_b};VIGILD=$<TARGET_FILE:vigild>")
    endforeach()
  endforeach()
endfunction()

vigil_vrrp_itest(failover ${vrrp_itest_modes} v2-ah)
vigil_vrrp_itest(dual_master ${vrrp_itest_modes})
# nopreempt and preempt_delay are keepalived knobs above the transport: one mode is enough.
vigil_vrrp_itest(preempt v3-mcast)

# Tracking (vrrp_script, track_file) and notify (script + FIFO) with vigild as the tracking
# node a, against keepalived and against vigild.
foreach(pairing IN ITEMS vigild-keepalived vigild-vigild)
  string(REPLACE "-" ";" impls ${pairing})
  list(GET impls 0 impl_a)
  list(GET impls 1 impl_b)
  set(name integration.vrrp.tracking.${pairing})
  add_test(NAME ${name} COMMAND ${vrrp_itest_dir}/tracking.sh)
  set_tests_properties(${name} PROPERTIES
    LABELS integration RUN_SERIAL ON TIMEOUT 900 SKIP_RETURN_CODE 77
    ENVIRONMENT "IMPL_A=${impl_a};IMPL_B=${impl_b};VIGILD=$<TARGET_FILE:vigild>")
endforeach()

# SIGHUP: unchanged instances keep their state, a broken configuration changes nothing, added
# and removed instances start and stop (vigild as node a).
foreach(impl_b IN ITEMS keepalived vigild)
  set(name integration.vrrp.reload.vigild-${impl_b})
  add_test(NAME ${name} COMMAND ${vrrp_itest_dir}/reload.sh)
  set_tests_properties(${name} PROPERTIES
    LABELS integration RUN_SERIAL ON TIMEOUT 900 SKIP_RETURN_CODE 77
    ENVIRONMENT "IMPL_B=${impl_b};VIGILD=$<TARGET_FILE:vigild>")
endforeach()

# SIGHUP with a sync group and a tracked vrrp_script: unrelated changes keep every instance and
# the script's verdict, a changed member restarts its whole group, a kept instance's script
# monitoring goes on (vigild as node a).
foreach(impl_b IN ITEMS keepalived vigild)
  set(name integration.vrrp.reload_sync.vigild-${impl_b})
  add_test(NAME ${name} COMMAND ${vrrp_itest_dir}/reload_sync.sh)
  set_tests_properties(${name} PROPERTIES
    LABELS integration RUN_SERIAL ON TIMEOUT 900 SKIP_RETURN_CODE 77
    ENVIRONMENT "IMPL_B=${impl_b};VIGILD=$<TARGET_FILE:vigild>")
endforeach()
