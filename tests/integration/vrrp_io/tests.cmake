# SPDX-License-Identifier: GPL-2.0-or-later
# The VRRP network adapters (vigil_vrrp_io) against a real kernel: two network
# namespaces joined by a veth pair, created and removed by run.sh (needs root;
# exits 77 = skipped where it cannot run).
add_executable(vrrp_io_netns_test ${CMAKE_CURRENT_LIST_DIR}/netns_test.cpp)
target_link_libraries(vrrp_io_netns_test PRIVATE vigil_vrrp_io vigil_vrrp_core vigil_config
  nlohmann_json::nlohmann_json vigil_warnings Catch2::Catch2WithMain)
add_test(NAME vrrp_io.netns
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/run.sh $<TARGET_FILE:vrrp_io_netns_test>)
set_tests_properties(vrrp_io.netns PROPERTIES LABELS integration SKIP_RETURN_CODE 77 TIMEOUT 120)
