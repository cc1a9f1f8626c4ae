# SPDX-License-Identifier: GPL-2.0-or-later
# Health checkers end to end: the LVS-DR failure drills (tests/vm/hc/lab.sh) with vigild, and
# the same lab with keepalived 2.2.7, which checks the lab itself.
set(hc_vm_dir ${CMAKE_CURRENT_LIST_DIR})
vigil_add_vm_test(NAME hc_lab TIMEOUT 300
  COMMAND ${hc_vm_dir}/lab.sh $<TARGET_FILE:vigild> vigild)
vigil_add_vm_test(NAME hc_lab_keepalived TIMEOUT 300
  COMMAND ${hc_vm_dir}/lab.sh keepalived keepalived)
vigil_add_vm_test(NAME hc_reload TIMEOUT 300
  COMMAND ${hc_vm_dir}/reload.sh $<TARGET_FILE:vigild>)
