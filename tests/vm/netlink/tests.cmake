# SPDX-License-Identifier: GPL-2.0-or-later
# The IPVS netlink backend against a real kernel. test_ipvs_netlink runs as root
# in a fresh guest (it brings lo up itself); its "[parse]" cases need no kernel
# and also run on the host: test_ipvs_netlink "[parse]".
add_executable(test_ipvs_netlink ${CMAKE_CURRENT_LIST_DIR}/ipvs_netlink_test.cpp)
target_link_libraries(test_ipvs_netlink PRIVATE vigil_ipvs_netlink vigil_warnings
  Catch2::Catch2WithMain)
set_target_properties(test_ipvs_netlink PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/netlink)
vigil_add_vm_test(NAME ipvs_netlink COMMAND $<TARGET_FILE:test_ipvs_netlink> TIMEOUT 600)
# The reply parsers' robustness cases (malformed, short and random replies) on
# the host too, so the ASan/UBSan run covers them.
add_test(NAME ipvs_netlink_parse COMMAND test_ipvs_netlink "[parse]" --use-colour no)
set_tests_properties(ipvs_netlink_parse PROPERTIES LABELS unit)
