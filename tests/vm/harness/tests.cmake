# SPDX-License-Identifier: GPL-2.0-or-later
# The VM harness's own tests.
vigil_add_vm_test(NAME harness_ipvs TIMEOUT 120 COMMAND tests/vm/harness/ipvs.sh)
vigil_add_vm_test(NAME harness_env TIMEOUT 120 ENV VIGIL_VM_TEST_TOKEN
  COMMAND tests/vm/harness/env.sh ${CMAKE_SOURCE_DIR})
set_tests_properties(vm.harness_env PROPERTIES
  ENVIRONMENT "VIGIL_VM_TEST_TOKEN=a 'quoted' $value")

# On the host: a guest cannot start guests. It boots five, one at a time.
add_test(NAME vm.harness_exit_code COMMAND ${CMAKE_CURRENT_LIST_DIR}/exit_code.sh)
set_tests_properties(vm.harness_exit_code PROPERTIES LABELS vm TIMEOUT 300)
vigil_vm_slot(vm.harness_exit_code)
