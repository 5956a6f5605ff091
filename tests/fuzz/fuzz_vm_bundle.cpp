// SPDX-License-Identifier: Apache-2.0
// The VM bundle parser on arbitrary bytes: whatever it accepts, every image
// it returns is a view inside the bundle, the VM count fits the table, every
// memory-size is one the guest-physical space holds and every paging mode is
// one of the three a guest may be offered.

#include "fuzz_support.hpp"
#include "platform/paging_mode.hpp"
#include "vm/vm_bundle.hpp"

using namespace halyard;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::reset_fakes();
    VmSpec specs[4];
    const Result<unsigned> read = read_vm_bundle(Fdt::from(data, size), specs);
    const unsigned count = read.value_or(0);
    FUZZ_CHECK(!read || (count >= 1 && count <= 4));
    for (unsigned i = 0; i < count; ++i) {
        FUZZ_CHECK(specs[i].memory_size >= 1 && specs[i].memory_size <= kMaxGuestMemorySize);
        const PagingMode mode = specs[i].paging_mode;
        FUZZ_CHECK(mode == PagingMode::kSv39 || mode == PagingMode::kSv48 ||
                   mode == PagingMode::kSv57);
        const VmImage& image = specs[i].image;
        FUZZ_CHECK(!image.kernel.empty());
        FUZZ_CHECK(fuzz::within(image.kernel.data(), image.kernel.size(), data, size));
        if (!image.initrd.empty())
            FUZZ_CHECK(fuzz::within(image.initrd.data(), image.initrd.size(), data, size));
        if (!image.dtb.empty())
            FUZZ_CHECK(fuzz::within(image.dtb.data(), image.dtb.size(), data, size));
        if (!image.bootargs.empty())
            FUZZ_CHECK(fuzz::within(image.bootargs.data(), image.bootargs.size(), data, size));
    }
    return 0;
}
