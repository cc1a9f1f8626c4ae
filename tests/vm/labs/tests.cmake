# SPDX-License-Identifier: GPL-2.0-or-later
# The LVS labs end to end (tests/vm/labs/lab.sh): a VRRP pair of directors running the whole
# daemon, LVS-NAT, LVS-DR, dual-master LVS-DR, persistence and an fwmark service, with the
# failure, failover, reload and broken-reload drills checked from the client. Each test boots
# one guest for several labs (boots are the expensive part under TCG). The PAIR argument says
# what runs on dir1 and dir2: a vigild pair, and a mixed pair (vigild on dir1, keepalived
# 2.2.7 on dir2) that must pass the same drills.
set(labs_vm_dir ${CMAKE_CURRENT_LIST_DIR})
foreach(pair vigild-vigild vigild-keepalived)
  string(REPLACE "-" "_" pair_name ${pair})
  vigil_add_vm_test(NAME labs_${pair_name}_nat_dr TIMEOUT 420
    COMMAND ${labs_vm_dir}/lab.sh $<TARGET_FILE:vigild> ${pair} nat dr)
  vigil_add_vm_test(NAME labs_${pair_name}_dual_persist TIMEOUT 420
    COMMAND ${labs_vm_dir}/lab.sh $<TARGET_FILE:vigild> ${pair} dual persist)
endforeach()
