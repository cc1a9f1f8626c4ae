# SPDX-License-Identifier: GPL-2.0-or-later
# vigild -C against a real kernel's IPVS (see tests/vm/ipvs/*.sh).
set(ipvs_vm_dir ${CMAKE_CURRENT_LIST_DIR})
vigil_add_vm_test(NAME ipvs_matrix TIMEOUT 900
  COMMAND ${ipvs_vm_dir}/matrix.sh $<TARGET_FILE:vigild> ${CMAKE_SOURCE_DIR}/tests/golden/ipvs)
vigil_add_vm_test(NAME ipvs_scale TIMEOUT 900 MEM 1024
  COMMAND ${ipvs_vm_dir}/scale.sh $<TARGET_FILE:vigild>)
vigil_add_vm_test(NAME ipvs_drift TIMEOUT 300
  COMMAND ${ipvs_vm_dir}/drift.sh $<TARGET_FILE:vigild>)
vigil_add_vm_test(NAME ipvs_refused TIMEOUT 300
  COMMAND ${ipvs_vm_dir}/refused.sh $<TARGET_FILE:vigild>)
vigil_add_vm_test(NAME ipvs_flush TIMEOUT 300
  COMMAND ${ipvs_vm_dir}/flush.sh $<TARGET_FILE:vigild>)
# A real server removed by a reload drains at weight 0 (its connection lives on), then goes
# when the connection ends or --drain-timeout passes (LVS-DR lab of tests/vm/hc/lib.sh).
vigil_add_vm_test(NAME ipvs_drain TIMEOUT 300
  COMMAND ${ipvs_vm_dir}/drain.sh $<TARGET_FILE:vigild>)
# lvs_sync_daemon follows the VRRP instance: backup sync daemon, then master once MASTER.
vigil_add_vm_test(NAME ipvs_sync_vrrp TIMEOUT 300
  COMMAND ${ipvs_vm_dir}/sync_vrrp.sh $<TARGET_FILE:vigild>)
