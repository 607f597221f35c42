# SPDX-License-Identifier: MIT
# wire fuzz targets: one per parser, each asserting that parse -> emit -> parse is the identity,
# plus wire_frame (any frame through the pretty printer and every parser). Seeds in
# fuzz/corpus/wire_<name>/ were cut from tests/fixtures/pcap.
foreach(target ethernet arp ipv4 icmpv4 udp tcp frame)
    netrig_fuzz(wire_${target} SOURCES ${CMAKE_CURRENT_LIST_DIR}/wire/${target}.cpp DEPS wire base)
endforeach()
