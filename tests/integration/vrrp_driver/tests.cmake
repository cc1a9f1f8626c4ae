# SPDX-License-Identifier: GPL-2.0-or-later
# The VRRP driver (status, counters, STATS_CLEAR, the state listener, reload plan) against a
# real peer daemon, keepalived or vigild, in two network namespaces created and removed by
# run.sh (needs root; exits 77 = skipped where it cannot run).
add_executable(vrrp_driver_netns_test ${CMAKE_CURRENT_LIST_DIR}/driver_test.cpp)
target_link_libraries(vrrp_driver_netns_test PRIVATE vigil_vrrp_io vigil_vrrp_core vigil_config
  vigil_warnings Catch2::Catch2WithMain)
set(vrrp_driver_peers "keepalived=/usr/sbin/keepalived" "vigild=$<TARGET_FILE:vigild>")
foreach(peer IN LISTS vrrp_driver_peers)
  string(REPLACE "=" ";" parts "${peer}")
  list(GET parts 0 peer_name)
  list(GET parts 1 peer_bin)
  add_test(NAME vrrp_driver.netns.${peer_name}
    COMMAND ${CMAKE_CURRENT_LIST_DIR}/run.sh ${peer_bin} $<TARGET_FILE:vrrp_driver_netns_test>)
  set_tests_properties(vrrp_driver.netns.${peer_name} PROPERTIES
    LABELS integration RUN_SERIAL ON SKIP_RETURN_CODE 77 TIMEOUT 120)
endforeach()
