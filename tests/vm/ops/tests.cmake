# SPDX-License-Identifier: GPL-2.0-or-later
# The daemon's state surfaces against a real IPVS kernel: status (text and JSON), the
# metrics endpoint, reload --dry-run, and a rejected reload that changes nothing.
set(ops_vm_dir ${CMAKE_CURRENT_LIST_DIR})
vigil_add_vm_test(NAME ops_status TIMEOUT 300
  COMMAND ${ops_vm_dir}/status.sh $<TARGET_FILE:vigild>)
