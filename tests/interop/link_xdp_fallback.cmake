# SPDX-License-Identifier: MIT
# AF_XDP automatic attach falls back to SKB mode after native XDP refuses the veth's MTU
# (ERANGE) (root; exit 77 = skipped). Uses link_xdp_probe from link.cmake.
add_test(NAME interop.link.xdp.fallback_mtu
    COMMAND ${CMAKE_CURRENT_LIST_DIR}/link_xdp_fallback.sh $<TARGET_FILE:link_xdp_probe>)
set_tests_properties(interop.link.xdp.fallback_mtu PROPERTIES
    LABELS "interop;root;link" SKIP_RETURN_CODE 77 TIMEOUT 60)
